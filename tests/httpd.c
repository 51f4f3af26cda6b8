/*
 * httpd.c: a tiny HTTP/1.1 file server for the tests of `symbiot pull`, on loopback only.
 *
 * It serves the files of one directory to GET requests, one connection at a time, and can
 * misbehave on purpose the way real servers and networks do: cut the connection after N bytes
 * of a body, ignore Range, leave out Content-Length, send a given X-Linked-Etag (Hugging Face's
 * digest header), or go slowly. Every request is logged as one line ("GET /path range=N-") so a
 * test can check what the client asked for. Test code only: no keep-alive, no percent-decoding,
 * nothing outside the directory ("..": 404).
 *
 *   httpd --root DIR --port-file FILE [--log FILE] [--drop-after N] [--drop-times K]
 *         [--etag HEX] [--no-range] [--no-length] [--rate BYTES_PER_S]
 *
 * It binds 127.0.0.1 on a free port, writes the port to FILE, and serves until SIGTERM.
 */
#define _POSIX_C_SOURCE 200809L
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

struct opts {
    const char *root, *port_file, *log, *etag;
    long long drop_after; /* cut each response's body after this many bytes; -1 = never */
    int drop_times;       /* how many responses to cut; -1 = every one */
    int no_range, no_length;
    long long rate; /* bytes per second; 0 = as fast as possible */
};

static int usage(void)
{
    fprintf(stderr, "usage: httpd --root DIR --port-file FILE [--log FILE] [--drop-after N] "
                    "[--drop-times K] [--etag HEX] [--no-range] [--no-length] [--rate B/S]\n");
    return 2;
}

static int parse(int argc, char **argv, struct opts *o)
{
    int i;

    memset(o, 0, sizeof *o);
    o->drop_after = -1;
    o->drop_times = -1;
    for (i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

        if (!strcmp(a, "--no-range"))
            o->no_range = 1;
        else if (!strcmp(a, "--no-length"))
            o->no_length = 1;
        else if (!v)
            return -1;
        else if (!strcmp(a, "--root"))
            o->root = v, i++;
        else if (!strcmp(a, "--port-file"))
            o->port_file = v, i++;
        else if (!strcmp(a, "--log"))
            o->log = v, i++;
        else if (!strcmp(a, "--etag"))
            o->etag = v, i++;
        else if (!strcmp(a, "--drop-after"))
            o->drop_after = atoll(v), i++;
        else if (!strcmp(a, "--drop-times"))
            o->drop_times = atoi(v), i++;
        else if (!strcmp(a, "--rate"))
            o->rate = atoll(v), i++;
        else
            return -1;
    }
    return o->root && o->port_file ? 0 : -1;
}

static int send_all(int fd, const char *p, size_t n)
{
    ssize_t w;

    while (n) {
        w = send(fd, p, n, MSG_NOSIGNAL);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        p += w, n -= (size_t)w;
    }
    return 0;
}

static void send_status(int fd, int code, const char *text)
{
    char h[256];

    snprintf(h, sizeof h, "HTTP/1.1 %d %s\r\nContent-Length: 0\r\nConnection: close\r\n\r\n", code,
             text);
    send_all(fd, h, strlen(h));
}

/* Read the request head; fill path and the Range start (-1 when none). */
static int read_request(int fd, char *path, size_t size, long long *range)
{
    char buf[8192], *p;
    size_t len = 0;
    ssize_t n;

    *range = -1;
    while (len < sizeof buf - 1) {
        n = recv(fd, buf + len, sizeof buf - 1 - len, 0);
        if (n <= 0)
            return -1;
        len += (size_t)n;
        buf[len] = '\0';
        if (buf[0] != 'G') { /* not HTTP (a TLS handshake, say): answer as a plain server does */
            send_status(fd, 400, "Bad Request");
            return -1;
        }
        if (strstr(buf, "\r\n\r\n"))
            break;
    }
    if (sscanf(buf, "GET %1023s HTTP/1.", path) != 1 || size < 1024)
        return -1;
    for (p = buf; (p = strchr(p, '\n')); p++)
        if (!strncasecmp(p + 1, "range: bytes=", 13))
            *range = atoll(p + 14);
    return 0;
}

static void log_request(const struct opts *o, const char *path, long long range, int code)
{
    FILE *f;

    if (!o->log || !(f = fopen(o->log, "a")))
        return;
    if (range >= 0)
        fprintf(f, "GET %s range=%lld- %d\n", path, range, code);
    else
        fprintf(f, "GET %s %d\n", path, code);
    fclose(f);
}

