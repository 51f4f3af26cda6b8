/*
 * server.c: the HTTP side of `symbiot serve`: libmicrohttpd (the only file that includes it),
 * routing, the API key, request bodies, and shipping a job's output to its client.
 *
 * Threads: libmicrohttpd runs one thread per connection (at most MAX_CONNECTIONS), so a handler
 * may block: a generation route submits its job to the worker and waits on it right there, then
 * answers with the whole body or streams the job's output through a content reader that blocks
 * for the next event. While it waits it checks the socket every POLL_MS; a reset connection, or a
 * failed write, means the client went away, and the job is cancelled, so an abandoned request
 * does not keep the model busy. The end of the client's stream is not leaving: it may half-close
 * after its request and still read (client_gone). Routes that do not need the model are answered
 * at once (api.c).
 *
 * Every refusal is an OpenAI-style error object (json.h): unknown route 404, wrong method 405,
 * missing or wrong key 401, oversize body 413 (refused from Content-Length before the body is
 * read, or after reading too much of a chunked one), a URL or headers past the server's limits
 * 414 / 431 (checked here, inside libmicrohttpd's larger pool, whose own overflow replies are
 * HTML), HTTP/1.1 without Host 400, a locked database 503 (all 503s with Retry-After: 1), a body
 * that is not application/json 400
 * (browsers cannot send JSON across sites without asking first, so a web page elsewhere cannot
 * post here), a full queue 503. Without a key, a Host header that is not this machine as a
 * browser names it is refused (403, base/host.h): DNS rebinding would otherwise let a web page
 * talk to a loopback server.
 */
#include "server/server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>

#include "base/host.h"
#include "base/log.h"
#include "core/embedding.h"
#include "llm/engine.h"
#include "memory/store.h"
#include "server/assets.h"
#include "server/internal.h"

#define MAX_CONNECTIONS 128
/* Request heads: the server's own limits, answered with JSON errors (414, 431), sit well inside
 * libmicrohttpd's per-connection memory pool, whose overflow it answers itself, in HTML. */
#define MAX_URL_BYTES (16 * 1024)
#define MAX_HEADER_BYTES (32 * 1024)
#define MAX_HEADERS 200
#define CONNECTION_POOL_BYTES (256 * 1024)
#define IDLE_TIMEOUT_S 60
#define POLL_MS 50
/* A chunked body past the limit is read and dropped up to this many times the limit, so the
 * client gets its 413; beyond, the connection is closed. */
#define DISCARD_FACTOR 4

struct route {
    const char *method;
    const char *pattern; /* "/api/memory/{id}": {id} is a positive integer */
    sym_route_fn fn;
    sym_job_route_fn job;
    bool open; /* no key needed */
};

static const struct route routes[] = {
    {"GET", "/health", sym_route_health, NULL, true},
    {"GET", "/metrics", sym_route_metrics, NULL, false},
    {"GET", "/v1/models", sym_route_models, NULL, false},
    {"POST", "/v1/chat/completions", NULL, sym_route_completions, false},
    {"POST", "/v1/embeddings", sym_route_embeddings, NULL, false},
    {"POST", "/api/chat", NULL, sym_route_chat, false},
    {"POST", "/api/chat/confirm", sym_route_chat_confirm, NULL, false},
    {"GET", "/api/stats", sym_route_stats, NULL, false},
    {"GET", "/api/stats/chart.svg", sym_route_stats_chart, NULL, false},
    {"GET", "/api/memory", sym_route_memory_list, NULL, false},
    {"POST", "/api/memory", sym_route_memory_add, NULL, false},
    {"GET", "/api/memory/search", sym_route_memory_search, NULL, false},
    {"GET", "/api/memory/{id}", sym_route_memory_get, NULL, false},
    {"PATCH", "/api/memory/{id}", sym_route_memory_edit, NULL, false},
    {"PUT", "/api/memory/{id}", sym_route_memory_edit, NULL, false},
    {"DELETE", "/api/memory/{id}", sym_route_memory_delete, NULL, false},
    {"GET", "/api/reminders", sym_route_reminders_list, NULL, false},
    {"POST", "/api/reminders", sym_route_reminders_add, NULL, false},
    {"POST", "/api/reminders/due", sym_route_reminders_due, NULL, false},
    {"DELETE", "/api/reminders/{id}", sym_route_reminders_cancel, NULL, false},
    {"GET", "/api/conversations", sym_route_conversations_list, NULL, false},
    {"GET", "/api/conversations/{id}", sym_route_conversations_get, NULL, false},
    {"DELETE", "/api/conversations/{id}", sym_route_conversations_delete, NULL, false},
    {"POST", "/api/feedback", sym_route_feedback, NULL, false},
};

