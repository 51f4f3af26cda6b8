/*
 * episodic.c: `bench_episodic`, the quality of episodic memory (memory/episodes.h) on the
 * conversational test set in tests/data/episodic/: for each half (dev, tuned on; holdout, written
 * blind and never tuned on), recall@1, @5 and @10 per kind of question, for Symbiot's turn search
 * next to a plain Okapi BM25 with dates over the same turns, the baseline the issue measured.
 *
 * Each conversation is imported into a fresh memory database of its own through the same calls
 * as `memory import --conversations` (sym_conversation_import_*), and each of its questions is
 * asked with the question's own time as "now". A question's recall@k is the share of its
 * evidence turns among the first k results; the figures are the means over the questions.
 *
 * The baseline (bm25_*): each turn is a document of its words (lower case, split at anything
 * that is not a letter or a digit, no stemming, no stop words) plus its date written out ("8
 * March 2025"), scored by Okapi BM25 with k1 1.2 and b 0.75 over the conversation's turns.
 *
 * Usage: bench_episodic [--verbose] [--as-facts] [--embed-model GGUF] [DIR...]
 *        bench_episodic --import N | --speed N
 *   (default: the dev and holdout halves)
 *   --verbose: each question, with the rank of each evidence turn ("-": not in the top 10).
 *   --as-facts: each turn stored as a fact instead (its time as the event time) and the
 *     questions asked of the facts (sym_fact_search), as the first measurement did.
 *   --embed-model GGUF: --as-facts with an embedding model: search by meaning fused with the
 *     full text (the random-weight test model shows what a weak model does to the ranking).
 *   --import N: time the import of N generated turns (turns/s) instead.
 *   --speed N: search time (p50, p99) at N items, half facts and half turns (see time_search).
 */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/clock.h"
#include "base/utf8.h"
#include "core/embedding.h"
#include "llm/embed.h"
#include "memory/conversations.h"
#include "memory/episodes.h"
#include "memory/facts.h"
#include "memory/store.h"

#define MAX_TURNS 20000
#define MAX_EVIDENCE 16
#define KINDS 4

static const char *const kinds[KINDS] = {"single-hop", "multi-hop", "temporal", "open"};

struct turn {
    char conv[128];
    char session[128];
    char speaker[128];
    char *text;
    time_t time;
};

struct question {
    char conv[128];
    char *text;
    int kind;
    int evidence[MAX_EVIDENCE];
    int n_evidence;
    time_t asked;
};

/* Sums of recall@1,5,10 and the count, per kind (KINDS = all). */
struct score {
    double r[KINDS + 1][3];
    int n[KINDS + 1];
};

static bool verbose;  /* --verbose: each question, with where its evidence ranked */
static bool as_facts; /* --as-facts: the turns stored as facts, searched by sym_fact_search */
static struct sym_embedder *embedder; /* --embed-model: search by meaning too (facts only) */
static struct turn *turns;
static size_t n_turns;
static struct question *questions;
static size_t n_questions;

static bool parse_time(const char *s, time_t *out)
{
    struct tm tm = {0};
    int y, mo, d, h = 0, mi = 0, sec = 0;

    if (sscanf(s, "%d-%d-%dT%d:%d:%d", &y, &mo, &d, &h, &mi, &sec) < 3)
        return false;
    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_min = mi;
    tm.tm_sec = sec;
    *out = mktime(&tm); /* TZ is UTC (main) */
    return true;
}

static const char *str(const cJSON *o, const char *k)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);

    return cJSON_IsString(v) ? v->valuestring : NULL;
}

