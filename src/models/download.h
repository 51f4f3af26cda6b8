/*
 * download.h: fetching one model file over HTTPS, for `symbiot pull` (through net/http.h).
 *
 * The file is written to DEST.part and renamed to DEST only when it is complete, starts like a
 * GGUF file and, when a digest is known, matches it. A .part left by an earlier run is resumed
 * with an HTTP Range request (its bytes are hashed again first, so the digest covers the whole
 * file). The free space is checked against the announced size before anything is written. A
 * connection cut in the middle is resumed automatically up to `retries` times; a full disk, an
 * interruption or a last cut keep the .part for a later resume; a wrong digest removes it.
 *
 * Only plain https is allowed, except http to a loopback address (127.0.0.0/8, ::1, localhost:
 * a mirror or a test server on this machine) or with allow_http: the HTTP layer's URL policy.
 * Redirects (up to 10) may only go to https, or to http too with allow_http.
 */
#ifndef SYM_DOWNLOAD_H
#define SYM_DOWNLOAD_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/sha256.h"
#include "base/status.h"

struct sym_download_progress {
    uint64_t done;         /* bytes of the file on disk so far (resumed ones included) */
    uint64_t total;        /* the file's size; 0 while unknown */
    uint64_t resumed_from; /* bytes that were already there when this run started */
    double seconds;        /* since this run's transfer started */
    double rate;           /* bytes per second received by this run */
    bool final;            /* the last report of a finished transfer */
};

struct sym_download_params {
    const char *url;
    const char *dest;   /* final path; DEST.part while downloading */
    const char *sha256; /* expected digest in hex, or NULL: then X-Linked-Etag if sent */
    bool allow_http;    /* plain http to any host (otherwise only to loopback) */
    int retries;        /* automatic resumes after a cut connection */
    /* Progress, at most ten times a second and once at the end; may be NULL. */
    void (*on_progress)(const struct sym_download_progress *p, void *data);
    /* One-line news ("connection lost at 12 MB; resuming"); may be NULL. */
    void (*on_notice)(const char *message, void *data);
    void *data;
    volatile sig_atomic_t *interrupt; /* polled; non-zero stops the download, keeping .part */
};

/* Where the digest a download was checked against came from. */
enum sym_sha_source {
    SYM_SHA_NONE,   /* none was known: not checked */
    SYM_SHA_GIVEN,  /* params.sha256 */
    SYM_SHA_HEADER, /* the server's X-Linked-Etag header (Hugging Face: the LFS object's sha256) */
};

struct sym_download_result {
    uint64_t size;                       /* the file's bytes */
    uint64_t resumed_from;               /* bytes reused from an earlier .part */
    uint64_t received;                   /* bytes received over the network by this run */
    double seconds;                      /* time spent receiving them */
    int requests;                        /* HTTP requests made (1 + automatic resumes) */
    char sha256[SYM_SHA256_HEX_LEN + 1]; /* the digest of the file (or of the .part on failure) */
    enum sym_sha_source checked;
    bool partial_kept; /* on failure: DEST.part holds what arrived, a later run resumes it */
};

/* Sensible defaults: no digest, https only, 3 retries, no callbacks. */
struct sym_download_params sym_download_default_params(void);

/*
 * Check url before anything is sent: http(s) only, a host, plain http only to loopback unless
 * allow_http. SYM_ERR_INVALID with a message in err.
 */
/* n bytes for people: "1.23 GB", "45.6 MB", "7.8 kB", "12 bytes" (the progress bar, the
 * listings and the errors say sizes the same way). */
void sym_human_bytes(uint64_t n, char *out, size_t size);

enum sym_status sym_download_check_url(const char *url, bool allow_http, char *err, size_t errlen);

/* The last path segment of url ("model.gguf" from ".../resolve/main/model.gguf?download=1"). */
enum sym_status sym_download_file_name(const char *url, char *out, size_t size);

/*
 * Download params->url to params->dest. On failure a one-line message in err: SYM_ERR_NOT_FOUND
 * (HTTP 404), SYM_ERR_IO (network, TLS, HTTP or disk trouble), SYM_ERR_TOO_LONG (not enough free
 * space), SYM_ERR_INVALID (wrong digest, or not a GGUF file: the .part is removed),
 * SYM_ERR_INTERRUPTED. result is filled either way.
 */
enum sym_status sym_download(const struct sym_download_params *params,
                             struct sym_download_result *result, char *err, size_t errlen);

#endif
