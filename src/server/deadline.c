/*
 * deadline.c: the request deadline against slow clients (see deadline.h): a list of the open
 * connections under one lock, and a thread that shuts down the sockets past their deadline.
 *
 * The socket is only shut down (never closed) and only under the lock, while the connection is
 * still in the list: libmicrohttpd removes it (sym_deadline_remove) before it closes the socket,
 * so the descriptor cannot have been reused by another connection.
 */
#include "server/deadline.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>

#include "base/log.h"

#define WATCH_MS 250

struct sym_deadline {
    int fd;
    bool answering, cut;
    struct timespec since; /* CLOCK_MONOTONIC: when the request's deadline started */
    struct sym_deadline *prev, *next;
};

struct sym_deadlines {
    int timeout_s;
    pthread_mutex_t lock;
    pthread_cond_t wake;
    pthread_t thread;
    bool stopping;
    long long cut;
    struct sym_deadline *head;
};

static double seconds_since(const struct timespec *t, const struct timespec *now)
{
    return (double)(now->tv_sec - t->tv_sec) + (double)(now->tv_nsec - t->tv_nsec) / 1e9;
}

/* Shut down every connection past its deadline (lock held). */
static void sweep(struct sym_deadlines *d)
{
    struct sym_deadline *e;
    struct timespec now;

    clock_gettime(CLOCK_MONOTONIC, &now);
    for (e = d->head; e; e = e->next) {
        if (e->answering || e->cut || seconds_since(&e->since, &now) < d->timeout_s)
            continue;
        e->cut = true;
        d->cut++;
        shutdown(e->fd, SHUT_RDWR);
        sym_log(SYM_LOG_INFO,
                "a client sent no whole request in %d s (--request-timeout): connection closed",
                d->timeout_s);
    }
}

static void *watch(void *arg)
{
    struct sym_deadlines *d = arg;
    struct timespec until;

    pthread_mutex_lock(&d->lock);
    while (!d->stopping) {
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_nsec += WATCH_MS * 1000000L;
        if (until.tv_nsec >= 1000000000L) {
            until.tv_sec++;
            until.tv_nsec -= 1000000000L;
        }
        if (pthread_cond_timedwait(&d->wake, &d->lock, &until) == ETIMEDOUT)
            sweep(d);
    }
    pthread_mutex_unlock(&d->lock);
    return NULL;
}

enum sym_status sym_deadlines_start(struct sym_deadlines **out, int timeout_s)
{
    struct sym_deadlines *d = calloc(1, sizeof *d);

    *out = NULL;
    if (!d)
        return SYM_ERR_NOMEM;
    d->timeout_s = timeout_s;
    pthread_mutex_init(&d->lock, NULL);
    pthread_cond_init(&d->wake, NULL);
    if (pthread_create(&d->thread, NULL, watch, d)) {
        pthread_cond_destroy(&d->wake);
        pthread_mutex_destroy(&d->lock);
        free(d);
        return SYM_ERR_IO;
    }
    *out = d;
    return SYM_OK;
}

void sym_deadlines_stop(struct sym_deadlines *d)
{
    struct sym_deadline *e, *next;

    if (!d)
        return;
    pthread_mutex_lock(&d->lock);
    d->stopping = true;
    pthread_cond_signal(&d->wake);
    pthread_mutex_unlock(&d->lock);
    pthread_join(d->thread, NULL);
    for (e = d->head; e; e = next) {
        next = e->next;
        free(e);
    }
    pthread_cond_destroy(&d->wake);
    pthread_mutex_destroy(&d->lock);
    free(d);
}

struct sym_deadline *sym_deadline_add(struct sym_deadlines *d, int fd)
{
    struct sym_deadline *e = calloc(1, sizeof *e);

    if (!e)
        return NULL;
    e->fd = fd;
    clock_gettime(CLOCK_MONOTONIC, &e->since);
    pthread_mutex_lock(&d->lock);
    e->next = d->head;
    if (d->head)
        d->head->prev = e;
    d->head = e;
    pthread_mutex_unlock(&d->lock);
    return e;
}

void sym_deadline_answering(struct sym_deadlines *d, struct sym_deadline *e, bool answering)
{
    if (!e)
        return;
    pthread_mutex_lock(&d->lock);
    e->answering = answering;
    if (!answering)
        clock_gettime(CLOCK_MONOTONIC, &e->since);
    pthread_mutex_unlock(&d->lock);
}

void sym_deadline_remove(struct sym_deadlines *d, struct sym_deadline *e)
{
    if (!e)
        return;
    pthread_mutex_lock(&d->lock);
    if (e->prev)
        e->prev->next = e->next;
    else
        d->head = e->next;
    if (e->next)
        e->next->prev = e->prev;
    pthread_mutex_unlock(&d->lock);
    free(e);
}

long long sym_deadlines_cut(struct sym_deadlines *d)
{
    long long n;

    pthread_mutex_lock(&d->lock);
    n = d->cut;
    pthread_mutex_unlock(&d->lock);
    return n;
}
