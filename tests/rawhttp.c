/*
 * rawhttp.c: send one raw HTTP request, byte for byte, and print the raw reply: for the server
 * tests that need what curl will not send (a NUL byte, no Host header, a hostile Host, a
 * malformed header) or a client that half-closes its sending side.
 *
 *   rawhttp PORT [--half-close] [MAX_S] < REQUEST > REPLY
 *
 * The request is read from stdin as it is (no line-ending rewriting). With --half-close the
 * client calls shutdown(SHUT_WR) once the request is sent, as `nc -N` or a client that is done
 * talking does, and goes on reading. The reply is read until the server closes the connection or
 * MAX_S seconds (default 30) pass. Exit status 0 when some reply came, 1 when none did, 2 on a
 * usage or connection error.
 */
#define _POSIX_C_SOURCE 200809L
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_REQUEST (8u << 20)

static double now_s(void)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    static char req[MAX_REQUEST];
    struct sockaddr_in a;
    int port, fd, half = 0, argi = 2;
    double max_s = 30, t0;
    size_t len = 0, sent = 0;
    ssize_t n;
    long total = 0;
    char buf[65536];

    if (argc < 2 || argc > 4) {
        fprintf(stderr, "usage: rawhttp PORT [--half-close] [MAX_S] < REQUEST\n");
        return 2;
    }
    port = atoi(argv[1]);
    if (argi < argc && !strcmp(argv[argi], "--half-close")) {
        half = 1;
        argi++;
    }
    if (argi < argc)
        max_s = atof(argv[argi]);
    while (len < sizeof req && (n = read(STDIN_FILENO, req + len, sizeof req - len)) > 0)
        len += (size_t)n;
    fd = socket(AF_INET, SOCK_STREAM, 0);
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons((unsigned short)port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof a)) {
        fprintf(stderr, "rawhttp: connect to port %d: %s\n", port, strerror(errno));
        return 2;
    }
    while (sent < len) {
        n = send(fd, req + sent, len - sent, MSG_NOSIGNAL);
        if (n <= 0)
            break; /* the server may refuse early: read what it said */
        sent += (size_t)n;
    }
    if (half)
        shutdown(fd, SHUT_WR);
    t0 = now_s();
    for (;;) {
        struct pollfd p = {fd, POLLIN, 0};
        double left = max_s - (now_s() - t0);

        if (left <= 0 || poll(&p, 1, (int)(left * 1000) + 1) <= 0)
            break;
        n = recv(fd, buf, sizeof buf, 0);
        if (n <= 0)
            break;
        fwrite(buf, 1, (size_t)n, stdout);
        total += n;
    }
    close(fd);
    return total ? 0 : 1;
}
