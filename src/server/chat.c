/*
 * chat.c: the routes that need the model, as jobs for the worker: POST /v1/chat/completions (the
 * OpenAI API: the client's messages, stateless, answered by the backend the assistant would
 * choose, sym_assistant_backend(): the local model, or the remote endpoint under --backend remote
 * or auto without a model) and POST /api/chat (the whole assistant: modules, memory recall, the
 * conversation).
 *
 * Each route parses and checks its request on the connection's thread, so a bad request is a 400
 * before anything is queued; the job then runs on the worker and writes either server-sent events
 * as the answer grows (stream) or one JSON body at the end. Each piece of text checks whether the
 * client went away and, if so, stops the generation (the worker also raises the model's interrupt
 * flag, which stops a long prompt evaluation too).
 *
 * A completion on the local model shares its KV cache like every generation, so a client that
 * resends the history plus a message reuses the prefix.
 *
 * /api/chat keeps one conversation in the assistant: a request for that same conversation goes
 * on from the KV cache; another conversation is loaded from the database first (its prompt is then
 * evaluated again), and a request without one starts a new conversation.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/log.h"
#include "core/assistant.h"
#include "core/module.h"
#include "core/turn_json.h"
#include "llm/engine.h"
#include "nlp/parse.h"
#include "memory/conversations.h"
#include "base/buf.h"
#include "server/internal.h"
#include "server/openai.h"

#define MAX_MESSAGE (1u << 20)

/* ---- shared ---- */

/* The KV cache's figures for /metrics: the slots' together under the engine. model_lock held. */
static void publish_kv(struct sym_server *s)
{
    struct sym_llm *llm = sym_assistant_llm(s->assistant);
    struct sym_engine_stats es;

    if (s->engine) {
        sym_engine_get_stats(s->engine, &es);
        atomic_store(&s->kv_used, es.kv_used);
        atomic_store(&s->kv_size, es.n_ctx * es.n_slots);
        return;
    }
    atomic_store(&s->kv_used, llm ? sym_llm_n_cached(llm) : 0);
    atomic_store(&s->kv_size, llm ? sym_llm_n_ctx(llm) : 0);
}

/* After /model: the name in "llama 260K F32 (name.gguf)". */
static void refresh_model_name(struct sym_server *s)
{
    struct sym_llm *llm = sym_assistant_llm(s->assistant);
    const char *d = llm ? sym_llm_describe(llm) : "", *open = strrchr(d, '(');
    size_t n;

    if (!open || !strchr(open, ')'))
        return;
    n = (size_t)(strchr(open, ')') - open - 1);
    pthread_mutex_lock(&s->name_lock);
    snprintf(s->model, sizeof s->model, "%.*s", (int)n, open + 1);
    pthread_mutex_unlock(&s->name_lock);
}

/* The HTTP error for a failed generation. */
static void generation_error(enum sym_status rc, const char *why, bool have_model,
                             struct sym_http_error *e)
{
    if (!have_model)
        sym_http_error_set(e, 503, "no_model", NULL,
                           "no model is loaded: start `symbiot serve` with -m MODEL");
    else if (rc == SYM_ERR_CONTEXT)
        sym_http_error_set(e, 400, "context_length_exceeded", "messages", "%s", why);
    else if (rc == SYM_ERR_INVALID)
        sym_http_error_set(e, 400, "invalid_value", "messages", "%s", why);
    else if (rc == SYM_ERR_INTERRUPTED)
        sym_http_error_set(e, 503, "cancelled", NULL, "the generation was stopped");
    else
        sym_http_error_set(e, 500, "internal_error", NULL, "%s", why[0] ? why : "internal error");
}

/* End a job with an error: an error event when its stream already began, else the status. */
static void finish_error(struct sym_job *job, bool stream, bool openai,
                         const struct sym_http_error *e)
{
    char *err = sym_http_error_json(e);
    struct sym_buf ev = {0};

    if (stream && sym_job_emitted(job) > 0) {
        if (openai)
            sym_buf_printf(&ev, "data: %s\n\ndata: [DONE]\n\n", err ? err : "{}");
        else
            sym_buf_printf(&ev, "data: {\"type\":\"error\",%s\n\n",
                           err ? err + 1 : "\"error\":{}}");
        sym_job_emit(job, sym_buf_str(&ev), ev.len);
        sym_buf_free(&ev);
        free(err);
        sym_job_finish(job, 200, NULL);
        return;
    }
    sym_job_finish(job, e->status, err);
}

