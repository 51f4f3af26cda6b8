/*
 * remote.c: the remote backend: an OpenAI-compatible chat endpoint over HTTPS (net/http.h).
 *
 * One chat is one POST to BASE/chat/completions with "stream": true. The answer comes back as
 * Server-Sent Events (sse.h); each event's JSON carries a piece of text in
 * choices[0].delta.content, the finish reason, and (asked for with stream_options) the token
 * usage. A server that answers with a whole JSON completion instead of a stream is understood too.
 *
 * Decisions:
 * - The HTTP status is judged at the first body byte. An error status collects the body (capped)
 *   to quote the server's own message in the one-line error. 429 and 5xx are retried, with a
 *   doubling backoff (or the server's Retry-After, up to 30 s), but only while no text has
 *   reached the caller: a half-streamed answer is never silently restarted.
 * - Timeouts: a connect timeout, and an idle timeout (no byte for timeout_s, measured in the
 *   progress callback), so a long answer that keeps streaming is never cut, but a server that
 *   stalls, before or during the answer, is given up on.
 * - Plain http only to loopback (127.0.0.0/8, ::1, localhost) unless allowed (the HTTP layer's
 *   URL policy); no redirects.
 * - The key: copied in, sent only in the Authorization header, wiped on free. Error messages
 *   name the environment variable it came from, never its value, and any echo of the key in a
 *   server's message is replaced by "<hidden>". libcurl's verbose mode is never turned on.
 */
#include <cjson/cJSON.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "base/clock.h"
#include "base/log.h"
#include "base/utf8.h"
#include "llm/backend_impl.h"
#include "llm/sse.h"
#include "net/http.h"

#define MAX_EVENT (4u << 20)       /* one SSE line or event */
#define MAX_ERROR_BODY (16u << 10) /* kept of an error response */
#define MAX_PLAIN_BODY (16u << 20) /* a non-streamed completion */
#define MAX_RETRY_AFTER_S 30

struct remote {
    struct sym_backend base;
    char *url;      /* BASE/chat/completions[?QUERY]: what is requested */
    char *shown;    /* the same for messages and logs, a query shown as "?<query hidden>" */
    char *describe; /* "MODEL at scheme://host[:port]/path" */
    char host[256]; /* for messages: "api.openai.com" or "127.0.0.1:8080" */
    char *key;      /* NULL = none; wiped on free */
    char key_from[128];
    char *model;
    struct sym_remote_params p; /* strings above replace its pointers */
};

/* The state of one request. */
struct call {
    struct remote *r;
    struct sym_http *http;
    long status;         /* the HTTP status, known at the first body byte */
    bool streaming;      /* the response is text/event-stream */
    bool judged;         /* status and type looked at */
    struct sym_buf body; /* an error response, or a non-streamed completion */
    struct sym_sse sse;
    sym_llm_text_fn on_text;
    sym_llm_text_fn on_reasoning; /* the endpoint's reasoning_content, or NULL */
    void *data;
    struct sym_gen_stats *stats;
    double t0, t_first, t_last;
    int n_pieces;
    bool stopped;  /* on_text asked to stop */
    bool done;     /* [DONE] or a finish reason seen */
    bool finished; /* a finish reason seen */
    bool failed;   /* a malformed event or a streamed error: message in r->base.err */
    bool got_usage;
    bool timed_out;   /* nothing arrived for timeout_s */
    uint64_t last_dl; /* bytes received at the last progress call */
    double t_byte;    /* when the last bytes arrived (or the request started) */
    long retry_after; /* seconds, from the header; -1 = none */
    /* Tool calls as they stream ("delta.tool_calls"), gathered for tool_calls_out. */
    int (*on_tool_call)(int index, const char *id, const char *name, const char *args_delta,
                        void *data);
    struct rcall *calls;
    size_t n_calls;
};

/* One streamed tool call, as the endpoint sent it. */
struct rcall {
    char *id, *name;
    struct sym_buf args;
};

#define MAX_TOOL_CALLS 128 /* in one answer; an index past it is a malformed stream */

/* ---- the key never shows ---- */

static void wipe(char *s)
{
    volatile char *v = s;

    while (s && *v)
        *v++ = '\0';
}

/* Replace every occurrence of the key in s (in place) by "<hidden>" (never longer than a key worth
 * hiding: a key shorter than 8 characters is replaced by stars of its length). */
static void redact(const struct remote *r, char *s)
{
    size_t klen;
    char *hit;

    if (!r->key || !r->key[0])
        return;
    klen = strlen(r->key);
    while ((hit = strstr(s, r->key))) {
        if (klen >= 8) {
            memcpy(hit, "<hidden>", 8);
            memmove(hit + 8, hit + klen, strlen(hit + klen) + 1);
        } else {
            memset(hit, '*', klen);
        }
    }
}

