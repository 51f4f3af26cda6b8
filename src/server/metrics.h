/*
 * metrics.h: the server's counters, histograms and recent generations, for GET /metrics
 * (Prometheus text format) and GET /api/stats (JSON).
 *
 * Every function is thread-safe (one mutex): connection threads count requests, the worker
 * counts generations, and either renders. Routes are counted by their pattern ("/api/memory/{id}")
 * so the number of series stays small whatever paths clients send.
 */
#ifndef SYM_METRICS_H
#define SYM_METRICS_H

#include <stdbool.h>

#include "base/buf.h"
#include "base/status.h"
#include "llm/llm.h"

struct sym_metrics;
struct cJSON;

/* What only the caller knows at render time. facts < 0: unknown (no database). */
struct sym_metrics_gauges {
    long long facts;
    int waiting, capacity;
    bool busy;
    int kv_used, kv_size;
    long long slow_closed; /* connections closed for missing the request deadline */
    int slots, slots_busy; /* the engine's slots (--parallel) and those generating now */
};

enum sym_status sym_metrics_init(struct sym_metrics **out);
void sym_metrics_free(struct sym_metrics *m);

/* One answered request. route must be a string that lives as long as m (a literal). */
void sym_metrics_request(struct sym_metrics *m, const char *route, int status);
/* One generation that ran (cancelled: the client went away). route: as above. */
void sym_metrics_generation(struct sym_metrics *m, const char *route, const struct sym_gen_stats *s,
                            bool cancelled);
/* One request refused because the queue was full. */
void sym_metrics_rejected(struct sym_metrics *m);
/* Generations that ended because their client went away. */
long long sym_metrics_cancelled(struct sym_metrics *m);

/* Append the Prometheus text exposition to out. */
enum sym_status sym_metrics_render(struct sym_metrics *m, const struct sym_metrics_gauges *g,
                                   struct sym_buf *out);
/* Add "uptime_s", "totals" and "recent" to a JSON object (see docs/API.md, /api/stats). */
enum sym_status sym_metrics_stats_json(struct sym_metrics *m, struct cJSON *obj);

/* The stop reason's name in the API: "end", "max_tokens", "stop_string", "context_full",
 * "cancelled". */
const char *sym_metrics_stop_name(enum sym_stop_reason stop);

#endif