static bool load(const char *dir)
{
    char path[1024], *line = NULL;
    size_t cap = 0;
    FILE *f;

    snprintf(path, sizeof path, "%s/conversations.jsonl", dir);
    f = fopen(path, "r");
    if (!f)
        return perror(path), false;
    while (getline(&line, &cap, f) > 0) {
        cJSON *o = cJSON_Parse(line);
        struct turn *t = &turns[n_turns];
        const char *v;

        if (!o || n_turns == MAX_TURNS || !str(o, "conversation") || !str(o, "text"))
            return fprintf(stderr, "%s: bad line\n", path), false;
        memset(t, 0, sizeof *t);
        snprintf(t->conv, sizeof t->conv, "%s", str(o, "conversation"));
        snprintf(t->speaker, sizeof t->speaker, "%s", str(o, "speaker") ? str(o, "speaker") : "");
        snprintf(t->session, sizeof t->session, "%s", str(o, "session") ? str(o, "session") : "");
        t->text = strdup(str(o, "text"));
        v = str(o, "time");
        if (v)
            parse_time(v, &t->time);
        n_turns++;
        cJSON_Delete(o);
    }
    fclose(f);
    snprintf(path, sizeof path, "%s/questions.jsonl", dir);
    f = fopen(path, "r");
    if (!f)
        return perror(path), false;
    while (getline(&line, &cap, f) > 0) {
        cJSON *o = cJSON_Parse(line), *ev, *e;
        struct question *q;
        const char *kind;
        int i;

        questions = realloc(questions, sizeof *questions * (n_questions + 1));
        q = &questions[n_questions];
        memset(q, 0, sizeof *q);
        if (!o || !str(o, "question") || !str(o, "conversation") || !(kind = str(o, "kind")))
            return fprintf(stderr, "%s: bad line\n", path), false;
        snprintf(q->conv, sizeof q->conv, "%s", str(o, "conversation"));
        q->text = strdup(str(o, "question"));
        for (i = 0; i < KINDS && strcmp(kinds[i], kind); i++)
            ;
        if (i == KINDS && (!strcmp(kind, "open-domain") || !strcmp(kind, "adversarial")))
            i = 3;
        q->kind = i == KINDS ? 3 : i;
        ev = cJSON_GetObjectItemCaseSensitive(o, "evidence");
        cJSON_ArrayForEach(e, ev) if (cJSON_IsNumber(e) && q->n_evidence < MAX_EVIDENCE)
            q->evidence[q->n_evidence++] = e->valueint;
        if (!str(o, "asked_at") || !parse_time(str(o, "asked_at"), &q->asked))
            q->asked = 0;
        n_questions++;
        cJSON_Delete(o);
    }
    fclose(f);
    free(line);
    return true;
}

static void add_score(struct score *sc, int kind, const int *ranked, int n_ranked,
                      const struct question *q)
{
    static const int ks[3] = {1, 5, 10};
    int j, r, e;

    if (!q->n_evidence)
        return;
    for (j = 0; j < 3; j++) {
        int found = 0;

        for (e = 0; e < q->n_evidence; e++)
            for (r = 0; r < ks[j] && r < n_ranked; r++)
                if (ranked[r] == q->evidence[e]) {
                    found++;
                    break;
                }
        sc->r[kind][j] += (double)found / q->n_evidence;
        sc->r[KINDS][j] += (double)found / q->n_evidence;
    }
    sc->n[kind]++;
    sc->n[KINDS]++;
}

/* ---- the BM25 baseline ---- */

struct doc {
    char **words;
    int n;
};

