/*
 * summary.h: the summary `symbiot stats` prints over recorded chat turns (memory/feedback.h):
 * the median and 95th percentile (nearest rank) of time to first token, prompt speed, generation
 * speed and recall time, token totals, the peak memory and the models used. A turn without a
 * figure (no prompt token evaluated, one token or none generated) does not count for it.
 */
#ifndef SYM_SUMMARY_H
#define SYM_SUMMARY_H

#include <stddef.h>

#include "base/status.h"
#include "memory/feedback.h"

enum sym_figure { SYM_FIG_TTFT, SYM_FIG_PROMPT_TPS, SYM_FIG_GEN_TPS, SYM_FIG_RECALL, SYM_N_FIGS };

struct sym_spread {
    double median, p95;
    size_t n; /* turns that had the figure */
};

struct sym_summary {
    size_t turns;
    struct sym_spread fig[SYM_N_FIGS];
    long long prompt, evaluated, generated, peak_rss_kb;
    char models[512]; /* the models used, ", "-separated, first seen first */
};

/* One figure of a record; < 0 when the record has none. */
double sym_figure_of(const struct sym_turn_record *r, enum sym_figure f);
/* "ttft_ms", "prompt_tps", "gen_tps", "recall_ms". */
const char *sym_figure_name(enum sym_figure f);
/* Summarise list. SYM_ERR_NOMEM on allocation failure. */
enum sym_status sym_summarize(const struct sym_turn_records *list, struct sym_summary *out);

#endif
