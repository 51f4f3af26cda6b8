/*
 * download.c: one model file over HTTP(S) through the HTTP layer (net/http.h); see download.h.
 *
 * How a run goes: hash what DEST.part already holds, then ask for the rest (Range: bytes=N-).
 * Decisions wait for the first byte of the final response's body (after any redirects): a 206
 * continues the .part, a 200 means the server ignored the range and the file starts over, an
 * error status ends the run before anything is written. Only then, with the size known, is the
 * free space checked and the .part opened. Bytes are hashed as they are written, so the digest
 * is ready when the transfer ends. A cut connection that delivered bytes is resumed from the
 * .part's new end, a few times, before giving up; the error messages name what the user can do.
 *
 * Trade-off: the digest is checked only at the end, so a wrong file costs a whole download; the
 * alternative (per-chunk digests) needs a server that publishes them, which Hugging Face does not.
 */
#include "models/download.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

#include "net/http.h"

#define PATH_MAX_LEN 4096
#define HOST_MAX_LEN 256
#define REPORT_EVERY 0.1 /* seconds between progress reports */

struct dl {
    const struct sym_download_params *p;
    struct sym_download_result *r;
    struct sym_http *http;
    char part[PATH_MAX_LEN];
    char url_host[HOST_MAX_LEN];
    int fd;                 /* the open .part while a response is written; -1 otherwise */
    struct sym_sha256 *sha; /* digest of the .part's content so far */
    uint64_t off;           /* the .part's size when this request started */
    uint64_t written;       /* bytes this request added */
    uint64_t total;         /* the file's size; 0 unknown */
    bool prepared;          /* the final response's first body bytes have been judged */
    long http_error;        /* an error status of the final response */
    int write_errno;        /* a failed write or open of the .part */
    bool no_space;          /* the free space check failed */
    bool bad_range;         /* a 206 for another range than asked */
    uint64_t need, avail;   /* for the free space message */
    int64_t content_length; /* this response's headers; -1 when absent */
    int64_t range_start, range_total;
    char etag[SYM_SHA256_HEX_LEN + 1]; /* X-Linked-Etag when it is a sha256, from any response */
    double t0, last_report;
};

static double now_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

struct sym_download_params sym_download_default_params(void)
{
    struct sym_download_params p;

    memset(&p, 0, sizeof p);
    p.retries = 3;
    return p;
}

/* ---- addresses ---- */

enum sym_status sym_download_check_url(const char *url, bool allow_http, char *err, size_t errlen)
{
    struct sym_http_url u;
    enum sym_http_verdict v;

    if (sym_http_url_parse(url, &u) || strlen(u.host) >= HOST_MAX_LEN) {
        sym_http_url_free(&u);
        snprintf(err, errlen, "not a valid address: %s", url);
        return SYM_ERR_INVALID;
    }
    v = sym_http_url_check(&u, allow_http);
    if (v == SYM_HTTP_URL_SCHEME)
        snprintf(err, errlen, "only https:// addresses can be pulled, not %s://", u.scheme);
    else if (v == SYM_HTTP_URL_PLAIN)
        snprintf(err, errlen,
                 "refusing plain http to %s: anyone on the way could see and change the file; use "
                 "https, or --allow-http if you must",
                 u.host);
    sym_http_url_free(&u);
    return v == SYM_HTTP_URL_OK ? SYM_OK : SYM_ERR_INVALID;
}

enum sym_status sym_download_file_name(const char *url, char *out, size_t size)
{
    struct sym_http_url u;
    const char *base;
    enum sym_status rc = SYM_ERR_INVALID;

    if (sym_http_url_parse(url, &u) || !u.path || strlen(u.path) >= PATH_MAX_LEN)
        goto out;
    base = strrchr(u.path, '/');
    base = base ? base + 1 : u.path;
    if (!base[0] || base[0] == '.' || strlen(base) >= size)
        goto out;
    strcpy(out, base);
    rc = SYM_OK;
out:
    sym_http_url_free(&u);
    return rc;
}

/* ---- the .part file ---- */

/* Hash the .part's current content into d->sha; its size into d->off. */
static enum sym_status hash_part(struct dl *d)
{
    static char buf[1 << 16];
    ssize_t n;
    int fd;

