/*
 * slowclient.c: a slowloris-style client for the server tests: it opens N connections to a
 * loopback port and trickles a request on each, one byte every INTERVAL ms, never finishing it
 * (a request line, then an endless header), and watches for the server to close them.
 *
 *   slowclient PORT N INTERVAL_MS MAX_S [body]
 *
 * With "body", each sends a whole header block announcing a 1 MiB body and trickles the body
 * instead. It prints "connected N" once every connection is open and has sent its first bytes,
 * then, at the end, "closed K of N, the last after S s". It stops when all are closed or after
 * MAX_S seconds, and exits 0 when the server closed every connection, 1 when some were still
 * open, 2 on a usage or connection error.
 */
#define _POSIX_C_SOURCE 200809L
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_CONNS 1000

static const char head_only[] = "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ";
static const char with_body[] = "POST /api/memory HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                "Content-Type: application/json\r\nContent-Length: 1048576\r\n\r\n"
                                "{\"text\":\"";

static double now_s(void)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int open_one(int port, const char *start)
{
    struct sockaddr_in a;
    int fd = socket(AF_INET, SOCK_STREAM, 0);

    if (fd < 0)
        return -1;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons((unsigned short)port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, (struct sockaddr *)&a, sizeof a) ||
        send(fd, start, strlen(start), MSG_NOSIGNAL) != (ssize_t)strlen(start)) {
        close(fd);
        return -1;
    }
    return fd;
}

/* True when the server has closed fd (end of stream, or an error). */
static bool closed_by_server(int fd)
{
    char buf[512];
    ssize_t n = recv(fd, buf, sizeof buf, MSG_DONTWAIT);

    return n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK);
}

int main(int argc, char **argv)
{
    static struct pollfd fds[MAX_CONNS];
    int port, n, interval_ms, i, open_n;
    double max_s, t0, last = 0;
    const char *start;

    if (argc < 5 || argc > 6 || (argc == 6 && strcmp(argv[5], "body"))) {
        fprintf(stderr, "usage: slowclient PORT N INTERVAL_MS MAX_S [body]\n");
        return 2;
    }
    port = atoi(argv[1]);
    n = atoi(argv[2]);
    interval_ms = atoi(argv[3]);
    max_s = atof(argv[4]);
    start = argc == 6 ? with_body : head_only;
    if (n < 1 || n > MAX_CONNS || interval_ms < 1) {
        fprintf(stderr, "slowclient: N is 1 to %d, INTERVAL_MS at least 1\n", MAX_CONNS);
        return 2;
    }
    t0 = now_s();
    for (i = 0; i < n; i++) {
        fds[i].fd = open_one(port, start);
        fds[i].events = POLLIN;
        if (fds[i].fd < 0) {
            fprintf(stderr, "slowclient: connection %d: %s\n", i + 1, strerror(errno));
            return 2;
        }
    }
    printf("connected %d\n", n);
    fflush(stdout);
    open_n = n;
    while (open_n && now_s() - t0 < max_s) {
        poll(fds, (nfds_t)n, interval_ms);
        for (i = 0; i < n; i++) {
            if (fds[i].fd < 0)
                continue;
            if (closed_by_server(fds[i].fd) || send(fds[i].fd, "a", 1, MSG_NOSIGNAL) != 1) {
                close(fds[i].fd);
                fds[i].fd = -1;
                open_n--;
                last = now_s() - t0;
            }
        }
    }
    printf("closed %d of %d, the last after %.1f s\n", n - open_n, n, last);
    for (i = 0; i < n; i++)
        if (fds[i].fd >= 0)
            close(fds[i].fd);
    return open_n ? 1 : 0;
}
