/*
 * http.h: Symbiot's one HTTP client, a thin layer over libcurl's easy interface, used by
 * `symbiot pull` (models/download.c) and the remote backend (llm/remote.c).
 *
 * It owns what both need and must agree on:
 * - the URL policy: an address is parsed once (sym_http_url_parse) and judged by one rule
 *   (sym_http_url_check): https, or plain http only to a loopback host (127.0.0.0/8, ::1,
 *   localhost: a mirror or a test server on this machine) unless the user allowed http. Redirects
 *   are followed only when the request asks for them, and then only to https (or http too when
 *   allowed);
 * - the handle: the options every request shares (http and https only, the user agent, no
 *   signals, an error buffer) plus the few a request picks in struct sym_http_request;
 * - one request at a time with three callbacks: each header line, each piece of the body, and a
 *   progress tick (about once a second and on every arrival) that may stop the transfer;
 * - the words: a failed transfer is classified (enum sym_http_fail) and the network-level failures
 *   (DNS, connect, TLS, a refused redirect) are put into one clear line, with the OS's errno
 *   telling a refused connection from an unreachable network. The callers word what only they
 *   know (a cut download that can resume, a remote that stalled mid-answer).
 *
 * This is the only file in Symbiot that includes curl.h; nothing else opens a connection.
 * libcurl's global state is set up once per process on first use, thread-safely, and never torn
 * down (other threads may still use it at exit). Not thread-safe per handle: one call at a time.
 */
#ifndef SYM_HTTP_H
#define SYM_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/status.h"

/* ---- addresses ---- */

/* An address in parts, as libcurl reads it. Each part is a NUL-terminated string the struct owns,
 * or NULL when the address has none (port, query); free with sym_http_url_free(). */
struct sym_http_url {
    char *scheme; /* as written: "https", "HTTP" */
    char *host;   /* "example.com", "127.0.0.1", "[::1]" */
    char *port;   /* "8080", or NULL */
    char *path;   /* "/v1" ("/" when the address names none) */
    char *query;  /* "api-version=1", or NULL */
};

/* What the URL policy says about an address. */
enum sym_http_verdict {
    SYM_HTTP_URL_OK,     /* https, or http where it is allowed */
    SYM_HTTP_URL_SCHEME, /* neither http nor https */
    SYM_HTTP_URL_PLAIN,  /* plain http to another machine, not allowed */
};

/*
 * Split url into its parts. SYM_ERR_INVALID when it is not an absolute address with a scheme and
 * a host, SYM_ERR_NOMEM; on failure *out holds nothing to free (but freeing it is harmless).
 */
enum sym_status sym_http_url_parse(const char *url, struct sym_http_url *out);

/* Release the parts; accepts a zeroed or already freed struct. */
void sym_http_url_free(struct sym_http_url *u);

/* The one rule for where Symbiot may connect: https anywhere, http only to a loopback host unless
 * allow_http. */
enum sym_http_verdict sym_http_url_check(const struct sym_http_url *u, bool allow_http);

/* ---- requests ---- */

struct sym_http;

/*
 * The callbacks run inside sym_http_perform(), on the caller's thread; data is the request's data.
 * on_header: one header line as received (with its CRLF; also each status line "HTTP/...", which
 *            starts a new response after a redirect). May be NULL.
 * on_body:   the next piece of the body; return 0 to go on, non-zero to stop the transfer
 *            (SYM_HTTP_FAIL_STOPPED). sym_http_status() and sym_http_content_type() are known here.
 * on_tick:   about once a second and whenever bytes arrive, with the body bytes received so far by
 *            this perform; return non-zero to stop (an interrupt, an idle timeout). May be NULL.
 */
struct sym_http_request {
    const char *url;            /* checked by the caller with sym_http_url_check() first */
    const char *const *headers; /* extra "Name: value" lines ending with NULL, or NULL; copied */
    const char *post;           /* a body to POST (borrowed until sym_http_free), NULL: GET */
    int connect_timeout_s;      /* 0: libcurl's default */
    int low_speed_time_s;       /* give up when under a byte a second arrives this long; 0: never */
    int max_redirects;          /* redirects to follow; 0: none (a 3xx is the answer) */
    bool allow_http;            /* redirects may go to plain http too (the user's --allow-http) */
    void (*on_header)(const char *line, size_t len, void *data);
    int (*on_body)(const char *bytes, size_t len, void *data);
    int (*on_tick)(uint64_t received, void *data);
    void *data;
};

/* How a perform ended, as far as the connection goes (an HTTP error status is not a failure). */
enum sym_http_fail {
    SYM_HTTP_FAIL_NONE,     /* the exchange completed, whatever the status */
    SYM_HTTP_FAIL_DNS,      /* the host name (or the proxy's) did not resolve */
    SYM_HTTP_FAIL_CONNECT,  /* no connection: refused, unreachable, ... */
    SYM_HTTP_FAIL_TLS,      /* the TLS handshake or the certificate failed */
    SYM_HTTP_FAIL_TIMEOUT,  /* the connect timeout or the low-speed limit ran out */
    SYM_HTTP_FAIL_CUT,      /* the connection closed or broke before the response was complete */
    SYM_HTTP_FAIL_REDIRECT, /* a redirect to an address the policy refuses */
    SYM_HTTP_FAIL_STOPPED,  /* a callback stopped it */
    SYM_HTTP_FAIL_NOMEM,    /* libcurl ran out of memory */
    SYM_HTTP_FAIL_OTHER,
};

/*
 * A handle set up for req (which is copied, except the post body and data; the callbacks keep
 * being called with req->data). SYM_ERR_NOMEM; *out is NULL then. Caller frees with
 * sym_http_free(). The same handle may perform several times (a resumed download reuses the
 * connection).
 */
enum sym_status sym_http_init(struct sym_http **out, const struct sym_http_request *req);

/* Ask the next performs for the bytes from `from` on (an HTTP Range "from-"); 0: the whole. */
void sym_http_set_range(struct sym_http *h, uint64_t from);

/*
 * Run the request to its end. SYM_OK when a response arrived completely (any status: see
 * sym_http_status()); otherwise SYM_ERR_IO (SYM_ERR_NOMEM when libcurl ran out of memory), and
 * sym_http_failure() says how.
 */
enum sym_status sym_http_perform(struct sym_http *h);

/* The final response's status (after redirects), once its headers are in; 0 before. */
long sym_http_status(const struct sym_http *h);

/* The final response's Content-Type, or NULL; borrowed, valid until the next perform. */
const char *sym_http_content_type(const struct sym_http *h);

/* How the last perform ended. */
enum sym_http_fail sym_http_failure(const struct sym_http *h);

/* libcurl's own words for the last failure ("Could not resolve host: x"), never NULL; borrowed. */
const char *sym_http_why(const struct sym_http *h);

/*
 * The last failure in one line naming host, when it is a network-level one (DNS, connect, TLS, a
 * refused redirect); returns false and writes nothing otherwise, for the caller to word.
 */
bool sym_http_describe(const struct sym_http *h, const char *host, char *out, size_t size);

/* Close the connection and free; header copies are wiped first (they may hold a key). NULL ok. */
void sym_http_free(struct sym_http *h);

#endif
