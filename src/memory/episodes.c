/*
 * episodes.c: searching the stored turns; see episodes.h.
 *
 * The query is made by search.c's sym_search_match() over turns_fts, so a turn is found by the
 * same stems, synonyms and rules as a fact. Ranking: BM25 with a weight per column, the turn's
 * own words first (TURN_W_SEARCH), the words of the turn before it next (TURN_W_CONTEXT: they tell
 * what the turn is about, but the turn before is a hit of its own for them), the date's words
 * last (TURN_W_DATES). FTS5 ranks the matches and hands on the best; the join with turns and
 * conversations reads only those. When more than SYM_SEARCH_CANDIDATES turns match (a query of
 * common words alone on a large store), only the newest that many are ranked: a conversation
 * history grows by the thousand, and among that many equally plain matches the recent ones are
 * the likelier meant; it keeps such a search at a few milliseconds at 1,000,000 turns.
 * Then pseudo-relevance feedback (search.c): the terms the best turns share make a second
 * ranking, over the turns' own words only (the context column would draw in the turn after each),
 * added at a fifth of its weight.
 */
#include "memory/episodes.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/clock.h"
#include "base/utf8.h"
#include "nlp/text.h"
#include "nlp/when.h"
#include "memory/facts_internal.h"
#include "memory/store_internal.h"
#include "memory/terms.h"

/* BM25's weight of each column of turns_fts. */
#define TURN_BM25 "bm25(turns_fts, 1.0, 0.5, 0.5)"

/* A turn said within the period the query names scores this many times more. */
#define PERIOD_BOOST_SQL "3.0"

/* Turns each ranking hands to the merge of the query's and the feedback's rankings, at least, and
 * the most of the first ones read for feedback (search.c keeps FB_DOCS of them). */
#define FB_POOL 20
#define FB_ID_MAX 16

void sym_turn_hits_free(struct sym_turn_hits *list)
{
    size_t i;

    if (!list)
        return;
    for (i = 0; i < list->n; i++) {
        free(list->items[i].conversation_title);
        free(list->items[i].speaker);
        free(list->items[i].session);
        free(list->items[i].text);
    }
    free(list->items);
    list->items = NULL;
    list->n = 0;
}

static char *column_dup(sqlite3_stmt *st, int col, const char *fallback)
{
    const char *v = (const char *)sqlite3_column_text(st, col);

    if (!v && !fallback)
        return NULL;
    return strdup(v ? v : fallback);
}

/* Read the rows of st (the columns of the query in sym_turn_search) into out. SQLite's code. */
static int read_hits(sqlite3_stmt *st, struct sym_turn_hits *out)
{
    size_t cap = 0;
    int src;

    while ((src = sqlite3_step(st)) == SQLITE_ROW) {
        struct sym_turn_hit *h;
        const char *role = (const char *)sqlite3_column_text(st, 3);

        if (out->n == cap) {
            size_t ncap = cap ? cap * 2 : 16;
            struct sym_turn_hit *p = realloc(out->items, sizeof *p * ncap);

            if (!p)
                return SQLITE_NOMEM;
            out->items = p;
            cap = ncap;
        }
        h = &out->items[out->n];
        memset(h, 0, sizeof *h);
        out->n++;
        h->id = sqlite3_column_int64(st, 0);
        h->conversation_id = sqlite3_column_int64(st, 1);
        snprintf(h->role, sizeof h->role, "%s", role ? role : "");
        h->conversation_title = column_dup(st, 2, "");
        h->speaker = column_dup(st, 4, h->role);
        h->session = column_dup(st, 5, NULL);
        h->text = column_dup(st, 6, "");
        h->time = (time_t)sqlite3_column_int64(st, 7);
        h->score = sqlite3_column_double(st, 8);
        if (!h->conversation_title || !h->speaker || !h->text ||
            (sqlite3_column_type(st, 5) != SQLITE_NULL && !h->session))
            return SQLITE_NOMEM;
    }
    return src == SQLITE_DONE ? SQLITE_OK : src;
}

/* The turns that match (an FTS5 query), ranked as the top of the file says, at most limit of
 * them, appended to out. A filter by conversation reads the matches of every conversation, the
 * best of the whole index first, so it asks for more of them: all of them for one conversation, a
 * margin for the conversation left out (the recall's, whose turns are in the prompt already).
 * SQLite's code. */
static int run_match(struct sym_store *s, const char *match, const struct sym_turn_filter *f,
                     long long limit, bool period, time_t from, time_t to,
                     struct sym_turn_hits *out)
{
    sqlite3_stmt *st = NULL;
    int src = sym_store_query(
        s, &st,
        "WITH hits AS (SELECT rowid AS id, -" TURN_BM25 " AS rel FROM turns_fts "
        "              WHERE turns_fts MATCH ?1 AND " SYM_SEARCH_NEWEST(
            "turns_fts", "?1",
            SYM_SEARCH_CANDIDATES) " "
                                   "              ORDER BY rel DESC LIMIT ?2) "
                                   "SELECT t.id, t.conversation_id, coalesce(c.title, ''), t.role, "
                                   "t.speaker, t.session, "
                                   "  t.text, t.created, h.rel * (CASE WHEN t.created >= ?6 AND "
                                   "t.created < ?7 "
                                   "    THEN " PERIOD_BOOST_SQL " ELSE 1.0 END) AS score "
                                   "FROM hits h JOIN turns t ON t.id = h.id JOIN conversations c "
                                   "ON c.id = t.conversation_id "
                                   "WHERE (?3 = 0 OR t.conversation_id = ?3) AND (?4 = 0 OR "
                                   "t.conversation_id <> ?4) "
                                   "ORDER BY score DESC, t.id DESC LIMIT ?5",
        "tllllll", match,
        f->only_conversation             ? -1LL
        : f->skip_conversation || period ? limit * 4 + 256
                                         : limit,
        f->only_conversation, f->skip_conversation, limit, period ? (long long)from : 0LL,
        period ? (long long)to : 0LL);

