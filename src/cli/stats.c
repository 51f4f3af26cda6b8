/*
 * stats.c: the CLI's view of what Symbiot recorded: `symbiot stats [--days N] [--json] [--plot
 * FILE.svg|FILE.png]` summarises the chat turns of the last N days (default 7; 0 = all kept):
 * medians and 95th percentiles of time to first token, prompt and generation speed and recall
 * time, token totals, peak memory, the models used; and `symbiot feedback export [FILE]` writes
 * the rated answers as JSON Lines for fine-tuning: {"prompt", "answer", "rating", "reason",
 * "correction", "time"}.
 */
#include <cjson/cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stats/chart.h"
#include "cli/cli.h"
#include "base/clock.h"
#include "stats/summary.h"
#include "memory/feedback.h"

static int print_json(const struct sym_summary *sum, int days)
{
    cJSON *o = cJSON_CreateObject(), *tok;
    char *text = NULL;
    int f, code = CLI_EXIT_FAIL;

    if (!o)
        goto out;
    cJSON_AddNumberToObject(o, "days", days);
    cJSON_AddNumberToObject(o, "turns", (double)sum->turns);
    for (f = 0; f < SYM_N_FIGS; f++) {
        cJSON *s = cJSON_AddObjectToObject(o, sym_figure_name((enum sym_figure)f));

        if (!s)
            goto out;
        cJSON_AddNumberToObject(s, "median", sum->fig[f].median);
        cJSON_AddNumberToObject(s, "p95", sum->fig[f].p95);
    }
    tok = cJSON_AddObjectToObject(o, "tokens");
    if (!tok)
        goto out;
    cJSON_AddNumberToObject(tok, "prompt", (double)sum->prompt);
    cJSON_AddNumberToObject(tok, "evaluated", (double)sum->evaluated);
    cJSON_AddNumberToObject(tok, "generated", (double)sum->generated);
    cJSON_AddNumberToObject(o, "peak_rss_kb", (double)sum->peak_rss_kb);
    cJSON_AddStringToObject(o, "models", sum->models);
    text = cJSON_PrintUnformatted(o);
    if (text) {
        puts(text);
        code = CLI_EXIT_OK;
    }
out:
    if (code)
        cli_error("out of memory");
    free(text);
    cJSON_Delete(o);
    return code;
}

static void print_text(const struct sym_turn_records *list, const struct sym_summary *sum, int days)
{
    const struct sym_spread *f = sum->fig;
    char first[64], last[64];

    if (!list->n) {
        printf(days ? "No chat turns recorded in the last %d day%s.\n"
                    : "No chat turns recorded yet.\n",
               days, days == 1 ? "" : "s");
        return;
    }
    cli_iso_local(list->items[0].created, first, sizeof first);
    cli_iso_local(list->items[list->n - 1].created, last, sizeof last);
    printf("%zu chat turn%s from %s to %s\n", list->n, list->n == 1 ? "" : "s", first, last);
    cli_printf(stdout, "models: %s\n\n", sum->models);
    printf("%-22s %12s %12s\n", "", "median", "p95");
    printf("%-22s %9.1f ms %9.1f ms\n", "time to first token", f[SYM_FIG_TTFT].median,
           f[SYM_FIG_TTFT].p95);
    printf("%-22s %8.1f t/s %8.1f t/s\n", "prompt speed", f[SYM_FIG_PROMPT_TPS].median,
           f[SYM_FIG_PROMPT_TPS].p95);
    printf("%-22s %8.1f t/s %8.1f t/s\n", "generation speed", f[SYM_FIG_GEN_TPS].median,
           f[SYM_FIG_GEN_TPS].p95);
    printf("%-22s %9.2f ms %9.2f ms\n\n", "memory recall", f[SYM_FIG_RECALL].median,
           f[SYM_FIG_RECALL].p95);
    printf("tokens: %lld in prompts, %lld evaluated (%.0f%%; the rest came from the KV cache), "
           "%lld generated\n",
           sum->prompt, sum->evaluated,
           sum->prompt ? 100.0 * (double)sum->evaluated / (double)sum->prompt : 0, sum->generated);
    printf("peak memory: %.1f MiB\n", (double)sum->peak_rss_kb / 1024.0);
}