void sym_chat_dropped(struct sym_job *job, void *arg, bool stopping)
{
    struct sym_http_error e;

    (void)arg;
    if (stopping)
        sym_http_error_set(&e, 503, "shutting_down", NULL, "the server is stopping");
    else
        sym_http_error_set(&e, 503, "cancelled", NULL, "the request was cancelled");
    sym_job_finish(job, e.status, sym_http_error_json(&e));
}

/* ---- POST /v1/chat/completions ---- */

struct completion {
    struct sym_server *s;
    struct sym_job *job;
    struct sym_chat_request req;
    struct sym_openai_ids ids;
    char model[256];
    struct sym_buf answer;
    struct sym_buf reasoning;  /* a reasoning model's thinking */
    struct sym_buf tool_calls; /* the finished "tool_calls" array; empty when none */
    bool started;              /* past the answer's leading whitespace */
    bool role_sent;            /* the stream's first chunk (the role) is out */
};

static void free_completion(void *arg)
{
    struct completion *c = arg;

    sym_chat_request_free(&c->req);
    sym_buf_free(&c->answer);
    sym_buf_free(&c->reasoning);
    sym_buf_free(&c->tool_calls);
    free(c);
}

/* The stream's first chunk: the role, with empty content. */
static void send_role(struct completion *c)
{
    char *chunk;

    if (c->role_sent)
        return;
    chunk = sym_openai_chunk(&c->ids, "assistant", "", NULL, NULL);
    if (chunk)
        sym_job_emit(c->job, chunk, strlen(chunk));
    free(chunk);
    c->role_sent = true;
}

static void emit_chunk(struct completion *c, const char *content, const char *finish)
{
    char *chunk;

    send_role(c);
    chunk = sym_openai_chunk(&c->ids, NULL, content, finish, NULL);
    if (chunk)
        sym_job_emit(c->job, chunk, strlen(chunk));
    free(chunk);
}

static int completion_text(const char *text, size_t len, void *data)
{
    struct completion *c = data;
    size_t at = c->answer.len;

    if (!c->started) { /* as the CLI does: no leading whitespace */
        while (len && (*text == ' ' || *text == '\n' || *text == '\t' || *text == '\r')) {
            text++;
            len--;
        }
        if (!len)
            return sym_job_cancelled(c->job);
        c->started = true;
    }
    if (sym_buf_append(&c->answer, text, len))
        return 1;
    if (c->req.stream)
        emit_chunk(c, c->answer.data + at, NULL);
    return sym_job_cancelled(c->job);
}

/* A piece of the thinking: kept for the message, streamed as a reasoning_content delta. */
static int completion_reasoning(const char *text, size_t len, void *data)
{
    struct completion *c = data;
    size_t at = c->reasoning.len;
    char *chunk;

    if (!at) {
        while (len && (*text == ' ' || *text == '\n' || *text == '\t' || *text == '\r')) {
            text++;
            len--;
        }
        if (!len)
            return sym_job_cancelled(c->job);
    }
    if (sym_buf_append(&c->reasoning, text, len))
        return 1;
    if (c->req.stream) {
        send_role(c);
        chunk = sym_openai_reasoning_chunk(&c->ids, c->reasoning.data + at);
        if (chunk)
            sym_job_emit(c->job, chunk, strlen(chunk));
        free(chunk);
    }
    return sym_job_cancelled(c->job);
}

/* A piece of a tool call, streamed as OpenAI does (the whole list comes at the end too). */
static int completion_tool_call(int index, const char *id, const char *name, const char *args,
                                void *data)
{
    struct completion *c = data;
    char *chunk;

    if (c->req.stream) {
        send_role(c);
        chunk = sym_openai_tool_call_chunk(&c->ids, index, id, name, args);
        if (chunk)
            sym_job_emit(c->job, chunk, strlen(chunk));
        free(chunk);
    }
    return sym_job_cancelled(c->job);
}