    sym_sha256_reset(d->sha);
    d->off = 0;
    fd = open(d->part, O_RDONLY);
    if (fd < 0)
        return errno == ENOENT ? SYM_OK : SYM_ERR_IO;
    while ((n = read(fd, buf, sizeof buf)) > 0) {
        sym_sha256_update(d->sha, buf, (size_t)n);
        d->off += (uint64_t)n;
    }
    close(fd);
    return n < 0 ? SYM_ERR_IO : SYM_OK;
}

static void part_dir(const struct dl *d, char *out, size_t size)
{
    const char *slash = strrchr(d->part, '/');

    if (slash)
        snprintf(out, size, "%.*s", (int)(slash - d->part), d->part);
    else
        snprintf(out, size, ".");
}

/* Is there room for the rest of the file? */
static int check_space(struct dl *d)
{
    struct statvfs vfs;
    char dir[PATH_MAX_LEN];

    if (!d->total || d->total <= d->off)
        return 0;
    part_dir(d, dir, sizeof dir);
    if (statvfs(dir, &vfs))
        return 0; /* cannot tell: the writes will say */
    d->need = d->total - d->off;
    d->avail = (uint64_t)vfs.f_bavail * (uint64_t)vfs.f_frsize;
    if (d->need <= d->avail)
        return 0;
    d->no_space = true;
    return -1;
}

/* The final response's body begins: judge its status and size, open the .part. */
static int prepare(struct dl *d)
{
    long status = sym_http_status(d->http);

    d->prepared = true;
    if (status >= 300) {
        d->http_error = status;
        return -1;
    }
    if (status == 206) {
        if (d->range_start != (int64_t)d->off) {
            d->bad_range = true;
            return -1;
        }
        d->total = d->range_total > 0 ? (uint64_t)d->range_total : 0;
    } else {
        if (d->off) { /* the server ignored the range: start over */
            d->off = 0;
            sym_sha256_reset(d->sha);
            d->r->resumed_from = 0;
        }
        d->total = d->content_length >= 0 ? (uint64_t)d->content_length : 0;
    }
    if (check_space(d))
        return -1;
    d->fd = open(d->part, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
    if (d->fd < 0 || ftruncate(d->fd, (off_t)d->off) || lseek(d->fd, (off_t)d->off, SEEK_SET) < 0) {
        d->write_errno = errno;
        return -1;
    }
    return 0;
}

/* ---- the HTTP layer's callbacks ---- */

static void report(struct dl *d, bool final)
{
    struct sym_download_progress pr;
    double t = now_s();

    if (!d->p->on_progress || (!final && t - d->last_report < REPORT_EVERY))
        return;
    d->last_report = t;
    pr.done = d->off + d->written;
    pr.total = d->total;
    pr.resumed_from = d->r->resumed_from;
    pr.seconds = t - d->t0;
    pr.rate = pr.seconds > 0 ? (double)(d->r->received + d->written) / pr.seconds : 0;
    pr.final = final;
    d->p->on_progress(&pr, d->p->data);
}

/* A piece of the body: judged at the first one, then written to the .part and hashed. */
static int on_body(const char *ptr, size_t n, void *data)
{
    struct dl *d = data;
    size_t done = 0;
    ssize_t w;

    if (!d->prepared && prepare(d))
        return 1;
    while (done < n) {
        w = write(d->fd, ptr + done, n - done);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            d->write_errno = w < 0 ? errno : EIO;
            break;
        }
        sym_sha256_update(d->sha, ptr + done, (size_t)w);
        done += (size_t)w;
        d->written += (uint64_t)w;
    }
    report(d, false);
    return done < n;
}

/* The header's value after "name:", trimmed, or NULL when line is not that header. */
static char *header_value(char *line, const char *name)
{
    size_t ln = strlen(name), end;

    if (strncasecmp(line, name, ln) || line[ln] != ':')
        return NULL;
    line += ln + 1;
    line += strspn(line, " \t");
    end = strlen(line);
    while (end && strchr(" \t\r\n", line[end - 1]))
        line[--end] = '\0';
    return line;
}

