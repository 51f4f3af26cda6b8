/*
 * test_backend.c: the pieces of the backends that need no server: the SSE parser on exact
 * inputs (line ends, comments, multi-line data, a BOM, splits, caps), the backend settings in
 * the config table, and the remote backend's checks and request as /privacy shows it (no key,
 * no user name or password from the URL). The remote backend against real servers is
 * tests/integration/remote.sh.
 */
#include <stdlib.h>
#include <string.h>

#include "core/config.h"
#include "llm/backend.h"
#include "llm/sse.h"
#include "test.h"

struct events {
    char log[2048];
    int n;
    int stop_after; /* 0 = never */
};

static int collect(const char *event, const char *data, size_t len, void *ctx)
{
    struct events *e = ctx;
    size_t used = strlen(e->log);

    snprintf(e->log + used, sizeof e->log - used, "[%s|%.*s]", event, (int)len, data);
    e->n++;
    return e->stop_after && e->n >= e->stop_after;
}

static void feed_all(const char *in, size_t chunk, struct events *e, enum sym_status *rc,
                     bool *pending)
{
    struct sym_sse p;
    size_t len = strlen(in), off;

    memset(e, 0, sizeof *e);
    sym_sse_init(&p, 64);
    *rc = SYM_OK;
    for (off = 0; off < len && !*rc; off += chunk)
        *rc = sym_sse_feed(&p, in + off, len - off < chunk ? len - off : chunk, collect, e);
    *pending = sym_sse_pending(&p);
    sym_sse_free(&p);
}

static void test_sse(void)
{
    static const char stream[] = "\xEF\xBB\xBF: hello\r\n"
                                 "data: one\r\n\r\n"
                                 "event: error\n"
                                 "data:two\n"
                                 "data:  three\n"
                                 "id: 5\n"
                                 "retry: 10\n"
                                 "\n"
                                 "data\r\r"
                                 "event: lonely\n\n"
                                 "data: [DONE]\n\n"
                                 "data: unfinished";
    const char *want = "[message|one][error|two\n three][message|][message|[DONE]]";
    struct events e;
    enum sym_status rc;
    bool pending;
    size_t chunk;

    for (chunk = 1; chunk <= sizeof stream; chunk++) {
        feed_all(stream, chunk, &e, &rc, &pending);
        CHECK(rc == SYM_OK);
        CHECK_STR(e.log, want);
        CHECK(pending);
    }
    feed_all("data: x\n\n", 3, &e, &rc, &pending);
    CHECK(!pending);
    /* A line longer than the cap (64) ends the parse. */
    feed_all("data: 0123456789012345678901234567890123456789012345678901234567890123456789\n\n", 7,
             &e, &rc, &pending);
    CHECK(rc == SYM_ERR_TOO_LONG);
    CHECK(e.n == 0);
    /* The callback stops the parse. */
    {
        struct sym_sse p;

        memset(&e, 0, sizeof e);
        e.stop_after = 1;
        sym_sse_init(&p, 0);
        CHECK(sym_sse_feed(&p, "data: a\n\ndata: b\n\n", 18, collect, &e) == SYM_ERR_INTERRUPTED);
        CHECK_STR(e.log, "[message|a]");
        sym_sse_free(&p);
    }
}

static void test_config(void)
{
    struct sym_config cfg;
    char err[256];

    CHECK(sym_config_init(&cfg) == SYM_OK);
    CHECK(cfg.backend == SYM_BACKEND_MODE_LOCAL); /* nothing leaves by default */
    CHECK(!cfg.share_memory);
    CHECK(cfg.remote_timeout == 60);
    CHECK(sym_config_set(&cfg, "backend", "auto", err, sizeof err) == SYM_OK);
    CHECK(cfg.backend == SYM_BACKEND_MODE_AUTO);
    CHECK_STR(sym_config_backend_name(cfg.backend), "auto");
    CHECK(sym_config_set(&cfg, "backend", "cloud", err, sizeof err) == SYM_ERR_INVALID);
    CHECK_CONTAINS(err, "not local, remote or auto");
    CHECK(sym_config_set(&cfg, "share_memory", "true", err, sizeof err) == SYM_OK);
    CHECK(cfg.share_memory);
    CHECK(sym_config_set(&cfg, "endpoint", "https://x.example/v1", err, sizeof err) == SYM_OK);
    CHECK(sym_config_set(&cfg, "api-key-env", "MY_KEY", err, sizeof err) == SYM_OK);
    CHECK(sym_config_set(&cfg, "remote-model", "m", err, sizeof err) == SYM_OK);
    CHECK(sym_config_set(&cfg, "rpc", "10.0.0.2:50052", err, sizeof err) == SYM_OK);
    CHECK(sym_config_set(&cfg, "remote-timeout", "0", err, sizeof err) == SYM_ERR_INVALID);
    CHECK_STR(cfg.rpc, "10.0.0.2:50052");
    sym_config_free(&cfg);
}

