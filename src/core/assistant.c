/*
 * assistant.c: the turn pipeline; see assistant.h.
 *
 * The conversation and its context policy are core/conversation.h. Each chat turn appends the
 * user's message, fits the conversation to the context (formatting it with the model's template
 * and counting its tokens, dropping the oldest turns while it does not fit with room for the
 * answer), and hands that very prompt to the local backend (llm/backend.h), which generates from
 * it and reuses the KV cache for the unchanged prefix: one formatting per turn, no copy of the
 * messages.
 *
 * With a memory database, every chat turn is also stored (memory/conversations.h) once it has an
 * answer: the user's message as typed and the answer, in one transaction. The conversation row is
 * made by the first chat turn, not by the session, so a session of commands alone leaves none.
 * Storing is a side effect the chat never waits on: a failure is one notice, then silence.
 *
 * Backends (llm/backend.h): a chat turn goes to the local model or to the remote backend, by
 * cfg->backend (remote_turn below). The conversation is one either way: a remote answer joins
 * the history like a local one. What the remote backend is sent is built in one place,
 * outgoing(), which /privacy shows: without share_memory, only the configured system prompt and
 * the message; with it, what the local model would see (preferences, recalled facts, history).
 */
#include "core/assistant.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "base/buf.h"
#include "base/clock.h"
#include "base/paths.h"
#include "base/sha256.h"
#include "core/conversation.h"
#include "core/learn.h"
#include "base/log.h"
#include "core/module.h"
#include "core/recall.h"
#include "core/toolturn.h"
#include "base/utf8.h"
#include "llm/kvstate.h"
#include "llm/chat.h"
#include "memory/conversations.h"
#include "memory/facts.h"
#include "memory/feedback.h"
#include "memory/store.h"
#include "nlp/extract.h"

struct sym_assistant {
    const struct sym_config *cfg;
    const struct sym_module *const *modules; /* borrowed, NULL-terminated */
    struct sym_llm *llm;
    struct sym_backend *local;  /* the local backend over llm; NULL without a model */
    struct sym_backend *remote; /* the remote backend, or NULL */
    struct sym_store *store;    /* the memory database, or NULL */
    long long conv_id;        /* the stored conversation; 0 = none yet (started by the next turn) */
    int conv_turn;            /* chat turns stored in it */
    bool conv_failed;         /* storing failed once: said so, not again */
    long long last_answer_id; /* the last stored answer (turns.id), for feedback; 0 = none */
    struct sym_conv *conv;    /* the system message and the turns that fit */
    bool raw;
    enum sym_lang lang;               /* for input with no letters to judge its language by */
    struct sym_llm_params llm_params; /* how to load another model (/model) */
    struct sym_assistant_stats stats;
    struct sym_buf last_prompt; /* the last chat turn's prompt, for tests and --verbose */
    /* KV state on disk (llm/kvstate.h): kv_conv's turns are in the KV cache while its
     * fingerprint is still kv_fp; kv_saved is the fingerprint last saved or loaded. */
    long long kv_conv;
    uint64_t kv_fp, kv_saved;
    bool one_shot;              /* `ask`: warm start from the system prompt's saved state */
    struct sym_toolbox toolbox; /* the tools chat turns may offer (core/toolturn.h) */
    bool has_toolbox;
    void *states[32]; /* each module's state, by its index in modules */
    char err[1024];
};

static void free_states(struct sym_assistant *a)
{
    size_t i;

    for (i = 0; a->modules[i]; i++)
        if (a->modules[i]->free && a->states[i])
            a->modules[i]->free(a->states[i]);
}

static enum sym_status init_states(struct sym_assistant *a)
{
    size_t i;

    for (i = 0; a->modules[i]; i++) {
        if (i >= sizeof a->states / sizeof a->states[0])
            return SYM_ERR_TOO_LONG;
        if (a->modules[i]->init && a->modules[i]->init(&a->states[i]))
            return SYM_ERR_NOMEM;
    }
    return SYM_OK;
}

enum sym_status sym_assistant_init(struct sym_assistant **out, const struct sym_config *cfg,
                                   struct sym_llm *llm, const struct sym_module *const *modules)
{
    struct sym_assistant *a = calloc(1, sizeof *a);

    *out = NULL;
    if (!a) {
        sym_llm_free(llm);
        return SYM_ERR_NOMEM;
    }
    a->cfg = cfg;
    a->modules = modules;
    a->llm = llm;
    if (llm && sym_backend_local_init(&a->local, llm)) {
        sym_assistant_free(a);
        return SYM_ERR_NOMEM;
    }
    a->lang = SYM_LANG_EN;
    a->stats.started = time(NULL);
    a->llm_params = sym_llm_default_params();
    a->llm_params.n_ctx = cfg->ctx_size;
    a->llm_params.n_threads = cfg->threads;
    a->llm_params.n_gpu_layers = cfg->gpu_layers;
    if (sym_conv_init(&a->conv, cfg->system) || init_states(a)) {
        sym_assistant_free(a);
        return SYM_ERR_NOMEM;
    }
    *out = a;
    return SYM_OK;
}

/* ---- KV state on disk ---- */

static bool kv_on(const struct sym_assistant *a)
{
    return a->llm && a->cfg->kv_cache_size > 0 && !a->raw;
}

/*
 * Save the conversation whose turns are in the KV cache under its id, when it is still there
 * (nothing else used the cache since its last turn: the server's /v1 route shares it) and
 * changed since it was last saved or loaded. A failure costs only a warm start: logged.
 */
static void kv_save_conversation(struct sym_assistant *a)
{
    char dir[4096], name[64];
    uint64_t fp;
    enum sym_status rc;

    if (!kv_on(a) || a->one_shot || !a->kv_conv || a->kv_conv != a->conv_id)
        return;
    fp = sym_kvstate_fingerprint(a->llm);
    if (fp != a->kv_fp || fp == a->kv_saved || sym_llm_n_cached(a->llm) == 0)
        return;
    if (a->store) { /* deleted meanwhile (the server's other connection): its text goes too */
        struct sym_conversation_turns turns = {0};
        bool found = false;

        rc = sym_conversation_load(a->store, a->kv_conv, &turns, &found);
        sym_conversation_turns_free(&turns);
        if (rc || !found)
            return;
    }
    snprintf(name, sizeof name, "conv-%lld.kv", a->kv_conv);
    rc = sym_kvstate_dir(dir, sizeof dir);
    if (!rc)
        rc = sym_kvstate_save(a->llm, 0, dir, name, -1, a->cfg->kv_cache_size);
    if (rc)
        sym_log(SYM_LOG_DEBUG, "kv state of conversation %lld not saved: %s", a->kv_conv,
                sym_status_str(rc));
    else
        a->kv_saved = fp;
}

/* Load conversation id's saved state, if any, into the KV cache. */
static void kv_load_conversation(struct sym_assistant *a, long long id)
{
    char dir[4096], name[64];

    if (!kv_on(a))
        return;
    snprintf(name, sizeof name, "conv-%lld.kv", id);
    if (sym_kvstate_dir(dir, sizeof dir) || sym_kvstate_load(a->llm, 0, dir, name))
        return;
    a->kv_conv = id;
    a->kv_fp = a->kv_saved = sym_kvstate_fingerprint(a->llm);
}

enum sym_status sym_assistant_forget_state(long long conversation_id)
{
    char dir[4096], name[64];

    snprintf(name, sizeof name, "conv-%lld.kv", conversation_id);
    if (sym_path_cache(dir, sizeof dir, "kv"))
        return SYM_OK; /* no cache directory: nothing saved */
    return sym_kvstate_remove(dir, name);
}

void sym_assistant_set_one_shot(struct sym_assistant *a, bool one_shot)
{
    a->one_shot = one_shot;
}

/* `ask`'s state file: named by the system message's text (prompt and memory block). */
static void ask_state_name(struct sym_assistant *a, char *name, size_t size)
{
    size_t n;
    const struct sym_chat_msg *msgs = sym_conv_msgs(a->conv, &n);
    const char *sys = n && !strcmp(msgs[0].role, "system") ? msgs[0].content : "";
    char hex[SYM_SHA256_HEX_LEN + 1] = "";
    struct sym_sha256 *h;

    if (!sym_sha256_init(&h)) {
        sym_sha256_update(h, sys, strlen(sys));
        if (sym_sha256_final_hex(h, hex))
            hex[0] = '\0';
        sym_sha256_free(h);
    }
    snprintf(name, size, "ask-%.32s.kv", hex);
}