/* Keep an X-Linked-Etag that is a sha256 ("abc...", W/"abc..."): Hugging Face's LFS digest. */
static void take_etag(struct dl *d, char *v)
{
    size_t i;

    if (!strncmp(v, "W/", 2))
        v += 2;
    if (*v == '"')
        v++;
    if (strlen(v) > SYM_SHA256_HEX_LEN && v[SYM_SHA256_HEX_LEN] == '"')
        v[SYM_SHA256_HEX_LEN] = '\0';
    if (!sym_sha256_is_hex(v))
        return;
    for (i = 0; i < SYM_SHA256_HEX_LEN; i++)
        d->etag[i] = (char)(v[i] >= 'A' && v[i] <= 'F' ? v[i] - 'A' + 'a' : v[i]);
    d->etag[SYM_SHA256_HEX_LEN] = '\0';
}

static void on_header(const char *buf, size_t n, void *data)
{
    struct dl *d = data;
    char line[1024], *v;
    long long a, b, t;

    snprintf(line, sizeof line, "%.*s", (int)(n < sizeof line ? n : sizeof line - 1), buf);
    if (!strncmp(line, "HTTP/", 5)) { /* a new response (after a redirect, say) */
        d->content_length = d->range_start = d->range_total = -1;
    } else if ((v = header_value(line, "content-length"))) {
        d->content_length = strtoll(v, NULL, 10);
    } else if ((v = header_value(line, "content-range"))) {
        if (sscanf(v, "bytes %lld-%lld/%lld", &a, &b, &t) == 3)
            d->range_start = a, d->range_total = t;
    } else if ((v = header_value(line, "x-linked-etag"))) {
        take_etag(d, v);
    }
}

static int on_tick(uint64_t received, void *data)
{
    struct dl *d = data;

    (void)received;
    if (d->p->interrupt && *d->p->interrupt)
        return 1;
    if (d->prepared)
        report(d, false);
    return 0;
}

/* ---- one request ---- */

void sym_human_bytes(uint64_t n, char *out, size_t size)
{
    if (n >= 1000000000ull)
        snprintf(out, size, "%.2f GB", (double)n / 1e9);
    else if (n >= 1000000ull)
        snprintf(out, size, "%.1f MB", (double)n / 1e6);
    else if (n >= 1000ull)
        snprintf(out, size, "%.1f kB", (double)n / 1e3);
    else
        snprintf(out, size, "%llu bytes", (unsigned long long)n);
}

/* Run one request for the bytes from d->off on. SYM_OK when the response arrived whole and was
 * written; the rest is in d and in the handle's failure. */
static enum sym_status request(struct dl *d)
{
    enum sym_status rc;
    double t;

    d->written = 0;
    d->prepared = false;
    d->http_error = 0;
    d->fd = -1;
    sym_http_set_range(d->http, d->off);
    t = now_s();
    rc = sym_http_perform(d->http);
    d->r->requests++;
    if (rc == SYM_OK && !d->prepared) { /* an empty body: judge the status anyway */
        if (prepare(d))
            rc = SYM_ERR_IO;
    }
    if (d->fd >= 0) {
        if (rc == SYM_OK && fsync(d->fd))
            d->write_errno = errno, rc = SYM_ERR_IO;
        close(d->fd);
        d->fd = -1;
    }
    d->r->received += d->written;
    d->r->seconds += now_s() - t;
    return rc;
}

/* A failure that more of the same request could get past: a cut after some bytes arrived. */
static int cut_midway(const struct dl *d)
{
    enum sym_http_fail f = sym_http_failure(d->http);

    if (!d->written || d->write_errno || d->no_space || d->http_error)
        return 0;
    return f == SYM_HTTP_FAIL_CUT || f == SYM_HTTP_FAIL_TIMEOUT;
}

/* "X of Y" (or "X" when the size is unknown) for messages. */
static void progress_words(const struct dl *d, char *out, size_t size)
{
    char a[32], b[32];

    sym_human_bytes(d->off + d->written, a, sizeof a);
    if (d->total) {
        sym_human_bytes(d->total, b, sizeof b);
        snprintf(out, size, "%s of %s", a, b);
    } else {
        snprintf(out, size, "%s", a);
    }
}

