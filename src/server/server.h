/*
 * server.h: `symbiot serve`: the assistant behind HTTP (docs/API.md).
 *
 * The server owns an assistant (and through it the model and the memory database) and runs every
 * generation on one worker thread (server/worker.h); other routes answer on their connection's
 * thread through a second connection to the same database. It is the only user of the HTTP
 * library (libmicrohttpd). The front end (src/cli) starts it, waits for a signal, and stops it.
 */
#ifndef SYM_SERVER_H
#define SYM_SERVER_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>

#include "core/assistant.h"
#include "core/config.h"
#include "base/status.h"

struct sym_server;
struct sym_embedder;

#define SYM_SERVER_DEFAULT_PORT 8080
#define SYM_SERVER_DEFAULT_QUEUE 8
/* Slots (conversations generated at once) when neither --parallel nor the config says. */
#define SYM_SERVER_DEFAULT_PARALLEL 4
#define SYM_SERVER_MAX_BODY (4u << 20)
#define SYM_SERVER_REQUEST_TIMEOUT 30

struct sym_server_params {
    const char *host;    /* an address or a name; NULL = "127.0.0.1" */
    int port;            /* 0 = any free port (see sym_server_port) */
    const char *api_key; /* NULL or "" = none */
    int queue;           /* requests that may wait while every slot generates */
    size_t max_body;     /* 0 = SYM_SERVER_MAX_BODY */
    /* Seconds a connection has to deliver each whole request (server/deadline.h);
     * 0 = SYM_SERVER_REQUEST_TIMEOUT. */
    int request_timeout;
    /* The flag the model polls (the sym_llm_params.interrupt it was loaded with); the server
     * raises it to stop a generation whose client went away. */
    volatile sig_atomic_t *interrupt;
};

/*
 * Start listening. cfg is borrowed (the sampling defaults; must outlive the server); a is owned
 * from now on, even on failure; db_path (may be NULL: no memory routes) is opened a second time
 * for the routes that do not need the model; embedder is borrowed (may be NULL; it must be safe
 * to share, as sym_embed() is). On failure err says why (the address is taken, cannot be
 * resolved, ...) and the status is SYM_ERR_IO, SYM_ERR_INVALID or SYM_ERR_NOMEM.
 */
enum sym_status sym_server_start(struct sym_server **out, const struct sym_server_params *p,
                                 const struct sym_config *cfg, struct sym_assistant *a,
                                 const char *db_path, struct sym_embedder *embedder, char *err,
                                 size_t errlen);
/* The port it listens on (the one chosen when asked for 0). */
int sym_server_port(const struct sym_server *s);
/* True when every address it listens on is a loopback one. */
bool sym_server_loopback(const struct sym_server *s);
/* Stop: no new connections, running and waiting generations end, then everything is freed.
 * Accepts NULL. */
void sym_server_stop(struct sym_server *s);

/* Compare a presented key with the expected one in time that depends only on the expected
 * key's length. */
bool sym_server_key_equal(const char *given, const char *expected);

#endif