/* Before a one-shot turn: start from the saved state of its system message. *loaded says so. */
static void ask_warm_start(struct sym_assistant *a, bool *loaded)
{
    char dir[4096], name[64];

    *loaded = false;
    if (!kv_on(a) || !a->one_shot || sym_llm_n_cached(a->llm) != 0)
        return;
    ask_state_name(a, name, sizeof name);
    if (!sym_kvstate_dir(dir, sizeof dir) && !sym_kvstate_load(a->llm, 0, dir, name))
        *loaded = true;
}

/*
 * After a one-shot turn that did not start warm: save the KV cache cut back to the tokens of
 * the system message, the part the next question shares (found as the prompt's common text
 * with the system message formatted alone, less its last token, which may join what follows).
 */
static void ask_save(struct sym_assistant *a, const char *prompt)
{
    struct sym_buf alone = {0};
    size_t n, common = 0;
    const struct sym_chat_msg *msgs = sym_conv_msgs(a->conv, &n);
    char dir[4096], name[64], *head;
    int k;

    if (!kv_on(a) || !a->one_shot || !n || strcmp(msgs[0].role, "system"))
        return;
    if (!sym_llm_format_chat(a->llm, msgs, 1, &alone))
        while (common < alone.len && prompt[common] == alone.data[common])
            common++;
    sym_buf_free(&alone);
    head = common ? strndup(prompt, common) : NULL;
    k = head ? sym_llm_count_tokens(a->llm, head) - 1 : 0;
    free(head);
    if (k <= 0 || k > sym_llm_n_cached(a->llm))
        return;
    ask_state_name(a, name, sizeof name);
    if (!sym_kvstate_dir(dir, sizeof dir))
        (void)sym_kvstate_save(a->llm, 0, dir, name, k, a->cfg->kv_cache_size);
}

void sym_assistant_free(struct sym_assistant *a)
{
    if (!a)
        return;
    kv_save_conversation(a);
    free_states(a);
    sym_conv_free(a->conv);
    sym_backend_free(a->local);
    sym_backend_free(a->remote);
    sym_llm_free(a->llm);
    sym_store_close(a->store);
    sym_buf_free(&a->last_prompt);
    free(a);
}

void sym_assistant_set_store(struct sym_assistant *a, struct sym_store *store)
{
    if (a->store != store) {
        kv_save_conversation(a);
        a->kv_conv = 0;
        sym_store_close(a->store);
        a->conv_id = 0;
        a->conv_turn = 0;
        a->conv_failed = false;
    }
    a->store = store;
}

long long sym_assistant_last_answer(const struct sym_assistant *a)
{
    return a->last_answer_id;
}

void sym_assistant_conversation(const struct sym_assistant *a, long long *id, int *turn)
{
    *id = a->conv_id;
    *turn = a->conv_turn;
}

/* A stored answer's tool calls (core/toolturn.h) back into the conversation before it: each call
 * as an assistant message with that call and a tool message with its result. Stored text that
 * does not parse is left out (the answer still says what came of it). */
static enum sym_status resume_tools(struct sym_assistant *a, const char *json)
{
    struct sym_tool_records r = {0};
    struct sym_buf calls = {0};
    enum sym_status rc = sym_tool_records_parse(&r, json);
    size_t i;

    if (rc == SYM_ERR_INVALID)
        rc = SYM_OK;
    for (i = 0; !rc && i < r.n; i++) {
        sym_buf_reset(&calls);
        rc = sym_tool_records_calls(&r, i, 1, &calls);
        if (!rc)
            rc = sym_conv_push_tool(a->conv, "assistant", "", sym_buf_str(&calls), NULL);
        if (!rc)
            rc = sym_conv_push_tool(a->conv, "tool", r.items[i].result ? r.items[i].result : "",
                                    NULL, r.items[i].id);
    }
    sym_buf_free(&calls);
    sym_tool_records_free(&r);
    return rc;
}

enum sym_status sym_assistant_resume(struct sym_assistant *a, long long conversation_id)
{
    struct sym_conversation_turns turns = {0};
    enum sym_status rc;
    bool found = false;
    size_t n_user = 0, i;

    a->err[0] = '\0';
    if (!a->store) {
        snprintf(a->err, sizeof a->err, "there is no memory database to resume from");
        return SYM_ERR_NOT_FOUND;
    }
    rc = sym_conversation_load(a->store, conversation_id, &turns, &found);
    if (rc) {
        snprintf(a->err, sizeof a->err, "%s", sym_store_errmsg(a->store));
        return rc;
    }
    if (!found) {
        snprintf(a->err, sizeof a->err, "there is no conversation %lld", conversation_id);
        return SYM_ERR_NOT_FOUND;
    }
    if (conversation_id != a->conv_id)
        kv_save_conversation(a); /* the one that leaves the context */
    sym_conv_clear(a->conv);
    for (i = 0; !rc && i < turns.n; i++) {
        bool user = !strcmp(turns.items[i].role, "user");

        if (!user && turns.items[i].tools)
            rc = resume_tools(a, turns.items[i].tools);
        if (!rc)
            rc = sym_conv_push(a->conv, user ? "user" : "assistant", turns.items[i].text);
        n_user += user;
    }
    sym_conversation_turns_free(&turns);
    if (rc) {
        sym_conv_clear(a->conv);
        snprintf(a->err, sizeof a->err, "%s", sym_status_str(rc));
        return rc;
    }
    if (conversation_id != a->kv_conv)
        kv_load_conversation(a, conversation_id);
    a->conv_id = conversation_id;
    a->conv_turn = (int)n_user;
    return SYM_OK;
}

struct sym_store *sym_assistant_store(const struct sym_assistant *a)
{
    return a->store;
}

void sym_assistant_set_lang(struct sym_assistant *a, enum sym_lang lang)
{
    a->lang = lang;
}

void sym_assistant_set_llm_params(struct sym_assistant *a, const struct sym_llm_params *params)
{
    a->llm_params = *params;
    a->llm_params.model_path = NULL;
}

const struct sym_assistant_stats *sym_assistant_get_stats(const struct sym_assistant *a)
{
    return &a->stats;
}

void sym_assistant_set_error(struct sym_assistant *a, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(a->err, sizeof a->err, fmt, ap);
    va_end(ap);
}

enum sym_status sym_assistant_switch_model(struct sym_assistant *a, const char *path)
{
    struct sym_llm_params p = a->llm_params;
    struct sym_llm *llm = NULL;
    struct sym_backend *local = NULL;
    enum sym_status rc;

    p.model_path = path;
    rc = sym_llm_init(&llm, &p, a->err, sizeof a->err);
    if (rc)
        return rc; /* the current model stays */
    if (sym_backend_local_init(&local, llm)) {
        sym_llm_free(llm);
        snprintf(a->err, sizeof a->err, "out of memory");
        return SYM_ERR_NOMEM;
    }
    kv_save_conversation(a);
    a->kv_conv = 0;
    sym_backend_free(a->local);
    sym_llm_free(a->llm);
    a->llm = llm;
    a->local = local;
    return SYM_OK;
}

void sym_assistant_set_raw(struct sym_assistant *a, bool raw)
{
    a->raw = raw;
}

void sym_assistant_reset(struct sym_assistant *a)
{
    kv_save_conversation(a);
    a->kv_conv = 0;
    sym_conv_clear(a->conv);
    a->conv_id = 0; /* the next chat turn starts a new stored conversation */
    a->conv_turn = 0;
    a->last_answer_id = 0;
}

const char *sym_assistant_last_prompt(const struct sym_assistant *a)
{
    return sym_buf_str(&a->last_prompt);
}

struct sym_llm *sym_assistant_llm(const struct sym_assistant *a)
{
    return a->llm;
}

int sym_assistant_n_turns(const struct sym_assistant *a)
{
    return sym_conv_n_turns(a->conv);
}

const struct sym_module *const *sym_assistant_modules(const struct sym_assistant *a)
{
    return a->modules;
}

const char *sym_assistant_errmsg(const struct sym_assistant *a)
{
    return a->err;
}

void sym_turn_clear(struct sym_turn *turn)
{
    free(turn->answer);
    free(turn->reasoning);
    sym_tool_records_free(&turn->tools);
    memset(turn, 0, sizeof *turn);
}

/* ---- chat ---- */

struct answer_sink {
    const struct sym_turn_io *io;
    struct sym_buf answer;
    bool started; /* leading whitespace is skipped until the first visible character */
    struct sym_buf reasoning;
};

