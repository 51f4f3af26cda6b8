/*
 * bench.c: `symbiot bench`, the benchmark a user runs on their own machine and model:
 *
 *   1. prompt processing (ppN) and generation (tgN) speed, measured as llama-bench measures them
 *      (random tokens, an empty KV cache each repetition) and printed in llama-bench's table
 *      layout, so the two tools' figures can be put side by side;
 *   2. a multi-turn chat through the whole assistant (template, memory recall, KV-cache reuse):
 *      time to first token and tokens evaluated per turn;
 *   3. memory search over generated facts: latency p50/p99.
 *
 * Parts 2 and 3 use a scratch memory database in $TMPDIR, removed afterwards: the user's memory
 * and statistics are not touched. Options: --pp N (512), --tg N (128), --reps N (3), --turns N
 * (10), --facts N (10000), --json.
 */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "core/assistant.h"
#include "base/clock.h"
#include "memory/facts.h"
#include "memory/store.h"
#include "modules/registry.h"

struct mean_sd {
    double mean, sd;
};

static struct mean_sd mean_sd(const double *v, int n)
{
    struct mean_sd r = {0, 0};
    int i;

    for (i = 0; i < n; i++)
        r.mean += v[i] / n;
    for (i = 0; n > 1 && i < n; i++)
        r.sd += (v[i] - r.mean) * (v[i] - r.mean) / (n - 1);
    r.sd = sqrt(r.sd);
    return r;
}

/* Part 1: tokens per second of each repetition into tps[0..reps). */
static int raw_speed(struct sym_llm *llm, bool gen, int n, int reps, double *tps)
{
    double ms;
    int i;

    /* A first run warms the caches and the allocator, as llama-bench's warm-up does. */
    if ((gen ? sym_llm_bench_tg : sym_llm_bench_pp)(llm, n, &ms))
        return -1;
    for (i = 0; i < reps; i++) {
        if ((gen ? sym_llm_bench_tg : sym_llm_bench_pp)(llm, n, &ms) || ms <= 0)
            return -1;
        tps[i] = n * 1000.0 / ms;
    }
    return 0;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return x < y ? -1 : x > y;
}

static double pct(double *v, int n, double p)
{
    int rank = (int)(p / 100.0 * n + 0.999999);

    qsort(v, (size_t)n, sizeof *v, cmp_double);
    return n ? v[rank ? rank - 1 : 0] : 0;
}

struct turns_result {
    double ttft_median, ttft_p95, eval_median;
    int turns;
};

static const char *const bench_messages[] = {
    "Hello! My name is Ann and I live in Kazan.",
    "What could I cook for dinner tonight?",
    "Tell me something about the history of tea.",
    "How do I keep a small garden on a balcony?",
    "What is a good way to learn a new language?",
    "Can you suggest a book for a long train ride?",
    "How does a refrigerator keep food cold?",
    "What should I pack for a weekend in the mountains?",
};

/* Part 2: a conversation of n turns through the assistant with a scratch database. The
 * assistant takes llm and frees it. */
static int chat_turns(struct cli *cli, struct sym_llm *llm, const char *dir, int n,
                      struct turns_result *out)
{
    struct sym_config cfg = cli->cfg;
    struct sym_assistant *a = NULL;
    struct sym_store *store = NULL;
    double *ttft = calloc((size_t)n, sizeof *ttft), *eval = calloc((size_t)n, sizeof *eval);
    char path[1200], err[512];
    int i, ret = -1;

    cfg.temp = 0;
    cfg.max_tokens = 32;
    snprintf(path, sizeof path, "%s/bench.db", dir);
    if (sym_assistant_init(&a, &cfg, llm, sym_modules)) /* a owns llm now, even on failure */
        goto out;
    if (!ttft || !eval || sym_store_open(&store, path, err, sizeof err))
        goto out;
    sym_assistant_set_store(a, store); /* a owns store now */
    for (i = 0; i < n; i++) {
        struct sym_turn t;
        const char *msg = bench_messages[i % (sizeof bench_messages / sizeof bench_messages[0])];

        if (sym_assistant_turn(a, msg, NULL, &t)) {
            cli_error("bench: chat turn %d: %s", i + 1, sym_assistant_errmsg(a));
            goto out;
        }
        ttft[i] = t.stats.ttft_ms;
        eval[i] = t.stats.n_evaluated;
        sym_turn_clear(&t);
    }
    out->turns = n;
    out->eval_median = pct(eval, n, 50);
    out->ttft_p95 = pct(ttft, n, 95);
    out->ttft_median = pct(ttft, n, 50);
    ret = 0;
out:
    sym_assistant_free(a);
    free(ttft);
    free(eval);
    return ret;
}

