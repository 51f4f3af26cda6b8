/*
 * fuzz_api.c: libFuzzer target for the JSON bodies of the HTTP API (src/server/), and for the
 * memory search's query argument (user text that becomes a full-text query): the route handlers
 * themselves, called as the server calls them, over a real SQLite store in a temporary
 * directory (no network, no model). The first byte picks the route, the second the {id} of the
 * path; the rest is the body:
 *   0 POST /v1/chat/completions   1 POST /api/chat          2 POST /v1/embeddings (the parser)
 *   3 POST /api/memory            4 PATCH /api/memory/{id}  5 POST /api/reminders
 *   6 POST /api/feedback          7 GET /api/memory/search?q=Q&k=K (the rest is Q, NUL, K)
 * Whatever the body, the reply must be what a client can rely on: a known status, never a 500
 * (bad input is the client's error, 4xx), and a JSON object, with an "error" object holding a
 * type and a non-empty message exactly when the status is an error. Anything else aborts.
 * Built with clang by `make fuzz`; replayed over fuzz/corpus/api by replay.c in `make test`.
 * FUZZ_API_TRACE=1 in the environment prints each reply's status and body (to check a corpus).
 * The database lives in $TMPDIR/symbiot-fuzz-api-XXXXXX, removed at exit; a run that crashes or
 * is killed leaves it behind.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/config.h"
#include "memory/conversations.h"
#include "memory/facts.h"
#include "memory/store.h"
#include "server/internal.h"
#include "server/openai.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_BODY (64 * 1024)

static struct sym_server server;
static struct sym_config cfg;
static char dir[512];

static _Noreturn void fail(const char *what)
{
    fprintf(stderr, "fuzz_api: %s\n", what);
    abort();
}

static void remove_dir(void)
{
    static const char *const names[] = {"memory.db", "memory.db-wal", "memory.db-shm"};
    char path[600];
    size_t i;

    if (server.store)
        sym_store_close(server.store);
    server.store = NULL;
    sym_config_free(&cfg);
    for (i = 0; i < sizeof names / sizeof names[0]; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        unlink(path);
    }
    rmdir(dir);
}

/* A store with a few facts and a conversation whose last turn is an answer, so that editing a
 * fact and rating an answer reach the database. */
static void seed(struct sym_store *st)
{
    static const char *const facts[] = {"My name is Anna", "I live in Kazan", "Моя собака Шарик",
                                        "I like green tea"};
    struct sym_fact_input in;
    long long id, conv;
    size_t i;
    bool existed;

    for (i = 0; i < sizeof facts / sizeof facts[0]; i++) {
        memset(&in, 0, sizeof in);
        in.text = facts[i];
        in.now = 1700000000;
        if (sym_fact_add(st, &in, &id, &existed))
            fail("cannot seed a fact");
    }
    if (sym_conversation_start(st, 1700000000, &conv) ||
        sym_conversation_append(st, conv, "user", "Hello", 1700000000) ||
        sym_conversation_append(st, conv, "assistant", "Hi, Anna!", 1700000001))
        fail("cannot seed a conversation");
}