/* A piece of the model's thinking: kept for the turn and shown if the front end wants it. */
static int on_thought(const char *text, size_t len, void *data)
{
    struct answer_sink *sink = data;

    if (!sink->reasoning.len) {
        while (len && isspace((unsigned char)*text)) {
            text++;
            len--;
        }
        if (!len)
            return 0;
    }
    if (sym_buf_append(&sink->reasoning, text, len))
        return 1;
    return sink->io && sink->io->on_reasoning ? sink->io->on_reasoning(text, len, sink->io->data)
                                              : 0;
}

/* The thinking of the turn, trimmed, or NULL when there was none. */
static enum sym_status take_reasoning(struct answer_sink *sink, struct sym_turn *turn)
{
    while (sink->reasoning.len &&
           isspace((unsigned char)sink->reasoning.data[sink->reasoning.len - 1]))
        sink->reasoning.data[--sink->reasoning.len] = '\0';
    if (!sink->reasoning.len)
        return SYM_OK;
    turn->reasoning = sym_buf_steal(&sink->reasoning);
    return turn->reasoning ? SYM_OK : SYM_ERR_NOMEM;
}

static int on_piece(const char *text, size_t len, void *data)
{
    struct answer_sink *sink = data;

    if (!sink->started) {
        while (len && isspace((unsigned char)*text)) {
            text++;
            len--;
        }
        if (!len)
            return 0;
        sink->started = true;
    }
    if (sym_buf_append(&sink->answer, text, len))
        return 1;
    return sink->io && sink->io->on_text ? sink->io->on_text(text, len, sink->io->data) : 0;
}

static void notice(const struct sym_turn_io *io, const char *msg)
{
    if (io && io->on_notice)
        io->on_notice(msg, io->data);
}

/* ---- tools in a chat turn (core/toolturn.h) ---- */

#define TOOL_RESULT_MAX (16u << 10) /* bytes of a tool's result the model is sent */

void sym_assistant_set_toolbox(struct sym_assistant *a, const struct sym_toolbox *box)
{
    a->has_toolbox = box != NULL;
    if (box)
        a->toolbox = *box;
}

/* The tools a chat turn offers the model now (an OpenAI "tools" array), or NULL for none. */
static const char *offered_tools(struct sym_assistant *a, bool remote)
{
    const char *t;

    if (!a->has_toolbox || !a->cfg->tools || a->cfg->tool_rounds <= 0 || a->raw)
        return NULL;
    if (!remote && !sym_llm_supports_tools(a->llm))
        return NULL;
    t = a->toolbox.tools_json(a->toolbox.data);
    return t && t[0] && strcmp(t, "[]") ? t : NULL;
}

/* A tool-choice that names a tool must name one of tools. SYM_ERR_INVALID with the reason. */
static enum sym_status check_choice(struct sym_assistant *a, const char *tools)
{
    const char *choice = a->cfg->tool_choice;
    struct sym_buf only = {0};
    enum sym_status rc;

    if (!tools || !choice || !choice[0] || sym_toolturn_choice_is_word(choice))
        return SYM_OK;
    rc = sym_toolturn_only(tools, choice, &only);
    sym_buf_free(&only);
    if (rc == SYM_ERR_NOT_FOUND) {
        snprintf(a->err, sizeof a->err,
                 "tool-choice = %s names no tool (`symbiot tools` lists them; or auto, none, "
                 "required)",
                 choice);
        return SYM_ERR_INVALID;
    }
    return rc;
}

/* The tool choice of round `round`, when n_run calls have run: at a limit "none", so the model
 * answers in text; the configured choice in the first round; else "auto". */
static const char *round_choice(const struct sym_assistant *a, int round, int n_run)
{
    if (round >= a->cfg->tool_rounds || n_run >= a->cfg->tool_calls)
        return "none";
    if (round == 0 && a->cfg->tool_choice && a->cfg->tool_choice[0])
        return a->cfg->tool_choice;
    return "auto";
}

/* Sum a round's figures into the turn's: tokens and times add up, the stop is the last one's,
 * the time to the first token is the first round's. */
static void add_stats(struct sym_gen_stats *sum, const struct sym_gen_stats *s, int round)
{
    if (!round) {
        *sum = *s;
        return;
    }
    sum->n_prompt += s->n_prompt;
    sum->n_evaluated += s->n_evaluated;
    sum->n_generated += s->n_generated;
    sum->prompt_ms += s->prompt_ms;
    sum->gen_ms += s->gen_ms;
    sum->stop = s->stop;
}

/* A result the model is sent: at most TOOL_RESULT_MAX bytes, cut at a character boundary with
 * a note of what is left out. Takes text (owned). NULL on no memory. */
static char *capped_result(char *text)
{
    size_t len = text ? strlen(text) : 0, cut = TOOL_RESULT_MAX;
    struct sym_buf b = {0};

    if (len <= TOOL_RESULT_MAX)
        return text;
    while (cut && ((unsigned char)text[cut] & 0xC0) == 0x80)
        cut--;
    if (sym_buf_append(&b, text, cut) ||
        sym_buf_printf(&b, "\n[%zu more bytes left out]", len - cut)) {
        sym_buf_free(&b);
        free(text);
        return NULL;
    }
    free(text);
    return sym_buf_steal(&b);
}

static bool interrupted(const struct sym_assistant *a)
{
    return a->llm_params.interrupt && *a->llm_params.interrupt;
}

/* Run one call the model made (announced first, asked about when it may remove something,
 * skipped past the turn's limit), its result and status into rec. SYM_ERR_NOMEM only: a tool's
 * failure is a result the model sees. */
static enum sym_status run_call(struct sym_assistant *a, const struct sym_turn_io *io,
                                struct sym_tool_call_record *rec, int *n_run)
{
    const struct sym_toolbox *box = &a->toolbox;
    struct sym_buf msg = {0};
    char *result = NULL;
    bool is_error = false, asks;
    enum sym_status rc;

    if (io && io->on_tool)
        io->on_tool(rec, io->data);
    asks = box->asks(box->data, rec->name);
    if (*n_run >= a->cfg->tool_calls) {
        rec->status = SYM_TOOL_SKIPPED;
        rc = sym_buf_printf(&msg, "not run: this turn's limit of %d tool calls was reached",
                            a->cfg->tool_calls);
    } else if (asks &&
               !(io && io->on_confirm && io->on_confirm(rec->name, rec->arguments, io->data))) {
        rec->status = SYM_TOOL_DENIED;
        rc = sym_buf_puts(&msg, "not run: the user did not allow this call");
    } else {
        (*n_run)++;
        rc = box->call(box->data, rec->name, rec->arguments, asks, &result, &is_error);
        if (rc == SYM_ERR_NOMEM) {
            free(result);
            return rc;
        }
        rec->status = rc == SYM_ERR_DENIED ? SYM_TOOL_DENIED
                      : rc || is_error     ? SYM_TOOL_ERROR
                                           : SYM_TOOL_OK;
        if (rc) {
            rc = sym_buf_printf(&msg, "error: %s", result ? result : sym_status_str(rc));
            free(result);
            result = NULL;
        }
    }
    if (!result && !rc)
        result = sym_buf_steal(&msg);
    sym_buf_free(&msg);
    rec->result = capped_result(result);
    if (!rec->result)
        return SYM_ERR_NOMEM;
    if (io && io->on_tool)
        io->on_tool(rec, io->data);
    return SYM_OK;
}

/*
 * After a round that ended in tool calls (calls: the backend's "tool_calls" array, text the
 * text the model wrote before them): keep the assistant's message with its calls, run each, and
 * keep each result as a "tool" message. *n_calls gets the number of calls (0: the round did not
 * call any, or its array did not parse; then nothing changes).
 */
static enum sym_status take_calls(struct sym_assistant *a, const struct sym_turn_io *io,
                                  struct sym_turn *turn, const char *calls, const char *text,
                                  int *n_run, size_t *n_calls)
{
    struct sym_tool_records *r = &turn->tools;
    struct sym_buf made = {0};
    size_t from = r->n, i;
    enum sym_status rc;

    *n_calls = 0;
    if (!calls || !calls[0])
        return SYM_OK;
    rc = sym_tool_records_add(r, calls, turn->tool_rounds, n_calls);
    if (rc == SYM_ERR_INVALID) {
        notice(io, "the model's tool calls could not be read; its text is the answer");
        return SYM_OK;
    }
    if (!rc && !*n_calls)
        return SYM_OK;
    turn->tool_rounds++;
    /* The ids as kept (made up where the model gave none), so the results match them. */
    if (!rc)
        rc = sym_tool_records_calls(r, from, *n_calls, &made);
    if (!rc)
        rc = sym_conv_push_tool(a->conv, "assistant", text, sym_buf_str(&made), NULL);
    sym_buf_free(&made);
    for (i = from; !rc && i < r->n; i++) {
        rc = run_call(a, io, &r->items[i], n_run);
        if (!rc)
            rc = sym_conv_push_tool(a->conv, "tool", r->items[i].result, NULL, r->items[i].id);
        if (!rc && interrupted(a)) {
            snprintf(a->err, sizeof a->err,
                     "interrupted during a tool call: the turn is cancelled");
            return SYM_ERR_INTERRUPTED;
        }
    }
    if (rc)
        snprintf(a->err, sizeof a->err, "%s", sym_status_str(rc));
    return rc;
}