struct search_result {
    double p50, p99;
    int facts, queries;
};

static const char *const words_a[] = {"sister", "brother", "mother",    "friend", "neighbour",
                                      "doctor", "teacher", "colleague", "cousin", "boss"};
static const char *const words_b[] = {"Berlin", "Kazan", "Lisbon", "Tokyo", "Prague",
                                      "Oslo",   "Rome",  "Dublin", "Kyoto", "Madrid"};
static const char *const words_c[] = {"tea",    "jazz",  "chess", "football", "cats",
                                      "hiking", "books", "pizza", "opera",    "sushi"};

/* Part 3: n generated facts in one transaction, then 200 searches. */
static int memory_search(const char *dir, int n, struct search_result *out)
{
    struct sym_store *s = NULL;
    double ms[200];
    char path[1200], err[512], text[256];
    int i, ret = -1;

    snprintf(path, sizeof path, "%s/search.db", dir);
    if (sym_store_open(&s, path, err, sizeof err) || sym_store_begin(s))
        goto out;
    for (i = 0; i < n; i++) {
        struct sym_fact_input in = {text, NULL, NULL, 0, false, 0};
        long long id;
        bool existed;

        snprintf(text, sizeof text, "My %s %d lives in %s and likes %s", words_a[i % 10], i,
                 words_b[(i / 10) % 10], words_c[(i / 100) % 10]);
        if (sym_fact_add(s, &in, &id, &existed))
            goto out;
    }
    if (sym_store_commit(s))
        goto out;
    for (i = 0; i < 200; i++) {
        struct sym_facts hits = {0};
        char q[128];
        double t0;

        snprintf(q, sizeof q, "where does my %s live, the one who likes %s?", words_a[i % 10],
                 words_c[(i / 10) % 10]);
        t0 = sym_clock_ms();
        if (sym_fact_search(s, q, 10, &hits))
            goto out;
        ms[i] = sym_clock_ms() - t0;
        sym_facts_free(&hits);
    }
    out->facts = n;
    out->queries = 200;
    out->p99 = pct(ms, 200, 99);
    out->p50 = pct(ms, 200, 50);
    ret = 0;
out:
    if (ret)
        cli_error("bench: memory search: %s", s ? sym_store_errmsg(s) : err);
    sym_store_close(s);
    return ret;
}

static void remove_scratch(const char *dir)
{
    const char *names[] = {"bench.db",  "bench.db-wal",  "bench.db-shm",
                           "search.db", "search.db-wal", "search.db-shm"};
    char path[1200];
    size_t i;

    for (i = 0; i < sizeof names / sizeof names[0]; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        unlink(path);
    }
    rmdir(dir);
}

struct bench_report {
    char model[256];
    uint64_t bytes, params;
    int threads, ctx, pp, tg, reps;
    struct mean_sd pp_tps, tg_tps;
    struct turns_result turns;
    struct search_result search;
};

static void print_report(const struct bench_report *r)
{
    char size[32], params[32];

    if (r->bytes >= 1024ull * 1024 * 1024)
        snprintf(size, sizeof size, "%.2f GiB", (double)r->bytes / (1024.0 * 1024 * 1024));
    else
        snprintf(size, sizeof size, "%.2f MiB", (double)r->bytes / (1024.0 * 1024));
    snprintf(params, sizeof params, r->params >= 1000000000 ? "%.2f B" : "%.2f M",
             (double)r->params / (r->params >= 1000000000 ? 1e9 : 1e6));
    printf("| model | size | params | backend | threads | test | t/s |\n");
    printf("| --- | ---: | ---: | --- | ---: | ---: | ---: |\n");
    printf("| %s | %s | %s | CPU | %d | pp%d | %.2f ± %.2f |\n", r->model, size, params, r->threads,
           r->pp, r->pp_tps.mean, r->pp_tps.sd);
    printf("| %s | %s | %s | CPU | %d | tg%d | %.2f ± %.2f |\n\n", r->model, size, params,
           r->threads, r->tg, r->tg_tps.mean, r->tg_tps.sd);
    printf("chat, %d turns through the assistant (context %d, 32 tokens per answer):\n"
           "  time to first token median %.1f ms, p95 %.1f ms; tokens evaluated per turn "
           "median %.0f\n",
           r->turns.turns, r->ctx, r->turns.ttft_median, r->turns.ttft_p95, r->turns.eval_median);
    printf("memory search, %d facts, %d queries (k = 10): p50 %.2f ms, p99 %.2f ms\n",
           r->search.facts, r->search.queries, r->search.p50, r->search.p99);
}

