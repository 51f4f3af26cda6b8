/*
 * test_feedback.c: ratings and turn figures in the memory database (memory/feedback.h), the
 * summary `symbiot stats` prints (stats/summary.h) on records with known values and a fixed clock,
 * and the chart files (stats/chart.h): an SVG with one point per turn, a PNG with the right
 * signature, header and size; the web page's SVG in English and in Russian, with no English word
 * left in the Russian one.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "stats/chart.h"
#include "base/clock.h"
#include "stats/summary.h"
#include "memory/conversations.h"
#include "memory/feedback.h"
#include "memory/store.h"
#include "test.h"

#define NOW ((time_t)1800000000)

static char dir[64];

static struct sym_store *open_db(const char *name)
{
    char p[256], err[512];
    struct sym_store *s = NULL;

    snprintf(p, sizeof p, "%s/%s", dir, name);
    if (sym_store_open(&s, p, err, sizeof err))
        fprintf(stderr, "open %s: %s\n", p, err);
    return s;
}

static void remove_db(const char *name)
{
    const char *ext[] = {"", "-wal", "-shm"};
    char p[300];
    size_t i;

    for (i = 0; i < 3; i++) {
        snprintf(p, sizeof p, "%s/%s%s", dir, name, ext[i]);
        unlink(p);
    }
}

/* Ratings: only a stored answer can be rated; the export sees prompt and answer; deleting the
 * conversation deletes its feedback. */
static void test_ratings(void)
{
    struct sym_store *s = open_db("fb.db");
    struct sym_feedback_items list = {0};
    long long conv = 0, user = 0, answer = 0, id = 0;
    bool found;

    CHECK(s != NULL);
    if (!s)
        return;
    CHECK(sym_conversation_start(s, NOW, &conv) == SYM_OK);
    CHECK(sym_conversation_append(s, conv, "user", "What is 2+2?", NOW) == SYM_OK);
    CHECK(sym_conversation_last_turn(s, conv, &user) == SYM_OK && user > 0);
    CHECK(sym_conversation_append(s, conv, "assistant", "5", NOW) == SYM_OK);
    CHECK(sym_conversation_last_turn(s, conv, &answer) == SYM_OK && answer == user + 1);
    CHECK(sym_feedback_add(s, answer, -1, "wrong sum", NULL, 0, NOW, &id) == SYM_OK && id > 0);
    CHECK(sym_feedback_add(s, answer, 0, NULL, "2+2 is 4", 7, NOW + 1, &id) == SYM_OK);
    CHECK(sym_feedback_add(s, user, 1, NULL, NULL, 0, NOW, &id) == SYM_ERR_INVALID);
    CHECK_CONTAINS(sym_store_errmsg(s), "no such answer");
    CHECK(sym_feedback_add(s, 9999, 1, NULL, NULL, 0, NOW, &id) == SYM_ERR_INVALID);
    CHECK(sym_feedback_add(s, answer, 2, NULL, NULL, 0, NOW, &id) == SYM_ERR_INVALID);
    CHECK(sym_feedback_add(s, answer, 1, "\xff", NULL, 0, NOW, &id) == SYM_ERR_INVALID);
    CHECK(sym_feedback_list(s, &list) == SYM_OK && list.n == 2);
    if (list.n == 2) {
        CHECK_STR(list.items[0].prompt, "What is 2+2?");
        CHECK_STR(list.items[0].answer, "5");
        CHECK(list.items[0].rating == -1);
        CHECK_STR(list.items[0].reason, "wrong sum");
        CHECK_STR(list.items[1].correction, "2+2 is 4");
        CHECK(list.items[1].rating == 0 && list.items[1].created == NOW + 1);
    }
    CHECK(sym_conversation_delete(s, conv, &found) == SYM_OK && found);
    CHECK(sym_feedback_list(s, &list) == SYM_OK && list.n == 0);
    sym_feedback_items_free(&list);
    sym_store_close(s);
}

static struct sym_turn_record record(time_t t, double ttft, int generated, double gen_ms)
{
    struct sym_turn_record r;

    memset(&r, 0, sizeof r);
    r.created = t;
    snprintf(r.backend, sizeof r.backend, "local");
    snprintf(r.model, sizeof r.model, "b.gguf");
    r.prompt_tokens = 100;
    r.evaluated = 20;
    r.generated = generated;
    r.ttft_ms = ttft;
    r.prompt_ms = 100;
    r.gen_ms = gen_ms;
    r.recall_ms = 0.5;
    r.peak_rss_kb = 1000 + t % 7;
    return r;
}