static void fail(struct remote *r, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

static void fail(struct remote *r, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(r->base.err, sizeof r->base.err, fmt, ap);
    va_end(ap);
    redact(r, r->base.err);
}

/* ---- addresses ---- */

/* Check the endpoint and derive the request URL, the host for messages and the description
 * (no user name, password or query: they may hold secrets). */
static enum sym_status parse_endpoint(struct remote *r, const char *endpoint, char *err,
                                      size_t errlen)
{
    struct sym_http_url u;
    struct sym_buf url = {0}, shown = {0}, desc = {0};
    enum sym_status rc;
    enum sym_http_verdict v;
    const char *scheme, *host, *port, *path, *query; /* query: api-version, say; maybe secret */
    size_t plen;

    rc = sym_http_url_parse(endpoint, &u);
    if (rc == SYM_ERR_INVALID) {
        snprintf(err, errlen, "--endpoint: not a valid address: %s", endpoint);
        goto out;
    }
    if (rc)
        goto out;
    scheme = u.scheme, host = u.host, port = u.port, path = u.path, query = u.query;
    rc = SYM_ERR_INVALID;
    v = sym_http_url_check(&u, r->p.allow_http);
    if (v == SYM_HTTP_URL_SCHEME) {
        snprintf(err, errlen, "--endpoint: only https:// (or http:// to this machine), not %s://",
                 scheme);
        goto out;
    }
    if (v == SYM_HTTP_URL_PLAIN) {
        snprintf(err, errlen,
                 "--endpoint: refusing plain http to %s: anyone on the way could read your "
                 "messages and the key; use https, or --allow-http (remote-allow-http = on) if "
                 "you must",
                 host);
        goto out;
    }
    snprintf(r->host, sizeof r->host, "%s%s%s", host, port ? ":" : "", port ? port : "");
    plen = path ? strlen(path) : 0;
    while (plen && path[plen - 1] == '/')
        plen--;
    rc = sym_buf_printf(&url, "%s://%s%s%s%.*s", scheme, host, port ? ":" : "", port ? port : "",
                        (int)plen, path ? path : "");
    if (!rc && (plen < 17 || strncmp(path + plen - 17, "/chat/completions", 17)))
        rc = sym_buf_puts(&url, "/chat/completions");
    if (!rc)
        rc = sym_buf_printf(&shown, "%s%s", sym_buf_str(&url), query ? "?<query hidden>" : "");
    if (!rc && query)
        rc = sym_buf_printf(&url, "?%s", query);
    if (!rc)
        rc = sym_buf_printf(&desc, "%s at %s://%s%s%s%.*s",
                            r->model ? r->model : "(no model named)", scheme, host, port ? ":" : "",
                            port ? port : "", (int)plen, path ? path : "");
    if (!rc) {
        r->url = sym_buf_steal(&url);
        r->shown = sym_buf_steal(&shown);
        r->describe = sym_buf_steal(&desc);
        rc = r->url && r->shown && r->describe ? SYM_OK : SYM_ERR_NOMEM;
    }
out:
    if (rc == SYM_ERR_NOMEM)
        snprintf(err, errlen, "out of memory");
    sym_buf_free(&url);
    sym_buf_free(&shown);
    sym_buf_free(&desc);
    sym_http_url_free(&u);
    return rc;
}

/* ---- the request body ---- */

/* A float setting as the user wrote it (0.7, not 0.699999988079071). */
static double decimal(float v)
{
    char s[32];

    snprintf(s, sizeof s, "%.6g", (double)v);
    return strtod(s, NULL);
}

/* The JSON text s (from the request) as a cJSON of the given kind, or NULL. */
static cJSON *parse_part(const char *s, bool array)
{
    cJSON *j = cJSON_Parse(s);

    if (j && (array ? !cJSON_IsArray(j) : !cJSON_IsObject(j))) {
        cJSON_Delete(j);
        j = NULL;
    }
    return j;
}

/* The request's JSON parts are sent as given, so they must at least be JSON of the right kind:
 * SYM_ERR_INVALID with the reason in r's message otherwise. */
static enum sym_status check_parts(struct remote *r, const struct sym_backend_request *req)
{
    static const char *const names[] = {"messages", "tools", "the JSON schema"};
    const char *parts[] = {req->messages_json, req->tools_json, req->json_schema};
    size_t i;

    for (i = 0; i < 3; i++) {
        cJSON *j;

        if (!parts[i])
            continue;
        j = parse_part(parts[i], i < 2);
        if (!j) {
            fail(r, "%s must be a JSON %s", names[i], i < 2 ? "array" : "object");
            return SYM_ERR_INVALID;
        }
        cJSON_Delete(j);
    }
    return SYM_OK;
}

/* tools, tool_choice, parallel_tool_calls and response_format, as OpenAI spells them. */
static bool add_tool_fields(cJSON *root, const struct sym_backend_request *req)
{
    cJSON *j, *o, *fn;

    if (req->tools_json) {
        if (!(j = parse_part(req->tools_json, true)))
            return false;
        cJSON_AddItemToObject(root, "tools", j);
        if (!cJSON_AddBoolToObject(root, "parallel_tool_calls", req->parallel_tool_calls))
            return false;
    }
    if (req->tool_choice) {
        if (!strcmp(req->tool_choice, "auto") || !strcmp(req->tool_choice, "none") ||
            !strcmp(req->tool_choice, "required")) {
            if (!cJSON_AddStringToObject(root, "tool_choice", req->tool_choice))
                return false;
        } else if (!(o = cJSON_AddObjectToObject(root, "tool_choice")) ||
                   !cJSON_AddStringToObject(o, "type", "function") ||
                   !(fn = cJSON_AddObjectToObject(o, "function")) ||
                   !cJSON_AddStringToObject(fn, "name", req->tool_choice)) {
            return false;
        }
    }
    if (req->json_schema) {
        if (!(j = parse_part(req->json_schema, false)))
            return false;
        if (!(o = cJSON_AddObjectToObject(root, "response_format"))) {
            cJSON_Delete(j);
            return false;
        }
        if (!cJSON_GetArraySize(j)) { /* "{}": any JSON object */
            cJSON_Delete(j);
            return cJSON_AddStringToObject(o, "type", "json_object") != NULL;
        }
        if (!cJSON_AddStringToObject(o, "type", "json_schema") ||
            !(fn = cJSON_AddObjectToObject(o, "json_schema")) ||
            !cJSON_AddStringToObject(fn, "name", "response") ||
            !cJSON_AddBoolToObject(fn, "strict", 1)) {
            cJSON_Delete(j);
            return false;
        }
        cJSON_AddItemToObject(fn, "schema", j);
    }
    return true;
}

static char *request_body(const struct remote *r, const struct sym_backend_request *req,
                          bool pretty)
{
    const struct sym_chat_msg *msgs = req->msgs;
    const struct sym_sampling *s = req->sampling;
    const size_t n = req->n;
    const int max_tokens = req->max_tokens;
    cJSON *root = cJSON_CreateObject(), *arr, *opts;
    char *text = NULL;
    size_t i;

    if (!root)
        return NULL;
    if (r->model && !cJSON_AddStringToObject(root, "model", r->model))
        goto out;
    if (req->messages_json) { /* checked by check_parts(): NULL here is out of memory */
        if (!(arr = parse_part(req->messages_json, true)))
            goto out;
        cJSON_AddItemToObject(root, "messages", arr);
    } else if (!(arr = cJSON_AddArrayToObject(root, "messages"))) {
        goto out;
    }
    for (i = 0; !req->messages_json && i < n; i++) {
        cJSON *m = cJSON_CreateObject();

        if (!m)
            goto out;
        cJSON_AddItemToArray(arr, m);
        if (!cJSON_AddStringToObject(m, "role", msgs[i].role) ||
            !cJSON_AddStringToObject(m, "content", msgs[i].content))
            goto out;
    }
    if (!cJSON_AddBoolToObject(root, "stream", 1))
        goto out;
    opts = cJSON_AddObjectToObject(root, "stream_options");
    if (!opts || !cJSON_AddBoolToObject(opts, "include_usage", 1))
        goto out;
    if (s) {
        if (!cJSON_AddNumberToObject(root, "temperature", decimal(s->temp)))
            goto out;
        if (s->top_p < 1 && !cJSON_AddNumberToObject(root, "top_p", decimal(s->top_p)))
            goto out;
        if (s->seed != 0xFFFFFFFFu && !cJSON_AddNumberToObject(root, "seed", s->seed))
            goto out;
        if (s->frequency_penalty != 0 &&
            !cJSON_AddNumberToObject(root, "frequency_penalty", decimal(s->frequency_penalty)))
            goto out;
        if (s->presence_penalty != 0 &&
            !cJSON_AddNumberToObject(root, "presence_penalty", decimal(s->presence_penalty)))
            goto out;
    }
    if (max_tokens >= 0 && !cJSON_AddNumberToObject(root, "max_tokens", max_tokens))
        goto out;
    if (!add_tool_fields(root, req))
        goto out;
    if (req->stops && req->stops[0]) {
        if (!(arr = cJSON_AddArrayToObject(root, "stop")))
            goto out;
        for (i = 0; req->stops[i]; i++)
            if (!cJSON_AddItemToArray(arr, cJSON_CreateString(req->stops[i])))
                goto out;
    }
    text = pretty ? cJSON_Print(root) : cJSON_PrintUnformatted(root);
out:
    cJSON_Delete(root);
    return text;
}

/* ---- the response ---- */

/* Hand a piece of text to the caller (made valid UTF-8 first: a JSON string may hold anything);
 * thinking (reasoning_content) goes to on_reasoning, or nowhere. */
static void emit_to(struct call *c, const char *text, size_t len, bool thinking)
{
    struct sym_buf clean = {0};
    sym_llm_text_fn fn = thinking ? c->on_reasoning : c->on_text;

    if (!len || c->stopped)
        return;
    if (sym_utf8_sanitize(text, len, &clean))
        return;
    if (!c->n_pieces)
        c->t_first = sym_clock_ms();
    c->t_last = sym_clock_ms();
    c->n_pieces++;
    if (fn && fn(clean.data, clean.len, c->data))
        c->stopped = true;
    sym_buf_free(&clean);
}

static void emit(struct call *c, const char *text, size_t len)
{
    emit_to(c, text, len, false);
}

/* The server's message in an error object: {"error": {"message": ...}} or {"error": "..."}. */
static const char *error_message(const cJSON *root)
{
    const cJSON *e = cJSON_GetObjectItemCaseSensitive(root, "error");
    const cJSON *m;

    if (cJSON_IsString(e))
        return e->valuestring;
    m = cJSON_GetObjectItemCaseSensitive(e, "message");
    if (cJSON_IsString(m))
        return m->valuestring;
    m = cJSON_GetObjectItemCaseSensitive(root, "message");
    return cJSON_IsString(m) ? m->valuestring : NULL;
}

/* usage and llama-server's timings, when present. */
static void take_usage(struct call *c, const cJSON *root)
{
    const cJSON *usage = cJSON_GetObjectItemCaseSensitive(root, "usage");
    const cJSON *timings = cJSON_GetObjectItemCaseSensitive(root, "timings");
    const cJSON *v;

    v = cJSON_GetObjectItemCaseSensitive(usage, "prompt_tokens");
    if (cJSON_IsNumber(v)) {
        c->stats->n_prompt = c->stats->n_evaluated = v->valueint;
        c->got_usage = true;
    }
    v = cJSON_GetObjectItemCaseSensitive(usage, "completion_tokens");
    if (cJSON_IsNumber(v))
        c->stats->n_generated = v->valueint;
    v = cJSON_GetObjectItemCaseSensitive(timings, "prompt_n");
    if (cJSON_IsNumber(v) && v->valueint <= c->stats->n_prompt)
        c->stats->n_evaluated = v->valueint;
}

static void take_finish(struct call *c, const cJSON *choice)
{
    const cJSON *fr = cJSON_GetObjectItemCaseSensitive(choice, "finish_reason");

    if (!cJSON_IsString(fr))
        return;
    c->finished = true;
    c->stats->stop = !strcmp(fr->valuestring, "length")       ? SYM_STOP_LIMIT
                     : !strcmp(fr->valuestring, "tool_calls") ? SYM_STOP_TOOL_CALLS
                                                              : SYM_STOP_EOG;
}

static void free_calls(struct call *c)
{
    size_t i;

    for (i = 0; i < c->n_calls; i++) {
        free(c->calls[i].id);
        free(c->calls[i].name);
        sym_buf_free(&c->calls[i].args);
    }
    free(c->calls);
    c->calls = NULL;
    c->n_calls = 0;
}

static char *dup_or_null(const cJSON *s)
{
    return cJSON_IsString(s) ? strdup(s->valuestring) : NULL;
}

/*
 * One piece of the tool calls, streamed ("delta.tool_calls[i]": index, then id, type and
 * function.name in a call's first piece, and function.arguments) or whole (a plain completion's
 * "message.tool_calls[i]", pos its position): passed to on_tool_call (id and name once, in the
 * call's first piece) and kept for tool_calls_out. false with the reason in r's message for a
 * malformed piece.
 */
static bool take_tool_call(struct call *c, const cJSON *tc, int pos)
{
    const cJSON *idx = cJSON_GetObjectItemCaseSensitive(tc, "index");
    const cJSON *fn = cJSON_GetObjectItemCaseSensitive(tc, "function");
    const cJSON *args = cJSON_GetObjectItemCaseSensitive(fn, "arguments");
    int i = cJSON_IsNumber(idx) ? idx->valueint : pos;
    struct sym_buf clean = {0};
    struct rcall *rc;
    bool first = false;

    if (i < 0 || i >= MAX_TOOL_CALLS || (size_t)i > c->n_calls) {
        fail(c->r, "%s sent a malformed tool call (index %d)", c->r->host, i);
        return false;
    }
    if ((size_t)i == c->n_calls) {
        struct rcall *more = realloc(c->calls, (c->n_calls + 1) * sizeof *more);

        if (!more) {
            fail(c->r, "out of memory");
            return false;
        }
        c->calls = more;
        memset(&more[c->n_calls++], 0, sizeof *more);
        first = true;
    }
    rc = &c->calls[i];
    if (!rc->id && !(rc->id = dup_or_null(cJSON_GetObjectItemCaseSensitive(tc, "id")))) {
        char made[32];

        snprintf(made, sizeof made, "call_%d", i); /* the endpoint gave none */
        rc->id = strdup(made);
    }
    if (!rc->name)
        rc->name = dup_or_null(cJSON_GetObjectItemCaseSensitive(fn, "name"));
    if (!rc->id) {
        fail(c->r, "out of memory");
        return false;
    }
    if (first && !rc->name) {
        fail(c->r, "%s sent a tool call without a function name", c->r->host);
        return false;
    }
    if (cJSON_IsString(args) &&
        (sym_utf8_sanitize(args->valuestring, strlen(args->valuestring), &clean) ||
         (clean.len && sym_buf_append(&rc->args, clean.data, clean.len)))) {
        sym_buf_free(&clean);
        fail(c->r, "out of memory");
        return false;
    }
    if (!c->n_pieces)
        c->t_first = sym_clock_ms();
    c->t_last = sym_clock_ms();
    c->n_pieces++;
    if (c->on_tool_call && !c->stopped && (first || clean.len) &&
        c->on_tool_call(i, first ? rc->id : NULL, first ? rc->name : NULL,
                        clean.len ? clean.data : "", c->data))
        c->stopped = true;
    sym_buf_free(&clean);
    return true;
}

/* Every tool call in arr (delta.tool_calls or message.tool_calls). */
static bool take_tool_calls(struct call *c, const cJSON *arr)
{
    const cJSON *tc;
    int pos = 0;

    cJSON_ArrayForEach(tc, arr)
    {
        if (!take_tool_call(c, tc, pos++)) {
            c->failed = true;
            return false;
        }
    }
    return true;
}

/* The calls gathered, as an OpenAI "tool_calls" array appended to out; nothing when none. */
static enum sym_status calls_json(const struct call *c, struct sym_buf *out)
{
    cJSON *arr;
    char *text = NULL;
    size_t i;
    enum sym_status rc = SYM_ERR_NOMEM;

    if (!c->n_calls)
        return SYM_OK;
    if (!(arr = cJSON_CreateArray()))
        return SYM_ERR_NOMEM;
    for (i = 0; i < c->n_calls; i++) {
        cJSON *o = cJSON_CreateObject(), *fn;

        if (o)
            cJSON_AddItemToArray(arr, o);
        if (!o || !cJSON_AddStringToObject(o, "id", c->calls[i].id) ||
            !cJSON_AddStringToObject(o, "type", "function") ||
            !(fn = cJSON_AddObjectToObject(o, "function")) ||
            !cJSON_AddStringToObject(fn, "name", c->calls[i].name) ||
            !cJSON_AddStringToObject(fn, "arguments", sym_buf_str(&c->calls[i].args)))
            goto out;
    }
    if ((text = cJSON_PrintUnformatted(arr)))
        rc = sym_buf_puts(out, text);
out:
    free(text);
    cJSON_Delete(arr);
    return rc;
}

/* A short, printable quote of untrusted text for an error message. */
static void quote(const char *s, size_t len, char *out, size_t size)
{
    size_t i, o = 0;

    for (i = 0; i < len && o + 4 < size; i++)
        out[o++] = (unsigned char)s[i] < 0x20 || s[i] == 0x7f ? ' ' : s[i];
    if (i < len && o + 4 <= size) {
        memcpy(out + o, "...", 3);
        o += 3;
    }
    out[o] = '\0';
}

static int on_event(const char *event, const char *data, size_t len, void *ctx)
{
    struct call *c = ctx;
    cJSON *root, *choices, *choice, *delta, *content;
    const char *msg;
    char q[96];

    if (c->done)
        return 0; /* nothing counts after [DONE] */
    if (len == 6 && !memcmp(data, "[DONE]", 6)) {
        c->done = true;
        return 0;
    }
    root = cJSON_ParseWithLength(data, len);
    if (!root || !cJSON_IsObject(root)) {
        cJSON_Delete(root);
        quote(data, len, q, sizeof q);
        fail(c->r, "%s sent a malformed event (not a JSON object): \"%s\"", c->r->host, q);
        c->failed = true;
        return 1;
    }
    msg = error_message(root);
    if (msg || !strcmp(event, "error")) {
        quote(msg ? msg : data, msg ? strlen(msg) : len, q, sizeof q);
        fail(c->r, "%s reported an error in the middle of the answer: %s", c->r->host, q);
        c->failed = true;
        cJSON_Delete(root);
        return 1;
    }
    take_usage(c, root);
    choices = cJSON_GetObjectItemCaseSensitive(root, "choices");
    choice = cJSON_GetArrayItem(choices, 0);
    delta = cJSON_GetObjectItemCaseSensitive(choice, "delta");
    content = cJSON_GetObjectItemCaseSensitive(delta, "reasoning_content");
    if (cJSON_IsString(content))
        emit_to(c, content->valuestring, strlen(content->valuestring), true);
    content = cJSON_GetObjectItemCaseSensitive(delta, "content");
    if (cJSON_IsString(content))
        emit(c, content->valuestring, strlen(content->valuestring));
    if (!take_tool_calls(c, cJSON_GetObjectItemCaseSensitive(delta, "tool_calls"))) {
        cJSON_Delete(root);
        return 1;
    }
    take_finish(c, choice);
    cJSON_Delete(root);
    return c->stopped;
}

/* At the first body byte: the status and whether the body is a stream. */
static void judge(struct call *c)
{
    const char *type = sym_http_content_type(c->http);

    c->judged = true;
    c->status = sym_http_status(c->http);
    c->streaming = type && !strncasecmp(type, "text/event-stream", 17);
    sym_buf_init(&c->body, c->status == 200 ? MAX_PLAIN_BODY : MAX_ERROR_BODY);
}

static int on_body(const char *ptr, size_t n, void *data)
{
    struct call *c = data;
    enum sym_status rc;

    if (!c->judged)
        judge(c);
    if (c->status != 200 || !c->streaming) /* past the cap: the rest is not needed for a message */
        return sym_buf_append(&c->body, ptr, n) == SYM_ERR_NOMEM;
    rc = sym_sse_feed(&c->sse, ptr, n, on_event, c);
    if (rc == SYM_ERR_TOO_LONG) {
        fail(c->r, "%s sent an event longer than %u bytes; gave up", c->r->host, MAX_EVENT);
        c->failed = true;
    }
    return rc != SYM_OK;
}

static void on_header(const char *buf, size_t n, void *data)
{
    struct call *c = data;

    if (n > 12 && !strncasecmp(buf, "Retry-After:", 12)) {
        long v = strtol(buf + 12, NULL, 10);

        c->retry_after = v >= 0 ? v : -1;
    }
}

/* Called about once a second and on progress: the stop flags, and the idle timeout (libcurl's
 * low-speed limit averages over several seconds, so a few header bytes would hide a stall). */
static int on_progress(uint64_t received, void *data)
{
    struct call *c = data;
    double now = sym_clock_ms();

    if (received != c->last_dl) {
        c->last_dl = received;
        c->t_byte = now;
    }
    if (now - c->t_byte > c->r->p.timeout_s * 1000.0) {
        c->timed_out = true;
        return 1;
    }
    return (c->r->p.interrupt && *c->r->p.interrupt) || c->stopped;
}

/* A whole completion (the server ignored "stream"): {"choices":[{"message":{"content":...}}]}. */
static void take_plain(struct call *c)
{
    cJSON *root = cJSON_ParseWithLength(c->body.data ? c->body.data : "", c->body.len);
    const cJSON *choice = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(root, "choices"), 0);
    const cJSON *msg = cJSON_GetObjectItemCaseSensitive(choice, "message");
    const cJSON *content = cJSON_GetObjectItemCaseSensitive(msg, "content");
    const cJSON *thinking = cJSON_GetObjectItemCaseSensitive(msg, "reasoning_content");
    const cJSON *calls = cJSON_GetObjectItemCaseSensitive(msg, "tool_calls");
    char q[96];

    if (!cJSON_IsString(content) && !(cJSON_IsArray(calls) && cJSON_IsNull(content))) {
        quote(c->body.data ? c->body.data : "", c->body.len, q, sizeof q);
        fail(c->r, "%s answered with something that is not a chat completion: \"%s\"", c->r->host,
             q);
        c->failed = true;
    } else {
        if (cJSON_IsString(thinking))
            emit_to(c, thinking->valuestring, strlen(thinking->valuestring), true);
        if (cJSON_IsString(content))
            emit(c, content->valuestring, strlen(content->valuestring));
        if (take_tool_calls(c, calls)) {
            take_usage(c, root);
            take_finish(c, choice);
            c->done = true;
        }
    }
    cJSON_Delete(root);
}