static void pace(const struct opts *o, long long sent)
{
    struct timespec ts;

    if (!o->rate || !sent)
        return;
    ts.tv_sec = 0;
    ts.tv_nsec = (long)(65536.0 / (double)o->rate * 1e9);
    if (ts.tv_nsec >= 1000000000L)
        ts.tv_sec = ts.tv_nsec / 1000000000L, ts.tv_nsec %= 1000000000L;
    nanosleep(&ts, NULL);
}

/* Send the body from start; cut it after drop bytes (-1 = never). */
static void send_body(const struct opts *o, int fd, int file, long long start, long long drop)
{
    static char buf[65536];
    long long sent = 0;
    ssize_t n;

    lseek(file, (off_t)start, SEEK_SET);
    while ((n = read(file, buf, sizeof buf)) > 0) {
        if (drop >= 0 && sent + n > drop)
            n = (ssize_t)(drop - sent);
        pace(o, sent);
        if (n <= 0 || send_all(fd, buf, (size_t)n))
            return;
        sent += n;
        if (drop >= 0 && sent >= drop)
            return;
    }
}

static void serve(struct opts *o, int fd)
{
    char path[1024], full[4096], h[1024], etag[200] = "";
    long long range, start = 0, size;
    struct stat st;
    int file, code;

    if (read_request(fd, path, sizeof path, &range))
        return;
    snprintf(full, sizeof full, "%s%s", o->root, path);
    if (strstr(path, "..") || (file = open(full, O_RDONLY)) < 0) {
        log_request(o, path, range, 404);
        send_status(fd, 404, "Not Found");
        return;
    }
    fstat(file, &st);
    size = st.st_size;
    if (range >= 0 && !o->no_range && range >= size) {
        log_request(o, path, range, 416);
        snprintf(h, sizeof h,
                 "HTTP/1.1 416 Range Not Satisfiable\r\nContent-Range: bytes */%lld\r\n"
                 "Content-Length: 0\r\nConnection: close\r\n\r\n",
                 size);
        send_all(fd, h, strlen(h));
        close(file);
        return;
    }
    if (range >= 0 && !o->no_range)
        start = range;
    code = start ? 206 : 200;
    if (o->etag)
        snprintf(etag, sizeof etag, "X-Linked-Etag: \"%s\"\r\n", o->etag);
    snprintf(h, sizeof h, "HTTP/1.1 %d %s\r\nContent-Type: application/octet-stream\r\n%s", code,
             code == 206 ? "Partial Content" : "OK", etag);
    if (code == 206)
        snprintf(h + strlen(h), sizeof h - strlen(h), "Content-Range: bytes %lld-%lld/%lld\r\n",
                 start, size - 1, size);
    if (!o->no_length)
        snprintf(h + strlen(h), sizeof h - strlen(h), "Content-Length: %lld\r\n", size - start);
    snprintf(h + strlen(h), sizeof h - strlen(h), "Connection: close\r\n\r\n");
    log_request(o, path, range, code);
    if (!send_all(fd, h, strlen(h)))
        send_body(o, fd, file, start, o->drop_times != 0 ? o->drop_after : -1);
    if (o->drop_times > 0 && o->drop_after >= 0)
        o->drop_times--;
    close(file);
}

/* Listen on 127.0.0.1, any free port; write the port to the port file (atomically). */
static int listen_loopback(const char *port_file)
{
    struct sockaddr_in a;
    socklen_t len = sizeof a;
    char tmp[4096];
    int fd, one = 1;
    FILE *f;

    fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        return -1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(fd, (struct sockaddr *)&a, sizeof a) || listen(fd, 16) ||
        getsockname(fd, (struct sockaddr *)&a, &len))
        return -1;
    snprintf(tmp, sizeof tmp, "%s.tmp", port_file);
    f = fopen(tmp, "w");
    if (!f)
        return -1;
    fprintf(f, "%d\n", ntohs(a.sin_port));
    if (fclose(f) || rename(tmp, port_file))
        return -1;
    return fd;
}

int main(int argc, char **argv)
{
    struct opts o;
    int lfd, fd;

    if (parse(argc, argv, &o))
        return usage();
    signal(SIGPIPE, SIG_IGN);
    lfd = listen_loopback(o.port_file);
    if (lfd < 0) {
        perror("httpd");
        return 1;
    }
    for (;;) {
        fd = accept(lfd, NULL, NULL);
        if (fd < 0) {
            if (errno == EINTR)
                continue;
            perror("httpd: accept");
            return 1;
        }
        serve(&o, fd);
        close(fd);
    }
}