/* One request on one connection, from its first call to the completion callback. */
struct conn {
    struct sym_server *s;
    const struct route *route;
    const char *route_name; /* for metrics */
    struct sym_request req;
    struct sym_buf body;
    size_t discarded;
    bool too_large;
    int status;
    double started_ms;
    struct sym_deadline *deadline; /* the connection's request deadline (may be NULL) */
};

/* A streamed response's state, owned by the response (freed by its free callback). */
struct stream {
    struct sym_server *s;
    struct sym_job *job;
    int fd;
    bool cancelled; /* its client went away and the job was cancelled */
};

/* ---- replies ---- */

void sym_reply_error(struct sym_reply *r, const struct sym_http_error *e)
{
    r->status = e->status;
    r->body = sym_http_error_json(e);
    r->type = NULL;
}

void sym_reply_json(struct sym_reply *r, int status, cJSON *obj)
{
    r->status = status;
    r->type = NULL;
    r->body = sym_json_finish(obj);
    if (!r->body)
        r->status = 500;
}

void sym_server_model_name(struct sym_server *s, char *out, size_t size)
{
    pthread_mutex_lock(&s->name_lock);
    snprintf(out, size, "%s", s->model);
    pthread_mutex_unlock(&s->name_lock);
}

bool sym_server_key_equal(const char *given, const char *expected)
{
    size_t n = strlen(expected), g = strlen(given), i;
    unsigned char diff = (unsigned char)(n != g);

    /* Always walk the expected key; `given` is read modulo its length (and not at all when
     * empty), so the time says nothing about where the first difference is. */
    for (i = 0; i < n; i++)
        diff |= (unsigned char)(expected[i] ^ (g ? given[i % g] : 0));
    return diff == 0;
}

static double now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6;
}

static enum MHD_Result send_reply(struct conn *c, struct MHD_Connection *mc, struct sym_reply *r)
{
    static const char fallback[] = "{\"error\":{\"message\":\"out of memory\",\"type\":"
                                   "\"server_error\",\"param\":null,\"code\":\"internal_error\"}}";
    struct MHD_Response *resp;
    enum MHD_Result ret;

    if (r->body)
        resp = MHD_create_response_from_buffer(strlen(r->body), r->body, MHD_RESPMEM_MUST_FREE);
    else
        resp = MHD_create_response_from_buffer(sizeof fallback - 1, (void *)fallback,
                                               MHD_RESPMEM_PERSISTENT);
    sym_deadline_answering(c->s->deadlines, c->deadline, true);
    if (!resp) {
        free(r->body);
        return MHD_NO;
    }
    if (!r->body)
        r->status = r->status >= 400 ? r->status : 500;
    r->body = NULL; /* the response owns it */
    MHD_add_response_header(resp, "Content-Type", r->type ? r->type : "application/json");
    MHD_add_response_header(resp, "Cache-Control", "no-store");
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    if (r->status == 503) /* a full queue, a locked database: worth trying again soon */
        MHD_add_response_header(resp, "Retry-After", "1");
    c->status = r->status;
    /* A long wait for the worker is not idleness: restart the idle timer. */
    MHD_set_connection_option(mc, MHD_CONNECTION_OPTION_TIMEOUT, (unsigned int)IDLE_TIMEOUT_S);
    ret = MHD_queue_response(mc, (unsigned int)r->status, resp);
    MHD_destroy_response(resp);
    return ret;
}

#if defined(__GNUC__)
__attribute__((format(printf, 5, 6)))
#endif
static enum MHD_Result
send_error(struct conn *c, struct MHD_Connection *mc, int status, const char *code, const char *fmt,
           ...)
{
    struct sym_http_error e;
    struct sym_reply r;
    va_list ap;

    sym_http_error_set(&e, status, code, NULL, "%s", "");
    va_start(ap, fmt);
    vsnprintf(e.message, sizeof e.message, fmt, ap);
    va_end(ap);
    sym_reply_error(&r, &e);
    return send_reply(c, mc, &r);
}

