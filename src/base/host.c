/*
 * host.c: host names that name this machine; see host.h.
 */
#include "base/host.h"

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