/* The index of the conversation's newest user message (this turn's). */
static size_t turn_start(const struct sym_conv *c)
{
    size_t n;
    const struct sym_chat_msg *m = sym_conv_msgs(c, &n);

    while (n > sym_conv_first_turn(c) && strcmp(m[n - 1].role, "user"))
        n--;
    return n ? n - 1 : 0;
}

/* Undo a failed turn: the conversation as it was before its user message. */
static void undo_turn(struct sym_assistant *a)
{
    if (sym_conv_n_turns(a->conv))
        sym_conv_truncate(a->conv, turn_start(a->conv));
}

/* ---- the local model ---- */

/* What format_count() renders with: the model, and with tools the conversation (for the tool
 * parts of its messages) and the tools offered. */
struct fmt {
    struct sym_llm *llm;
    const struct sym_conv *conv;
    const char *tools;  /* offered tools, or NULL */
    const char *choice; /* the round's tool choice */
};

/* Whether the conversation goes to the model with its tool calls and results (the chat
 * library's rendering of OpenAI messages): with tools offered, or with calls in it and a
 * template that can show them. Otherwise they are left out (the answers say what came of them). */
static bool with_tool_parts(const struct fmt *f)
{
    return f->tools || (sym_conv_has_tools(f->conv) && sym_llm_supports_tools(f->llm));
}

/* msgs[0..n) without the tool calls and results, formatted as plain messages. */
static enum sym_status format_without_tools(const struct fmt *f, const struct sym_chat_msg *msgs,
                                            size_t n, struct sym_buf *prompt)
{
    struct sym_chat_msg *plain = malloc(sizeof *plain * (n ? n : 1));
    size_t i, k = 0;
    enum sym_status rc;

    if (!plain)
        return SYM_ERR_NOMEM;
    for (i = 0; i < n; i++) {
        const struct sym_conv_tool *t = sym_conv_tool_part(f->conv, &msgs[i]);

        if (!t || (!t->tool_calls && !t->tool_call_id))
            plain[k++] = msgs[i];
    }
    rc = sym_llm_format_chat(f->llm, plain, k, prompt);
    free(plain);
    return rc;
}

/* The model's prompt for msgs with their tool calls and results, and the tools offered: the
 * chat library's rendering (llm/chat.h), as the local backend renders it. */
static enum sym_status format_tools(const struct fmt *f, const struct sym_chat_msg *msgs, size_t n,
                                    struct sym_buf *prompt)
{
    struct sym_chat_in in = sym_chat_in_default();
    struct sym_chat_prompt *p = NULL;
    struct sym_buf json = {0}, only = {0};
    enum sym_status rc = sym_toolturn_messages_json(f->conv, msgs, n, &json);

    if (!rc) {
        in.messages_json = sym_buf_str(&json);
        in.tools_json = f->tools;
        in.tool_choice = f->tools ? f->choice : NULL;
        /* A named function: the tools cut to it and a call required, as the backend does. */
        if (f->tools && !sym_toolturn_choice_is_word(f->choice)) {
            rc = sym_toolturn_only(f->tools, f->choice, &only);
            in.tools_json = sym_buf_str(&only);
            in.tool_choice = "required";
        }
    }
    if (!rc)
        rc = sym_llm_apply_chat(f->llm, &in, &p);
    if (!rc)
        rc = sym_buf_puts(prompt, sym_chat_prompt_text(p));
    sym_chat_prompt_free(p);
    sym_buf_free(&json);
    sym_buf_free(&only);
    return rc;
}

/* Tokens to keep free for the answer. */
static int answer_reserve(const struct sym_assistant *a)
{
    int n_ctx = sym_llm_n_ctx(a->llm), max = a->cfg->max_tokens;

    if (max < 0 || max > n_ctx / 2)
        return n_ctx / 4 > 1 ? n_ctx / 4 : 1;
    return max > 0 ? max : 1;
}

/* sym_conv_fit's formatter: the model's chat template (with the tool calls and the tools, when
 * there are some), and the prompt's tokens. data is a struct fmt. */
static enum sym_status format_count(const struct sym_chat_msg *msgs, size_t n,
                                    struct sym_buf *prompt, int *n_tokens, void *data)
{
    const struct fmt *f = data;
    enum sym_status rc;

    sym_buf_reset(prompt);
    if (with_tool_parts(f))
        rc = format_tools(f, msgs, n, prompt);
    else if (sym_conv_has_tools(f->conv))
        rc = format_without_tools(f, msgs, n, prompt);
    else
        rc = sym_llm_format_chat(f->llm, msgs, n, prompt);
    if (rc)
        return rc;
    *n_tokens = sym_llm_count_tokens(f->llm, sym_buf_str(prompt));
    return *n_tokens < 0 ? SYM_ERR_NOMEM : SYM_OK;
}

/* Fit the conversation to the context (core/conversation.h) into prompt; a message that cannot
 * fit even alone is an error that says by how much. */
static enum sym_status fit_conversation(struct sym_assistant *a, struct fmt *f,
                                        struct sym_buf *prompt, int *n_dropped)
{
    const int n_ctx = sym_llm_n_ctx(a->llm), reserve = answer_reserve(a);
    enum sym_status rc;
    int n = 0;

    rc = sym_conv_fit(a->conv, n_ctx, reserve, format_count, f, prompt, &n, n_dropped);
    if (rc == SYM_ERR_CONTEXT)
        snprintf(a->err, sizeof a->err,
                 "the message is too long: it needs %d tokens with room for the answer, the "
                 "context holds %d (raise -c or shorten the message)",
                 n + reserve, n_ctx);
    else if (rc)
        snprintf(a->err, sizeof a->err, "%s", sym_llm_errmsg(a->llm));
    return rc;
}

static void account(struct sym_assistant *a, const struct sym_turn *turn)
{
    const struct sym_gen_stats *s = &turn->stats;

    memcpy(a->stats.last_recalled, turn->recalled, sizeof a->stats.last_recalled);
    a->stats.n_last_recalled = turn->n_recalled;
    a->stats.last = *s;
    a->stats.have_last = true;
    a->stats.n_chat_turns++;
    a->stats.total_evaluated += s->n_evaluated;
    a->stats.total_generated += s->n_generated;
}

/* Tokens the recalled facts may take: an eighth of the context, at most 512. */
static int recall_budget(const struct sym_assistant *a)
{
    int n = sym_llm_n_ctx(a->llm) / 8;

    return n < 512 ? n : 512;
}

/* The tool calls of the answer just appended to conversation id, on its row. */
static enum sym_status store_tools(struct sym_store *s, long long id,
                                   const struct sym_tool_records *tools)
{
    struct sym_buf json = {0};
    long long turn_id = 0;
    enum sym_status rc = sym_conversation_last_turn(s, id, &turn_id);

    if (!rc)
        rc = sym_tool_records_json(tools, &json);
    if (!rc)
        rc = sym_conversation_set_tools(s, turn_id, sym_buf_str(&json));
    sym_buf_free(&json);
    return rc;
}

/* Store the turn (the message as typed, the answer): the first one starts the conversation. A
 * failure is told once per session and otherwise ignored: the chat goes on without it. */
static void store_turn(struct sym_assistant *a, const char *input, const struct sym_turn *turn,
                       const struct sym_turn_io *io)
{
    const char *answer = turn->answer;
    struct sym_store *s = a->store;
    time_t now = sym_clock_now();
    enum sym_status rc = SYM_OK;
    long long id = a->conv_id;
    char msg[768];

    if (!s || a->raw)
        return;
    if (!id)
        rc = sym_conversation_start(s, now, &id);
    if (!rc)
        rc = sym_store_begin(s);
    if (!rc) {
        rc = sym_conversation_append(s, id, "user", input, now);
        if (!rc)
            rc = sym_conversation_append(s, id, "assistant", answer, now);
        if (!rc && turn->tools.n)
            rc = store_tools(s, id, &turn->tools);
        if (!rc)
            rc = sym_store_commit(s);
        else
            sym_store_rollback(s);
    }
    if (id)
        a->conv_id = id; /* started: later turns go on in it */
    if (!rc) {
        a->conv_turn++;
        if (sym_conversation_last_turn(s, id, &a->last_answer_id))
            a->last_answer_id = 0;
        return;
    }
    sym_log(SYM_LOG_DEBUG, "conversation not stored: %s", sym_store_errmsg(s));
    if (a->conv_failed)
        return;
    a->conv_failed = true;
    snprintf(msg, sizeof msg, "this conversation is not being saved: %s", sym_store_errmsg(s));
    notice(io, msg);
}

