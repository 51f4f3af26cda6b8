/*
 * metrics.c: counters and histograms for /metrics and /api/stats; see metrics.h.
 *
 * Fixed-size tables, no allocation after init: request counts by (route, status) in a small
 * array (routes are patterns, so it stays small; a full table lumps the rest under "other"),
 * histograms with fixed buckets, and a ring of the last 50 generations for the page's chart.
 */
#include "server/metrics.h"

#include <cjson/cJSON.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_SERIES 96
#define RECENT 50

static const double ttft_bounds[] = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
static const double tps_bounds[] = {1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000};
#define N_TTFT (sizeof ttft_bounds / sizeof ttft_bounds[0])
#define N_TPS (sizeof tps_bounds / sizeof tps_bounds[0])

enum { STOP_END, STOP_MAX_TOKENS, STOP_STRING, STOP_CONTEXT, STOP_CANCELLED, N_STOPS };
static const char *const stop_names[N_STOPS] = {"end", "max_tokens", "stop_string", "context_full",
                                                "cancelled"};

struct series {
    const char *route;
    int status;
    long long count;
};

struct histogram {
    long long buckets[16]; /* per bucket, not cumulative; the last is +Inf */
    long long count;
    double sum;
};

struct recent {
    time_t at;
    const char *route;
    struct sym_gen_stats s;
    bool cancelled;
};

struct sym_metrics {
    pthread_mutex_t lock;
    time_t started;
    struct series series[MAX_SERIES];
    int n_series;
    long long requests, rejected, generations;
    long long stops[N_STOPS];
    long long prompt, evaluated, generated;
    struct histogram ttft, tps;
    struct recent recent[RECENT];
    int n_recent, recent_next;
};

enum sym_status sym_metrics_init(struct sym_metrics **out)
{
    struct sym_metrics *m = calloc(1, sizeof *m);

    *out = m;
    if (!m)
        return SYM_ERR_NOMEM;
    pthread_mutex_init(&m->lock, NULL);
    m->started = time(NULL);
    return SYM_OK;
}

void sym_metrics_free(struct sym_metrics *m)
{
    if (!m)
        return;
    pthread_mutex_destroy(&m->lock);
    free(m);
}

void sym_metrics_request(struct sym_metrics *m, const char *route, int status)
{
    int i;

    pthread_mutex_lock(&m->lock);
    m->requests++;
    for (i = 0; i < m->n_series; i++)
        if (m->series[i].status == status && !strcmp(m->series[i].route, route))
            break;
    if (i == m->n_series && m->n_series < MAX_SERIES) {
        m->series[i].route = route;
        m->series[i].status = status;
        m->n_series++;
    }
    if (i < m->n_series)
        m->series[i].count++;
    pthread_mutex_unlock(&m->lock);
}

static void observe(struct histogram *h, const double *bounds, size_t n, double v)
{
    size_t i;

    for (i = 0; i < n && v > bounds[i]; i++)
        ;
    h->buckets[i]++;
    h->count++;
    h->sum += v;
}

static int stop_index(enum sym_stop_reason stop, bool cancelled)
{
    if (cancelled || stop == SYM_STOP_INTERRUPT || stop == SYM_STOP_CALLER)
        return STOP_CANCELLED;
    switch (stop) {
    case SYM_STOP_LIMIT:
        return STOP_MAX_TOKENS;
    case SYM_STOP_STRING:
        return STOP_STRING;
    case SYM_STOP_CONTEXT:
        return STOP_CONTEXT;
    default:
        return STOP_END;
    }
}

const char *sym_metrics_stop_name(enum sym_stop_reason stop)
{
    return stop_names[stop_index(stop, false)];
}

void sym_metrics_generation(struct sym_metrics *m, const char *route, const struct sym_gen_stats *s,
                            bool cancelled)
{
    struct recent *r;

    pthread_mutex_lock(&m->lock);
    m->generations++;
    m->stops[stop_index(s->stop, cancelled)]++;
    m->prompt += s->n_prompt;
    m->evaluated += s->n_evaluated;
    m->generated += s->n_generated;
    if (s->n_generated > 0)
        observe(&m->ttft, ttft_bounds, N_TTFT, s->ttft_ms / 1000.0);
    if (s->n_generated > 1 && s->gen_ms > 0)
        observe(&m->tps, tps_bounds, N_TPS, (s->n_generated - 1) * 1000.0 / s->gen_ms);
    r = &m->recent[m->recent_next];
    r->at = time(NULL);
    r->route = route;
    r->s = *s;
    r->cancelled = cancelled;
    m->recent_next = (m->recent_next + 1) % RECENT;
    if (m->n_recent < RECENT)
        m->n_recent++;
    pthread_mutex_unlock(&m->lock);
}