/* ---- routing ---- */

/* Does path match pattern? *id gets the {id}. */
static bool match(const char *pattern, const char *path, long long *id)
{
    const char *hole = strstr(pattern, "{id}");
    size_t pre;
    char *end;

    if (!hole)
        return !strcmp(pattern, path);
    pre = (size_t)(hole - pattern);
    if (strncmp(pattern, path, pre) || path[pre] < '1' || path[pre] > '9' ||
        strlen(path + pre) > 18)
        return false;
    *id = strtoll(path + pre, &end, 10);
    return *end == '\0';
}

/* The route for method and path; *path_known says another method would have matched. */
static const struct route *find_route(const char *method, const char *path, long long *id,
                                      bool *path_known)
{
    size_t i;

    *path_known = false;
    for (i = 0; i < sizeof routes / sizeof routes[0]; i++) {
        if (!match(routes[i].pattern, path, id))
            continue;
        if (!strcmp(routes[i].method, method))
            return &routes[i];
        *path_known = true;
    }
    return NULL;
}

static const struct sym_asset *find_asset(const char *method, const char *path)
{
    size_t i;

    if (strcmp(method, "GET") && strcmp(method, "HEAD"))
        return NULL;
    if (!strcmp(path, "/"))
        path = "/index.html";
    for (i = 0; i < sym_n_assets; i++)
        if (!strcmp(sym_assets[i].path, path))
            return &sym_assets[i];
    return NULL;
}

static enum MHD_Result send_asset(struct conn *c, struct MHD_Connection *mc,
                                  const struct sym_asset *a)
{
    struct MHD_Response *resp =
        MHD_create_response_from_buffer(a->len, (void *)a->data, MHD_RESPMEM_PERSISTENT);
    enum MHD_Result ret;

    if (!resp)
        return MHD_NO;
    MHD_add_response_header(resp, "Content-Type", a->type);
    MHD_add_response_header(resp, "Cache-Control", "no-cache");
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(resp, "X-Frame-Options", "DENY");
    MHD_add_response_header(resp, "Content-Security-Policy",
                            "default-src 'self'; img-src 'self' data:; style-src 'self' "
                            "'unsafe-inline'; connect-src 'self'; frame-ancestors 'none'");
    c->status = 200;
    ret = MHD_queue_response(mc, MHD_HTTP_OK, resp);
    MHD_destroy_response(resp);
    return ret;
}

/* ---- checks on the headers ---- */

static bool authorized(struct sym_server *s, struct MHD_Connection *mc)
{
    const char *h = MHD_lookup_connection_value(mc, MHD_HEADER_KIND, "Authorization");

    if (!s->api_key)
        return true;
    if (!h || strncasecmp(h, "Bearer ", 7))
        return false;
    h += 7;
    while (*h == ' ')
        h++;
    return sym_server_key_equal(h, s->api_key);
}

/* Without a key: the Host header must be what a browser sends for this machine (base/host.h),
 * so a web page elsewhere cannot reach the server through DNS rebinding. HTTP/1.0 may leave it
 * out (no browser speaks it); HTTP/1.1 must send it (RFC 9112), which is checked for every
 * request, key or not. */
static bool host_allowed(struct sym_server *s, struct MHD_Connection *mc)
{
    const char *h = MHD_lookup_connection_value(mc, MHD_HEADER_KIND, "Host");

    if (s->api_key || !h)
        return true;
    return sym_host_header_ok(h, s->host);
}

/* Sizes of a request's head, summed by MHD_get_connection_values(). */
struct head_size {
    size_t bytes, count;
};

static enum MHD_Result add_size(void *cls, enum MHD_ValueKind kind, const char *key,
                                const char *value)
{
    struct head_size *h = cls;

    (void)kind;
    h->bytes += strlen(key) + (value ? strlen(value) + 1 : 0) + 1;
    h->count++;
    return MHD_YES;
}

/* The head's refusal as the documented JSON (414, 431), or 0 when it is within the limits. */
static int head_too_large(struct MHD_Connection *mc, const char *path)
{
    struct head_size url = {strlen(path), 0}, headers = {0, 0};

    MHD_get_connection_values(mc, MHD_GET_ARGUMENT_KIND, add_size, &url);
    if (url.bytes > MAX_URL_BYTES)
        return 414;
    MHD_get_connection_values(mc, MHD_HEADER_KIND, add_size, &headers);
    return headers.bytes > MAX_HEADER_BYTES || headers.count > MAX_HEADERS ? 431 : 0;
}