/* The user's preferences (memory/facts.h) as a block for the system message: every turn follows
 * them, whatever the message. "" when there are none. */
static enum sym_status preferences_block(struct sym_assistant *a, struct sym_buf *out)
{
    struct sym_facts prefs = {0};
    enum sym_status rc = SYM_OK;
    size_t i;

    if (!a->store || sym_fact_preferences(a->store, &prefs))
        return SYM_OK; /* a failing database costs the preferences, not the turn */
    for (i = 0; i < prefs.n && !rc; i++)
        rc = sym_buf_printf(out, "%s- %s\n",
                            i ? "" : "[Preferences: how the user wants you to answer]\n",
                            prefs.items[i].text);
    if (!rc && prefs.n)
        rc = sym_buf_puts(out, "[End of preferences]");
    sym_facts_free(&prefs);
    return rc;
}

/* The preferences and the recall block (may be ""), as they go into the system message. */
static enum sym_status memory_blocks(struct sym_assistant *a, const char *recall_block,
                                     struct sym_buf *both)
{
    enum sym_status rc = preferences_block(a, both);

    if (!rc && both->len && recall_block[0])
        rc = sym_buf_puts(both, "\n\n");
    if (!rc)
        rc = sym_buf_puts(both, recall_block);
    return rc;
}

/* Put the preferences and the recall block (may be "") into the system message. */
static enum sym_status system_blocks(struct sym_assistant *a, const char *recall_block)
{
    struct sym_buf both = {0};
    enum sym_status rc = memory_blocks(a, recall_block, &both);

    if (!rc)
        rc = sym_conv_set_block(a->conv, sym_buf_str(&both));
    sym_buf_free(&both);
    return rc;
}

/* Choose the facts for this turn; a failing database only costs the recall, with a notice. */
static enum sym_status recall_facts(struct sym_assistant *a, const char *input,
                                    const struct sym_turn_io *io, struct sym_turn *turn,
                                    struct sym_recall *recall)
{
    bool in_system = sym_conv_has_system(a->conv);
    size_t i;

    if (sym_recall_build(a->store, a->llm, input, recall_budget(a), a->cfg->recall_turns,
                         a->conv_id, recall)) {
        notice(io, "memory recall failed; answering without remembered facts");
        sym_recall_free(recall);
        memset(recall, 0, sizeof *recall);
    }
    if (recall->all && !in_system)
        recall->all = false; /* no system message to hold it: put it before the message */
    for (i = 0; i < recall->n && i < sizeof turn->recalled / sizeof turn->recalled[0]; i++)
        turn->recalled[turn->n_recalled++] = recall->ids[i];
    return system_blocks(a, recall->all ? sym_buf_str(&recall->block) : "");
}

/* The user's message as the model sees it this turn: with the relevant facts in front when they
 * are not in the system message. */
static const char *user_content(const struct sym_recall *recall, const char *input,
                                struct sym_buf *decorated)
{
    if ((recall->all || !recall->n) && !recall->n_turns)
        return input;
    if (sym_recall_message(recall, input, decorated))
        return input;
    return sym_buf_str(decorated);
}

/* After the turn, the history keeps the message as the user typed it. */
static enum sym_status keep_plain_message(struct sym_assistant *a, const char *input,
                                          const struct sym_buf *decorated)
{
    return decorated->len ? sym_conv_set_at(a->conv, turn_start(a->conv), input) : SYM_OK;
}

/* The process's peak resident memory in KiB (0 if unknown). */
static long long peak_rss_kb(void)
{
    struct rusage ru;

    return getrusage(RUSAGE_SELF, &ru) ? 0 : (long long)ru.ru_maxrss;
}

/* Keep the turn's figures for `symbiot stats` (memory/feedback.h); a failure costs only them. */
static void record_turn(struct sym_assistant *a, const struct sym_turn *turn)
{
    const struct sym_gen_stats *st = &turn->stats;
    struct sym_turn_record r;

    if (!a->store || a->raw)
        return;
    memset(&r, 0, sizeof r);
    r.turn_id = a->last_answer_id;
    snprintf(r.backend, sizeof r.backend, "%s", turn->backend ? turn->backend : "local");
    snprintf(r.model, sizeof r.model, "%s",
             turn->backend && !strcmp(turn->backend, "remote") && a->remote
                 ? sym_backend_describe(a->remote)
                 : sym_llm_describe(a->llm));
    r.prompt_tokens = st->n_prompt;
    r.evaluated = st->n_evaluated;
    r.generated = st->n_generated;
    r.ttft_ms = st->ttft_ms;
    r.prompt_ms = st->prompt_ms;
    r.gen_ms = st->gen_ms;
    r.recall_ms = turn->recall_ms;
    r.facts_recalled = turn->n_recalled;
    r.peak_rss_kb = peak_rss_kb();
    if (sym_stats_record(a->store, &r))
        sym_log(SYM_LOG_DEBUG, "turn figures not kept: %s", sym_store_errmsg(a->store));
}

/* After the answer: the model's own look for facts in the message (core/learn.h), each new one
 * told in a notice. Only with extraction on, a memory database and a chat-template model. */
static void learn_said(struct sym_assistant *a, const char *input, const struct sym_turn_io *io,
                       struct sym_turn *turn)
{
    enum sym_lang lang = sym_detect_lang(input, a->lang);
    struct sym_learn learned;
    char msg[400];
    int i;

    if (!a->store || !a->cfg->extract || !a->cfg->llm_extract || !a->llm)
        return;
    if (sym_learn_run(a->llm, a->store, input, &learned) || !learned.ran)
        return;
    turn->learn_ms = learned.stats.prompt_ms + learned.stats.gen_ms;
    if (turn->learn_ms <= 0)
        turn->learn_ms = 0.001;
    turn->n_learned = learned.n_added;
    for (i = 0; i < learned.n_added; i++) {
        snprintf(msg, sizeof msg, SYM_TR(lang, "remembered: %s", "запомнил: %s"), learned.added[i]);
        notice(io, msg);
    }
}

/*
 * One request to the local backend: the conversation as it stands, with the prompt that
 * fit_conversation() formatted for it (neither formatted again nor copied); or, with tools
 * offered or tool calls in the conversation, as an OpenAI messages array with the tools, which
 * the backend renders with the model's template and its grammar. calls gets the round's tool
 * calls.
 */
static enum sym_status local_generate(struct sym_assistant *a, const struct sym_buf *prompt,
                                      const struct sym_sampling *smp, const struct fmt *f,
                                      struct sym_buf *calls, sym_llm_text_fn on_text, void *data,
                                      struct sym_gen_stats *stats)
{
    struct sym_backend_request req;
    struct sym_buf json = {0};
    enum sym_status rc = SYM_OK;

    memset(&req, 0, sizeof req);
    req.msgs = sym_conv_msgs(a->conv, &req.n);
    req.sampling = smp;
    req.max_tokens = a->cfg->max_tokens;
    req.on_reasoning = on_thought;
    if (with_tool_parts(f)) {
        rc = sym_toolturn_messages_json(a->conv, req.msgs, req.n, &json);
        req.messages_json = sym_buf_str(&json);
        req.tools_json = f->tools;
        req.tool_choice = f->tools ? f->choice : NULL;
        req.tool_calls_out = calls;
    } else {
        req.prompt = sym_buf_str(prompt);
    }
    if (!rc)
        rc = sym_backend_chat(a->local, &req, on_text, data, stats);
    sym_buf_free(&json);
    return rc;
}

/* Fit the conversation for this round (a notice when turns were dropped) and keep its prompt
 * for sym_assistant_last_prompt(). On failure the turn is undone. */
static enum sym_status fit_round(struct sym_assistant *a, const struct sym_turn_io *io,
                                 struct sym_turn *turn, struct fmt *f, struct sym_buf *prompt)
{
    enum sym_status rc;
    int dropped = 0;
    char msg[256];