/* Put an HTTP error status into words. */
static enum sym_status http_failure(struct dl *d, long status, char *err, size_t errlen)
{
    if (status == 404 || status == 410) {
        snprintf(err, errlen, "not found (HTTP %ld): %s", status, d->p->url);
        return SYM_ERR_NOT_FOUND;
    }
    if (status == 401 || status == 403)
        snprintf(err, errlen,
                 "access denied (HTTP %ld) by %s: the file may need an account (a gated model); "
                 "download it in a browser and use its path with -m",
                 status, d->url_host);
    else if (status >= 300 && status < 400)
        snprintf(err, errlen, "redirected (HTTP %ld) without a usable address by %s", status,
                 d->url_host);
    else
        snprintf(err, errlen, "the server %s answered HTTP %ld for %s", d->url_host, status,
                 d->p->url);
    return SYM_ERR_IO;
}

/* Put a failed request into words (for everything but an HTTP status). */
static enum sym_status failure(struct dl *d, char *err, size_t errlen)
{
    const char *why = sym_http_why(d->http);
    char where[96], dir[PATH_MAX_LEN], a[32], b[32];

    progress_words(d, where, sizeof where);
    d->r->partial_kept = access(d->part, F_OK) == 0;
    if (d->p->interrupt && *d->p->interrupt) {
        snprintf(err, errlen,
                 "interrupted after %s; the partial download is kept in %s: run the same command "
                 "to resume",
                 where, d->part);
        return SYM_ERR_INTERRUPTED;
    }
    if (d->no_space) {
        part_dir(d, dir, sizeof dir);
        sym_human_bytes(d->need, a, sizeof a);
        sym_human_bytes(d->avail, b, sizeof b);
        snprintf(err, errlen, "not enough disk space in %s: the download needs %s more, %s free",
                 dir, a, b);
        return SYM_ERR_TOO_LONG;
    }
    if (d->write_errno == ENOSPC || d->write_errno == EDQUOT) {
        snprintf(err, errlen,
                 "disk full after %s; the partial download is kept in %s: free some space and run "
                 "the same command to resume",
                 where, d->part);
        return SYM_ERR_IO;
    }
    if (d->write_errno) {
        snprintf(err, errlen, "cannot write %s: %s", d->part, strerror(d->write_errno));
        return SYM_ERR_IO;
    }
    if (d->bad_range) {
        snprintf(err, errlen, "%s sent another part of the file than asked; try again later",
                 d->url_host);
        return SYM_ERR_IO;
    }
    if (sym_http_describe(d->http, d->url_host, err, errlen)) /* DNS, connect, TLS, redirect */
        return SYM_ERR_IO;
    if (d->r->partial_kept && d->off + d->written)
        snprintf(err, errlen,
                 "the connection was cut after %s (%s); the partial download is kept in %s: run "
                 "the same command to resume",
                 where, why, d->part);
    else
        snprintf(err, errlen, "download from %s failed: %s", d->url_host, why);
    return SYM_ERR_IO;
}

/* ---- the end: check and rename ---- */

static int starts_like_gguf(const char *path)
{
    char magic[4];
    int fd = open(path, O_RDONLY), ok;

    ok = fd >= 0 && read(fd, magic, 4) == 4 && !memcmp(magic, "GGUF", 4);
    if (fd >= 0)
        close(fd);
    return ok;
}

static void sync_dir(const struct dl *d)
{
    char dir[PATH_MAX_LEN];
    int fd;

    part_dir(d, dir, sizeof dir);
    fd = open(dir, O_RDONLY | O_DIRECTORY);
    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
}

static enum sym_status finish(struct dl *d, char *err, size_t errlen)
{
    const char *want = d->p->sha256 ? d->p->sha256 : d->etag[0] ? d->etag : NULL;

    if (sym_sha256_final_hex(d->sha, d->r->sha256)) {
        snprintf(err, errlen, "out of memory computing the SHA-256 of %s; it is kept", d->part);
        return SYM_ERR_NOMEM;
    }
    d->r->size = d->off + d->written;
    d->r->checked = d->p->sha256 ? SYM_SHA_GIVEN : d->etag[0] ? SYM_SHA_HEADER : SYM_SHA_NONE;
    if (!starts_like_gguf(d->part)) {
        unlink(d->part);
        snprintf(err, errlen, "%s did not send a GGUF model file; nothing was kept", d->url_host);
        return SYM_ERR_INVALID;
    }
    if (want && strcasecmp(want, d->r->sha256)) {
        unlink(d->part);
        snprintf(err, errlen, "sha256 mismatch: expected %s (%s), got %s; the download was removed",
                 want, d->p->sha256 ? "as given" : "from the server's X-Linked-Etag", d->r->sha256);
        return SYM_ERR_INVALID;
    }
    if (rename(d->part, d->p->dest)) {
        snprintf(err, errlen, "cannot rename %s: %s", d->part, strerror(errno));
        return SYM_ERR_IO;
    }
    sync_dir(d);
    return SYM_OK;
}