static void finish_completion(struct completion *c, const struct sym_gen_stats *stats)
{
    const char *finish = sym_openai_finish_reason(stats->stop);
    char *chunk;

    if (!c->req.stream) {
        sym_job_finish(c->job, 200,
                       sym_openai_completion(&c->ids, sym_buf_str(&c->answer),
                                             sym_buf_str(&c->reasoning),
                                             sym_buf_str(&c->tool_calls), stats));
        return;
    }
    emit_chunk(c, NULL, finish);
    if (c->req.include_usage && (chunk = sym_openai_chunk(&c->ids, NULL, NULL, NULL, stats))) {
        sym_job_emit(c->job, chunk, strlen(chunk));
        free(chunk);
    }
    sym_job_emit(c->job, "data: [DONE]\n\n", 14);
    sym_job_finish(c->job, 200, NULL);
}

/* The backend's answer to the client's messages, as it is; the backend adds its own stops. */
static enum sym_status complete(struct completion *c, struct sym_backend *b,
                                struct sym_gen_stats *stats)
{
    struct sym_backend_request req;

    memset(&req, 0, sizeof req);
    req.msgs = c->req.msgs;
    req.n = c->req.n_msgs;
    req.sampling = &c->req.sampling;
    req.max_tokens = c->req.max_tokens;
    req.stops = (const char *const *)c->req.stops;
    req.on_reasoning = completion_reasoning;
    req.messages_json = c->req.messages_json;
    req.tools_json = c->req.tools_json;
    req.tool_choice = c->req.tool_choice;
    req.parallel_tool_calls = c->req.parallel_tool_calls;
    req.json_schema = c->req.json_schema;
    req.on_tool_call = completion_tool_call;
    req.tool_calls_out = &c->tool_calls;
    if (sym_backend_kind(b) == SYM_BACKEND_REMOTE) /* "model" names what answered */
        snprintf(c->model, sizeof c->model, "%s",
                 c->s->cfg->remote_model ? c->s->cfg->remote_model : "remote");
    return sym_backend_chat(b, &req, completion_text, c, stats);
}

static void run_completion(struct sym_job *job, void *arg, void *data)
{
    struct completion *c = arg;
    struct sym_server *s = data;
    struct sym_backend *b;
    struct sym_gen_stats stats;
    struct sym_http_error e;
    enum sym_status rc = SYM_ERR_MODEL;

    c->job = job;
    memset(&stats, 0, sizeof stats);
    /* Stateless: no turn lock, so completions run beside each other and beside a turn. */
    pthread_rwlock_rdlock(&s->model_lock);
    b = sym_assistant_backend(s->assistant);
    if (b) {
        rc = complete(c, b, &stats);
        publish_kv(s);
    }
    if (b && (!rc || rc == SYM_ERR_INTERRUPTED))
        sym_metrics_generation(s->metrics, "/v1/chat/completions", &stats, sym_job_cancelled(job));
    if (rc) {
        generation_error(rc, b ? sym_backend_errmsg(b) : "", b != NULL, &e);
        if (rc == SYM_ERR_INVALID) /* what the backend refused: the tools, or the schema */
            e.param = c->req.tools_json    ? "tools"
                      : c->req.json_schema ? "response_format"
                                           : "messages";
        finish_error(job, c->req.stream, true, &e);
    } else {
        finish_completion(c, &stats);
    }
    pthread_rwlock_unlock(&s->model_lock);
}

/* Whether a completion can be answered: a local model, or a remote backend that chat may use
 * (the worker makes the exact choice, sym_assistant_backend()). The remote backend and the
 * configuration are fixed while the server runs, so this thread may read them. */
static bool have_model(struct sym_server *s)
{
    bool have;

    if (s->cfg->backend != SYM_BACKEND_MODE_LOCAL && sym_assistant_remote(s->assistant))
        return true;
    pthread_mutex_lock(&s->name_lock);
    have = s->model[0] != '\0';
    pthread_mutex_unlock(&s->name_lock);
    return have;
}

static struct sym_job *refuse(struct sym_reply *reply, const struct sym_http_error *e)
{
    sym_reply_error(reply, e);
    return NULL;
}

struct sym_job *sym_route_completions(struct sym_server *s, const struct sym_request *req,
                                      struct sym_reply *reply, bool *stream)
{
    struct completion *c = calloc(1, sizeof *c);
    struct sym_http_error e;
    struct sym_job *job;