void sym_metrics_rejected(struct sym_metrics *m)
{
    pthread_mutex_lock(&m->lock);
    m->rejected++;
    pthread_mutex_unlock(&m->lock);
}

long long sym_metrics_cancelled(struct sym_metrics *m)
{
    long long n;

    pthread_mutex_lock(&m->lock);
    n = m->stops[STOP_CANCELLED];
    pthread_mutex_unlock(&m->lock);
    return n;
}

/* ---- Prometheus text ---- */

static enum sym_status head(struct sym_buf *out, const char *name, const char *type,
                            const char *help)
{
    return sym_buf_printf(out, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static enum sym_status gauge(struct sym_buf *out, const char *name, const char *help, double v)
{
    enum sym_status rc = head(out, name, "gauge", help);

    return rc ? rc : sym_buf_printf(out, "%s %.17g\n", name, v);
}

static enum sym_status counter(struct sym_buf *out, const char *name, const char *help, long long v)
{
    enum sym_status rc = head(out, name, "counter", help);

    return rc ? rc : sym_buf_printf(out, "%s %lld\n", name, v);
}

static enum sym_status histogram(struct sym_buf *out, const char *name, const char *help,
                                 const struct histogram *h, const double *bounds, size_t n)
{
    enum sym_status rc = head(out, name, "histogram", help);
    long long cum = 0;
    size_t i;

    for (i = 0; !rc && i < n; i++) {
        cum += h->buckets[i];
        rc = sym_buf_printf(out, "%s_bucket{le=\"%g\"} %lld\n", name, bounds[i], cum);
    }
    if (!rc)
        rc = sym_buf_printf(out, "%s_bucket{le=\"+Inf\"} %lld\n%s_sum %.17g\n%s_count %lld\n", name,
                            h->count, name, h->sum, name, h->count);
    return rc;
}

static enum sym_status render_requests(struct sym_metrics *m, struct sym_buf *out)
{
    enum sym_status rc = head(out, "symbiot_http_requests_total", "counter",
                              "HTTP requests answered, by route pattern and status.");
    int i;

    for (i = 0; !rc && i < m->n_series; i++)
        rc = sym_buf_printf(out, "symbiot_http_requests_total{route=\"%s\",status=\"%d\"} %lld\n",
                            m->series[i].route, m->series[i].status, m->series[i].count);
    return rc;
}

static enum sym_status render_generations(struct sym_metrics *m, struct sym_buf *out)
{
    enum sym_status rc = head(out, "symbiot_generations_total", "counter",
                              "Generations by how they ended (cancelled: the client went away).");
    int i;

    for (i = 0; !rc && i < N_STOPS; i++)
        rc = sym_buf_printf(out, "symbiot_generations_total{stop=\"%s\"} %lld\n", stop_names[i],
                            m->stops[i]);
    return rc;
}

enum sym_status sym_metrics_render(struct sym_metrics *m, const struct sym_metrics_gauges *g,
                                   struct sym_buf *out)
{
    enum sym_status rc;

    pthread_mutex_lock(&m->lock);
    rc = render_requests(m, out);
    if (!rc)
        rc = counter(out, "symbiot_tokens_prompt_total", "Prompt tokens of all generations.",
                     m->prompt);
    if (!rc)
        rc = counter(out, "symbiot_tokens_evaluated_total",
                     "Prompt tokens evaluated (the others came from the KV cache).", m->evaluated);
    if (!rc)
        rc = counter(out, "symbiot_tokens_generated_total", "Tokens sampled.", m->generated);
    if (!rc)
        rc = render_generations(m, out);
    if (!rc)
        rc = histogram(out, "symbiot_time_to_first_token_seconds",
                       "From the start of a generation to its first token.", &m->ttft, ttft_bounds,
                       N_TTFT);
    if (!rc)
        rc = histogram(out, "symbiot_generation_tokens_per_second",
                       "Generation speed, the first token excluded.", &m->tps, tps_bounds, N_TPS);
    if (!rc)
        rc = counter(out, "symbiot_queue_rejected_total",
                     "Requests refused with 503 because the queue was full.", m->rejected);
    if (!rc)
        rc = counter(out, "symbiot_http_slow_clients_closed_total",
                     "Connections closed for sending no whole request within --request-timeout.",
                     g->slow_closed);
    if (!rc)
        rc = gauge(out, "symbiot_uptime_seconds", "Seconds since the server started.",
                   (double)(time(NULL) - m->started));
    pthread_mutex_unlock(&m->lock);
    if (!rc)
        rc = gauge(out, "symbiot_kv_cache_used_tokens", "Tokens in the KV cache.", g->kv_used);
    if (!rc)
        rc = gauge(out, "symbiot_kv_cache_size_tokens", "The context size in tokens.", g->kv_size);
    if (!rc && g->facts >= 0)
        rc = gauge(out, "symbiot_facts", "Facts in the memory database.", (double)g->facts);
    if (!rc)
        rc = gauge(out, "symbiot_queue_waiting", "Requests waiting for the worker.", g->waiting);
    if (!rc)
        rc = gauge(out, "symbiot_queue_capacity", "How many requests may wait (--queue).",
                   g->capacity);
    if (!rc)
        rc = gauge(out, "symbiot_worker_busy", "1 while a generation runs.", g->busy);
    if (!rc)
        rc = gauge(out, "symbiot_slots", "Conversations that can generate at once (--parallel).",
                   g->slots);
    if (!rc)
        rc = gauge(out, "symbiot_slots_busy", "Slots generating now.", g->slots_busy);
    return rc;
}

/* ---- JSON for /api/stats ---- */

static void iso_utc(time_t t, char *out, size_t size)
{
    struct tm tm;

    if (!gmtime_r(&t, &tm) || !strftime(out, size, "%Y-%m-%dT%H:%M:%SZ", &tm))
        snprintf(out, size, "%lld", (long long)t);
}

static double per_second(int n, double ms)
{
    return ms > 0 && n > 0 ? n * 1000.0 / ms : 0;
}

static cJSON *recent_json(const struct recent *r)
{
    cJSON *o = cJSON_CreateObject();
    char when[40];

    if (!o)
        return NULL;
    iso_utc(r->at, when, sizeof when);
    cJSON_AddStringToObject(o, "time", when);
    cJSON_AddStringToObject(o, "route", r->route);
    cJSON_AddNumberToObject(o, "prompt_tokens", r->s.n_prompt);
    cJSON_AddNumberToObject(o, "evaluated_tokens", r->s.n_evaluated);
    cJSON_AddNumberToObject(o, "generated_tokens", r->s.n_generated);
    cJSON_AddNumberToObject(o, "ttft_ms", r->s.ttft_ms);
    cJSON_AddNumberToObject(o, "prompt_tps", per_second(r->s.n_evaluated, r->s.prompt_ms));
    cJSON_AddNumberToObject(o, "gen_tps", per_second(r->s.n_generated - 1, r->s.gen_ms));
    cJSON_AddStringToObject(o, "stop", stop_names[stop_index(r->s.stop, r->cancelled)]);
    return o;
}

enum sym_status sym_metrics_stats_json(struct sym_metrics *m, struct cJSON *obj)
{
    cJSON *totals, *recent;
    int i;

    pthread_mutex_lock(&m->lock);
    cJSON_AddNumberToObject(obj, "uptime_s", (double)(time(NULL) - m->started));
    totals = cJSON_AddObjectToObject(obj, "totals");
    recent = cJSON_AddArrayToObject(obj, "recent");
    if (totals) {
        cJSON_AddNumberToObject(totals, "requests", (double)m->requests);
        cJSON_AddNumberToObject(totals, "generations", (double)m->generations);
        cJSON_AddNumberToObject(totals, "prompt_tokens", (double)m->prompt);
        cJSON_AddNumberToObject(totals, "evaluated_tokens", (double)m->evaluated);
        cJSON_AddNumberToObject(totals, "generated_tokens", (double)m->generated);
    }
    for (i = 0; recent && i < m->n_recent; i++) {
        int at = (m->recent_next - m->n_recent + i + RECENT) % RECENT;

        cJSON_AddItemToArray(recent, recent_json(&m->recent[at]));
    }
    pthread_mutex_unlock(&m->lock);
    return totals && recent ? SYM_OK : SYM_ERR_NOMEM;
}