/* ---- the whole download ---- */

static void pause_s(double s)
{
    struct timespec ts = {(time_t)s, (long)((s - (double)(time_t)s) * 1e9)};

    while (nanosleep(&ts, &ts) && errno == EINTR)
        ;
}

/* Run requests until the file is complete, a failure is final, or the retries are used up. */
static enum sym_status transfer(struct dl *d, char *err, size_t errlen)
{
    char where[96], msg[256];
    enum sym_status rc;
    int attempt;

    for (attempt = 0;; attempt++) {
        rc = request(d);
        if (d->http_error == 416 && d->off) { /* asked past the end: the .part may be complete */
            d->http_error = 0;
            if (d->etag[0] || d->p->sha256)
                return finish(d, err, errlen);
            if (unlink(d->part) || hash_part(d) || attempt >= d->p->retries)
                return http_failure(d, 416, err, errlen);
            continue;
        }
        if (d->http_error)
            return http_failure(d, d->http_error, err, errlen);
        if (rc == SYM_OK)
            return finish(d, err, errlen);
        if (!cut_midway(d) || attempt >= d->p->retries || (d->p->interrupt && *d->p->interrupt))
            return failure(d, err, errlen);
        progress_words(d, where, sizeof where);
        snprintf(msg, sizeof msg, "the connection was cut after %s; resuming (retry %d of %d)",
                 where, attempt + 1, d->p->retries);
        if (d->p->on_notice)
            d->p->on_notice(msg, d->p->data);
        d->off += d->written;
        pause_s(0.25 * (attempt + 1));
    }
}

enum sym_status sym_download(const struct sym_download_params *p, struct sym_download_result *r,
                             char *err, size_t errlen)
{
    struct sym_http_request req = {0};
    struct sym_http_url u;
    struct dl d;
    enum sym_status rc;

    memset(r, 0, sizeof *r);
    memset(&d, 0, sizeof d);
    d.p = p, d.r = r, d.fd = -1;
    rc = sym_download_check_url(p->url, p->allow_http, err, errlen);
    if (rc)
        return rc;
    if (sym_http_url_parse(p->url, &u) == SYM_OK) /* checked above: the host fits */
        snprintf(d.url_host, sizeof d.url_host, "%s", u.host);
    sym_http_url_free(&u);
    if (snprintf(d.part, sizeof d.part, "%s.part", p->dest) >= (int)sizeof d.part) {
        snprintf(err, errlen, "path too long: %s", p->dest);
        return SYM_ERR_TOO_LONG;
    }
    rc = sym_sha256_init(&d.sha);
    if (rc) {
        snprintf(err, errlen, "out of memory");
        goto out;
    }
    if (hash_part(&d)) {
        snprintf(err, errlen, "cannot read %s: %s", d.part, strerror(errno));
        rc = SYM_ERR_IO;
        goto out;
    }
    r->resumed_from = d.off;
    req.url = p->url;
    req.connect_timeout_s = 30;
    req.low_speed_time_s = 60; /* a stalled connection: 60 s, no byte */
    req.max_redirects = 10;
    req.allow_http = p->allow_http; /* else redirects go to https only */
    req.on_header = on_header;
    req.on_body = on_body;
    req.on_tick = on_tick;
    req.data = &d;
    rc = sym_http_init(&d.http, &req);
    if (rc) {
        snprintf(err, errlen, "cannot start libcurl");
        goto out;
    }
    d.t0 = now_s();
    rc = transfer(&d, err, errlen);
    if (rc == SYM_OK)
        report(&d, true);
    else
        r->partial_kept = access(d.part, F_OK) == 0;
out:
    sym_http_free(d.http);
    sym_sha256_free(d.sha);
    return rc;
}