    if (!c) {
        sym_http_error_set(&e, 500, "internal_error", NULL, "out of memory");
        return refuse(reply, &e);
    }
    if (!sym_openai_parse_chat(req->body, req->body_len, s->cfg, &c->req, &e)) {
        free(c);
        return refuse(reply, &e);
    }
    if (!have_model(s)) {
        free_completion(c);
        sym_http_error_set(&e, 503, "no_model", NULL,
                           "no model is loaded: start `symbiot serve` with -m MODEL");
        return refuse(reply, &e);
    }
    c->s = s;
    sym_server_model_name(s, c->model, sizeof c->model);
    snprintf(c->ids.id, sizeof c->ids.id, "chatcmpl-%lld", atomic_fetch_add(&s->next_id, 1));
    c->ids.created = (long long)time(NULL);
    c->ids.model = c->model;
    *stream = c->req.stream;
    job = sym_job_new(run_completion, c, free_completion);
    if (!job) {
        free_completion(c);
        sym_http_error_set(&e, 500, "internal_error", NULL, "out of memory");
        return refuse(reply, &e);
    }
    return job;
}

/* ---- POST /api/chat ---- */

struct chat {
    struct sym_server *s;
    struct sym_job *job;
    char *message;
    long long conversation_id; /* 0: a new conversation */
    long long from;            /* replace the conversation's messages from this one; -1: none */
    bool stream;
    cJSON *notices;
};

static void free_chat(void *arg)
{
    struct chat *c = arg;

    free(c->message);
    cJSON_Delete(c->notices);
    free(c);
}

/* One event of the /api/chat stream: {"type": type, "text": text}. */
static void emit_event(struct chat *c, const char *type, const char *text, size_t len)
{
    cJSON *ev = cJSON_CreateObject();
    struct sym_buf b = {0};
    char *copy = malloc(len + 1), *json;

    if (copy) {
        memcpy(copy, text, len);
        copy[len] = '\0';
        cJSON_AddStringToObject(ev, "type", type);
        cJSON_AddStringToObject(ev, "text", copy);
    }
    free(copy);
    json = sym_json_finish(ev);
    if (json && !sym_buf_printf(&b, "data: %s\n\n", json))
        sym_job_emit(c->job, b.data, b.len);
    free(json);
    sym_buf_free(&b);
}

static int chat_text(const char *text, size_t len, void *data)
{
    struct chat *c = data;

    if (c->stream)
        emit_event(c, "text", text, len);
    return sym_job_cancelled(c->job);
}

/* A piece of a reasoning model's thinking: a "reasoning" event (the page folds it away). */
static int chat_reasoning(const char *text, size_t len, void *data)
{
    struct chat *c = data;

    if (c->stream)
        emit_event(c, "reasoning", text, len);
    return sym_job_cancelled(c->job);
}

static void chat_notice(const char *message, void *data)
{
    struct chat *c = data;

    cJSON_AddItemToArray(c->notices, cJSON_CreateString(message));
    if (c->stream)
        emit_event(c, "notice", message, strlen(message));
}

/* Emit obj (deleted) as one event of the stream. */
static void emit_json(struct chat *c, cJSON *obj)
{
    char *json = sym_json_finish(obj);
    struct sym_buf b = {0};

    if (json && !sym_buf_printf(&b, "data: %s\n\n", json))
        sym_job_emit(c->job, b.data, b.len);
    free(json);
    sym_buf_free(&b);
}

/* A tool call the model made: a "tool_call" event before it runs, a "tool_result" event with its
 * result and status after (the page shows each as a block). */
static void chat_tool(const struct sym_tool_call_record *rec, void *data)
{
    struct chat *c = data;
    cJSON *ev;

    if (!c->stream)
        return; /* the turn's "tool_calls" has them */
    ev = cJSON_CreateObject();
    cJSON_AddStringToObject(ev, "type", rec->result ? "tool_result" : "tool_call");
    cJSON_AddStringToObject(ev, "id", rec->id);
    cJSON_AddStringToObject(ev, "name", rec->name);
    cJSON_AddStringToObject(ev, "arguments", rec->arguments);
    if (rec->result) {
        cJSON_AddStringToObject(ev, "result", rec->result);
        cJSON_AddStringToObject(ev, "status", sym_tool_status_name(rec->status));
    }
    emit_json(c, ev);
}

