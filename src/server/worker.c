/*
 * worker.c: the worker threads and their bounded queue; see worker.h.
 *
 * One mutex guards the queue (a singly linked FIFO) and the workers' state; each job has its own
 * mutex and condition for its output, so a connection waiting on its job never blocks the queue.
 * References are counted atomically; the last release frees the job.
 *
 * Stopping a running job raises its own flag, which the job's text callback checks and which the
 * worker hands to the LLM room as the thread's stop flag (sym_llm_set_cancel): the engine stops
 * that job's slot alone. With one thread the model's interrupt flag is raised too (it also stops a
 * side task); it is shared by every generation, so it is raised only while the job to stop is the
 * running one, and cleared under the queue lock when the next job starts: a late cancel of a
 * finished job can never stop the next one. With several threads it is left to shutdown.
 */
#include "server/worker.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/buf.h"
#include "llm/llm.h"

struct sym_job {
    atomic_int refs;
    atomic_bool cancelled;
    sym_job_fn fn;
    void *arg;
    void (*free_arg)(void *);
    struct sym_job *next; /* in the queue */
    bool queued;

    pthread_mutex_t lock; /* guards what follows */
    pthread_cond_t cond;
    struct sym_buf out;
    bool finished;
    int status;
    char *body;
};

/* One worker thread and the job it runs (NULL: none). */
struct runner {
    struct sym_worker *w;
    pthread_t thread;
    bool started;
    struct sym_job *job;
};

struct sym_worker {
    pthread_mutex_t lock;
    pthread_cond_t cond;
    struct runner *runners;
    int n_runners;
    struct sym_job *head, *tail;
    int waiting;
    int running; /* jobs running now */
    bool stopping;
    bool joined; /* the threads have ended */
    struct sym_worker_params p;
};

struct sym_job *sym_job_new(sym_job_fn fn, void *arg, void (*free_arg)(void *))
{
    struct sym_job *job = calloc(1, sizeof *job);

    if (!job)
        return NULL;
    atomic_init(&job->refs, 1);
    atomic_init(&job->cancelled, false);
    job->fn = fn;
    job->arg = arg;
    job->free_arg = free_arg;
    pthread_mutex_init(&job->lock, NULL);
    pthread_cond_init(&job->cond, NULL);
    return job;
}

void sym_job_release(struct sym_job *job)
{
    if (!job || atomic_fetch_sub(&job->refs, 1) != 1)
        return;
    if (job->free_arg)
        job->free_arg(job->arg);
    sym_buf_free(&job->out);
    free(job->body);
    pthread_cond_destroy(&job->cond);
    pthread_mutex_destroy(&job->lock);
    free(job);
}

bool sym_job_cancelled(const struct sym_job *job)
{
    return atomic_load(&((struct sym_job *)job)->cancelled);
}

enum sym_status sym_job_emit(struct sym_job *job, const char *data, size_t len)
{
    enum sym_status rc;

    pthread_mutex_lock(&job->lock);
    rc = sym_buf_append(&job->out, data, len);
    pthread_cond_broadcast(&job->cond);
    pthread_mutex_unlock(&job->lock);
    return rc;
}

void sym_job_finish(struct sym_job *job, int status, char *body)
{
    pthread_mutex_lock(&job->lock);
    if (job->finished) {
        free(body);
    } else {
        job->finished = true;
        job->status = status;
        job->body = body;
    }
    pthread_cond_broadcast(&job->cond);
    pthread_mutex_unlock(&job->lock);
}

static void deadline_in(struct timespec *ts, int ms)
{
    clock_gettime(CLOCK_REALTIME, ts);
    ts->tv_sec += ms / 1000;
    ts->tv_nsec += (long)(ms % 1000) * 1000000L;
    if (ts->tv_nsec >= 1000000000L) {
        ts->tv_sec++;
        ts->tv_nsec -= 1000000000L;
    }
}