    rc = fit_conversation(a, f, prompt, &dropped);
    if (rc) {
        undo_turn(a);
        return rc;
    }
    if (dropped) {
        turn->n_dropped += dropped;
        snprintf(msg, sizeof msg,
                 "the context is full: dropped the %d oldest turn%s of this conversation", dropped,
                 dropped == 1 ? "" : "s");
        notice(io, msg);
    }
    sym_buf_reset(&a->last_prompt);
    if (sym_buf_append(&a->last_prompt, prompt->data ? prompt->data : "", prompt->len) == SYM_OK)
        sym_log(SYM_LOG_DEBUG, "prompt (%zu bytes):\n%s", prompt->len, sym_buf_str(prompt));
    return SYM_OK;
}

static enum sym_status chat_turn(struct sym_assistant *a, const char *input,
                                 const struct sym_turn_io *io, struct sym_turn *turn)
{
    struct answer_sink sink = {io, {0}, false, {0}};
    struct sym_buf prompt = {0}, calls = {0};
    const struct sym_config *c = a->cfg;
    struct sym_sampling smp = {c->temp,          c->top_k, c->top_p, c->min_p, c->repeat_penalty,
                               c->repeat_last_n, c->seed,  NULL,     0,        0};
    const char *const *stops = a->raw ? NULL : sym_llm_template_stops(a->llm);
    struct fmt f = {a->llm, a->conv, offered_tools(a, false), NULL};
    struct sym_recall recall;
    struct sym_buf decorated = {0};
    struct sym_gen_stats st;
    int n_run = 0, round;
    enum sym_status rc;
    bool warm = false;

    memset(&recall, 0, sizeof recall);
    turn->backend = "local";
    rc = check_choice(a, f.tools);
    if (rc)
        return rc;
    if (a->raw) {
        rc = sym_buf_puts(&prompt, input);
        if (!rc) {
            sym_buf_reset(&a->last_prompt);
            rc = sym_buf_puts(&a->last_prompt, input);
        }
        sink.started = true; /* a raw completion keeps its leading space */
        if (!rc)
            rc = sym_llm_generate(a->llm, sym_buf_str(&prompt), &smp, c->max_tokens, stops,
                                  on_piece, &sink, &turn->stats);
        if (rc) {
            snprintf(a->err, sizeof a->err, "%s", sym_llm_errmsg(a->llm));
            goto out;
        }
        account(a, turn);
        turn->answer = sym_buf_steal(&sink.answer);
        if (!turn->answer || take_reasoning(&sink, turn)) {
            rc = SYM_ERR_NOMEM;
            goto fail;
        }
        goto out;
    }
    {
        double t0 = sym_clock_ms();

        rc = recall_facts(a, input, io, turn, &recall);
        turn->recall_ms = sym_clock_ms() - t0;
    }
    if (!rc)
        rc = sym_conv_push(a->conv, "user", user_content(&recall, input, &decorated));
    if (rc)
        goto out;
    /* Each round asks the model; one that ends in tool calls runs them and asks again. */
    for (round = 0;; round++) {
        size_t n_calls = 0, round_from = sink.answer.len;

        f.choice = round_choice(a, turn->tool_rounds, n_run);
        rc = fit_round(a, io, turn, &f, &prompt);
        if (rc)
            goto out;
        sym_buf_reset(&calls);
        if (round == 0)
            ask_warm_start(a, &warm);
        rc = local_generate(a, &prompt, &smp, &f, &calls, on_piece, &sink, &st);
        add_stats(&turn->stats, &st, round);
        if (rc) {
            snprintf(a->err, sizeof a->err, "%s", sym_backend_errmsg(a->local));
            undo_turn(a);
            goto out;
        }
        if (!f.tools || !strcmp(f.choice, "none") || st.stop == SYM_STOP_INTERRUPT)
            break;
        rc = take_calls(a, io, turn, sym_buf_str(&calls),
                        sink.answer.data ? sink.answer.data + round_from : "", &n_run, &n_calls);
        if (rc) {
            undo_turn(a);
            goto out;
        }
        if (!n_calls)
            break;
        /* The text before the calls belongs to that round; the answer is what comes after. */
        sym_buf_reset(&sink.answer);
        sink.started = false;
    }
    account(a, turn);
    if (turn->stats.stop == SYM_STOP_CONTEXT)
        notice(io, "the context is full: the answer was cut (older turns will be dropped)");
    turn->answer = sym_buf_steal(&sink.answer);
    if (!turn->answer || take_reasoning(&sink, turn))
        rc = SYM_ERR_NOMEM;
    else
        rc = keep_plain_message(a, input, &decorated);
    if (!rc)
        rc = sym_conv_push(a->conv, "assistant", turn->answer);
    if (rc) {
        /* A failed turn leaves the conversation as it was and hands nothing back. */
        undo_turn(a);
        goto fail;
    }
    a->last_answer_id = 0;
    store_turn(a, input, turn, io);
    if (!a->raw) {
        a->kv_conv = a->conv_id;
        a->kv_fp = sym_kvstate_fingerprint(a->llm);
        if (a->one_shot && !warm)
            ask_save(a, sym_buf_str(&prompt));
    }
    record_turn(a, turn);
    if (turn->stats.stop != SYM_STOP_INTERRUPT)
        learn_said(a, input, io, turn);
    goto out;
fail:
    free(turn->answer);
    turn->answer = NULL;
    free(turn->reasoning);
    turn->reasoning = NULL;
out:
    sym_recall_free(&recall);
    sym_buf_free(&decorated);
    sym_buf_free(&prompt);
    sym_buf_free(&calls);
    sym_buf_free(&sink.answer);
    sym_buf_free(&sink.reasoning);
    return rc;
}

/* ---- the remote backend ---- */

#define REMOTE_HISTORY_MAX (64u << 10) /* bytes of earlier turns sent with share_memory */
#define REMOTE_RECALL_BUDGET 512       /* tokens of facts when no local model counts them */

/* What a remote turn sends: the messages and the buffers they point into. */
struct outgoing {
    struct sym_chat_msg *msgs;
    size_t n;
    /* The history: msgs[hist_at, hist_at + hist_n) are the conversation's messages [hist_from,
     * hist_to) without their tool calls and results, which remote_messages() puts back. */
    size_t hist_at, hist_n, hist_from, hist_to;
    struct sym_buf system, user;
    struct sym_recall recall;
};

static void outgoing_free(struct outgoing *o)
{
    free(o->msgs);
    sym_buf_free(&o->system);
    sym_buf_free(&o->user);
    sym_recall_free(&o->recall);
}

/*
 * Build what the remote backend gets for input, changing nothing in the assistant. Without
 * share_memory: the configured system prompt and the message, nothing else. With it: the system
 * prompt with the preferences and recalled facts, the newest turns of the conversation (up to
 * REMOTE_HISTORY_MAX bytes, whole turns), and the message (with the facts in front when they did
 * not all fit the system message). turn, when not NULL, gets the recalled facts' ids.
 */
static enum sym_status outgoing(struct sym_assistant *a, const char *input, struct sym_turn *turn,
                                struct outgoing *o)
{
    const char *sys = a->cfg->system ? a->cfg->system : "";
    size_t n_msgs, first = sym_conv_first_turn(a->conv), from = first, bytes = 0, i;
    const struct sym_chat_msg *msgs = sym_conv_msgs(a->conv, &n_msgs);
    enum sym_status rc = SYM_OK;

    memset(o, 0, sizeof *o);
    o->msgs = malloc(sizeof *o->msgs * (n_msgs + 2));
    if (!o->msgs)
        return SYM_ERR_NOMEM;
    rc = sym_buf_puts(&o->system, sys);
    if (!rc && a->cfg->share_memory) {
        struct sym_buf blocks = {0};
        int budget = a->llm ? recall_budget(a) : REMOTE_RECALL_BUDGET;

        if (sym_recall_build(a->store, a->llm, input, budget, a->cfg->recall_turns, a->conv_id,
                             &o->recall)) {
            sym_recall_free(&o->recall);
            memset(&o->recall, 0, sizeof o->recall);
        }
        if (o->recall.all && !sys[0])
            o->recall.all = false; /* no system prompt to hold it: before the message */
        for (i = 0; turn && i < o->recall.n && i < sizeof turn->recalled / sizeof turn->recalled[0];
             i++)
            turn->recalled[turn->n_recalled++] = o->recall.ids[i];
        rc = memory_blocks(a, o->recall.all ? sym_buf_str(&o->recall.block) : "", &blocks);
        if (!rc && blocks.len && sys[0])
            rc = sym_buf_printf(&o->system, "\n\n%s", sym_buf_str(&blocks));
        sym_buf_free(&blocks);
        for (i = n_msgs; i > first; i--)
            bytes += strlen(msgs[i - 1].content);
        while (from < n_msgs && bytes > REMOTE_HISTORY_MAX) {
            bytes -= strlen(msgs[from].content);
            from++;
        }
        while (from < n_msgs && strcmp(msgs[from].role, "user"))
            from++; /* start with a question, not an answer */
    } else {
        from = n_msgs; /* no history */
    }
    if (!rc)
        rc = sym_recall_message(&o->recall, input, &o->user);
    if (rc)
        return rc;
    if (o->system.len) {
        o->msgs[o->n].role = "system";
        o->msgs[o->n++].content = sym_buf_str(&o->system);
    }
    /* Without tools on the request, earlier turns' tool calls and results stay here: their
     * answers say what came of them. */
    o->hist_at = o->n;
    o->hist_from = from;
    o->hist_to = n_msgs;
    for (i = from; i < n_msgs; i++) {
        const struct sym_conv_tool *t = sym_conv_tool_part(a->conv, &msgs[i]);

        if (!t || (!t->tool_calls && !t->tool_call_id))
            o->msgs[o->n++] = msgs[i];
    }
    o->hist_n = o->n - o->hist_at;
    o->msgs[o->n].role = "user";
    o->msgs[o->n++].content = sym_buf_str(&o->user);
    return SYM_OK;
}

