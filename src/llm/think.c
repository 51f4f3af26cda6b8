/*
 * think.c: a streamed answer split into thinking and answer by the chat library's parser. See
 * think.h.
 *
 * The raw text collects in a buffer; after each piece the parser reads all of it as a partial
 * output, and whatever each part (thinking, answer) gained since the last time is passed on. The
 * sent length of each part only moves forward (a part the parser shortens is not sent again), so
 * each callback sees one growing text, as a terminal or an SSE stream needs.
 */
#include "llm/think.h"

#include <stdlib.h>
#include <string.h>

#include "base/buf.h"

struct sym_think {
    const struct sym_chat_prompt *prompt;
    sym_llm_text_fn on_content, on_reasoning;
    void *data;
    struct sym_buf raw;       /* everything generated so far */
    struct sym_buf reasoning; /* the thinking as last parsed */
    size_t sent_content, sent_reasoning;
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
    free(t);
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