/* Figures: stored and loaded back by period; the summary's medians and p95 on known values. */
static void test_figures(void)
{
    struct sym_store *s = open_db("stats.db");
    struct sym_turn_records list = {0};
    struct sym_summary sum;
    int i;

    CHECK(s != NULL);
    if (!s)
        return;
    /* Twenty turns a day apart: ttft 10, 20, ... 200 ms; 11 tokens in 100 ms = 100 t/s; one
     * turn that generated nothing has no speed and no ttft. */
    CHECK(sym_store_begin(s) == SYM_OK);
    for (i = 1; i <= 20; i++) {
        struct sym_turn_record r = record(NOW - (20 - i) * 86400, 10.0 * i, 11, 100);

        snprintf(r.model, sizeof r.model, "%s", i < 5 ? "a.gguf" : "b.gguf");
        CHECK(sym_stats_record(s, &r) == SYM_OK);
    }
    {
        struct sym_turn_record r = record(NOW, 0, 0, 0);

        CHECK(sym_stats_record(s, &r) == SYM_OK);
    }
    CHECK(sym_store_commit(s) == SYM_OK);
    CHECK(sym_stats_load(s, 0, &list) == SYM_OK && list.n == 21);
    CHECK(sym_summarize(&list, &sum) == SYM_OK);
    CHECK(sum.turns == 21);
    CHECK(sum.fig[SYM_FIG_TTFT].n == 20);
    CHECK(sum.fig[SYM_FIG_TTFT].median == 100.0); /* nearest rank: the 10th of 20 */
    CHECK(sum.fig[SYM_FIG_TTFT].p95 == 190.0);    /* the 19th */
    CHECK(sum.fig[SYM_FIG_GEN_TPS].n == 20 && sum.fig[SYM_FIG_GEN_TPS].median == 100.0);
    CHECK(sum.fig[SYM_FIG_PROMPT_TPS].median == 200.0);
    CHECK(sum.prompt == 2100 && sum.evaluated == 420 && sum.generated == 220);
    CHECK(sum.peak_rss_kb == 1006);
    CHECK_STR(sum.models, "a.gguf, b.gguf");
    /* The last week: 7 days of turns (days 14..20) and the empty one. */
    CHECK(sym_stats_load(s, NOW - 7 * 86400 + 1, &list) == SYM_OK && list.n == 8);
    sym_turn_records_free(&list);
    sym_store_close(s);
}

/* Only the newest SYM_STATS_KEEP records stay. */
static void test_retention(void)
{
    struct sym_store *s = open_db("keep.db");
    struct sym_turn_records list = {0};
    int i;

    CHECK(s != NULL);
    if (!s)
        return;
    CHECK(sym_store_begin(s) == SYM_OK);
    for (i = 0; i < SYM_STATS_KEEP + 25; i++) {
        struct sym_turn_record r = record(NOW + i, 1, 2, 1);

        if (sym_stats_record(s, &r) != SYM_OK) {
            CHECK(!"record");
            break;
        }
    }
    CHECK(sym_store_commit(s) == SYM_OK);
    CHECK(sym_stats_load(s, 0, &list) == SYM_OK && list.n == SYM_STATS_KEEP);
    if (list.n)
        CHECK(list.items[0].created == NOW + 25);
    sym_turn_records_free(&list);
    sym_store_close(s);
}

static long file_bytes(const char *path, unsigned char *buf, size_t size)
{
    FILE *f = fopen(path, "rb");
    long n;

    if (!f)
        return -1;
    n = (long)fread(buf, 1, size, f);
    fclose(f);
    return n;
}

static int count(const char *hay, const char *needle)
{
    int n = 0;

    while ((hay = strstr(hay, needle))) {
        n++;
        hay += strlen(needle);
    }
    return n;
}