static bool json_body_type(struct MHD_Connection *mc)
{
    const char *t = MHD_lookup_connection_value(mc, MHD_HEADER_KIND, "Content-Type");

    return t && !strncasecmp(t, "application/json", 16) && (t[16] == '\0' || t[16] == ';');
}

static bool declared_too_large(struct sym_server *s, struct MHD_Connection *mc)
{
    const char *len = MHD_lookup_connection_value(mc, MHD_HEADER_KIND, "Content-Length");
    char *end;
    unsigned long long n;

    if (!len)
        return false;
    n = strtoull(len, &end, 10);
    return n > s->p.max_body;
}

/* The first call for a request: route it and check what the headers tell. Returns MHD_YES to
 * go on reading the body, or the result of queueing a refusal. *done says a reply was queued. */
static enum MHD_Result first_call(struct conn *c, struct MHD_Connection *mc, const char *method,
                                  const char *version, bool *done)
{
    struct sym_server *s = c->s;
    bool path_known;

    *done = true;
    switch (head_too_large(mc, c->req.path)) {
    case 414:
        return send_error(c, mc, 414, "uri_too_long", "the URL is longer than %d bytes",
                          MAX_URL_BYTES);
    case 431:
        return send_error(c, mc, 431, "headers_too_large",
                          "the headers are larger than %d bytes or more than %d", MAX_HEADER_BYTES,
                          MAX_HEADERS);
    }
    if (!strcmp(version, MHD_HTTP_VERSION_1_1) &&
        !MHD_lookup_connection_value(mc, MHD_HEADER_KIND, "Host")) {
        c->route_name = "other";
        return send_error(c, mc, 400, "missing_host", "an HTTP/1.1 request needs a Host header");
    }
    c->route = find_route(method, c->req.path, &c->req.id, &path_known);
    if (!c->route) {
        const struct sym_asset *a = find_asset(method, c->req.path);

        if (a) {
            c->route_name = "/";
            return send_asset(c, mc, a);
        }
        c->route_name = "other";
        if (path_known)
            return send_error(c, mc, 405, "method_not_allowed", "%s is not allowed on %s", method,
                              c->req.path);
        return send_error(c, mc, 404, "not_found", "there is no route %s %s", method, c->req.path);
    }
    c->route_name = c->route->pattern;
    c->req.route = c->route->pattern;
    if (!host_allowed(s, mc))
        return send_error(c, mc, 403, "forbidden_host",
                          "the Host header names another site; use the address or localhost");
    if (!c->route->open && !authorized(s, mc))
        return send_error(c, mc, 401, "invalid_api_key",
                          "a valid API key is required: Authorization: Bearer KEY");
    if (declared_too_large(s, mc))
        return send_error(c, mc, 413, "body_too_large", "the body is larger than %zu bytes",
                          s->p.max_body);
    if ((!strcmp(method, "POST") || !strcmp(method, "PATCH") || !strcmp(method, "PUT")) &&
        !json_body_type(mc))
        return send_error(c, mc, 400, "unsupported_media_type",
                          "the body must be JSON, sent with Content-Type: application/json");
    *done = false;
    return MHD_YES;
}

/* ---- jobs ---- */

static int connection_fd(struct MHD_Connection *mc)
{
    const union MHD_ConnectionInfo *info =
        MHD_get_connection_info(mc, MHD_CONNECTION_INFO_CONNECTION_FD);

    return info ? info->connect_fd : -1;
}

/*
 * The connection is broken (reset, or failed): nobody will read the answer. Called only once the
 * request is whole, so the end of the client's stream (a peek that reads 0 bytes) is not a sign
 * of leaving: a client may shut its sending side after a complete request (shutdown(SHUT_WR),
 * `nc -N`) and still read the answer. TCP cannot tell that from a client that closed its socket
 * until something is written to it, so such a client is noticed when a write fails (the next
 * streamed event, or the answer); a reset is noticed here at once.
 */
static bool client_gone(int fd)
{
    struct pollfd p = {fd, POLLIN, 0};
    char byte;
    ssize_t n;

    if (fd < 0 || poll(&p, 1, 0) <= 0)
        return false;
    if (p.revents & (POLLERR | POLLHUP | POLLNVAL))
        return true;
    n = recv(fd, &byte, 1, MSG_PEEK | MSG_DONTWAIT);
    return n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR;
}

