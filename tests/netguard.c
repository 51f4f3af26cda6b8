/*
 * netguard.c: an LD_PRELOAD shim for the no-network test (tests/integration/nonet.sh).
 *
 * Every attempt to open an IPv4 or IPv6 socket, to connect one, or to look a name up with
 * getaddrinfo() is written as one line to the file $NETGUARD_LOG and refused (EACCES / EAI_FAIL).
 * Unix sockets pass (the C library talks to nscd through one). What it cannot see: calls the C
 * library makes to itself, below these entry points; libcurl and Symbiot's code go through them.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>

static void note(const char *what, const char *detail)
{
    const char *path = getenv("NETGUARD_LOG");
    FILE *f = path ? fopen(path, "a") : NULL;

    if (f) {
        fprintf(f, "%s %s\n", what, detail ? detail : "");
        fclose(f);
    }
}

int socket(int domain, int type, int protocol)
{
    static int (*real)(int, int, int);

    if (domain == AF_INET || domain == AF_INET6) {
        note("socket", domain == AF_INET ? "inet" : "inet6");
        errno = EACCES;
        return -1;
    }
    if (!real)
        real = (int (*)(int, int, int))dlsym(RTLD_NEXT, "socket");
    return real(domain, type, protocol);
}

int connect(int fd, const struct sockaddr *addr, socklen_t len)
{
    static int (*real)(int, const struct sockaddr *, socklen_t);

    if (addr && (addr->sa_family == AF_INET || addr->sa_family == AF_INET6)) {
        note("connect", NULL);
        errno = EACCES;
        return -1;
    }
    if (!real)
        real = (int (*)(int, const struct sockaddr *, socklen_t))dlsym(RTLD_NEXT, "connect");
    return real(fd, addr, len);
}

int getaddrinfo(const char *node, const char *service, const struct addrinfo *hints,
                struct addrinfo **res)
{
    (void)service, (void)hints, (void)res;
    note("getaddrinfo", node);
    return EAI_FAIL;
}
