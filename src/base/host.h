/*
 * host.h: what Symbiot decides about a network host name by itself, without a lookup: whether it
 * names this machine. Plain http is allowed only to such a host (`symbiot pull`, the remote
 * backend) unless the user says otherwise.
 */
#ifndef SYM_HOST_H
#define SYM_HOST_H

#include <stdbool.h>

/* True for "localhost" (any case), "::1" / "[::1]" and a dotted 127.x address. */
bool sym_host_is_loopback(const char *host);

#endif