/*
 * A tool that removes something: a "confirm" event with a fresh id, then wait for POST
 * /api/chat/confirm with that id (sym_route_chat_confirm), at most cfg->confirm_timeout seconds
 * and only while the client is there. No answer is no. A request that does not stream cannot be
 * asked: refused.
 */
static int chat_confirm(const char *name, const char *args, void *data)
{
    struct chat *c = data;
    struct sym_server *s = c->s;
    struct timespec until;
    char id[48];
    cJSON *ev;
    int answer = -1, waited = 0, limit = s->cfg->confirm_timeout * 4;

    if (!c->stream)
        return 0;
    snprintf(id, sizeof id, "confirm-%lld-%ld", (long long)atomic_fetch_add(&s->next_id, 1),
             (long)time(NULL));
    pthread_mutex_lock(&s->confirm_lock);
    snprintf(s->confirm_id, sizeof s->confirm_id, "%s", id);
    s->confirm_answer = -1;
    pthread_mutex_unlock(&s->confirm_lock);
    ev = cJSON_CreateObject();
    cJSON_AddStringToObject(ev, "type", "confirm");
    cJSON_AddStringToObject(ev, "id", id);
    cJSON_AddStringToObject(ev, "name", name);
    cJSON_AddStringToObject(ev, "arguments", args);
    cJSON_AddNumberToObject(ev, "timeout_s", s->cfg->confirm_timeout);
    emit_json(c, ev);
    /* In quarter seconds, so a client that went away is noticed soon. */
    pthread_mutex_lock(&s->confirm_lock);
    while (s->confirm_answer < 0 && waited < limit && !sym_job_cancelled(c->job) &&
           !atomic_load(&s->stopping)) {
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_nsec += 250000000L;
        if (until.tv_nsec >= 1000000000L) {
            until.tv_sec++;
            until.tv_nsec -= 1000000000L;
        }
        if (pthread_cond_timedwait(&s->confirm_cv, &s->confirm_lock, &until))
            waited++;
    }
    answer = s->confirm_answer;
    s->confirm_id[0] = '\0';
    pthread_mutex_unlock(&s->confirm_lock);
    if (answer < 0) {
        char msg[160];

        snprintf(msg, sizeof msg, "%s was refused: no answer to the question within %d s", name,
                 s->cfg->confirm_timeout);
        chat_notice(msg, c);
    }
    return answer == 1;
}

void sym_route_chat_confirm(struct sym_server *s, const struct sym_request *req,
                            struct sym_reply *r)
{
    struct sym_http_error e;
    cJSON *obj = sym_json_parse_object(req->body, req->body_len, &e), *out;
    const char *id = NULL;
    bool allow = false, has_allow = false, found = false;

    if (!obj || !sym_json_string(obj, "id", true, &id, NULL, &e) ||
        !sym_json_bool(obj, "allow", &allow, &has_allow, &e) ||
        (!has_allow &&
         !sym_http_error_set(&e, 400, "missing_field", "allow", "give \"allow\": true or false"))) {
        cJSON_Delete(obj);
        sym_reply_error(r, &e);
        return;
    }
    pthread_mutex_lock(&s->confirm_lock);
    if (s->confirm_id[0] && !strcmp(s->confirm_id, id) && s->confirm_answer < 0) {
        s->confirm_answer = allow;
        found = true;
        pthread_cond_broadcast(&s->confirm_cv);
    }
    pthread_mutex_unlock(&s->confirm_lock);
    if (!found) {
        sym_http_error_set(&e, 404, "not_found", "id",
                           "no question %s is waiting (answered already, timed out, or never "
                           "asked)",
                           id);
        cJSON_Delete(obj);
        sym_reply_error(r, &e);
        return;
    }
    out = cJSON_CreateObject();
    cJSON_AddStringToObject(out, "id", id);
    cJSON_AddBoolToObject(out, "allow", allow);
    cJSON_Delete(obj);
    sym_reply_json(r, 200, out);
}

