/*
 * deadline.h: the request deadline that stops slow clients (slowloris) from holding the server's
 * connections: a connection has `timeout` seconds to deliver each whole request (its headers and
 * body), counted from when it opened or from the end of its previous answer. A client that sends
 * a byte now and then resets libmicrohttpd's idle timer forever; this deadline does not move.
 *
 * A watch thread looks at the connections four times a second and shuts down the socket of one
 * past its deadline; libmicrohttpd then sees the connection end and closes it as it closes any
 * other. While its request is being answered (a generation can take minutes) a connection has no
 * deadline.
 */
#ifndef SYM_SERVER_DEADLINE_H
#define SYM_SERVER_DEADLINE_H

#include <stdbool.h>

#include "base/status.h"

struct sym_deadlines;
struct sym_deadline;

/* Start watching with a deadline of timeout_s seconds. SYM_ERR_NOMEM or SYM_ERR_IO (no thread). */
enum sym_status sym_deadlines_start(struct sym_deadlines **out, int timeout_s);
/* Stop the watch thread and free what is left. Accepts NULL. */
void sym_deadlines_stop(struct sym_deadlines *d);

/* A connection on socket fd opened: its first request's deadline starts now. NULL when out of
 * memory (the connection then has only the idle timeout). */
struct sym_deadline *sym_deadline_add(struct sym_deadlines *d, int fd);
/* Its request arrived whole (answering: true) or its answer was sent (answering: false, the next
 * request's deadline starts now). Accepts NULL. */
void sym_deadline_answering(struct sym_deadlines *d, struct sym_deadline *e, bool answering);
/* The connection closed (before libmicrohttpd closes its socket). Accepts NULL. */
void sym_deadline_remove(struct sym_deadlines *d, struct sym_deadline *e);

/* Connections closed so far for missing their deadline. */
long long sym_deadlines_cut(struct sym_deadlines *d);

#endif