static void test_chart(void)
{
    static unsigned char buf[1 << 20];
    struct chart_point p[30];
    char svg[256], png[256];
    long n;
    int i;

    for (i = 0; i < 30; i++) {
        p[i].t = NOW + i * 60;
        p[i].gen_tps = 10 + i % 5;
        p[i].ttft_ms = 100 + 7 * i;
    }
    snprintf(svg, sizeof svg, "%s/chart.svg", dir);
    snprintf(png, sizeof png, "%s/chart.PNG", dir);
    CHECK(chart_write(svg, p, 30) == 0);
    n = file_bytes(svg, buf, sizeof buf - 1);
    CHECK(n > 0);
    if (n > 0) {
        buf[n] = '\0';
        CHECK(!strncmp((char *)buf, "<?xml", 5));
        CHECK_CONTAINS((char *)buf, "</svg>");
        CHECK(count((char *)buf, "<circle") == 60); /* 30 turns, two panels */
        CHECK(count((char *)buf, "<polyline") == 2);
        CHECK_CONTAINS((char *)buf, "30 turns");
    }
    CHECK(chart_write(png, p, 30) == 0);
    n = file_bytes(png, buf, sizeof buf);
    CHECK(n > 100 && !memcmp(buf, "\x89PNG\r\n\x1a\n", 8));
    if (n > 100) {
        CHECK(!memcmp(buf + 12, "IHDR", 4));
        CHECK(buf[16] == 0 && buf[17] == 0 && buf[18] == CHART_WIDTH / 256 &&
              buf[19] == CHART_WIDTH % 256);
        CHECK(buf[22] == CHART_HEIGHT / 256 && buf[23] == CHART_HEIGHT % 256);
        CHECK(!memcmp(buf + n - 8, "IEND", 4));
    }
    CHECK(chart_write(png, p, 1) == 0); /* a single turn draws too */
    snprintf(svg, sizeof svg, "%s/chart.gif", dir);
    CHECK(chart_write(svg, p, 30) == -1);
    CHECK(access(svg, F_OK) != 0);
    unlink(png);
    snprintf(svg, sizeof svg, "%s/chart.svg", dir);
    unlink(svg);
}

/* The Latin words (two letters or more) in the SVG's <text> and <title> elements, but the
 * program's name, joined by spaces into out. */
static void latin_words(const char *svg, char *out, size_t size)
{
    const char *p = svg, *end;
    size_t used = 0;

    out[0] = '\0';
    while ((p = strstr(p, "<t")) != NULL) {
        if (strncmp(p, "<text", 5) && strncmp(p, "<title>", 7)) {
            p++;
            continue;
        }
        p = strchr(p, '>');
        end = p ? strstr(p, "</t") : NULL;
        if (!end)
            break;
        for (p++; p < end;) {
            size_t n = 0;

            while (p + n < end && ((p[n] | 0x20) >= 'a' && (p[n] | 0x20) <= 'z'))
                n++;
            if (n >= 2 && !(n == 7 && !strncmp(p, "Symbiot", 7)) && used + n + 2 < size) {
                memcpy(out + used, p, n);
                used += n;
                out[used++] = ' ';
                out[used] = '\0';
            }
            p += n ? n : 1;
        }
    }
}

static void test_chart_lang(void)
{
    struct chart_point p[3];
    char *en, *ru, words[512];
    int i;

    for (i = 0; i < 3; i++) {
        p[i].t = NOW + i * 60;
        p[i].gen_tps = 20 + i;
        p[i].ttft_ms = 150 + i;
    }
    en = chart_svg(p, 3, CHART_LANG_EN);
    ru = chart_svg(p, 3, CHART_LANG_RU);
    CHECK(en && ru);
    if (en && ru) {
        CHECK_CONTAINS(en, "Generation speed (tokens/s)");
        CHECK_CONTAINS(en, "Time to first token (ms)");
        CHECK_CONTAINS(en, ">3 turns<");
        CHECK_CONTAINS(ru, "Скорость генерации (токенов/с)");
        CHECK_CONTAINS(ru, "Время до первого токена (мс)");
        CHECK_CONTAINS(ru, ">Ответов: 3<");
        CHECK_CONTAINS(ru, "<title>Symbiot: скорость по ответам</title>");
        CHECK(count(ru, "<circle") == 6); /* the same chart */
        latin_words(ru, words, sizeof words);
        CHECK_STR(words, "");
        latin_words(en, words, sizeof words); /* the check finds English where there is some */
        CHECK_CONTAINS(words, "Generation");
    }
    free(en);
    free(ru);
    CHECK(chart_svg(p, 0, CHART_LANG_RU) == NULL);
}

int main(void)
{
    snprintf(dir, sizeof dir, "/tmp/symbiot-feedback-XXXXXX");
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    sym_clock_fix(NOW);
    test_ratings();
    test_figures();
    test_retention();
    test_chart();
    test_chart_lang();
    sym_clock_unfix();
    remove_db("fb.db");
    remove_db("stats.db");
    remove_db("keep.db");
    rmdir(dir);
    return test_report("test_feedback");
}