/* The turn's object (core/turn_json.h), after "type": "done" in a stream. NULL: out of memory. */
static cJSON *turn_json(struct chat *c, const struct sym_turn *turn)
{
    cJSON *obj = cJSON_CreateObject(), *notices = c->notices;

    c->notices = NULL;
    if (!obj || (c->stream && !cJSON_AddStringToObject(obj, "type", "done")) ||
        sym_turn_json(obj, turn, c->s->assistant, NULL, notices, sym_metrics_stop_name)) {
        if (!obj)
            cJSON_Delete(notices);
        cJSON_Delete(obj);
        return NULL;
    }
    return obj;
}

/* "from": cut the stored conversation before its message c->from, which must be a user message
 * (an edited message, or the question of an answer to regenerate). False with e set. */
static bool cut_conversation(struct chat *c, struct sym_http_error *e)
{
    struct sym_store *store = sym_assistant_store(c->s->assistant);
    struct sym_conversation_turns turns = {0};
    enum sym_status rc;
    bool found = false, ok = true;

    if (!store)
        return sym_http_error_set(e, 503, "no_memory", NULL, "there is no memory database");
    rc = sym_conversation_load(store, c->conversation_id, &turns, &found);
    if (!rc && !found)
        ok = sym_http_error_set(e, 404, "not_found", "conversation_id",
                                "there is no conversation %lld", c->conversation_id);
    else if (!rc && ((size_t)c->from >= turns.n || strcmp(turns.items[c->from].role, "user")))
        ok = sym_http_error_set(e, 400, "invalid_value", "from",
                                "message %lld of conversation %lld is not a user message (it has "
                                "%zu messages, counted from 0)",
                                c->from, c->conversation_id, turns.n);
    else if (!rc)
        rc = sym_conversation_truncate(store, c->conversation_id, (size_t)c->from);
    sym_conversation_turns_free(&turns);
    if (ok && rc)
        ok = sym_http_error_set(e, 500, "internal_error", NULL, "%s", sym_store_errmsg(store));
    return ok;
}

/* Make the assistant's conversation the one asked for (cut first with "from"). False with e set
 * (404: not stored). */
static bool enter_conversation(struct chat *c, struct sym_http_error *e)
{
    struct sym_assistant *a = c->s->assistant;
    enum sym_status rc;
    long long now;
    int n;

    sym_assistant_conversation(a, &now, &n);
    if (!c->conversation_id) {
        sym_assistant_reset(a);
        return true;
    }
    if (c->from >= 0 && !cut_conversation(c, e))
        return false;
    if (c->conversation_id == now && c->from < 0)
        return true; /* the KV cache holds it already */
    rc = sym_assistant_resume(a, c->conversation_id);
    if (rc == SYM_ERR_NOT_FOUND)
        return sym_http_error_set(e, 404, "not_found", "conversation_id",
                                  "there is no conversation %lld", c->conversation_id);
    if (rc)
        return sym_http_error_set(e, 500, "internal_error", NULL, "%s", sym_assistant_errmsg(a));
    return true;
}

static void finish_chat(struct chat *c, struct sym_turn *turn)
{
    cJSON *obj = turn_json(c, turn);
    char *json = sym_json_finish(obj);
    struct sym_buf ev = {0};

    if (!json) {
        sym_job_finish(c->job, 500, NULL);
        return;
    }
    if (!c->stream) {
        sym_job_finish(c->job, 200, json);
        return;
    }
    if (!sym_buf_printf(&ev, "data: %s\n\n", json))
        sym_job_emit(c->job, ev.data, ev.len);
    sym_buf_free(&ev);
    free(json);
    sym_job_finish(c->job, 200, NULL);
}

/* Whether message is /model (or its alias), which replaces the model the engine drives. */
static bool switches_model(struct sym_server *s, const char *message)
{
    const struct sym_command *cmd = NULL;
    struct sym_parse p;

    if (sym_parse(message, SYM_LANG_EN, &p))
        return false;
    if (p.command)
        cmd = sym_module_find_command(sym_assistant_modules(s->assistant), p.command, NULL);
    sym_parse_clear(&p);
    return cmd && !strcmp(cmd->name, "model");
}

/* Run the turn: one at a time (turn_lock), since the assistant's conversation is one; beside
 * completions, except /model, which waits until nothing generates (model_lock written) and stops
 * the engine while the model changes. Everything that reads the assistant stays under the lock. */