/* The client of a stream went away (seen by a peek at its socket, or by a failed write):
 * stop its generation, once. */
static void cancel_stream(struct stream *st)
{
    if (st->cancelled)
        return;
    st->cancelled = true;
    sym_log(SYM_LOG_INFO, "client went away: stopping its generation");
    sym_job_cancel(st->s->worker, st->job);
}

static ssize_t stream_read(void *cls, uint64_t pos, char *buf, size_t max)
{
    struct stream *st = cls;
    bool finished;
    size_t n;

    for (;;) {
        n = sym_job_read(st->job, (size_t)pos, buf, max, &finished);
        if (n)
            return (ssize_t)n;
        if (finished)
            return MHD_CONTENT_READER_END_OF_STREAM;
        if (client_gone(st->fd)) {
            cancel_stream(st);
            return MHD_CONTENT_READER_END_WITH_ERROR;
        }
        sym_job_wait(st->job, (size_t)pos, POLL_MS);
    }
}

static void stream_free(void *cls)
{
    struct stream *st = cls;
    int status;
    const char *body;

    if (!sym_job_result(st->job, &status, &body))
        cancel_stream(st); /* the write failed: the client is gone */
    sym_job_release(st->job);
    free(st);
}

static enum MHD_Result send_stream(struct conn *c, struct MHD_Connection *mc, struct sym_job *job,
                                   int fd)
{
    struct stream *st = malloc(sizeof *st);
    struct MHD_Response *resp;
    enum MHD_Result ret;

    if (!st) {
        sym_job_cancel(c->s->worker, job);
        sym_job_release(job);
        return MHD_NO;
    }
    st->s = c->s;
    st->job = job;
    st->fd = fd;
    st->cancelled = false;
    resp = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 4096, stream_read, st, stream_free);
    if (!resp) {
        stream_free(st);
        return MHD_NO;
    }
    MHD_add_response_header(resp, "Content-Type", "text/event-stream; charset=utf-8");
    MHD_add_response_header(resp, "Cache-Control", "no-cache");
    MHD_add_response_header(resp, "X-Accel-Buffering", "no");
    c->status = 200;
    MHD_set_connection_option(mc, MHD_CONNECTION_OPTION_TIMEOUT, (unsigned int)IDLE_TIMEOUT_S);
    ret = MHD_queue_response(mc, MHD_HTTP_OK, resp);
    MHD_destroy_response(resp);
    return ret;
}

/* Send the job's final status and body (its error, or a whole answer). */
static enum MHD_Result send_result(struct conn *c, struct MHD_Connection *mc, struct sym_job *job)
{
    struct sym_reply r = {500, NULL, NULL};
    const char *body;
    int status;

    sym_job_result(job, &status, &body);
    r.status = status ? status : 500;
    r.body = body ? strdup(body) : NULL;
    sym_job_release(job);
    return send_reply(c, mc, &r);
}

/* Submit the job and wait for its first output (a stream) or its end. */
static enum MHD_Result run_job(struct conn *c, struct MHD_Connection *mc, struct sym_job *job,
                               bool stream)
{
    struct sym_server *s = c->s;
    int fd = connection_fd(mc), status;
    const char *body;
    enum sym_status rc = sym_worker_submit(s->worker, job);

    if (rc) {
        sym_job_release(job);
        if (rc == SYM_ERR_TOO_LONG) {
            sym_metrics_rejected(s->metrics);
            return send_error(c, mc, 503, "queue_full",
                              "the server is busy: %d requests are waiting already; try again "
                              "later",
                              sym_worker_capacity(s->worker));
        }
        return send_error(c, mc, 503, "shutting_down", "the server is stopping");
    }
    while (!sym_job_wait(job, 0, POLL_MS)) {
        if (client_gone(fd)) {
            sym_log(SYM_LOG_INFO, "client went away while waiting: cancelling its request");
            sym_job_cancel(s->worker, job);
            sym_job_release(job);
            c->status = 499;
            return MHD_NO;
        }
    }
    if (sym_job_result(job, &status, &body) && (!stream || !sym_job_emitted(job)))
        return send_result(c, mc, job);
    return send_stream(c, mc, job, fd);
}

/* ---- the request's life ---- */