/* Lower-case words of text (ASCII and Cyrillic letters, digits). */
static void tokenize(const char *text, struct doc *d)
{
    char *norm = strdup(text), *p, *w;
    int cap = 0;

    /* lower case: ASCII and the Cyrillic А-Я (D0 90..D0 AF) and Ё */
    for (p = norm; *p; p++) {
        unsigned char c = (unsigned char)*p;

        if (c >= 'A' && c <= 'Z')
            *p = (char)(c + 32);
        else if (c == 0xD0 && p[1]) {
            unsigned char n = (unsigned char)p[1];

            if (n >= 0x90 && n <= 0x9F)
                p[1] = (char)(n + 0x20);
            else if (n >= 0xA0 && n <= 0xAF) {
                p[0] = (char)0xD1;
                p[1] = (char)(n - 0x20);
            } else if (n == 0x81) {
                p[0] = (char)0xD1;
                p[1] = (char)0x91;
            }
            p++;
        }
    }
    d->n = 0;
    d->words = NULL;
    for (p = norm; *p;) {
        while (*p && !(((unsigned char)*p >= 0x80) || (*p >= 'a' && *p <= 'z') ||
                       (*p >= '0' && *p <= '9')))
            p++;
        if (!*p)
            break;
        w = p;
        while (*p && (((unsigned char)*p >= 0x80 && !(p[0] == (char)0xC2 || p[0] == (char)0xE2)) ||
                      (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9')))
            p++;
        if (d->n == cap) {
            cap = cap ? cap * 2 : 16;
            d->words = realloc(d->words, sizeof *d->words * cap);
        }
        d->words[d->n++] = strndup(w, (size_t)(p - w));
        if ((unsigned char)*p == 0xC2 || (unsigned char)*p == 0xE2)
            p += (unsigned char)*p == 0xC2 ? 2 : 3; /* «», — and the like */
    }
    free(norm);
}

static void doc_free(struct doc *d)
{
    int i;

    for (i = 0; i < d->n; i++)
        free(d->words[i]);
    free(d->words);
}

static int count_in(const struct doc *d, const char *w)
{
    int i, n = 0;

    for (i = 0; i < d->n; i++)
        n += !strcmp(d->words[i], w);
    return n;
}

struct ranked {
    int idx;
    double score;
};

static int by_score(const void *a, const void *b)
{
    const struct ranked *x = a, *y = b;

    return x->score < y->score ? 1 : x->score > y->score ? -1 : x->idx - y->idx;
}

/* BM25 ranking of the n docs for query; the first 10 indexes into ranked. */
static int bm25(const struct doc *docs, int n, const char *query, int *ranked)
{
    struct doc q;
    struct ranked *r = calloc((size_t)n, sizeof *r);
    double avg = 0;
    int i, j, m = 0;

    tokenize(query, &q);
    for (i = 0; i < n; i++)
        avg += docs[i].n;
    avg /= n ? n : 1;
    for (i = 0; i < n; i++) {
        r[i].idx = i;
        for (j = 0; j < q.n; j++) {
            int df = 0, tf = count_in(&docs[i], q.words[j]), k;
            double idf;

            if (!tf)
                continue;
            for (k = 0; k < n; k++)
                df += count_in(&docs[k], q.words[j]) > 0;
            idf = log(1.0 + (n - df + 0.5) / (df + 0.5));
            r[i].score += idf * tf * 2.2 / (tf + 1.2 * (0.25 + 0.75 * docs[i].n / avg));
        }
    }
    qsort(r, (size_t)n, sizeof *r, by_score);
    for (i = 0; i < n && i < 10 && r[i].score > 0; i++)
        ranked[m++] = r[i].idx;
    free(r);
    doc_free(&q);
    return m;
}

/* ---- one half ---- */

static void print_row(const char *name, const struct score *sc)
{
    int k;

    printf("  %-22s", name);
    for (k = 0; k <= KINDS; k++)
        if (sc->n[k])
            printf("  %.3f/%.3f/%.3f", sc->r[k][0] / sc->n[k], sc->r[k][1] / sc->n[k],
                   sc->r[k][2] / sc->n[k]);
        else
            printf("  %-17s", "-");
    putchar('\n');
}

static int run_half(const char *dir, const char *scratch)
{
    static const char *const months[12] = {"January",   "February", "March",    "April",
                                           "May",       "June",     "July",     "August",
                                           "September", "October",  "November", "December"};
    struct score ours = {0}, base = {0};
    size_t first, last, qi;
    int k;

    n_turns = 0;
    n_questions = 0;
    if (!load(dir))
        return 1;
    for (first = 0; first < n_turns; first = last) {
        char db[1100], err[512];
        struct sym_store *s = NULL;
        struct doc *docs;
        long long conv = 0, base_id = 0, *fact_ids;
        bool existed;
        size_t i;

        for (last = first; last < n_turns && !strcmp(turns[last].conv, turns[first].conv); last++)
            ;
        snprintf(db, sizeof db, "%s/episodic-%d.db", scratch, (int)getpid());
        unlink(db);
        if (sym_store_open(&s, db, err, sizeof err))
            return fprintf(stderr, "%s\n", err), 1;
        if (embedder)
            sym_embedding_attach(s, embedder);
        sym_store_begin(s);
        sym_conversation_import_start(s, turns[first].conv, NULL, turns[first].time, &conv,
                                      &existed);
        docs = calloc(last - first, sizeof *docs);
        fact_ids = calloc(last - first, sizeof *fact_ids);
        for (i = first; i < last; i++) {
            struct sym_turn_input t = {0};
            char with_date[8192];
            struct tm tm;

            t.role = strcmp(turns[i].speaker, "assistant") ? "user" : "assistant";
            t.speaker = turns[i].speaker;
            t.session = turns[i].session[0] ? turns[i].session : NULL;
            t.text = turns[i].text;
            t.time = turns[i].time;
            if (as_facts) {
                struct sym_fact_input in = {0};

                in.text = turns[i].text;
                in.event_time = turns[i].time;
                in.now = turns[i].time;
                if (sym_fact_add(s, &in, &fact_ids[i - first], &existed))
                    return fprintf(stderr, "%s\n", sym_store_errmsg(s)), 1;
            } else if (sym_conversation_import_turn(s, conv, &t)) {
                return fprintf(stderr, "%s\n", sym_store_errmsg(s)), 1;
            }
            gmtime_r(&turns[i].time, &tm);
            snprintf(with_date, sizeof with_date, "%s %d %s %d", turns[i].text, tm.tm_mday,
                     months[tm.tm_mon], tm.tm_year + 1900);
            tokenize(with_date, &docs[i - first]);
        }
        sym_store_commit(s);
        {
            struct sym_conversation_turns all = {0};
            bool found;

            sym_conversation_load(s, conv, &all, &found);
            base_id = all.n ? all.items[0].id : 0;
            sym_conversation_turns_free(&all);
        }
        for (qi = 0; qi < n_questions; qi++) {
            struct question *q = &questions[qi];
            struct sym_turn_filter f = {0};
            struct sym_turn_hits hits = {0};
            int ranked[10], n = 0;

            if (strcmp(q->conv, turns[first].conv))
                continue;
            f.only_conversation = conv;
            f.now = q->asked;
            if (as_facts) {
                struct sym_facts facts = {0};

                if (q->asked) /* "two weeks ago" is read against when it was asked */
                    sym_clock_fix(q->asked);
                if (sym_fact_search(s, q->text, 10, &facts))
                    return fprintf(stderr, "%s\n", sym_store_errmsg(s)), 1;
                for (i = 0; i < facts.n && n < 10; i++) {
                    size_t j;

                    for (j = 0; j < last - first && fact_ids[j] != facts.items[i].id; j++)
                        ;
                    ranked[n++] = (int)j; /* the first turn of that text */
                }
                sym_clock_unfix();
                sym_facts_free(&facts);
            } else {
                if (sym_turn_search(s, q->text, 10, &f, &hits))
                    return fprintf(stderr, "%s\n", sym_store_errmsg(s)), 1;
                for (i = 0; i < hits.n && n < 10; i++)
                    ranked[n++] = (int)(hits.items[i].id - base_id);
                sym_turn_hits_free(&hits);
            }
            add_score(&ours, q->kind, ranked, n, q);
            if (verbose) {
                int e, r;

                printf("%-12s %-60.60s", kinds[q->kind], q->text);
                for (e = 0; e < q->n_evidence; e++) {
                    for (r = 0; r < n && ranked[r] != q->evidence[e]; r++)
                        ;
                    printf(r < n ? " %d" : " -", r + 1);
                }
                putchar('\n');
            }
            n = bm25(docs, (int)(last - first), q->text, ranked);
            add_score(&base, q->kind, ranked, n, q);
        }
        for (i = first; i < last; i++)
            doc_free(&docs[i - first]);
        free(docs);
        free(fact_ids);
        sym_store_close(s);
        unlink(db);
    }
    printf("%s: %zu turns, %zu questions; recall@1/@5/@10\n", dir, n_turns, n_questions);
    printf("  %-22s", "");
    for (k = 0; k < KINDS; k++)
        printf("  %-17s", kinds[k]);
    printf("  %-17s\n", "all");
    print_row(as_facts ? (embedder ? "Symbiot, facts+vectors" : "Symbiot, as facts") : "Symbiot",
              &ours);
    print_row("BM25 with dates", &base);
    for (qi = 0; qi < n_questions; qi++)
        free(questions[qi].text);
    for (qi = 0; qi < n_turns; qi++)
        free(turns[qi].text);
    return 0;
}

/* Import n generated turns (100 a conversation) and print turns/s. */
static int time_import(long n, const char *scratch)
{
    static const char *const words[] = {"sister", "Kazan", "garden", "doctor", "train", "coffee",
                                        "winter", "book",  "работа", "дача",   "кот",   "river"};
    char db[1100], err[512], text[256];
    struct sym_store *s = NULL;
    long long conv = 0;
    double t0;
    clock_t c0;
    bool existed;
    long i;

    snprintf(db, sizeof db, "%s/episodic-import-%d.db", scratch, (int)getpid());
    unlink(db);
    if (sym_store_open(&s, db, err, sizeof err))
        return fprintf(stderr, "%s\n", err), 1;
    t0 = sym_clock_ms();
    c0 = clock();
    sym_store_begin(s);
    for (i = 0; i < n; i++) {
        struct sym_turn_input t = {0};
        char origin[32];
        int j, len = 0;

        if (i % 100 == 0) {
            snprintf(origin, sizeof origin, "c%ld", i / 100);
            sym_conversation_import_start(s, origin, NULL, 1700000000 + i * 60, &conv, &existed);
        }
        for (j = 0; j < 12; j++)
            len += snprintf(text + len, sizeof text - (size_t)len, "%s%s", j ? " " : "",
                            words[(i * 7 + j * 13) % 12]);
        t.role = i % 2 ? "assistant" : "user";
        t.text = text;
        t.time = 1700000000 + i * 60;
        if (sym_conversation_import_turn(s, conv, &t))
            return fprintf(stderr, "%s\n", sym_store_errmsg(s)), 1;
    }
    sym_store_commit(s);
    printf("import: %ld turns in %.0f ms: %.0f turns/s (CPU time %.0f ms: %.0f turns/s)\n", n,
           sym_clock_ms() - t0, n / ((sym_clock_ms() - t0) / 1000.0),
           (double)(clock() - c0) * 1000.0 / CLOCKS_PER_SEC,
           n / ((double)(clock() - c0) / CLOCKS_PER_SEC));
    sym_store_close(s);
    unlink(db);
    return 0;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return x < y ? -1 : x > y;
}

/* Search speed at n items, half facts and half turns, made of the dev half's words drawn at their
 * own frequencies (12 words a turn, 8 a fact): the dev questions searched as `memory search`
 * does (facts, then turns), p50 and p99 over all of them, three rounds. */
static int time_search(long n, const char *dev, const char *scratch)
{
    char db[1100], err[512], text[512];
    struct sym_store *s = NULL;
    char **words = NULL;
    size_t n_words = 0, cap = 0, i, qi;
    double *ms, *fact_ms, *turn_ms, *cpu_ms, t0;
    clock_t c0;
    long long conv = 0, fact = 0;
    bool existed;
    int round, m = 0;

    if (!load(dev))
        return 1;
    for (i = 0; i < n_turns; i++) {
        struct doc d;
        int j;

        tokenize(turns[i].text, &d);
        for (j = 0; j < d.n; j++) {
            if (n_words == cap)
                words = realloc(words, sizeof *words * (cap = cap ? cap * 2 : 1024));
            words[n_words++] = d.words[j];
        }
        free(d.words);
    }
    snprintf(db, sizeof db, "%s/episodic-speed-%d.db", scratch, (int)getpid());
    unlink(db);
    if (sym_store_open(&s, db, err, sizeof err))
        return fprintf(stderr, "%s\n", err), 1;
    srand(42);
    t0 = sym_clock_ms();
    c0 = clock();
    sym_store_begin(s);
    for (i = 0; i < (size_t)n; i++) {
        int j, len = 0, nw = i % 2 ? 8 : 12;

        for (j = 0; j < nw; j++)
            len += snprintf(text + len, sizeof text - (size_t)len, "%s%s", j ? " " : "",
                            words[(size_t)rand() % n_words]);
        if (i % 2) {
            struct sym_fact_input in = {0};

            snprintf(text + len, sizeof text - (size_t)len, " %zu", i); /* each fact unique */
            in.text = text;
            in.now = 1700000000;
            if (sym_fact_add(s, &in, &fact, &existed))
                return fprintf(stderr, "%s\n", sym_store_errmsg(s)), 1;
        } else {
            struct sym_turn_input t = {0};
            char origin[32];

            if (i % 200 == 0) {
                snprintf(origin, sizeof origin, "c%zu", i / 200);
                sym_conversation_import_start(s, origin, NULL, 1700000000 + (time_t)i * 60, &conv,
                                              &existed);
            }
            t.role = i % 4 ? "assistant" : "user";
            t.text = text;
            t.time = 1700000000 + (time_t)i * 60;
            if (sym_conversation_import_turn(s, conv, &t))
                return fprintf(stderr, "%s\n", sym_store_errmsg(s)), 1;
        }
        if (i % 100000 == 99999) {
            sym_store_commit(s);
            sym_store_begin(s);
        }
    }
    sym_store_commit(s);
    printf("search speed: %ld facts+turns (half each) written in %.1f s (%.0f a second, CPU "
           "time %.1f s)\n",
           n, (sym_clock_ms() - t0) / 1000.0, n / ((sym_clock_ms() - t0) / 1000.0),
           (double)(clock() - c0) / CLOCKS_PER_SEC);
    ms = malloc(sizeof *ms * n_questions * 3);
    fact_ms = malloc(sizeof *ms * n_questions * 3);
    turn_ms = malloc(sizeof *ms * n_questions * 3);
    cpu_ms = malloc(sizeof *ms * n_questions * 3);
    for (round = 0; round < 3; round++)
        for (qi = 0; qi < n_questions; qi++) {
            struct sym_facts facts = {0};
            struct sym_turn_hits hits = {0};
            struct sym_turn_filter f = {0, 0, 0};

            f.now = questions[qi].asked;
            c0 = clock();
            t0 = sym_clock_ms();
            if (sym_fact_search(s, questions[qi].text, 10, &facts))
                return fprintf(stderr, "%s\n", sym_store_errmsg(s)), 1;
            fact_ms[m] = sym_clock_ms() - t0;
            if (sym_turn_search(s, questions[qi].text, 10, &f, &hits))
                return fprintf(stderr, "%s\n", sym_store_errmsg(s)), 1;
            ms[m] = sym_clock_ms() - t0;
            turn_ms[m] = ms[m] - fact_ms[m];
            cpu_ms[m] = (double)(clock() - c0) * 1000.0 / CLOCKS_PER_SEC;
            m++;
            sym_facts_free(&facts);
            sym_turn_hits_free(&hits);
        }
    qsort(ms, (size_t)m, sizeof *ms, cmp_double);
    qsort(fact_ms, (size_t)m, sizeof *ms, cmp_double);
    qsort(turn_ms, (size_t)m, sizeof *ms, cmp_double);
    qsort(cpu_ms, (size_t)m, sizeof *ms, cmp_double);
    printf("search (facts and turns, k 10) at %ld: p50 %.2f ms, p99 %.2f ms over %d queries "
           "(facts alone p99 %.2f ms, turns alone p99 %.2f ms)\n",
           n, ms[m / 2], ms[m * 99 / 100], m, fact_ms[m * 99 / 100], turn_ms[m * 99 / 100]);
    printf("  CPU time per search (what a loaded machine does not inflate): p50 %.2f ms, p99 %.2f "
           "ms\n",
           cpu_ms[m / 2], cpu_ms[m * 99 / 100]);
    free(ms);
    free(fact_ms);
    free(turn_ms);
    free(cpu_ms);
    for (i = 0; i < n_words; i++)
        free(words[i]);
    free(words);
    sym_store_close(s);
    unlink(db);
    return 0;
}

int main(int argc, char **argv)
{
    const char *scratch = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
    static const char *const halves[] = {SYM_BENCH_EPISODIC "/dev", SYM_BENCH_EPISODIC "/holdout"};
    int i, rc = 0;

    setenv("TZ", "UTC", 1);
    tzset();
    turns = calloc(MAX_TURNS, sizeof *turns);
    if (argc > 2 && !strcmp(argv[1], "--import"))
        return time_import(atol(argv[2]), scratch);
    if (argc > 2 && !strcmp(argv[1], "--speed"))
        return time_search(atol(argv[2]), halves[0], scratch);
    for (;;) {
        if (argc > 1 && !strcmp(argv[1], "--verbose")) {
            verbose = true;
        } else if (argc > 1 && !strcmp(argv[1], "--as-facts")) {
            as_facts = true;
        } else if (argc > 2 && !strcmp(argv[1], "--embed-model")) {
            char err[512];

            if (sym_embedder_init(&embedder, argv[2], 2, err, sizeof err))
                return fprintf(stderr, "%s\n", err), 1;
            as_facts = true;
            argv++;
            argc--;
        } else {
            break;
        }
        argv++;
        argc--;
    }
    if (argc > 1) {
        for (i = 1; i < argc; i++)
            rc |= run_half(argv[i], scratch);
    } else {
        for (i = 0; i < 2; i++)
            if (access(halves[i], R_OK) == 0)
                rc |= run_half(halves[i], scratch);
            else
                printf("%s: not there\n", halves[i]);
    }
    free(turns);
    free(questions);
    sym_embedder_free(embedder);
    return rc;
}