static void run_chat(struct sym_job *job, void *arg, void *data)
{
    struct chat *c = arg;
    struct sym_server *s = data;
    struct sym_assistant *a = s->assistant;
    struct sym_turn_io io = {chat_text, chat_notice, c, chat_reasoning, chat_tool, chat_confirm};
    bool exclusive = switches_model(s, c->message);
    struct sym_llm *before;
    struct sym_http_error e;
    struct sym_turn turn;
    enum sym_status rc;

    c->job = job;
    memset(&turn, 0, sizeof turn);
    if (exclusive) {
        pthread_rwlock_wrlock(&s->model_lock);
        sym_engine_free(s->engine);
        s->engine = NULL;
    } else {
        pthread_rwlock_rdlock(&s->model_lock);
    }
    pthread_mutex_lock(&s->turn_lock);
    before = sym_assistant_llm(a);
    if (!enter_conversation(c, &e)) {
        finish_error(job, c->stream, false, &e);
        goto out;
    }
    rc = sym_assistant_turn(a, c->message, &io, &turn);
    if (sym_assistant_llm(a) != before)
        refresh_model_name(s);
    if (turn.kind == SYM_TURN_CHAT && sym_assistant_llm(a) && (!rc || rc == SYM_ERR_INTERRUPTED))
        sym_metrics_generation(s->metrics, "/api/chat", &turn.stats, sym_job_cancelled(job));
    if (rc) {
        generation_error(rc, sym_assistant_errmsg(a), sym_assistant_llm(a) != NULL, &e);
        finish_error(job, c->stream, false, &e);
    } else {
        finish_chat(c, &turn);
    }
out:
    if (exclusive && sym_server_engine_start(s))
        sym_log(SYM_LOG_WARN, "out of memory: no engine, the model serves one generation at once");
    publish_kv(s);
    pthread_mutex_unlock(&s->turn_lock);
    pthread_rwlock_unlock(&s->model_lock);
    sym_turn_clear(&turn);
}

static bool parse_chat(const struct sym_request *req, struct chat *c, struct sym_http_error *e)
{
    cJSON *obj = sym_json_parse_object(req->body, req->body_len, e);
    const char *message = NULL;
    bool ok, has_from = false;

    if (!obj)
        return false;
    ok =
        sym_json_string(obj, "message", true, &message, NULL, e) &&
        sym_json_int(obj, "conversation_id", 1, (long long)1 << 53, &c->conversation_id, NULL, e) &&
        sym_json_bool(obj, "stream", &c->stream, NULL, e) &&
        sym_json_int(obj, "from", 0, (long long)1 << 53, &c->from, &has_from, e);
    if (ok && has_from && !c->conversation_id)
        ok = sym_http_error_set(e, 400, "invalid_value", "from",
                                "\"from\" needs the \"conversation_id\" it cuts");
    if (!has_from)
        c->from = -1;
    if (ok && !message[0])
        ok = sym_http_error_set(e, 400, "invalid_value", "message", "\"message\" is empty");
    if (ok && strlen(message) > MAX_MESSAGE)
        ok = sym_http_error_set(e, 400, "invalid_value", "message",
                                "\"message\" is longer than 1 MiB");
    if (ok && !(c->message = strdup(message)))
        ok = sym_http_error_set(e, 500, "internal_error", NULL, "out of memory");
    cJSON_Delete(obj);
    return ok;
}

struct sym_job *sym_route_chat(struct sym_server *s, const struct sym_request *req,
                               struct sym_reply *reply, bool *stream)
{
    struct chat *c = calloc(1, sizeof *c);
    struct sym_http_error e;
    struct sym_job *job = NULL;

    if (!c || !(c->notices = cJSON_CreateArray())) {
        free(c);
        sym_http_error_set(&e, 500, "internal_error", NULL, "out of memory");
        return refuse(reply, &e);
    }
    c->s = s;
    if (!parse_chat(req, c, &e)) {
        free_chat(c);
        return refuse(reply, &e);
    }
    job = sym_job_new(run_chat, c, free_chat);
    if (!job) {
        free_chat(c);
        sym_http_error_set(&e, 500, "internal_error", NULL, "out of memory");
        return refuse(reply, &e);
    }
    *stream = c->stream;
    return job;
}