/* The request for what outgoing() built. */
static const struct sym_backend_request *outgoing_request(const struct outgoing *o,
                                                          const struct sym_sampling *smp,
                                                          int max_tokens,
                                                          struct sym_backend_request *req)
{
    memset(req, 0, sizeof *req);
    req->msgs = o->msgs;
    req->n = o->n;
    req->sampling = smp;
    req->max_tokens = max_tokens;
    return req;
}

/* Append the JSON array part to the JSON array out: "[a,b]" + "[c]" -> "[a,b,c]". */
static enum sym_status join_array(struct sym_buf *out, const struct sym_buf *part)
{
    if (part->len <= 2)
        return SYM_OK;
    if (out->len <= 2) {
        sym_buf_reset(out);
        return sym_buf_puts(out, sym_buf_str(part));
    }
    out->data[--out->len] = '\0';
    return sym_buf_printf(out, ",%s", sym_buf_str(part) + 1);
}

/*
 * The messages of a remote round with tools, as an OpenAI messages array: what outgoing() built,
 * with the history's tool calls and results put back (they are valid on a request that has
 * tools), then this turn's calls and results (after its user message in the conversation).
 */
static enum sym_status remote_messages(struct sym_assistant *a, const struct outgoing *o,
                                       struct sym_buf *out)
{
    struct sym_buf part = {0};
    size_t n, at = turn_start(a->conv) + 1, rest = o->hist_at + o->hist_n;
    const struct sym_chat_msg *msgs = sym_conv_msgs(a->conv, &n);
    enum sym_status rc;

    sym_buf_reset(out);
    rc = sym_toolturn_messages_json(NULL, o->msgs, o->hist_at, out);
    if (!rc && o->hist_to > o->hist_from)
        rc = sym_toolturn_messages_json(a->conv, msgs + o->hist_from, o->hist_to - o->hist_from,
                                        &part);
    if (!rc)
        rc = join_array(out, &part);
    sym_buf_reset(&part);
    if (!rc)
        rc = sym_toolturn_messages_json(NULL, o->msgs + rest, o->n - rest, &part);
    if (!rc)
        rc = join_array(out, &part);
    sym_buf_reset(&part);
    if (!rc && at < n)
        rc = sym_toolturn_messages_json(a->conv, msgs + at, n - at, &part);
    if (!rc)
        rc = join_array(out, &part);
    sym_buf_free(&part);
    return rc;
}

/* One chat turn answered by the remote backend; the conversation keeps the plain message and
 * the answer, as for a local turn, and the tool calls of the turn. */
static enum sym_status remote_turn(struct sym_assistant *a, const char *input,
                                   const struct sym_turn_io *io, struct sym_turn *turn)
{
    struct answer_sink sink = {io, {0}, false, {0}};
    const struct sym_config *c = a->cfg;
    struct sym_sampling smp = {c->temp,          c->top_k, c->top_p, c->min_p, c->repeat_penalty,
                               c->repeat_last_n, c->seed,  NULL,     0,        0};
    const char *tools = offered_tools(a, true);
    struct sym_buf json = {0}, calls = {0};
    struct sym_backend_request req;
    struct sym_gen_stats st;
    struct outgoing o;
    double t0 = sym_clock_ms();
    int n_run = 0, round;
    enum sym_status rc;

    turn->kind = SYM_TURN_CHAT;
    turn->backend = "remote";
    memset(&o, 0, sizeof o);
    rc = check_choice(a, tools);
    if (rc)
        return rc;
    rc = outgoing(a, input, turn, &o);
    turn->recall_ms = sym_clock_ms() - t0;
    if (!rc)
        rc = sym_conv_push(a->conv, "user", input);
    if (rc) {
        snprintf(a->err, sizeof a->err, "%s", sym_status_str(rc));
        goto out;
    }
    sym_buf_reset(&a->last_prompt);
    for (round = 0;; round++) {
        size_t n_calls = 0;
        const char *choice = round_choice(a, turn->tool_rounds, n_run);

        outgoing_request(&o, &smp, c->max_tokens, &req);
        req.on_reasoning = on_thought;
        if (tools) {
            rc = remote_messages(a, &o, &json);
            if (rc) {
                snprintf(a->err, sizeof a->err, "%s", sym_status_str(rc));
                undo_turn(a);
                goto out;
            }
            req.messages_json = sym_buf_str(&json);
            req.tools_json = tools;
            req.tool_choice = choice;
            sym_buf_reset(&calls);
            req.tool_calls_out = &calls;
        }
        rc = sym_backend_chat(a->remote, &req, on_piece, &sink, &st);
        add_stats(&turn->stats, &st, round);
        if (rc) {
            snprintf(a->err, sizeof a->err, "%s", sym_backend_errmsg(a->remote));
            undo_turn(a);
            goto out;
        }
        if (!tools || !strcmp(choice, "none") || st.stop == SYM_STOP_INTERRUPT)
            break;
        rc = take_calls(a, io, turn, sym_buf_str(&calls), sink.answer.data ? sink.answer.data : "",
                        &n_run, &n_calls);
        if (rc) {
            undo_turn(a);
            goto out;
        }
        if (!n_calls)
            break;
        sym_buf_reset(&sink.answer);
        sink.started = false;
    }
    account(a, turn);
    turn->answer = sym_buf_steal(&sink.answer);
    rc = turn->answer && !take_reasoning(&sink, turn)
             ? sym_conv_push(a->conv, "assistant", turn->answer)
             : SYM_ERR_NOMEM;
    if (rc)
        undo_turn(a);
    if (!rc) {
        a->last_answer_id = 0;
        store_turn(a, input, turn, io);
        record_turn(a, turn);
    }
    if (!rc && turn->stats.stop != SYM_STOP_INTERRUPT)
        learn_said(a, input, io, turn);
out:
    outgoing_free(&o);
    sym_buf_free(&json);
    sym_buf_free(&calls);
    sym_buf_free(&sink.answer);
    sym_buf_free(&sink.reasoning);
    return rc;
}

void sym_assistant_set_remote(struct sym_assistant *a, struct sym_backend *remote)
{
    if (a->remote != remote)
        sym_backend_free(a->remote);
    a->remote = remote;
}

const struct sym_config *sym_assistant_config(const struct sym_assistant *a)
{
    return a->cfg;
}

struct sym_backend *sym_assistant_remote(const struct sym_assistant *a)
{
    return a->remote;
}

bool sym_assistant_routes_remote(const struct sym_assistant *a)
{
    if (!a->remote)
        return false;
    return a->cfg->backend == SYM_BACKEND_MODE_REMOTE ||
           (a->cfg->backend == SYM_BACKEND_MODE_AUTO && !a->llm);
}

struct sym_backend *sym_assistant_backend(const struct sym_assistant *a)
{
    return sym_assistant_routes_remote(a) ? a->remote : a->local;
}

static enum sym_status no_remote(struct sym_assistant *a, enum sym_lang lang)
{
    snprintf(a->err, sizeof a->err, "%s",
             SYM_TR(lang,
                    "no remote backend is configured, so nothing is sent anywhere: start with "
                    "--backend auto --endpoint URL (or `backend = auto` and `endpoint = URL` in "
                    "the config)",
                    "удалённый сервер не настроен, поэтому ничего никуда не отправляется: "
                    "запустите с --backend auto --endpoint URL (или `backend = auto` и "
                    "`endpoint = URL` в настройках)"));
    return SYM_ERR_INVALID;
}