static enum MHD_Result dispatch(struct conn *c, struct MHD_Connection *mc)
{
    struct sym_reply r = {500, NULL, NULL};
    struct sym_job *job;
    bool stream = false;

    /* The request is whole: no deadline while it is answered (a generation may take minutes). */
    sym_deadline_answering(c->s->deadlines, c->deadline, true);
    if (c->too_large)
        return send_error(c, mc, 413, "body_too_large", "the body is larger than %zu bytes",
                          c->s->p.max_body);
    c->req.body = c->body.data ? c->body.data : "";
    c->req.body_len = c->body.len;
    c->req.q = MHD_lookup_connection_value(mc, MHD_GET_ARGUMENT_KIND, "q");
    c->req.k = MHD_lookup_connection_value(mc, MHD_GET_ARGUMENT_KIND, "k");
    c->req.limit = MHD_lookup_connection_value(mc, MHD_GET_ARGUMENT_KIND, "limit");
    c->req.offset = MHD_lookup_connection_value(mc, MHD_GET_ARGUMENT_KIND, "offset");
    c->req.lang = MHD_lookup_connection_value(mc, MHD_GET_ARGUMENT_KIND, "lang");
    c->req.kind = MHD_lookup_connection_value(mc, MHD_GET_ARGUMENT_KIND, "kind");
    if (c->route->fn) {
        c->route->fn(c->s, &c->req, &r);
        return send_reply(c, mc, &r);
    }
    job = c->route->job(c->s, &c->req, &r, &stream);
    if (!job)
        return send_reply(c, mc, &r);
    return run_job(c, mc, job, stream);
}

/* Take a piece of the body; past the limit it is counted and dropped. */
static enum MHD_Result take_body(struct conn *c, const char *data, size_t *size)
{
    size_t n = *size;

