/*
 * http.c: the HTTP client over libcurl's easy interface; see http.h.
 *
 * A struct sym_http is one easy handle and what it needs to outlive a perform: the copied header
 * list, the error buffer and the request's callbacks, which libcurl's own callbacks (the
 * trampolines below) forward in Symbiot's types. libcurl's codes are classified once, here, so the
 * callers never see a CURLcode.
 *
 * Trade-off: only the options Symbiot uses are exposed; a new need is a new field in
 * struct sym_http_request, not a raw curl_easy_setopt() elsewhere, so the policy stays in one
 * place.
 */
#include "net/http.h"

#include <curl/curl.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/host.h"
#include "version.h"

struct sym_http {
    CURL *curl;
    struct curl_slist *headers;
    struct sym_http_request req; /* the callbacks and data; url and headers unused after setup */
    enum sym_http_fail fail;
    CURLcode code;
    char range[32];
    char errbuf[CURL_ERROR_SIZE];
};

/* ---- addresses ---- */

/* Copy one part into *out (left NULL when the URL has none). -1 when out of memory. */
static int take_part(CURLU *u, CURLUPart what, char **out)
{
    char *v = NULL;

    *out = NULL;
    if (curl_url_get(u, what, &v, 0) || !v)
        return 0;
    *out = strdup(v);
    curl_free(v);
    return *out ? 0 : -1;
}

enum sym_status sym_http_url_parse(const char *url, struct sym_http_url *out)
{
    CURLU *u = curl_url();
    enum sym_status rc = SYM_ERR_NOMEM;

    memset(out, 0, sizeof *out);
    if (!u)
        return SYM_ERR_NOMEM;
    if (curl_url_set(u, CURLUPART_URL, url, 0)) {
        rc = SYM_ERR_INVALID;
        goto out;
    }
    if (take_part(u, CURLUPART_SCHEME, &out->scheme) || take_part(u, CURLUPART_HOST, &out->host) ||
        take_part(u, CURLUPART_PORT, &out->port) || take_part(u, CURLUPART_PATH, &out->path) ||
        take_part(u, CURLUPART_QUERY, &out->query))
        goto out;
    rc = out->scheme && out->host ? SYM_OK : SYM_ERR_INVALID;
out:
    if (rc)
        sym_http_url_free(out);
    curl_url_cleanup(u);
    return rc;
}

void sym_http_url_free(struct sym_http_url *u)
{
    if (!u)
        return;
    free(u->scheme);
    free(u->host);
    free(u->port);
    free(u->path);
    free(u->query);
    memset(u, 0, sizeof *u);
}

enum sym_http_verdict sym_http_url_check(const struct sym_http_url *u, bool allow_http)
{
    if (!strcasecmp(u->scheme, "https"))
        return SYM_HTTP_URL_OK;
    if (strcasecmp(u->scheme, "http"))
        return SYM_HTTP_URL_SCHEME;
    return allow_http || sym_host_is_loopback(u->host) ? SYM_HTTP_URL_OK : SYM_HTTP_URL_PLAIN;
}

/* ---- libcurl's callbacks, forwarded ---- */

/* libcurl's global state, once per process: curl_global_init() is not thread-safe everywhere. */
static pthread_once_t global_once = PTHREAD_ONCE_INIT;
static CURLcode global_code = CURLE_FAILED_INIT;

static void global_init(void)
{
    global_code = curl_global_init(CURL_GLOBAL_DEFAULT);
}

static size_t on_body(char *ptr, size_t size, size_t nmemb, void *data)
{
    struct sym_http *h = data;
    size_t n = size * nmemb;

    return h->req.on_body(ptr, n, h->req.data) ? 0 : n;
}

static size_t on_header(char *buf, size_t size, size_t nitems, void *data)
{
    struct sym_http *h = data;
    size_t n = size * nitems;

    if (h->req.on_header)
        h->req.on_header(buf, n, h->req.data);
    return n;
}

static int on_xfer(void *data, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
                   curl_off_t ulnow)
{
    struct sym_http *h = data;

    (void)dltotal, (void)ultotal, (void)ulnow;
    if (!h->req.on_tick)
        return 0;
    return h->req.on_tick(dlnow > 0 ? (uint64_t)dlnow : 0, h->req.data) ? 1 : 0;
}

/* ---- the handle ---- */

