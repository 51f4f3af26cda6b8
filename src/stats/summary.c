/*
 * summary.c: medians, percentiles and totals over recorded turns; see summary.h.
 */
#include "stats/summary.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return x < y ? -1 : x > y;
}

/* The nearest-rank percentile p of v[0..n), sorted. */
static double nearest_rank(const double *v, size_t n, double p)
{
    size_t rank = (size_t)(p / 100.0 * (double)n + 0.999999);

    return n ? v[rank ? rank - 1 : 0] : 0;
}

double sym_figure_of(const struct sym_turn_record *r, enum sym_figure f)
{
    switch (f) {
    case SYM_FIG_TTFT:
        return r->generated > 0 ? r->ttft_ms : -1;
    case SYM_FIG_PROMPT_TPS:
        return r->evaluated > 0 && r->prompt_ms > 0 ? r->evaluated * 1000.0 / r->prompt_ms : -1;
    case SYM_FIG_GEN_TPS:
        return r->generated > 1 && r->gen_ms > 0 ? (r->generated - 1) * 1000.0 / r->gen_ms : -1;
    case SYM_FIG_RECALL:
    default:
        return r->recall_ms;
    }
}

const char *sym_figure_name(enum sym_figure f)
{
    static const char *const names[SYM_N_FIGS] = {"ttft_ms", "prompt_tps", "gen_tps", "recall_ms"};

    return f < SYM_N_FIGS ? names[f] : "";
}

static void add_model(struct sym_summary *s, const char *model)
{
    size_t used = strlen(s->models);
    const char *p = s->models;

    while ((p = strstr(p, model))) { /* already listed as a whole entry? */
        size_t len = strlen(model);

        if ((p == s->models || p[-1] == ' ') && (p[len] == '\0' || p[len] == ','))
            return;
        p += len;
    }
    if (used + strlen(model) + 3 < sizeof s->models)
        snprintf(s->models + used, sizeof s->models - used, "%s%s", used ? ", " : "", model);
}

enum sym_status sym_summarize(const struct sym_turn_records *list, struct sym_summary *out)
{
    double *v = malloc(sizeof *v * (list->n ? list->n : 1));
    size_t i;
    int f;

    memset(out, 0, sizeof *out);
    if (!v)
        return SYM_ERR_NOMEM;
    out->turns = list->n;
    for (f = 0; f < SYM_N_FIGS; f++) {
        size_t n = 0;

        for (i = 0; i < list->n; i++) {
            double x = sym_figure_of(&list->items[i], (enum sym_figure)f);

            if (x >= 0)
                v[n++] = x;
        }
        qsort(v, n, sizeof *v, cmp_double);
        out->fig[f].n = n;
        out->fig[f].median = nearest_rank(v, n, 50);
        out->fig[f].p95 = nearest_rank(v, n, 95);
    }
    free(v);
    for (i = 0; i < list->n; i++) {
        const struct sym_turn_record *r = &list->items[i];

        out->prompt += r->prompt_tokens;
        out->evaluated += r->evaluated;
        out->generated += r->generated;
        if (r->peak_rss_kb > out->peak_rss_kb)
            out->peak_rss_kb = r->peak_rss_kb;
        add_model(out, r->model);
    }
    return SYM_OK;
}