/* ---- errors in words ---- */

/* A transfer that failed below HTTP: the HTTP layer's words for the network, ours for the rest. */
static void transfer_failure(struct call *c)
{
    struct remote *r = c->r;
    enum sym_http_fail f = sym_http_failure(c->http);
    char line[sizeof r->base.err];

    if (sym_http_describe(c->http, r->host, line, sizeof line))
        fail(r, "%s", line);
    else if (f == SYM_HTTP_FAIL_TIMEOUT)
        fail(r, "could not connect to %s within %d s (timed out)", r->host, r->p.connect_timeout_s);
    else if (f == SYM_HTTP_FAIL_CUT)
        fail(r, "%s closed the connection %s", r->host,
             c->n_pieces ? "in the middle of the answer" : "without an answer");
    else
        fail(r, "the request to %s failed: %s", r->host, sym_http_why(c->http));
}

static void http_failure(struct call *c)
{
    struct remote *r = c->r;
    cJSON *root = cJSON_ParseWithLength(c->body.data ? c->body.data : "", c->body.len);
    const char *msg = root ? error_message(root) : NULL;
    char q[240], detail[260] = "";

    if (!msg && c->body.len && !root)
        msg = c->body.data;
    if (msg && msg[0]) {
        quote(msg, strlen(msg), q, sizeof q);
        snprintf(detail, sizeof detail, ": %s", q);
    }
    if (c->status == 401)
        fail(r,
             r->key ? "%s refused the API key from %s (HTTP 401)%s"
                    : "%s wants an API key (HTTP 401)%s%s: name the environment variable "
                      "that holds it with --api-key-env VAR",
             r->host, r->key ? r->key_from : "", detail);
    else if (c->status == 403)
        fail(r, "%s denied access (HTTP 403)%s", r->host, detail);
    else if (c->status == 404)
        fail(r,
             "%s has no chat endpoint at %s (HTTP 404)%s: check --endpoint (often it ends in "
             "/v1)",
             r->host, r->shown, detail);
    else if (c->status == 429)
        fail(r, "%s is rate-limiting (HTTP 429) and still was after %d tries%s", r->host,
             r->p.retries + 1, detail);
    else if (c->status >= 500)
        fail(r, "%s failed (HTTP %ld) and still did after %d tries%s", r->host, c->status,
             r->p.retries + 1, detail);
    else
        fail(r, "%s answered HTTP %ld%s", r->host, c->status, detail);
    cJSON_Delete(root);
}

