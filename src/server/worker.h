/*
 * worker.h: the inference worker threads and their bounded queue of jobs.
 *
 * Every request that needs the model or the assistant becomes a job that runs on a worker thread,
 * in the order submitted: `threads` of them run at once (one per engine slot, llm/engine.h; the
 * jobs themselves serialize what is not thread-safe, see chat.c). Up to `capacity` jobs wait
 * while every thread is busy; one more is refused at once (the HTTP side answers 503).
 *
 * A job is shared by two sides, each holding a reference: the connection that submitted it (which
 * waits for its output) and the worker (which runs it). The worker side writes output bytes
 * (sym_job_emit) and ends with a status and a body (sym_job_finish); the connection side waits
 * for them (sym_job_wait) and reads (sym_job_read). Either side may go first in releasing.
 *
 * Cancelling (the client went away) takes a waiting job out of the queue, or, for a running
 * one, raises the job's own flag, which its text callback checks and its engine slot polls (the
 * worker makes it the thread's stop flag, sym_llm_set_cancel), and with one thread also the
 * model's interrupt flag: the generation stops within a token, the others go on.
 */
#ifndef SYM_WORKER_H
#define SYM_WORKER_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>

#include "base/status.h"

struct sym_worker;
struct sym_job;

/* Runs on a worker thread. It must end the job with sym_job_finish() (the worker does it with
 * a 500 when it forgets). arg is the job's own argument; data the worker's. */
typedef void (*sym_job_fn)(struct sym_job *job, void *arg, void *data);

struct sym_worker_params {
    int capacity;                     /* jobs that may wait while all threads run (>= 0) */
    volatile sig_atomic_t *interrupt; /* the flag the model polls; may be NULL */
    void *data;                       /* passed to every job function */
    /* Ends a job that never ran (cancelled while queued, or the worker stopping): called with
     * the job and its argument, must call sym_job_finish(). */
    void (*on_dropped)(struct sym_job *job, void *arg, bool stopping);
    int threads; /* jobs that run at once (< 1: one) */
};

enum sym_status sym_worker_start(struct sym_worker **out, const struct sym_worker_params *p);
/* Stop: waiting jobs are dropped (on_dropped with stopping), the running ones are cancelled and
 * the threads joined. Afterwards submitting fails; everything else still works, until
 * sym_worker_free(). */
void sym_worker_shutdown(struct sym_worker *w);
/* Shut down (when not yet) and free. Accepts NULL. */
void sym_worker_free(struct sym_worker *w);

/* Jobs waiting now, and whether one is running. */
void sym_worker_load(struct sym_worker *w, int *waiting, bool *busy);
/* Jobs running now, and the threads that run them. */
int sym_worker_running(struct sym_worker *w);
int sym_worker_threads(const struct sym_worker *w);
int sym_worker_capacity(const struct sym_worker *w);

/* A new job running fn(job, arg, data); free_arg (may be NULL) frees arg with the job. The caller
 * holds one reference; NULL when out of memory. */
struct sym_job *sym_job_new(sym_job_fn fn, void *arg, void (*free_arg)(void *));
/* Give up the caller's reference. Accepts NULL. */
void sym_job_release(struct sym_job *job);

/* Queue the job (the worker takes its own reference). SYM_ERR_TOO_LONG: the queue is full;
 * SYM_ERR_INVALID: the worker is stopping. */
enum sym_status sym_worker_submit(struct sym_worker *w, struct sym_job *job);
/* The client went away: drop the job if it still waits, else stop it if it runs. */
void sym_job_cancel(struct sym_worker *w, struct sym_job *job);
bool sym_job_cancelled(const struct sym_job *job);

/* ---- the worker's side ---- */
/* Append output bytes (a stream's events). SYM_ERR_NOMEM on failure. */
enum sym_status sym_job_emit(struct sym_job *job, const char *data, size_t len);
/* The job is over: status (an HTTP status) and body (owned from now on; may be NULL). Only the
 * first call counts. */
void sym_job_finish(struct sym_job *job, int status, char *body);

/* ---- the connection's side ---- */
/* Wait up to timeout_ms for output past `pos` or the end. True when either is there. */
bool sym_job_wait(struct sym_job *job, size_t pos, int timeout_ms);
/* Copy up to max output bytes from pos into buf; returns how many. *finished says the job is
 * over (and no output past pos + the returned count remains when it returns 0). */
size_t sym_job_read(struct sym_job *job, size_t pos, char *buf, size_t max, bool *finished);
/* After the end: the status and body (borrowed, valid until the last release). */
bool sym_job_result(struct sym_job *job, int *status, const char **body);
/* Output bytes emitted so far. */
size_t sym_job_emitted(struct sym_job *job);

#endif