/* The copied header list; -1 when out of memory. */
static int make_headers(struct sym_http *h, const char *const *lines)
{
    struct curl_slist *t;

    for (; lines && *lines; lines++) {
        t = curl_slist_append(h->headers, *lines);
        if (!t)
            return -1;
        h->headers = t;
    }
    return 0;
}

/* Every option the request picks, and the ones all requests share. */
static CURLcode setup(struct sym_http *h)
{
    const struct sym_http_request *q = &h->req;
    CURL *c = h->curl;
    CURLcode cc = CURLE_OK;

#define SET(opt, val)                                                                              \
    do {                                                                                           \
        if (cc == CURLE_OK)                                                                        \
            cc = curl_easy_setopt(c, opt, val);                                                    \
    } while (0)
    SET(CURLOPT_URL, q->url);
    SET(CURLOPT_PROTOCOLS_STR, "http,https"); /* the rest: sym_http_url_check() */
    SET(CURLOPT_USERAGENT, "symbiot/" SYM_VERSION);
    SET(CURLOPT_NOSIGNAL, 1L);
    SET(CURLOPT_TCP_NODELAY, 1L);
    SET(CURLOPT_ERRORBUFFER, h->errbuf);
    if (q->max_redirects > 0) {
        SET(CURLOPT_FOLLOWLOCATION, 1L);
        SET(CURLOPT_MAXREDIRS, (long)q->max_redirects);
        SET(CURLOPT_REDIR_PROTOCOLS_STR, q->allow_http ? "http,https" : "https");
    } else {
        SET(CURLOPT_FOLLOWLOCATION, 0L);
    }
    if (q->connect_timeout_s > 0)
        SET(CURLOPT_CONNECTTIMEOUT, (long)q->connect_timeout_s);
    if (q->low_speed_time_s > 0) {
        SET(CURLOPT_LOW_SPEED_LIMIT, 1L);
        SET(CURLOPT_LOW_SPEED_TIME, (long)q->low_speed_time_s);
    }
    if (h->headers)
        SET(CURLOPT_HTTPHEADER, h->headers);
    if (q->post)
        SET(CURLOPT_POSTFIELDS, q->post);
    SET(CURLOPT_WRITEFUNCTION, on_body);
    SET(CURLOPT_WRITEDATA, h);
    SET(CURLOPT_HEADERFUNCTION, on_header);
    SET(CURLOPT_HEADERDATA, h);
    SET(CURLOPT_XFERINFOFUNCTION, on_xfer);
    SET(CURLOPT_XFERINFODATA, h);
    SET(CURLOPT_NOPROGRESS, 0L);
#undef SET
    return cc;
}

enum sym_status sym_http_init(struct sym_http **out, const struct sym_http_request *req)
{
    struct sym_http *h;

    *out = NULL;
    pthread_once(&global_once, global_init);
    if (global_code != CURLE_OK)
        return SYM_ERR_NOMEM; /* curl_global_init fails only for want of memory */
    h = calloc(1, sizeof *h);
    if (!h)
        return SYM_ERR_NOMEM;
    h->req = *req;
    h->req.headers = NULL;
    if (!(h->curl = curl_easy_init()) || make_headers(h, req->headers) || setup(h) != CURLE_OK) {
        sym_http_free(h);
        return SYM_ERR_NOMEM;
    }
    *out = h;
    return SYM_OK;
}

void sym_http_set_range(struct sym_http *h, uint64_t from)
{
    snprintf(h->range, sizeof h->range, "%llu-", (unsigned long long)from);
    curl_easy_setopt(h->curl, CURLOPT_RANGE, from ? h->range : NULL);
}

static int tls_code(CURLcode cc)
{
    return cc == CURLE_SSL_CONNECT_ERROR || cc == CURLE_PEER_FAILED_VERIFICATION ||
           cc == CURLE_SSL_CERTPROBLEM || cc == CURLE_SSL_CIPHER ||
           cc == CURLE_SSL_CACERT_BADFILE || cc == CURLE_SSL_ISSUER_ERROR ||
           cc == CURLE_SSL_PINNEDPUBKEYNOTMATCH || cc == CURLE_SSL_INVALIDCERTSTATUS ||
           cc == CURLE_SSL_CRL_BADFILE || cc == CURLE_USE_SSL_FAILED ||
           cc == CURLE_SSL_ENGINE_NOTFOUND || cc == CURLE_SSL_ENGINE_SETFAILED ||
           cc == CURLE_SSL_ENGINE_INITFAILED || cc == CURLE_SSL_SHUTDOWN_FAILED;
}