static void test_remote_init(void)
{
    struct sym_remote_params p = sym_remote_default_params();
    struct sym_backend *b = NULL;
    struct sym_chat_msg msgs[] = {{"system", "Be brief."}, {"user", "Hi \"there\""}};
    struct sym_sampling smp = {0.5f, 40, 0.9f, 0.05f, 1.1f, 64, 0xFFFFFFFFu, NULL, 0, 0};
    struct sym_buf out = {0};
    struct sym_backend_request req;
    const char *const stops[] = {"END", "\nQ:", NULL};
    char err[512];

    CHECK(sym_backend_remote_init(&b, &p, err, sizeof err) == SYM_ERR_INVALID);
    CHECK_CONTAINS(err, "--endpoint URL");
    p.endpoint = "ftp://example.com/v1";
    CHECK(sym_backend_remote_init(&b, &p, err, sizeof err) == SYM_ERR_INVALID);
    p.endpoint = "http://example.com/v1";
    CHECK(sym_backend_remote_init(&b, &p, err, sizeof err) == SYM_ERR_INVALID);
    CHECK_CONTAINS(err, "refusing plain http to example.com");
    p.allow_http = true;
    CHECK(sym_backend_remote_init(&b, &p, err, sizeof err) == SYM_OK);
    sym_backend_free(b);
    p.allow_http = false;
    p.endpoint = "http://127.0.0.1:8080"; /* loopback: plain http is fine */
    CHECK(sym_backend_remote_init(&b, &p, err, sizeof err) == SYM_OK);
    sym_backend_free(b);
    p.endpoint = "https://user:secret@api.example.com/v1/?token=abc";
    p.api_key = "sk-test-0123456789abcdef";
    p.api_key_from = "$MY_KEY";
    p.model = "small-1";
    CHECK(sym_backend_remote_init(&b, &p, err, sizeof err) == SYM_OK);
    CHECK(sym_backend_kind(b) == SYM_BACKEND_REMOTE);
    CHECK_STR(sym_backend_name(b), "remote");
    CHECK_STR(sym_backend_describe(b), "small-1 at https://api.example.com/v1");
    memset(&req, 0, sizeof req);
    req.msgs = msgs;
    req.n = 2;
    req.sampling = &smp;
    req.max_tokens = 128;
    CHECK(sym_backend_describe_request(b, &req, &out) == SYM_OK);
    CHECK_CONTAINS(sym_buf_str(&out),
                   "POST https://api.example.com/v1/chat/completions?<query hidden>\n");
    CHECK_CONTAINS(sym_buf_str(&out), "Authorization: Bearer <hidden: the key in $MY_KEY>");
    CHECK_CONTAINS(sym_buf_str(&out), "\"content\":\t\"Hi \\\"there\\\"\"");
    CHECK_CONTAINS(sym_buf_str(&out), "\"max_tokens\":\t128");
    CHECK(!strstr(sym_buf_str(&out), "sk-test"));
    CHECK(!strstr(sym_buf_str(&out), "secret"));
    CHECK(!strstr(sym_buf_str(&out), "token=abc"));
    CHECK(!strstr(sym_buf_str(&out), "\"stop\""));
    sym_buf_reset(&out);
    req.stops = stops; /* the client's stop strings go along */
    CHECK(sym_backend_describe_request(b, &req, &out) == SYM_OK);
    CHECK_CONTAINS(sym_buf_str(&out), "\"stop\":\t[\"END\", \"\\nQ:\"]");
    sym_buf_free(&out);
    sym_backend_free(b);
    sym_backend_free(NULL);
}

int main(void)
{
    test_sse();
    test_config();
    test_remote_init();
    return test_report("test_backend");
}