enum sym_status sym_assistant_chat_remote(struct sym_call *call, const char *text)
{
    struct sym_assistant *a = call->assistant;

    if (!a->remote)
        return no_remote(a, call->lang);
    return remote_turn(a, text, call->io, call->turn);
}

enum sym_status sym_assistant_remote_request(struct sym_assistant *a, const char *text,
                                             struct sym_buf *out)
{
    const struct sym_config *c = a->cfg;
    struct sym_sampling smp = {c->temp,          c->top_k, c->top_p, c->min_p, c->repeat_penalty,
                               c->repeat_last_n, c->seed,  NULL,     0,        0};
    struct sym_backend_request req;
    struct outgoing o;
    enum sym_status rc;

    if (!a->remote)
        return no_remote(a, a->lang);
    rc = outgoing(a, text, NULL, &o);
    if (!rc)
        rc = sym_backend_describe_request(a->remote,
                                          outgoing_request(&o, &smp, c->max_tokens, &req), out);
    outgoing_free(&o);
    return rc;
}

/* Why a chat turn cannot run: the front end says how to get a model (cli_no_model_help). */
static void no_model(struct sym_assistant *a)
{
    snprintf(a->err, sizeof a->err, "no model is loaded, so only commands work");
}

enum sym_status sym_assistant_chat(struct sym_call *call)
{
    struct sym_assistant *a = call->assistant;

    if (sym_assistant_routes_remote(a))
        return remote_turn(a, call->input, call->io, call->turn);
    if (!a->llm) {
        no_model(a);
        return SYM_ERR_MODEL;
    }
    return chat_turn(a, call->input, call->io, call->turn);
}

static const struct sym_module *chat_module(const struct sym_assistant *a)
{
    const struct sym_module *const *m;

    for (m = a->modules; *m; m++)
        if (!(*m)->commands)
            return *m;
    return NULL;
}

static void *module_state(struct sym_assistant *a, const struct sym_module *module)
{
    size_t i;

    for (i = 0; a->modules[i]; i++)
        if (a->modules[i] == module)
            return a->states[i];
    return NULL;
}

/* A plan's time expression ("on Friday"), resolved against now in the local zone, as the
 * fact's event time; a plan without one (or naming no moment) clears an earlier plan's time. */
static enum sym_status remember_when(struct sym_store *store, const struct sym_extracted_fact *f,
                                     long long id)
{
    enum sym_when_result res;
    bool found;
    time_t at = 0;

    if (f->kind != SYM_FACT_PLAN)
        return SYM_OK;
    if (f->has_when) {
        res = sym_when_resolve(&f->when, sym_clock_now(), NULL, &at);
        if (res != SYM_WHEN_OK && res != SYM_WHEN_AMBIGUOUS)
            at = 0;
    }
    return sym_fact_set_event_time(store, id, at, &found);
}

/* Remember one extracted fact and its event time in one transaction: both or neither. */
static enum sym_status remember_fact(struct sym_store *store, const struct sym_extracted_fact *f,
                                     long long *id, enum sym_fact_outcome *outcome)
{
    enum sym_status rc = sym_store_begin(store);

    if (!rc)
        rc = sym_fact_remember(store, f->text, f->key, "conversation", id, outcome);
    if (!rc)
        rc = remember_when(store, f, *id);
    if (!rc)
        return sym_store_commit(store);
    sym_store_rollback(store);
    return rc;
}

/*
 * Remember the personal facts a chat message states (nlp/extract.h), before the model answers:
 * they are kept even when the turn then fails (no model, a full context), and the recall of this
 * very turn already sees them. A fact about the same thing replaces the earlier one
 * (sym_fact_remember); a plan's time becomes its event time. Each new or changed fact is told in
 * a notice; a failing database costs only the fact, with a notice.
 */
static void remember_said(struct sym_assistant *a, const char *input, const struct sym_turn_io *io)
{
    struct sym_extracted ex;
    char msg[400];
    size_t i;

    if (!a->store || !a->cfg->extract || a->raw || sym_extract(input, &ex))
        return;
    for (i = 0; i < ex.n; i++) {
        const struct sym_extracted_fact *f = &ex.fact[i];
        enum sym_fact_outcome outcome;
        long long id;

        if (remember_fact(a->store, f, &id, &outcome)) {
            snprintf(
                msg, sizeof msg,
                SYM_TR(f->lang, "could not remember \"%s\": %s", "не удалось запомнить «%s»: %s"),
                f->text, sym_store_errmsg(a->store));
            notice(io, msg);
        } else if (outcome != SYM_FACT_KNOWN) {
            snprintf(msg, sizeof msg,
                     outcome == SYM_FACT_ADDED ? SYM_TR(f->lang, "remembered: %s", "запомнил: %s")
                                               : SYM_TR(f->lang, "updated: %s", "обновил: %s"),
                     f->text);
            notice(io, msg);
        }
    }
}

/* Route a parsed input to its module; a command's answer is collected in out. */
static enum sym_status route(struct sym_assistant *a, const char *input,
                             const struct sym_parse *parse, const struct sym_turn_io *io,
                             struct sym_turn *turn, struct sym_buf *out)
{
    const struct sym_module *module = NULL;
    const struct sym_command *command = NULL;
    struct sym_call call;
    char near[64];

    /* An intent no module has registered yet (say, a memory phrasing before the memory module
     * exists) is ordinary chat. */
    if (parse->command && parse->natural &&
        !sym_module_find_command(a->modules, parse->command, NULL)) {
        turn->kind = SYM_TURN_CHAT;
        module = chat_module(a);
        remember_said(a, input, io);
    } else if (parse->command) {
        turn->kind = SYM_TURN_COMMAND;
        command = sym_module_find_command(a->modules, parse->command, &module);
        if (!command && sym_module_suggest(a->modules, parse->command, near, sizeof near))
            return sym_buf_printf(out,
                                  SYM_TR(parse->lang,
                                         "Unknown command /%s. Did you mean /%s? Type /help for "
                                         "the list.",
                                         "Неизвестная команда /%s. Может быть, /%s? Список "
                                         "команд: /help."),
                                  parse->command, near);
        if (!command)
            return sym_buf_printf(out,
                                  SYM_TR(parse->lang,
                                         "Unknown command /%s. Type /help for the list.",
                                         "Неизвестная команда /%s. Список команд: /help."),
                                  parse->command);
        if (parse->error[0])
            return sym_buf_printf(out, "%s: %s", command->usage, parse->error);
    } else {
        turn->kind = SYM_TURN_CHAT;
        module = chat_module(a);
        remember_said(a, input, io);
    }
    memset(&call, 0, sizeof call);
    call.assistant = a;
    call.module = module;
    call.command = command;
    call.parse = parse;
    call.input = input;
    call.lang = parse->lang;
    call.io = io;
    call.turn = turn;
    call.out = out;
    call.state = module_state(a, module);
    return module->handle(&call);
}

enum sym_status sym_assistant_turn(struct sym_assistant *a, const char *input,
                                   const struct sym_turn_io *io, struct sym_turn *turn)
{
    struct sym_buf clean = {0}, out = {0};
    struct sym_parse parse;
    enum sym_status rc;

    memset(turn, 0, sizeof *turn);
    memset(&parse, 0, sizeof parse);
    a->err[0] = '\0';
    /* Invalid UTF-8 from a pipe or a paste becomes U+FFFD rather than confusing the tokenizer. */
    rc = sym_utf8_sanitize(input, strlen(input), &clean);
    if (rc)
        goto out;
    if (a->raw) {
        turn->kind = SYM_TURN_CHAT;
        rc = a->llm ? chat_turn(a, sym_buf_str(&clean), io, turn) : SYM_ERR_MODEL;
        if (rc == SYM_ERR_MODEL && !a->llm)
            no_model(a);
        goto out;
    }
    rc = sym_parse(sym_buf_str(&clean), a->lang, &parse);
    if (!rc)
        rc = route(a, sym_buf_str(&clean), &parse, io, turn, &out);
    if (!rc && turn->kind == SYM_TURN_COMMAND) {
        if (out.len && io && io->on_text)
            io->on_text(out.data, out.len, io->data);
        turn->answer = sym_buf_steal(&out);
        if (!turn->answer)
            rc = SYM_ERR_NOMEM;
    }
out:
    if (rc && !a->err[0])
        snprintf(a->err, sizeof a->err, "%s", sym_status_str(rc));
    sym_parse_clear(&parse);
    sym_buf_free(&clean);
    sym_buf_free(&out);
    return rc;
}