/* ---- one chat ---- */

/* A handle for one attempt: POST body to the endpoint, no redirects. */
static enum sym_status setup(struct call *c, const char *const *headers, const char *body)
{
    struct sym_http_request q = {0};

    q.url = c->r->url;
    q.headers = headers;
    q.post = body;
    q.connect_timeout_s = c->r->p.connect_timeout_s;
    q.max_redirects = 0;
    q.on_header = on_header;
    q.on_body = on_body;
    q.on_tick = on_progress;
    q.data = c;
    return sym_http_init(&c->http, &q);
}

/* Wait ms, or less when interrupted. */
static void backoff(const struct remote *r, long ms)
{
    struct timespec ts = {0, 50 * 1000000L};

    for (; ms > 0 && !(r->p.interrupt && *r->p.interrupt); ms -= 50)
        nanosleep(&ts, NULL);
}

/* The request's headers into lines (NULL-terminated): the Authorization line, holding the key,
 * goes into auth, which the caller wipes. */
static enum sym_status make_headers(const struct remote *r, const char *lines[5],
                                    struct sym_buf *auth)
{
    size_t n = 0;

    lines[n++] = "Content-Type: application/json";
    lines[n++] = "Accept: text/event-stream";
    lines[n++] = "Expect:"; /* no 100-continue round trip */
    if (r->key && r->key[0]) {
        if (sym_buf_printf(auth, "Authorization: Bearer %s", r->key))
            return SYM_ERR_NOMEM;
        lines[n++] = auth->data;
    }
    lines[n] = NULL;
    return SYM_OK;
}