static int print_report_json(const struct bench_report *r)
{
    cJSON *o = cJSON_CreateObject();
    char *text;

    if (!o)
        return -1;
    cJSON_AddStringToObject(o, "model", r->model);
    cJSON_AddNumberToObject(o, "size_bytes", (double)r->bytes);
    cJSON_AddNumberToObject(o, "params", (double)r->params);
    cJSON_AddNumberToObject(o, "threads", r->threads);
    cJSON_AddNumberToObject(o, "pp_tokens", r->pp);
    cJSON_AddNumberToObject(o, "pp_tps", r->pp_tps.mean);
    cJSON_AddNumberToObject(o, "pp_tps_sd", r->pp_tps.sd);
    cJSON_AddNumberToObject(o, "tg_tokens", r->tg);
    cJSON_AddNumberToObject(o, "tg_tps", r->tg_tps.mean);
    cJSON_AddNumberToObject(o, "tg_tps_sd", r->tg_tps.sd);
    cJSON_AddNumberToObject(o, "chat_turns", r->turns.turns);
    cJSON_AddNumberToObject(o, "chat_ttft_ms_median", r->turns.ttft_median);
    cJSON_AddNumberToObject(o, "chat_ttft_ms_p95", r->turns.ttft_p95);
    cJSON_AddNumberToObject(o, "chat_evaluated_median", r->turns.eval_median);
    cJSON_AddNumberToObject(o, "search_facts", r->search.facts);
    cJSON_AddNumberToObject(o, "search_ms_p50", r->search.p50);
    cJSON_AddNumberToObject(o, "search_ms_p99", r->search.p99);
    text = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    if (!text)
        return -1;
    puts(text);
    free(text);
    return 0;
}

int cli_bench(struct cli *cli, struct sym_llm *llm)
{
    /* llm is owned: freed by part 2's assistant, or here when an earlier part fails. */
    const struct cli_bench *b = &cli->bench;
    struct bench_report r;
    double *tps = calloc((size_t)b->reps, sizeof *tps);
    const char *tmp = getenv("TMPDIR");
    char dir[1024];
    int code = CLI_EXIT_FAIL;

    memset(&r, 0, sizeof r);
    snprintf(dir, sizeof dir, "%s/symbiot-bench-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!tps || !mkdtemp(dir)) {
        cli_error("bench: cannot make a scratch directory in %s", tmp && *tmp ? tmp : "/tmp");
        free(tps);
        sym_llm_free(llm);
        return CLI_EXIT_FAIL;
    }
    snprintf(r.model, sizeof r.model, "%s", sym_llm_describe(llm));
    sym_llm_model_size(llm, &r.bytes, &r.params);
    r.threads = sym_llm_n_threads(llm);
    r.ctx = sym_llm_n_ctx(llm);
    r.pp = b->pp;
    r.tg = b->tg;
    r.reps = b->reps;
    if (!cli->json)
        fprintf(stderr,
                "symbiot: bench: pp%d, tg%d (%d repetitions each), %d chat turns, "
                "%d facts...\n",
                b->pp, b->tg, b->reps, b->turns, b->facts);
    if (raw_speed(llm, false, b->pp, b->reps, tps)) {
        cli_error("bench: pp%d: %s", b->pp, sym_llm_errmsg(llm));
        sym_llm_free(llm);
        goto out;
    }
    r.pp_tps = mean_sd(tps, b->reps);
    if (raw_speed(llm, true, b->tg, b->reps, tps)) {
        cli_error("bench: tg%d: %s", b->tg, sym_llm_errmsg(llm));
        sym_llm_free(llm);
        goto out;
    }
    r.tg_tps = mean_sd(tps, b->reps);
    if (chat_turns(cli, llm, dir, b->turns, &r.turns) || /* frees llm */
        memory_search(dir, b->facts, &r.search))
        goto out;
    if (cli->json ? print_report_json(&r) : (print_report(&r), 0))
        cli_error("out of memory");
    else
        code = CLI_EXIT_OK;
out:
    remove_scratch(dir);
    free(tps);
    return code;
}