    *size = 0;
    if (!c->too_large && sym_buf_append(&c->body, data, n) == SYM_OK)
        return MHD_YES;
    c->too_large = true;
    sym_buf_free(&c->body);
    c->discarded += n;
    return c->discarded > DISCARD_FACTOR * c->s->p.max_body ? MHD_NO : MHD_YES;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *mc, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **con_cls)
{
    struct sym_server *s = cls;
    struct conn *c = *con_cls;
    const union MHD_ConnectionInfo *info;
    enum MHD_Result ret;
    bool done;

    if (!c) {
        c = calloc(1, sizeof *c);
        if (!c)
            return MHD_NO;
        *con_cls = c;
        c->s = s;
        info = MHD_get_connection_info(mc, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
        c->deadline = info ? info->socket_context : NULL;
        c->started_ms = now_ms();
        c->req.method = method;
        c->req.path = url;
        c->route_name = "other";
        sym_buf_init(&c->body, s->p.max_body);
        ret = first_call(c, mc, method, version, &done);
        return done ? ret : MHD_YES;
    }
    if (*upload_data_size)
        return take_body(c, upload_data, upload_data_size);
    if (c->status)
        return MHD_YES; /* answered already */
    return dispatch(c, mc);
}

static void on_completed(void *cls, struct MHD_Connection *mc, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    struct sym_server *s = cls;
    struct conn *c = *con_cls;

    (void)mc;
    if (!c)
        return;
    if (!c->status)
        c->status = 499; /* no answer was queued: the client left (or a read failed) */
    sym_deadline_answering(s->deadlines, c->deadline, false); /* the next request's starts */
    sym_metrics_request(s->metrics, c->route_name, c->status);
    sym_log(SYM_LOG_INFO, "%s %s %d %.1f ms%s", c->req.method, c->req.path, c->status,
            now_ms() - c->started_ms,
            toe == MHD_REQUEST_TERMINATED_COMPLETED_OK ? "" : " (connection closed early)");
    sym_buf_free(&c->body);
    free(c);
    *con_cls = NULL;
}

/* A connection opens or closes: its request deadline (server/deadline.h). */
static void on_connection(void *cls, struct MHD_Connection *mc, void **socket_context,
                          enum MHD_ConnectionNotificationCode code)
{
    struct sym_server *s = cls;

    if (code == MHD_CONNECTION_NOTIFY_STARTED) {
        *socket_context = sym_deadline_add(s->deadlines, connection_fd(mc));
    } else {
        sym_deadline_remove(s->deadlines, *socket_context);
        *socket_context = NULL;
    }
}

#if defined(__GNUC__)
__attribute__((format(printf, 2, 0)))
#endif
static void
on_mhd_log(void *cls, const char *fmt, va_list ap)
{
    char line[512];
    size_t n;

    (void)cls;
    vsnprintf(line, sizeof line, fmt, ap);
    n = strlen(line);
    while (n && line[n - 1] == '\n')
        line[--n] = '\0';
    sym_log(SYM_LOG_DEBUG, "http: %s", line);
}

/* ---- start and stop ---- */

static bool is_loopback(const struct sockaddr *sa)
{
    if (sa->sa_family == AF_INET)
        return (ntohl(((const struct sockaddr_in *)sa)->sin_addr.s_addr) >> 24) == 127;
    if (sa->sa_family == AF_INET6) {
        const struct in6_addr *a = &((const struct sockaddr_in6 *)sa)->sin6_addr;

        return IN6_IS_ADDR_LOOPBACK(a) || (IN6_IS_ADDR_V4MAPPED(a) && a->s6_addr[12] == 127);
    }
    return false;
}

/* Resolve host into *res (free with freeaddrinfo). */
static enum sym_status resolve(const char *host, int port, struct addrinfo **res, char *err,
                               size_t errlen)
{
    struct addrinfo hints;
    char service[16];
    int rc;

    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE;
    snprintf(service, sizeof service, "%d", port);
    rc = getaddrinfo(host, service, &hints, res);
    if (rc) {
        snprintf(err, errlen, "cannot use --host %s: %s", host, gai_strerror(rc));
        return SYM_ERR_INVALID;
    }
    return SYM_OK;
}

static enum sym_status open_daemon(struct sym_server *s, char *err, size_t errlen)
{
    struct addrinfo *res = NULL;
    unsigned int flags = MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD |
                         MHD_USE_POLL | MHD_USE_ERROR_LOG;
    const union MHD_DaemonInfo *info;
    enum sym_status rc = resolve(s->host, s->p.port, &res, err, errlen);

    if (rc)
        return rc;
    if (res->ai_family == AF_INET6)
        flags |= MHD_USE_IPv6;
    s->loopback = is_loopback(res->ai_addr);
    s->daemon = MHD_start_daemon(
        flags, (uint16_t)s->p.port, NULL, NULL, on_request, s, MHD_OPTION_EXTERNAL_LOGGER,
        on_mhd_log, s, MHD_OPTION_SOCK_ADDR, res->ai_addr, MHD_OPTION_CONNECTION_LIMIT,
        (unsigned int)MAX_CONNECTIONS, MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)IDLE_TIMEOUT_S,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)CONNECTION_POOL_BYTES,
        MHD_OPTION_NOTIFY_COMPLETED, on_completed, s, MHD_OPTION_NOTIFY_CONNECTION, on_connection,
        s, MHD_OPTION_END);
    freeaddrinfo(res);
    if (!s->daemon) {
        snprintf(err, errlen,
                 "cannot listen on %s port %d (in use, or not an address of this "
                 "machine?)",
                 s->host, s->p.port);
        return SYM_ERR_IO;
    }
    info = MHD_get_daemon_info(s->daemon, MHD_DAEMON_INFO_BIND_PORT);
    s->port = info ? info->port : s->p.port;
    return SYM_OK;
}

static void base_name(const char *path, char *out, size_t size)
{
    const char *slash = path ? strrchr(path, '/') : NULL;

    snprintf(out, size, "%s", !path ? "" : slash ? slash + 1 : path);
}

/* The connection threads' own database connection (NULL, with a warning, when it fails). */
static struct sym_store *open_api_store(const char *db_path, struct sym_embedder *e)
{
    struct sym_store *store = NULL;
    char err[512];

    if (!db_path)
        return NULL;
    if (sym_store_open(&store, db_path, err, sizeof err)) {
        sym_log(SYM_LOG_WARN, "memory routes are off: %s", err);
        return NULL;
    }
    sym_embedding_attach(store, e);
    return store;
}

enum sym_status sym_server_engine_start(struct sym_server *s)
{
    struct sym_llm *llm = sym_assistant_llm(s->assistant);

    s->engine = NULL;
    /* One slot: the model's own single-sequence path, as before slots (its conversation's KV
     * state is saved and loaded on disk, which the engine's slots do not do yet). */
    if (!llm || sym_llm_n_parallel(llm) < 2)
        return SYM_OK;
    return sym_engine_start(&s->engine, llm, 0);
}