static enum sym_status remote_chat(struct sym_backend *b, const struct sym_backend_request *req,
                                   sym_llm_text_fn on_text, void *data, struct sym_gen_stats *stats)
{
    struct remote *r = (struct remote *)b;
    const char *headers[5];
    struct sym_buf auth = {0};
    char *body = NULL;
    struct call c;
    enum sym_status rc = SYM_ERR_IO;
    double t0 = sym_clock_ms();
    long wait_ms = r->p.backoff_ms;
    int attempt;

    memset(stats, 0, sizeof *stats);
    memset(&c, 0, sizeof c);
    if ((rc = check_parts(r, req)))
        return rc;
    rc = SYM_ERR_IO;
    body = request_body(r, req, false);
    if (!body || make_headers(r, headers, &auth)) {
        fail(r, "out of memory");
        rc = SYM_ERR_NOMEM;
        goto out;
    }
    sym_log(SYM_LOG_DEBUG, "remote: POST %s (%zu messages, %zu bytes)", r->shown, req->n,
            strlen(body));
    for (attempt = 0;; attempt++) {
        enum sym_status hr;

        memset(&c, 0, sizeof c);
        c.r = r;
        c.on_text = on_text;
        c.on_reasoning = req->on_reasoning;
        c.on_tool_call = req->on_tool_call;
        c.data = data;
        c.stats = stats;
        c.retry_after = -1;
        c.t0 = t0;
        c.t_byte = sym_clock_ms();
        sym_sse_init(&c.sse, MAX_EVENT);
        if (setup(&c, headers, body)) {
            fail(r, "out of memory");
            rc = SYM_ERR_NOMEM;
            goto out;
        }
        hr = sym_http_perform(c.http);
        if (!c.judged && hr == SYM_OK)
            judge(&c); /* an empty body */
        if (c.stopped) {
            stats->stop = SYM_STOP_CALLER;
            rc = SYM_OK;
            break;
        }
        if (r->p.interrupt && *r->p.interrupt) {
            stats->stop = SYM_STOP_INTERRUPT;
            rc = c.n_pieces ? SYM_OK : SYM_ERR_INTERRUPTED;
            if (rc)
                fail(r, "interrupted");
            break;
        }
        if (c.failed)
            break;
        if (c.timed_out) {
            if (c.judged)
                fail(r, "%s sent nothing for %d s in the middle of the answer (timed out)", r->host,
                     r->p.timeout_s);
            else
                fail(r, "%s did not answer within %d s (timed out)", r->host, r->p.timeout_s);
            break;
        }
        if (hr != SYM_OK) {
            transfer_failure(&c);
            break;
        }
        if (c.status == 200 && !c.streaming)
            take_plain(&c);
        if (c.failed)
            break;
        if (c.status == 200) {
            if (!c.done && !c.finished) {
                fail(r, "%s ended the stream %s", r->host,
                     c.n_pieces || sym_sse_pending(&c.sse) ? "in the middle of the answer"
                                                           : "without an answer");
                break;
            }
            if (!c.finished)
                stats->stop = c.n_calls ? SYM_STOP_TOOL_CALLS : SYM_STOP_EOG;
            rc = SYM_OK;
            break;
        }
        if ((c.status == 429 || c.status >= 500) && attempt < r->p.retries && !c.n_pieces) {
            long ms =
                c.retry_after >= 0
                    ? (c.retry_after > MAX_RETRY_AFTER_S ? MAX_RETRY_AFTER_S : c.retry_after) * 1000
                    : wait_ms;

            sym_log(SYM_LOG_DEBUG, "remote: HTTP %ld, retrying in %ld ms", c.status, ms);
            backoff(r, ms);
            wait_ms *= 2;
            sym_http_free(c.http);
            sym_sse_free(&c.sse);
            sym_buf_free(&c.body);
            free_calls(&c);
            continue;
        }
        http_failure(&c);
        break;
    }
    if (!rc && req->tool_calls_out && calls_json(&c, req->tool_calls_out)) {
        fail(r, "out of memory");
        rc = SYM_ERR_NOMEM;
    }
    free_calls(&c);
    if (!c.got_usage)
        stats->n_generated = c.n_pieces;
    if (c.n_pieces) {
        stats->ttft_ms = c.t_first - t0;
        stats->prompt_ms = stats->ttft_ms;
        stats->gen_ms = c.t_last - c.t_first;
    }
    sym_http_free(c.http);
    sym_sse_free(&c.sse);
    sym_buf_free(&c.body);
out:
    wipe(auth.data);
    sym_buf_free(&auth);
    free(body);
    return rc;
}