    if (src == SQLITE_OK)
        src = read_hits(st, out);
    sqlite3_finalize(st);
    return src;
}

static void hit_free(struct sym_turn_hit *h)
{
    free(h->conversation_title);
    free(h->speaker);
    free(h->session);
    free(h->text);
}

static int hit_cmp(const void *a, const void *b)
{
    const struct sym_turn_hit *x = a, *y = b;

    if (x->score != y->score)
        return x->score < y->score ? 1 : -1;
    return x->id < y->id ? 1 : x->id > y->id ? -1 : 0;
}

/* Add FB_WEIGHT times the scores of more (the feedback's ranking) to out's, moving the turns out
 * lacks into it (more is left empty), and sort out best first. SQLite's code. */
static int merge(struct sym_turn_hits *out, struct sym_turn_hits *more)
{
    struct sym_turn_hit *p = realloc(out->items, sizeof *p * (out->n + more->n + 1));
    size_t i, j;

    if (!p)
        return SQLITE_NOMEM;
    out->items = p;
    for (i = 0; i < more->n; i++) {
        struct sym_turn_hit *h = &more->items[i];

        for (j = 0; j < out->n && out->items[j].id != h->id; j++)
            ;
        if (j < out->n) {
            out->items[j].score += FB_WEIGHT * h->score;
            hit_free(h);
        } else {
            out->items[out->n] = *h;
            out->items[out->n++].score = FB_WEIGHT * h->score;
        }
    }
    free(more->items);
    more->items = NULL;
    more->n = 0;
    qsort(out->items, out->n, sizeof *out->items, hit_cmp);
    return SQLITE_OK;
}

/* Keep the first k of list. */
static void truncate_hits(struct sym_turn_hits *list, size_t k)
{
    while (list->n > k)
        hit_free(&list->items[--list->n]);
}

enum sym_status sym_turn_search(struct sym_store *s, const char *query, size_t k,
                                const struct sym_turn_filter *f, struct sym_turn_hits *out)
{
    static const char what[] = "cannot search the conversations";
    static const struct sym_turn_filter all = {0, 0, 0};
    struct sym_turn_hits more = {NULL, 0};
    char *match = NULL, *expansion = NULL;
    time_t from = 0, to = 0;
    bool period, when;
    long long kk = k > (size_t)1 << 20 ? 1LL << 20 : (long long)k;
    long long pool = kk < FB_POOL ? FB_POOL : kk;
    int rc = SQLITE_OK;

    sym_store_clear_err(s);
    sym_turn_hits_free(out);
    if (!f)
        f = &all;
    if (!query || !k)
        return SYM_OK;
    if (strlen(query) > FACT_MAX_TEXT || !sym_utf8_valid(query, strlen(query)))
        return sym_store_invalid(s, what, "the query is too long or not valid UTF-8");
    if (sym_search_match(s, query, SYM_SEARCH_TURNS, &match))
        return sym_store_fail(s, SQLITE_NOMEM, what);
    if (!match[0]) {
        free(match);
        return SYM_OK;
    }
    /* A period in the query ("in July 2022", "two weeks ago") multiplies the score of the turns
     * said within it. */
    sym_search_time(query, f->now, &period, &from, &to, &when);
    /* "When did ...": a turn that tells a time (terms.h) weighs in, as the first person does. */
    if (when) {
        struct sym_buf m = {0};

        if (sym_buf_printf(&m, "(%s) AND ((%s) OR \"" SYM_TERMS_TELLS_TIME "\")", match, match)) {
            free(match);
            sym_buf_free(&m);
            return sym_store_fail(s, SQLITE_NOMEM, what);
        }
        free(match);
        match = sym_buf_steal(&m);
    }
    rc = run_match(s, match, f, pool, period, from, to, out);
    /* Pseudo-relevance feedback: the first results' strongest terms, a second ranking. */
    if (!rc) {
        long long ids[FB_ID_MAX];
        double scores[FB_ID_MAX];
        size_t i, n = out->n < FB_ID_MAX ? out->n : FB_ID_MAX;

        for (i = 0; i < n; i++) {
            ids[i] = out->items[i].id;
            scores[i] = out->items[i].score;
        }
        if (sym_search_feedback(s, SYM_SEARCH_TURNS, query, match, ids, scores, n, &expansion))
            rc = SQLITE_NOMEM;
    }
    if (!rc && expansion && expansion[0]) {
        struct sym_buf own = {0};

        /* The feedback's terms in a turn's own words only: the next turn's context has them too,
         * and a turn that only follows the topic would be drawn in. */
        if (sym_buf_printf(&own, "search : (%s)", expansion) == SYM_OK) {
            free(expansion);
            expansion = sym_buf_steal(&own);
        }
        sym_buf_free(&own);
        rc = run_match(s, expansion, f, pool, period, from, to, &more);
        if (!rc)
            rc = merge(out, &more);
    }
    sym_turn_hits_free(&more);
    if (!rc)
        truncate_hits(out, (size_t)kk);
    free(match);
    free(expansion);
    if (rc != SQLITE_OK) {
        sym_turn_hits_free(out);
        return sym_store_fail(s, rc, what);
    }
    return SYM_OK;
}

enum sym_status sym_turn_count(struct sym_store *s, long long *n)
{
    sym_store_clear_err(s);
    *n = 0;
    return sym_store_query_int(s, "SELECT count(*) FROM turns", n, "cannot count the turns");
}