static void setup(void)
{
    const char *tmp = getenv("TMPDIR");
    char path[600], err[256];

    snprintf(dir, sizeof dir, "%s/symbiot-fuzz-api-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(dir))
        fail("cannot make a temporary directory");
    snprintf(path, sizeof path, "%s/memory.db", dir);
    if (sym_config_init(&cfg) || sym_store_open(&server.store, path, err, sizeof err))
        fail(err);
    atexit(remove_dir);
    seed(server.store);
    server.cfg = &cfg;
    server.p.max_body = MAX_BODY;
    pthread_mutex_init(&server.store_lock, NULL);
    pthread_mutex_init(&server.name_lock, NULL);
}

static bool known_status(int status)
{
    static const int ok[] = {200, 201, 400, 404, 413, 503};
    size_t i;

    for (i = 0; i < sizeof ok / sizeof ok[0]; i++)
        if (status == ok[i])
            return true;
    return false;
}

/* The reply's promises; frees its body. */
static void check_reply(struct sym_reply *r)
{
    cJSON *obj, *err, *msg, *type;

    if (getenv("FUZZ_API_TRACE"))
        fprintf(stderr, "%d %s\n", r->status, r->body ? r->body : "(no body)");
    if (!known_status(r->status))
        fail("unexpected status");
    if (!r->body || !(obj = cJSON_Parse(r->body)) || !cJSON_IsObject(obj))
        fail("the reply is not a JSON object");
    err = cJSON_GetObjectItemCaseSensitive(obj, "error");
    if ((r->status >= 400) != (err != NULL))
        fail("an error object without an error status, or the other way round");
    if (err) {
        msg = cJSON_GetObjectItemCaseSensitive(err, "message");
        type = cJSON_GetObjectItemCaseSensitive(err, "type");
        if (!cJSON_IsString(msg) || !msg->valuestring[0] || !cJSON_IsString(type))
            fail("an error without a message or a type");
    }
    cJSON_Delete(obj);
    free(r->body);
    r->body = NULL;
}

static void embeddings(const char *body, size_t len)
{
    struct sym_embed_request er;
    struct sym_http_error e;
    size_t i;

    if (!sym_openai_parse_embed(body, len, &er, &e)) {
        if (e.status != 400 || !e.message[0])
            fail("an embeddings request refused without a 400 and a message");
        return;
    }
    if (!er.n)
        fail("an embeddings request accepted with no input");
    for (i = 0; i < er.n; i++)
        if (!er.inputs[i])
            fail("an embeddings input is missing");
    sym_embed_request_free(&er);
}

static void job_route(sym_job_route_fn fn, const struct sym_request *req)
{
    struct sym_reply r = {0, NULL, NULL};
    bool stream = false;
    struct sym_job *job = fn(&server, req, &r, &stream);

    if (job) {
        if (getenv("FUZZ_API_TRACE"))
            fprintf(stderr, "queued\n");
        if (r.body)
            fail("a job and a reply");
        sym_job_release(job); /* never queued: no worker runs here */
        return;
    }
    check_reply(&r);
}

static void plain_route(sym_route_fn fn, const struct sym_request *req)
{
    struct sym_reply r = {0, NULL, NULL};

    fn(&server, req, &r);
    check_reply(&r);
}

/* The search route: the rest is the query q, then (after a NUL, when there is one) k. */
static void search(struct sym_request *req)
{
    const char *nul = memchr(req->body, '\0', req->body_len);
    size_t qlen = nul ? (size_t)(nul - req->body) : req->body_len;
    char *q = malloc(qlen + 1), *k = NULL;

    if (!q)
        return;
    memcpy(q, req->body, qlen);
    q[qlen] = '\0';
    if (nul && (k = malloc(req->body_len - qlen))) {
        memcpy(k, nul + 1, req->body_len - qlen - 1);
        k[req->body_len - qlen - 1] = '\0';
    }
    req->method = "GET";
    req->q = q;
    req->k = k;
    plain_route(sym_route_memory_search, req);
    free(q);
    free(k);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct sym_request req;

    if (size < 2 || size - 2 > MAX_BODY)
        return 0;
    if (!server.store)
        setup();
    memset(&req, 0, sizeof req);
    req.method = "POST";
    req.path = req.route = "/fuzz";
    req.id = data[1] % 6; /* 0 and 5 name no fact */
    req.body = (const char *)data + 2;
    req.body_len = size - 2;
    switch (data[0] % 8) {
    case 0:
        job_route(sym_route_completions, &req);
        break;
    case 1:
        job_route(sym_route_chat, &req);
        break;
    case 2:
        embeddings(req.body, req.body_len);
        break;
    case 3:
        plain_route(sym_route_memory_add, &req);
        break;
    case 4:
        req.method = "PATCH";
        plain_route(sym_route_memory_edit, &req);
        break;
    case 5:
        plain_route(sym_route_reminders_add, &req);
        break;
    case 6:
        plain_route(sym_route_feedback, &req);
        break;
    default:
        search(&req);
        break;
    }
    return 0;
}