static const char *remote_describe(const struct sym_backend *b)
{
    return ((const struct remote *)b)->describe;
}

static enum sym_status remote_describe_request(struct sym_backend *b,
                                               const struct sym_backend_request *req,
                                               struct sym_buf *out)
{
    struct remote *r = (struct remote *)b;
    char *body;
    enum sym_status rc;

    if ((rc = check_parts(r, req)))
        return rc;
    if (!(body = request_body(r, req, true)))
        return SYM_ERR_NOMEM;
    rc = sym_buf_printf(out, "POST %s\nContent-Type: application/json\n", r->shown);
    if (!rc && r->key)
        rc = sym_buf_printf(out, "Authorization: Bearer <hidden: the key in %s>\n", r->key_from);
    if (!rc)
        rc = sym_buf_printf(out, "\n%s", body);
    free(body);
    return rc;
}

static void remote_free(struct sym_backend *b)
{
    struct remote *r = (struct remote *)b;

    wipe(r->key);
    free(r->key);
    free(r->url);
    free(r->shown);
    free(r->describe);
    free(r->model);
    free(r);
}

static const struct sym_backend_ops remote_ops = {
    SYM_BACKEND_REMOTE, remote_chat, remote_describe, remote_describe_request, remote_free,
};

struct sym_remote_params sym_remote_default_params(void)
{
    struct sym_remote_params p;

