/*
 * think.c: a streamed answer split into thinking and answer by the chat library's parser. See
 * think.h.
 *
 * The raw text collects in a buffer; after each piece the parser reads all of it as a partial
 * output, and whatever each part (thinking, answer) gained since the last time is passed on. The
 * sent length of each part only moves forward (a part the parser shortens is not sent again), so
 * each callback sees one growing text, as a terminal or an SSE stream needs.
 *
 * Tool calls follow the same rule: a call is announced when its name can no longer grow (its
 * arguments have begun, a later call has begun, or the output is final), and its arguments are
 * passed on only while the parsed text extends what was already sent, so the pieces always add up
 * to the call's arguments.
 */
#include "llm/think.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "base/buf.h"

/* What was passed on of one tool call. */
struct call_state {
    char id[40];
    bool announced;
    struct sym_buf args; /* the arguments sent so far */
};

struct sym_think {
    const struct sym_chat_prompt *prompt;
    sym_llm_text_fn on_content, on_reasoning;
    sym_think_tool_fn on_tool_call;
    void *data;
    struct sym_buf raw;       /* everything generated so far */
    struct sym_buf reasoning; /* the thinking as last parsed */
    size_t sent_content, sent_reasoning;
    struct call_state *calls;
    size_t n_calls;
    struct sym_buf final_calls; /* the finished "tool_calls" array; empty when none */
    size_t n_final_calls;
    int stopped; /* a callback asked to stop */
};

enum sym_status sym_think_init(struct sym_think **out, const struct sym_chat_prompt *p,
                               sym_llm_text_fn on_content, sym_llm_text_fn on_reasoning, void *data)
{
    struct sym_think *t = calloc(1, sizeof *t);

    *out = NULL;
    if (!t)
        return SYM_ERR_NOMEM;
    t->prompt = p;
    t->on_content = on_content;
    t->on_reasoning = on_reasoning;
    t->data = data;
    *out = t;
    return SYM_OK;
}

void sym_think_free(struct sym_think *t)
{
    if (!t)
        return;
    sym_buf_free(&t->raw);
    sym_buf_free(&t->reasoning);
    for (size_t i = 0; i < t->n_calls; i++)
        sym_buf_free(&t->calls[i].args);
    free(t->calls);
    sym_buf_free(&t->final_calls);
    free(t);
}

void sym_think_on_tool_call(struct sym_think *t, sym_think_tool_fn on_tool_call)
{
    t->on_tool_call = on_tool_call;
}

/* A call id as OpenAI writes them: "call_" and 24 letters and digits, from the kernel's random
 * source (the clock when it has none: an id need only be unique within a conversation). */
