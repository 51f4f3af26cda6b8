/*
 * internal.h: what the server's files share: the server's state, a parsed request, a reply, and
 * the route handlers (chat.c: the worker's jobs; api.c: the routes answered at once).
 *
 * Threads: connection threads read the request and call the handlers; only the worker thread
 * touches the assistant and the model. The second database connection (store) is shared by the
 * connection threads under store_lock. Figures the worker publishes for others (KV use, the
 * model's name) are atomics or under name_lock.
 */
#ifndef SYM_SERVER_INTERNAL_H
#define SYM_SERVER_INTERNAL_H

#include <pthread.h>
#include <stdatomic.h>

#include "server/deadline.h"
#include "server/json.h"
#include "server/metrics.h"
#include "server/server.h"
#include "server/worker.h"

struct sym_store;

struct sym_engine;

struct sym_server {
    struct sym_server_params p;
    char *api_key;
    char host[256];
    int port;
    bool loopback;
    const struct sym_config *cfg;
    struct sym_assistant *assistant; /* the worker's */
    struct sym_store *store;         /* the connection threads' (may be NULL) */
    pthread_mutex_t store_lock;
    struct sym_embedder *embedder;
    struct sym_metrics *metrics;
    struct sym_worker *worker;
    /* Slots for the local model's generations (NULL: none, or no local model). Jobs use it under
     * model_lock: read for a generation, write (nothing else running) to replace it at /model. */
    struct sym_engine *engine;
    pthread_rwlock_t model_lock;
    /* The assistant's turns (/api/chat) one at a time: its conversation, store, recall and fact
     * extraction are not thread-safe; /v1/chat/completions does not take it. */
    pthread_mutex_t turn_lock;
    void *daemon; /* struct MHD_Daemon */
    struct sym_deadlines *deadlines;
    atomic_llong next_id;
    atomic_int kv_used, kv_size;
    atomic_bool stopping;
    pthread_mutex_t name_lock;
    /* The one question /api/chat's turn may be waiting on (a tool that removes something):
     * POST /api/chat/confirm answers it. Guarded by confirm_lock. */
    pthread_mutex_t confirm_lock;
    pthread_cond_t confirm_cv;
    char confirm_id[48]; /* "" when no question is open */
    int confirm_answer;  /* -1 none yet, 0 deny, 1 allow */
    char model[256];     /* the model file's name, "" without one */
    char embed_model[256];
};

/* A request as the handlers see it. */
struct sym_request {
    const char *method;
    const char *path;
    const char *route; /* the matched pattern, for metrics */
    long long id;      /* the {id} of the path, when the route has one */
    const char *body;
    size_t body_len;
    /* Query arguments the routes use (NULL when absent). */
    const char *q, *k, *limit, *offset, *lang, *kind;
};

/* A reply: status, body (owned) and its type (a literal; NULL = application/json). */
struct sym_reply {
    int status;
    char *body;
    const char *type;
};

/* Set r to the error e. */
void sym_reply_error(struct sym_reply *r, const struct sym_http_error *e);
/* Set r to status and a JSON object (deleted); a 500 when it cannot be printed. */
void sym_reply_json(struct sym_reply *r, int status, cJSON *obj);

/* A route answered at once, on the connection's thread. */
typedef void (*sym_route_fn)(struct sym_server *s, const struct sym_request *req,
                             struct sym_reply *reply);
/* A route that runs on the worker: a job (NULL with *reply set when the request is refused) and
 * whether its answer streams. */
typedef struct sym_job *(*sym_job_route_fn)(struct sym_server *s, const struct sym_request *req,
                                            struct sym_reply *reply, bool *stream);

/* chat.c */
struct sym_job *sym_route_completions(struct sym_server *s, const struct sym_request *req,
                                      struct sym_reply *reply, bool *stream);
struct sym_job *sym_route_chat(struct sym_server *s, const struct sym_request *req,
                               struct sym_reply *reply, bool *stream);
/* The worker's on_dropped: ends a job that never ran. */
void sym_chat_dropped(struct sym_job *job, void *arg, bool stopping);

/* api.c */
void sym_route_health(struct sym_server *s, const struct sym_request *req, struct sym_reply *r);
void sym_route_models(struct sym_server *s, const struct sym_request *req, struct sym_reply *r);
void sym_route_embeddings(struct sym_server *s, const struct sym_request *req, struct sym_reply *r);
void sym_route_metrics(struct sym_server *s, const struct sym_request *req, struct sym_reply *r);
void sym_route_stats(struct sym_server *s, const struct sym_request *req, struct sym_reply *r);
void sym_route_stats_chart(struct sym_server *s, const struct sym_request *req,
                           struct sym_reply *r);
void sym_route_memory_list(struct sym_server *s, const struct sym_request *req,
                           struct sym_reply *r);
void sym_route_memory_search(struct sym_server *s, const struct sym_request *req,
                             struct sym_reply *r);
void sym_route_memory_get(struct sym_server *s, const struct sym_request *req, struct sym_reply *r);
void sym_route_memory_add(struct sym_server *s, const struct sym_request *req, struct sym_reply *r);
void sym_route_memory_edit(struct sym_server *s, const struct sym_request *req,
                           struct sym_reply *r);
void sym_route_memory_delete(struct sym_server *s, const struct sym_request *req,
                             struct sym_reply *r);
void sym_route_reminders_list(struct sym_server *s, const struct sym_request *req,
                              struct sym_reply *r);
void sym_route_reminders_add(struct sym_server *s, const struct sym_request *req,
                             struct sym_reply *r);
void sym_route_reminders_cancel(struct sym_server *s, const struct sym_request *req,
                                struct sym_reply *r);
void sym_route_reminders_due(struct sym_server *s, const struct sym_request *req,
                             struct sym_reply *r);
void sym_route_conversations_list(struct sym_server *s, const struct sym_request *req,
                                  struct sym_reply *r);
void sym_route_conversations_get(struct sym_server *s, const struct sym_request *req,
                                 struct sym_reply *r);
void sym_route_conversations_delete(struct sym_server *s, const struct sym_request *req,
                                    struct sym_reply *r);
void sym_route_feedback(struct sym_server *s, const struct sym_request *req, struct sym_reply *r);
/* chat.c: POST /api/chat/confirm, the user's answer to a tool call's question. */
void sym_route_chat_confirm(struct sym_server *s, const struct sym_request *req,
                            struct sym_reply *r);

/* The model's name now (it changes with /model), into out. */
void sym_server_model_name(struct sym_server *s, char *out, size_t size);
/* Start s->engine on the assistant's model when it was loaded with parallel sequences (leaves it
 * NULL otherwise). SYM_ERR_NOMEM. Called at start and after /model, with model_lock written. */
enum sym_status sym_server_engine_start(struct sym_server *s);

#endif