static int plot(const char *path, const struct sym_turn_records *list)
{
    struct chart_point *p;
    int rc;

    if (!list->n) {
        cli_error("nothing to plot: no chat turns recorded in that period");
        return CLI_EXIT_FAIL;
    }
    p = chart_points(list);
    if (!p) {
        cli_error("out of memory");
        return CLI_EXIT_FAIL;
    }
    rc = chart_write(path, p, list->n);
    free(p);
    if (rc) {
        cli_error(errno == EINVAL ? "%s: the chart is written as .svg or .png: name the file so"
                                  : "cannot write %s: %s",
                  path, strerror(errno));
        return CLI_EXIT_FAIL;
    }
    fprintf(stderr, "symbiot: wrote %s (%zu turn%s)\n", path, list->n, list->n == 1 ? "" : "s");
    return CLI_EXIT_OK;
}

int cli_stats(struct cli *cli, struct sym_store *store)
{
    struct sym_turn_records list = {0};
    struct sym_summary sum;
    time_t since = cli->stats_days > 0 ? sym_clock_now() - (time_t)cli->stats_days * 86400 : 0;
    int code;

    if (sym_stats_load(store, since, &list)) {
        cli_error("%s", sym_store_errmsg(store));
        return CLI_EXIT_FAIL;
    }
    if (sym_summarize(&list, &sum)) {
        sym_turn_records_free(&list);
        cli_error("out of memory");
        return CLI_EXIT_FAIL;
    }
    if (cli->plot)
        code = plot(cli->plot, &list);
    else if (cli->json)
        code = print_json(&sum, cli->stats_days);
    else {
        print_text(&list, &sum, cli->stats_days);
        code = CLI_EXIT_OK;
    }
    sym_turn_records_free(&list);
    return code;
}

/* One exported line. */
static char *feedback_line(const struct sym_feedback_item *f)
{
    cJSON *o = cJSON_CreateObject();
    char when[64], *text = NULL;

    cli_iso_local(f->created, when, sizeof when);
    if (o && cJSON_AddStringToObject(o, "prompt", f->prompt) &&
        cJSON_AddStringToObject(o, "answer", f->answer) &&
        cJSON_AddNumberToObject(o, "rating", f->rating) &&
        cJSON_AddStringToObject(o, "reason", f->reason) &&
        cJSON_AddStringToObject(o, "correction", f->correction) &&
        cJSON_AddStringToObject(o, "time", when))
        text = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    return text;
}

int cli_feedback_export(struct cli *cli, struct sym_store *store)
{
    struct sym_feedback_items list = {0};
    FILE *f = stdout;
    size_t i;
    int code = CLI_EXIT_OK;

    if (sym_feedback_list(store, &list)) {
        cli_error("%s", sym_store_errmsg(store));
        return CLI_EXIT_FAIL;
    }
    if (cli->export_path && !(f = fopen(cli->export_path, "w"))) {
        cli_error("cannot write %s: %s", cli->export_path, strerror(errno));
        sym_feedback_items_free(&list);
        return CLI_EXIT_FAIL;
    }
    for (i = 0; i < list.n && !code; i++) {
        char *line = feedback_line(&list.items[i]);

        if (!line || fprintf(f, "%s\n", line) < 0)
            code = CLI_EXIT_FAIL;
        free(line);
    }
    if (f != stdout && fclose(f))
        code = CLI_EXIT_FAIL;
    else if (f == stdout && fflush(f))
        code = CLI_EXIT_FAIL;
    if (code)
        cli_error("cannot write the export: %s", strerror(errno));
    else if (cli->export_path)
        fprintf(stderr, "symbiot: exported %zu rated answer%s to %s\n", list.n,
                list.n == 1 ? "" : "s", cli->export_path);
    sym_feedback_items_free(&list);
    return code;
}
