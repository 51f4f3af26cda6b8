/*
 * host.h: what Symbiot decides about a network host name by itself, without a lookup: whether it
 * names this machine. Plain http is allowed only to such a host (`symbiot pull`, the remote
 * backend) unless the user says otherwise; and `symbiot serve` without an API key answers only
 * requests whose Host header a browser would send for this machine (DNS rebinding).
 */
#ifndef SYM_HOST_H
#define SYM_HOST_H

#include <stdbool.h>

/* True for "localhost" (any case), "::1" / "[::1]" and a dotted 127.x address. */
bool sym_host_is_loopback(const char *host);

/*
 * Whether the value of a Host header names this machine as a browser writes it: "localhost",
 * a dotted-quad 127.x.y.z or "[::1]" (case-insensitive), or the host the server listens on
 * (`configured`, as given to --host; an IPv6 address in brackets), each with an optional port
 * (":1" to ":65535"); when configured is a wildcard ("0.0.0.0", "::"), any IPv4 or bracketed IPv6
 * address as well (an address cannot be rebound to another site; a name can). Anything else is
 * false: an empty value, "[evil.example]", "[::1].evil.example", "localhost:80@evil.example",
 * "localhost.", a port of 0 or past 65535. configured may be NULL.
 */
bool sym_host_header_ok(const char *value, const char *configured);

#endif