    memset(&p, 0, sizeof p);
    p.retries = -1;
    return p;
}

enum sym_status sym_backend_remote_init(struct sym_backend **out,
                                        const struct sym_remote_params *params, char *err,
                                        size_t errlen)
{
    struct remote *r = calloc(1, sizeof *r);
    enum sym_status rc;

    *out = NULL;
    if (!r) {
        snprintf(err, errlen, "out of memory");
        return SYM_ERR_NOMEM;
    }
    r->base.ops = &remote_ops;
    r->p = *params;
    if (r->p.timeout_s <= 0)
        r->p.timeout_s = 60;
    if (r->p.connect_timeout_s <= 0)
        r->p.connect_timeout_s = 10;
    if (r->p.retries < 0)
        r->p.retries = 3;
    if (r->p.backoff_ms <= 0)
        r->p.backoff_ms = 500;
    snprintf(r->key_from, sizeof r->key_from, "%s",
             params->api_key_from ? params->api_key_from : "the configured key");
    if (!params->endpoint || !params->endpoint[0]) {
        snprintf(err, errlen,
                 "the remote backend needs an address: --endpoint URL (an OpenAI-compatible API, "
                 "for example https://api.openai.com/v1)");
        remote_free(&r->base);
        return SYM_ERR_INVALID;
    }
    if ((params->model && !(r->model = strdup(params->model))) ||
        (params->api_key && params->api_key[0] && !(r->key = strdup(params->api_key)))) {
        snprintf(err, errlen, "out of memory");
        remote_free(&r->base);
        return SYM_ERR_NOMEM;
    }
    r->p.api_key = r->p.model = r->p.endpoint = r->p.api_key_from = NULL;
    rc = parse_endpoint(r, params->endpoint, err, errlen);
    if (rc) {
        remote_free(&r->base);
        return rc;
    }
    *out = &r->base;
    return SYM_OK;
}
