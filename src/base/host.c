/*
 * host.c: host names that name this machine; see host.h.
 *
 * The Host header is split by hand, strictly: an optional bracketed IPv6 literal or a name,
 * then an optional ":PORT" of digits and nothing after it. Addresses are checked with
 * inet_pton(), so "127.0.0.1.evil.example" or "127.1" are not addresses here.
 */
#include "base/host.h"

#include <arpa/inet.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

bool sym_host_is_loopback(const char *host)
{
    const char *p;

    if (!strcasecmp(host, "localhost") || !strcmp(host, "[::1]") || !strcmp(host, "::1"))
        return true;
    if (strncmp(host, "127.", 4))
        return false;
    for (p = host + 4; *p; p++)
        if (*p != '.' && (*p < '0' || *p > '9'))
            return false;
    return true;
}

/* ":PORT" with 1 to 5 digits and a value from 1 to 65535, or nothing. */
static bool port_ok(const char *p)
{
    unsigned long v = 0;
    size_t n;

    if (!*p)
        return true;
    if (*p++ != ':')
        return false;
    n = strspn(p, "0123456789");
    if (!n || n > 5 || p[n])
        return false;
    while (n--)
        v = v * 10 + (unsigned long)(*p++ - '0');
    return v >= 1 && v <= 65535;
}

static bool is_ipv4(const char *s)
{
    struct in_addr a;

    return inet_pton(AF_INET, s, &a) == 1;
}

bool sym_host_header_ok(const char *value, const char *configured)
{
    char host[256], conf[256];
    struct in6_addr a6;
    bool wildcard;
    size_t n;

    if (!value || !value[0])
        return false;
    if (value[0] == '[') {
        const char *close = strchr(value, ']');

        if (!close || (size_t)(close - value) + 1 >= sizeof host)
            return false;
        n = (size_t)(close - value) + 1;
    } else {
        n = strcspn(value, ":");
        if (n >= sizeof host)
            return false;
    }
    memcpy(host, value, n);
    host[n] = '\0';
    if (!port_ok(value + n))
        return false;
    if (!strcasecmp(host, "localhost") || !strcasecmp(host, "[::1]"))
        return true;
    if (!strncmp(host, "127.", 4) && is_ipv4(host))
        return true;
    if (!configured || !configured[0])
        return false;
    /* the configured host, IPv6 written in brackets as a browser does */
    if (strchr(configured, ':') && configured[0] != '[')
        snprintf(conf, sizeof conf, "[%s]", configured);
    else
        snprintf(conf, sizeof conf, "%s", configured);
    if (!strcasecmp(host, conf))
        return true;
    wildcard =
        !strcmp(configured, "0.0.0.0") || !strcmp(configured, "::") || !strcmp(configured, "[::]");
    if (!wildcard)
        return false;
    if (host[0] != '[')
        return is_ipv4(host);
    host[n - 1] = '\0';
    return inet_pton(AF_INET6, host + 1, &a6) == 1;
}