bool sym_job_wait(struct sym_job *job, size_t pos, int timeout_ms)
{
    struct timespec until;
    bool ready;

    deadline_in(&until, timeout_ms);
    pthread_mutex_lock(&job->lock);
    while (!(ready = job->finished || job->out.len > pos))
        if (pthread_cond_timedwait(&job->cond, &job->lock, &until) == ETIMEDOUT)
            break;
    ready = job->finished || job->out.len > pos;
    pthread_mutex_unlock(&job->lock);
    return ready;
}

size_t sym_job_read(struct sym_job *job, size_t pos, char *buf, size_t max, bool *finished)
{
    size_t n = 0;

    pthread_mutex_lock(&job->lock);
    if (job->out.len > pos) {
        n = job->out.len - pos < max ? job->out.len - pos : max;
        memcpy(buf, job->out.data + pos, n);
    }
    *finished = job->finished;
    pthread_mutex_unlock(&job->lock);
    return n;
}

bool sym_job_result(struct sym_job *job, int *status, const char **body)
{
    bool done;

    pthread_mutex_lock(&job->lock);
    done = job->finished;
    *status = job->status;
    *body = job->body;
    pthread_mutex_unlock(&job->lock);
    return done;
}

size_t sym_job_emitted(struct sym_job *job)
{
    size_t n;

    pthread_mutex_lock(&job->lock);
    n = job->out.len;
    pthread_mutex_unlock(&job->lock);
    return n;
}

/* ---- the queue ---- */

/* Take the first waiting job off the queue; NULL when empty. Called with w->lock held. */
static struct sym_job *pop(struct sym_worker *w)
{
    struct sym_job *job = w->head;

    if (!job)
        return NULL;
    w->head = job->next;
    if (!w->head)
        w->tail = NULL;
    job->next = NULL;
    job->queued = false;
    w->waiting--;
    return job;
}

/* Take job out of the queue wherever it is; false when it is not there. w->lock held. */
static bool unlink_job(struct sym_worker *w, struct sym_job *job)
{
    struct sym_job **p, *prev = NULL;

    for (p = &w->head; *p; prev = *p, p = &(*p)->next) {
        if (*p != job)
            continue;
        *p = job->next;
        if (w->tail == job)
            w->tail = prev;
        job->next = NULL;
        job->queued = false;
        w->waiting--;
        return true;
    }
    return false;
}

static void drop(struct sym_worker *w, struct sym_job *job, bool stopping)
{
    if (w->p.on_dropped)
        w->p.on_dropped(job, job->arg, stopping);
    sym_job_finish(job, 503, NULL);
    sym_job_release(job);
}

static void run_one(struct sym_worker *w, struct sym_job *job)
{
    if (sym_job_cancelled(job))
        drop(w, job, false);
    else {
        sym_llm_set_cancel(&job->cancelled); /* the engine stops this job's slot alone */
        job->fn(job, job->arg, w->p.data);
        sym_llm_set_cancel(NULL);
        sym_job_finish(job, 500, NULL); /* no-op when the job finished itself */
        sym_job_release(job);
    }
}

static void *worker_main(void *data)
{
    struct runner *r = data;
    struct sym_worker *w = r->w;
    struct sym_job *job;

    pthread_mutex_lock(&w->lock);
    for (;;) {
        while (!w->stopping && !w->head)
            pthread_cond_wait(&w->cond, &w->lock);
        if (w->stopping)
            break;
        job = pop(w);
        r->job = job;
        w->running++;
        if (w->p.interrupt && w->n_runners == 1)
            *w->p.interrupt = 0;
        pthread_mutex_unlock(&w->lock);
        run_one(w, job);
        pthread_mutex_lock(&w->lock);
        r->job = NULL;
        w->running--;
    }
    pthread_mutex_unlock(&w->lock);
    return NULL;
}

/* Stop a running job: its flag (its text callback and its engine slot check it); with one
 * thread, the model's interrupt flag too, which also stops a side task or a single-stream
 * prompt evaluation. With several, that flag would stop every job, so it is left alone. */
static void stop_running(struct sym_worker *w, struct sym_job *job)
{
    atomic_store(&job->cancelled, true);
    if (w->p.interrupt && w->n_runners == 1)
        *w->p.interrupt = 1;
}