static void make_id(char *id, size_t size)
{
    static const char alnum[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    static unsigned counter;
    unsigned char r[24];
    size_t i;

    if (getrandom(r, sizeof r, GRND_NONBLOCK) != (ssize_t)sizeof r) {
        unsigned long x = (unsigned long)time(NULL) * 2654435761u + ++counter;

        for (i = 0; i < sizeof r; i++) {
            x = x * 6364136223846793005u + 1442695040888963407u;
            r[i] = (unsigned char)(x >> 33);
        }
    }
    snprintf(id, size, "call_");
    for (i = 0; i < sizeof r && 5 + i + 1 < size; i++)
        id[5 + i] = alnum[r[i] % (sizeof alnum - 1)];
    id[5 + i] = '\0';
}

/* Pass on what call i gained; complete: its name can no longer grow. */
static enum sym_status tool_call_step(struct sym_think *t, size_t i,
                                      const struct sym_chat_tool_call *c, bool complete)
{
    struct call_state *st;
    size_t n;

    if (i >= t->n_calls) {
        struct call_state *more = realloc(t->calls, (i + 1) * sizeof *more);

        if (!more)
            return SYM_ERR_NOMEM;
        t->calls = more;
        for (; t->n_calls <= i; t->n_calls++) {
            memset(&more[t->n_calls], 0, sizeof *more);
            make_id(more[t->n_calls].id, sizeof more[t->n_calls].id);
        }
    }
    st = &t->calls[i];
    if (!st->announced) {
        if (!c->name[0] || (!c->arguments[0] && !complete))
            return SYM_OK;
        if (c->id[0]) /* the format's own id */
            snprintf(st->id, sizeof st->id, "%s", c->id);
        st->announced = true;
        if (t->on_tool_call && !t->stopped)
            t->stopped = t->on_tool_call((int)i, st->id, c->name, "", t->data);
    }
    n = strlen(c->arguments);
    if (n > st->args.len && !memcmp(c->arguments, sym_buf_str(&st->args), st->args.len)) {
        if (t->on_tool_call && !t->stopped)
            t->stopped = t->on_tool_call((int)i, NULL, NULL, c->arguments + st->args.len, t->data);
        return sym_buf_puts(&st->args, c->arguments + st->args.len);
    }
    return SYM_OK;
}

/* The finished calls as an OpenAI "tool_calls" array, with the ids that were streamed. */
static enum sym_status finish_calls(struct sym_think *t, const struct sym_chat_parsed *r)
{
    cJSON *arr = cJSON_CreateArray();
    enum sym_status rc = arr ? SYM_OK : SYM_ERR_NOMEM;
    char *text;
    size_t i;

    for (i = 0; i < r->n_tool_calls && !rc; i++) {
        cJSON *call = cJSON_CreateObject(), *fn;

        if (call)
            cJSON_AddItemToArray(arr, call);
        if (!call || !cJSON_AddStringToObject(call, "id", t->calls[i].id) ||
            !cJSON_AddStringToObject(call, "type", "function") ||
            !(fn = cJSON_AddObjectToObject(call, "function")) ||
            !cJSON_AddStringToObject(fn, "name", r->calls[i].name) ||
            !cJSON_AddStringToObject(fn, "arguments", r->calls[i].arguments))
            rc = SYM_ERR_NOMEM;
    }
    sym_buf_reset(&t->final_calls);
    t->n_final_calls = 0;
    if (!rc && r->n_tool_calls) {
        text = cJSON_PrintUnformatted(arr);
        rc = text ? sym_buf_puts(&t->final_calls, text) : SYM_ERR_NOMEM;
        free(text);
        t->n_final_calls = r->n_tool_calls;
    }
    cJSON_Delete(arr);
    return rc;
}

size_t sym_think_n_tool_calls(const struct sym_think *t)
{
    return t->n_final_calls;
}

enum sym_status sym_think_tool_calls(const struct sym_think *t, struct sym_buf *out)
{
    return t->final_calls.len ? sym_buf_append(out, t->final_calls.data, t->final_calls.len)
                              : SYM_OK;
}

/* Parse the raw text so far and pass on what each part gained. */
static enum sym_status step(struct sym_think *t, bool partial)
{
    struct sym_chat_parsed r;
    char err[256];
    enum sym_status rc;
    size_t n;

    rc = sym_chat_parse(t->prompt, sym_buf_str(&t->raw), partial, &r, err, sizeof err);
    if (rc == SYM_ERR_INVALID && !partial) /* not the format after all: keep what was sent */
        rc = sym_chat_parse(t->prompt, sym_buf_str(&t->raw), true, &r, err, sizeof err);
    if (rc)
        return rc == SYM_ERR_NOMEM ? rc : SYM_OK;
    sym_buf_reset(&t->reasoning);
    rc = sym_buf_puts(&t->reasoning, r.reasoning);
    n = strlen(r.reasoning);
    if (!rc && n > t->sent_reasoning && !t->stopped) {
        if (t->on_reasoning)
            t->stopped =
                t->on_reasoning(r.reasoning + t->sent_reasoning, n - t->sent_reasoning, t->data);
        t->sent_reasoning = n;
    }
    n = strlen(r.content);
    if (!rc && n > t->sent_content && !t->stopped) {
        t->stopped = t->on_content(r.content + t->sent_content, n - t->sent_content, t->data);
        t->sent_content = n;
    }
    for (n = 0; !rc && n < r.n_tool_calls; n++)
        rc = tool_call_step(t, n, &r.calls[n], !partial || n + 1 < r.n_tool_calls);
    if (!rc && !partial)
        rc = finish_calls(t, &r);
    sym_chat_parsed_free(&r);
    return rc;
}

int sym_think_push(const char *text, size_t len, void *data)
{
    struct sym_think *t = data;

    if (sym_buf_append(&t->raw, text, len) || step(t, true))
        return 1; /* out of memory: stop rather than lose text silently */
    return t->stopped;
}

enum sym_status sym_think_finish(struct sym_think *t)
{
    return step(t, false);
}

const char *sym_think_reasoning(const struct sym_think *t)
{
    return sym_buf_str(&t->reasoning);
}