enum sym_status sym_server_start(struct sym_server **out, const struct sym_server_params *p,
                                 const struct sym_config *cfg, struct sym_assistant *a,
                                 const char *db_path, struct sym_embedder *embedder, char *err,
                                 size_t errlen)
{
    struct sym_server *s = calloc(1, sizeof *s);
    struct sym_worker_params wp;
    enum sym_status rc = SYM_ERR_NOMEM;

    *out = NULL;
    if (!s) {
        sym_assistant_free(a);
        snprintf(err, errlen, "out of memory");
        return SYM_ERR_NOMEM;
    }
    s->p = *p;
    s->cfg = cfg;
    s->assistant = a;
    s->embedder = embedder;
    pthread_mutex_init(&s->store_lock, NULL);
    pthread_mutex_init(&s->name_lock, NULL);
    pthread_mutex_init(&s->confirm_lock, NULL);
    pthread_cond_init(&s->confirm_cv, NULL);
    pthread_mutex_init(&s->turn_lock, NULL);
    pthread_rwlock_init(&s->model_lock, NULL);
    atomic_init(&s->next_id, 1);
    snprintf(s->host, sizeof s->host, "%s", p->host ? p->host : "127.0.0.1");
    if (!s->p.max_body)
        s->p.max_body = SYM_SERVER_MAX_BODY;
    if (p->api_key && p->api_key[0] && !(s->api_key = strdup(p->api_key)))
        goto fail;
    base_name(sym_assistant_llm(a) ? cfg->model : NULL, s->model, sizeof s->model);
    base_name(embedder ? cfg->embed_model : NULL, s->embed_model, sizeof s->embed_model);
    atomic_init(&s->kv_used, 0);
    atomic_init(&s->kv_size, sym_assistant_llm(a) ? sym_llm_n_ctx(sym_assistant_llm(a)) : 0);
    s->store = open_api_store(db_path, embedder);
    if (sym_metrics_init(&s->metrics))
        goto fail;
    if (!s->p.request_timeout)
        s->p.request_timeout = SYM_SERVER_REQUEST_TIMEOUT;
    rc = sym_deadlines_start(&s->deadlines, s->p.request_timeout);
    if (rc == SYM_ERR_IO) {
        snprintf(err, errlen, "cannot start a thread");
        goto fail_quiet;
    } else if (rc) {
        goto fail;
    }
    rc = SYM_ERR_NOMEM;
    if (sym_server_engine_start(s))
        goto fail;
    memset(&wp, 0, sizeof wp);
    wp.capacity = p->queue;
    wp.threads = s->engine ? sym_llm_n_parallel(sym_assistant_llm(a)) : 1;
    wp.interrupt = p->interrupt;
    wp.data = s;
    wp.on_dropped = sym_chat_dropped;
    if (sym_worker_start(&s->worker, &wp))
        goto fail;
    rc = open_daemon(s, err, errlen);
    if (rc)
        goto fail_quiet;
    *out = s;
    return SYM_OK;
fail:
    snprintf(err, errlen, "out of memory");
fail_quiet:
    sym_server_stop(s);
    return rc;
}

int sym_server_port(const struct sym_server *s)
{
    return s->port;
}

bool sym_server_loopback(const struct sym_server *s)
{
    return s->loopback;
}

void sym_server_stop(struct sym_server *s)
{
    if (!s)
        return;
    atomic_store(&s->stopping, true);
    if (s->worker)
        sym_worker_shutdown(s->worker); /* every job ends; waiting connections answer */
    if (s->daemon)
        MHD_stop_daemon(s->daemon);
    sym_deadlines_stop(s->deadlines);
    sym_worker_free(s->worker);
    sym_engine_free(s->engine); /* before the model it drives */
    sym_assistant_free(s->assistant);
    sym_store_close(s->store);
    sym_metrics_free(s->metrics);
    pthread_mutex_destroy(&s->store_lock);
    pthread_mutex_destroy(&s->name_lock);
    pthread_mutex_destroy(&s->confirm_lock);
    pthread_cond_destroy(&s->confirm_cv);
    pthread_mutex_destroy(&s->turn_lock);
    pthread_rwlock_destroy(&s->model_lock);
    free(s->api_key);
    free(s);
}