enum sym_status sym_worker_start(struct sym_worker **out, const struct sym_worker_params *p)
{
    struct sym_worker *w = calloc(1, sizeof *w);
    int i;

    *out = NULL;
    if (!w)
        return SYM_ERR_NOMEM;
    w->p = *p;
    w->n_runners = p->threads > 1 ? p->threads : 1;
    w->runners = calloc((size_t)w->n_runners, sizeof *w->runners);
    if (!w->runners) {
        free(w);
        return SYM_ERR_NOMEM;
    }
    pthread_mutex_init(&w->lock, NULL);
    pthread_cond_init(&w->cond, NULL);
    for (i = 0; i < w->n_runners; i++) {
        w->runners[i].w = w;
        if (pthread_create(&w->runners[i].thread, NULL, worker_main, &w->runners[i]))
            break;
        w->runners[i].started = true;
    }
    if (i < w->n_runners) {
        sym_worker_free(w);
        return SYM_ERR_NOMEM;
    }
    *out = w;
    return SYM_OK;
}

void sym_worker_shutdown(struct sym_worker *w)
{
    struct sym_job *job;
    int i;

    pthread_mutex_lock(&w->lock);
    if (w->joined) {
        pthread_mutex_unlock(&w->lock);
        return;
    }
    w->stopping = true;
    for (i = 0; i < w->n_runners; i++)
        if (w->runners[i].job)
            stop_running(w, w->runners[i].job);
    pthread_cond_broadcast(&w->cond);
    pthread_mutex_unlock(&w->lock);
    for (i = 0; i < w->n_runners; i++)
        if (w->runners[i].started)
            pthread_join(w->runners[i].thread, NULL);
    pthread_mutex_lock(&w->lock);
    w->joined = true;
    while ((job = pop(w))) {
        pthread_mutex_unlock(&w->lock);
        drop(w, job, true);
        pthread_mutex_lock(&w->lock);
    }
    pthread_mutex_unlock(&w->lock);
}

void sym_worker_free(struct sym_worker *w)
{
    if (!w)
        return;
    sym_worker_shutdown(w);
    pthread_cond_destroy(&w->cond);
    pthread_mutex_destroy(&w->lock);
    free(w->runners);
    free(w);
}

void sym_worker_load(struct sym_worker *w, int *waiting, bool *busy)
{
    pthread_mutex_lock(&w->lock);
    *waiting = w->waiting;
    *busy = w->running > 0;
    pthread_mutex_unlock(&w->lock);
}

int sym_worker_running(struct sym_worker *w)
{
    int n;

    pthread_mutex_lock(&w->lock);
    n = w->running;
    pthread_mutex_unlock(&w->lock);
    return n;
}

int sym_worker_threads(const struct sym_worker *w)
{
    return w->n_runners;
}

int sym_worker_capacity(const struct sym_worker *w)
{
    return w->p.capacity;
}

enum sym_status sym_worker_submit(struct sym_worker *w, struct sym_job *job)
{
    enum sym_status rc = SYM_OK;

    pthread_mutex_lock(&w->lock);
    if (w->stopping) {
        rc = SYM_ERR_INVALID;
    } else if (w->running + w->waiting >= w->n_runners + w->p.capacity) {
        rc = SYM_ERR_TOO_LONG;
    } else {
        atomic_fetch_add(&job->refs, 1);
        job->queued = true;
        if (w->tail)
            w->tail->next = job;
        else
            w->head = job;
        w->tail = job;
        w->waiting++;
        pthread_cond_signal(&w->cond);
    }
    pthread_mutex_unlock(&w->lock);
    return rc;
}

void sym_job_cancel(struct sym_worker *w, struct sym_job *job)
{
    bool dropped = false;
    int i;

    atomic_store(&job->cancelled, true);
    pthread_mutex_lock(&w->lock);
    if (job->queued) {
        dropped = unlink_job(w, job);
    } else {
        for (i = 0; i < w->n_runners; i++)
            if (w->runners[i].job == job)
                stop_running(w, job);
    }
    pthread_mutex_unlock(&w->lock);
    if (dropped)
        drop(w, job, false);
}