static enum sym_http_fail classify(const struct sym_http *h, CURLcode cc)
{
    if (cc == CURLE_OK)
        return SYM_HTTP_FAIL_NONE;
    if (cc == CURLE_COULDNT_RESOLVE_HOST || cc == CURLE_COULDNT_RESOLVE_PROXY)
        return SYM_HTTP_FAIL_DNS;
    if (cc == CURLE_COULDNT_CONNECT)
        return SYM_HTTP_FAIL_CONNECT;
    if (tls_code(cc))
        return SYM_HTTP_FAIL_TLS;
    if (cc == CURLE_OPERATION_TIMEDOUT)
        return SYM_HTTP_FAIL_TIMEOUT;
    if (cc == CURLE_PARTIAL_FILE || cc == CURLE_RECV_ERROR || cc == CURLE_GOT_NOTHING ||
        cc == CURLE_SEND_ERROR || cc == CURLE_HTTP2 || cc == CURLE_HTTP2_STREAM)
        return SYM_HTTP_FAIL_CUT;
    if (cc == CURLE_UNSUPPORTED_PROTOCOL && h->req.max_redirects > 0)
        return SYM_HTTP_FAIL_REDIRECT; /* the address itself was checked before */
    if (cc == CURLE_WRITE_ERROR || cc == CURLE_ABORTED_BY_CALLBACK)
        return SYM_HTTP_FAIL_STOPPED;
    if (cc == CURLE_OUT_OF_MEMORY)
        return SYM_HTTP_FAIL_NOMEM;
    return SYM_HTTP_FAIL_OTHER;
}

enum sym_status sym_http_perform(struct sym_http *h)
{
    h->errbuf[0] = '\0';
    h->code = curl_easy_perform(h->curl);
    h->fail = classify(h, h->code);
    if (h->fail == SYM_HTTP_FAIL_NONE)
        return SYM_OK;
    return h->fail == SYM_HTTP_FAIL_NOMEM ? SYM_ERR_NOMEM : SYM_ERR_IO;
}

long sym_http_status(const struct sym_http *h)
{
    long status = 0;

    curl_easy_getinfo(h->curl, CURLINFO_RESPONSE_CODE, &status);
    return status;
}

const char *sym_http_content_type(const struct sym_http *h)
{
    char *type = NULL;

    curl_easy_getinfo(h->curl, CURLINFO_CONTENT_TYPE, &type);
    return type;
}

enum sym_http_fail sym_http_failure(const struct sym_http *h)
{
    return h->fail;
}

const char *sym_http_why(const struct sym_http *h)
{
    return h->errbuf[0] ? h->errbuf : curl_easy_strerror(h->code);
}

bool sym_http_describe(const struct sym_http *h, const char *host, char *out, size_t size)
{
    long os_errno = 0;

    switch (h->fail) {
    case SYM_HTTP_FAIL_DNS:
        snprintf(out, size,
                 "cannot resolve %s (DNS failure): is the network up and the address right?", host);
        return true;
    case SYM_HTTP_FAIL_CONNECT:
        curl_easy_getinfo(h->curl, CURLINFO_OS_ERRNO, &os_errno);
        if (os_errno == ECONNREFUSED)
            snprintf(out, size, "connection refused by %s: no server is answering there", host);
        else if (os_errno == ENETUNREACH || os_errno == EHOSTUNREACH)
            snprintf(out, size, "cannot reach %s: the network is down or unreachable", host);
        else
            snprintf(out, size, "cannot connect to %s: %s", host, sym_http_why(h));
        return true;
    case SYM_HTTP_FAIL_TLS:
        snprintf(out, size, "TLS failure with %s: %s (nothing was sent or received over it)", host,
                 sym_http_why(h));
        return true;
    case SYM_HTTP_FAIL_REDIRECT:
        snprintf(out, size, "%s redirected to an address that is not https; refused", host);
        return true;
    default:
        return false;
    }
}

/* Overwrite a string in place, in a way the compiler keeps. */
static void wipe(char *s)
{
    volatile char *v = s;

    while (s && *v)
        *v++ = '\0';
}

void sym_http_free(struct sym_http *h)
{
    struct curl_slist *l;

    if (!h)
        return;
    if (h->curl)
        curl_easy_cleanup(h->curl);
    for (l = h->headers; l; l = l->next)
        wipe(l->data);
    curl_slist_free_all(h->headers);
    free(h);
}
