/*
 * search.c: finding facts again, by their words and (with an embedder) by meaning; see facts.h.
 *
 * A query goes through the same steps as a fact's text (terms.h), each word bringing its synonyms,
 * and becomes `("stem1" OR "syn1") OR ("stem2") ...` (exact stems: prefix terms cost more and
 * found nothing more), less the common words: a word in more than 1/100 of the facts and more
 * than 256 of them is dropped, and a word no fact has is dropped too. FTS5 computes
 * BM25 for every fact that matches, so a common stem in the OR made most of a search's time at
 * 100,000 facts. When every word is common they are AND-ed instead. First-person words only weigh
 * in (sym_search_match). A fact that shares any remaining stem is a candidate, and BM25 ranks the
 * ones that share more, and rarer, words higher. The cost: a dropped stem no longer counts in the
 * ranking, which on a large store can put a fact with the rare word but not the common one first
 * (the quality benchmark, at 525 facts, drops nothing). The score is BM25's relevance (its
 * negation: SQLite's bm25() is lower for better) times a bonus: 1 + 0.1 * recency + 0.5 if
 * pinned, recency being 1 / (1 + age_days / 365) (1 today, 0.5 after a year). A multiplier rather
 * than an addend because BM25's scale varies with the number of facts: on a handful of facts it
 * is tiny and an added constant would swamp it. The bonus can reorder close matches, never a
 * match with a non-match. The ranking runs in SQL (plain arithmetic, no math functions needed),
 * so LIMIT k only reads the best k. FTS5 must score every match before it can sort them (about
 * a microsecond each), so on a large store the rare words are also taken rarest first only while
 * their document counts add up to SYM_SEARCH_CANDIDATES (facts_internal.h), the rarest always: a
 * query of many middling words then scores about a thousand matches, not tens of thousands, and
 * loses only matches that share none of its rarer words (the quality benchmark among 100,000
 * facts found no difference). A turns' search also caps a query of common words alone (see
 * episodes.c); a facts' search does not: there the best match of a common word is often an old,
 * short fact ("my car is a Lada"), and the cap cost 3 of 125 questions among 100,000 facts.
 * The scores are BM25's own, called directly (bm25() in ORDER BY rather than FTS5's rank column,
 * which costs a third more through FTS5's inner sorting query). Document counts are read with a
 * MATCH that stops counting past the limit (term_docs), not from fts5vocab, which reads a common
 * word's whole list.
 *
 * With an embedder, the top VECTOR_K of this ranking and of the ranking by meaning (vectors.c)
 * are fused by reciprocal rank: score = sum over the rankings of 1 / (RRF_K + rank), rank from 1.
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/clock.h"
#include "base/utf8.h"
#include "memory/facts.h"
#include "memory/facts_internal.h"
#include "memory/store_internal.h"
#include "memory/terms.h"

/* Reciprocal rank fusion's constant. */
#define RRF_K 60

/* A term in more than 1/COMMON_SHARE of the facts (and more than COMMON_MIN facts) is common: it
 * says little about which fact is meant, and scoring every fact that has it is most of a search's
 * time. */
#define COMMON_SHARE 100
#define COMMON_MIN 256

/* Append term as a quoted FTS5 string to b, " OR " before it when b has something. */
static enum sym_status put_term(struct sym_buf *b, const char *term, size_t len, const char *op)
{
    enum sym_status rc = b->len ? sym_buf_puts(b, op) : SYM_OK;
    const char *p;

    if (!rc)
        rc = sym_buf_puts(b, "\"");
    /* Normalised text has no quotes, but a query must never be able to break out of one. */
    for (p = term; !rc && p < term + len; p++)
        rc = *p == '"' ? sym_buf_puts(b, "\"\"") : sym_buf_append(b, p, 1);
    return rc ? rc : sym_buf_puts(b, "\"");
}

/* The number of facts (or turns) that have term, counted up to cap, with statement st (NULL: -1,
 * unknown): FTS5 walks the term's list of documents and stops at cap, where fts5vocab would read
 * the whole list, which for a common word is most of a search's time on a large store. Only
 * whether the count is 0, whether a word's counts add up to more than the limit, and, below it,
 * the count itself are used (put_terms), and all three are the same for counts cut where the
 * word's sum passes the limit. */
static sqlite3_int64 term_docs(sqlite3_stmt *st, const char *term, size_t len, sqlite3_int64 cap)
{
    struct sym_buf q = {0};
    sqlite3_int64 doc = 0;

    if (!st)
        return -1;
    sqlite3_reset(st);
    if (put_term(&q, term, len, "") == SYM_OK &&
        sqlite3_bind_text(st, 1, q.data, (int)q.len, SQLITE_STATIC) == SQLITE_OK &&
        sqlite3_bind_int64(st, 2, cap) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
        doc = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    sym_buf_free(&q);
    return doc;
}

/* A word's alternatives counted at most (the synonym groups and categories have fewer). */
#define MAX_ALTS 32

/* Append "(alt OR alt ...)" to b, op before it when b has something: the alternatives of a
 * word (see sym_terms_extract) that some fact has (docs[i] != 0; -1 is unknown). */
static enum sym_status put_word(struct sym_buf *b, const char *word, size_t len,
                                const sqlite3_int64 *docs, const char *op)
{
    struct sym_buf alts = {0};
    enum sym_status rc = SYM_OK;
    const char *t, *end = word + len, *bar;
    size_t i;

    for (t = word, i = 0; !rc && t < end && i < MAX_ALTS; t = bar + 1, i++) {
        bar = memchr(t, '|', (size_t)(end - t));
        if (!bar)
            bar = end;
        if (docs[i] != 0)
            rc = put_term(&alts, t, (size_t)(bar - t), " OR ");
    }
    if (!rc && alts.len)
        rc = sym_buf_printf(b, "%s(%s)", b->len ? op : "", alts.data);
    sym_buf_free(&alts);
    return rc;
}

/* The most words of a query that are looked for (the first ones): a message may be long (a pasted
 * text), and each word is a phrase of the FTS5 query that every match is scored on, so a message
 * of thousands of words took minutes to recall for. A repeated word still counts again, as it
 * always did (it weighs the more in BM25). */
#define MAX_WORDS 64

/* A word of a query (its alternatives "stem|synonym ...") and the documents of each. */
struct word {
    const char *t, *end;
    sqlite3_int64 docs[MAX_ALTS], sum;
    bool keep; /* among the rare words that fit SYM_SEARCH_CANDIDATES */
};

static int word_cmp(const void *a, const void *b)
{
    const struct word *x = *(const struct word *const *)a, *y = *(const struct word *const *)b;

    return x->sum < y->sum ? -1 : x->sum > y->sum;
}

/*
 * Append each space-separated word of terms ("stem|synonym ...") to the lists: all of them to
 * *all (AND-ed, when not NULL), the ones in no more than limit facts to *rare (OR-ed). A word's
 * count is its alternatives' together; a word no fact has is left out (on a store where common
 * words are dropped, an unknown word must not be all that is looked for). With counts known and
 * cut set, the rare words are taken rarest first while their counts add up to no more than
 * SYM_SEARCH_CANDIDATES (the rarest always): the matches a search can score (facts_internal.h)
 * are then those of the words that tell the most, not merely the newest.
 */
static enum sym_status put_terms(const char *terms, sqlite3_stmt *st, sqlite3_int64 limit, bool cut,
                                 struct sym_buf *all, struct sym_buf *rare)
{
    enum sym_status rc = SYM_OK;
    const char *t, *end, *a, *bar;
    struct word *w, **order = NULL;
    size_t n_words = 0, i, n_rare = 0;
    sqlite3_int64 total = 0;

    w = calloc(MAX_WORDS, sizeof *w);
    if (!w)
        return SYM_ERR_NOMEM;
    for (t = terms; *t; t = *end ? end + 1 : end) {
        struct word *cur = &w[n_words];
        size_t n;

        end = t + strcspn(t, " ");
        if (end == t || n_words >= MAX_WORDS)
            continue;
        memset(cur, 0, sizeof *cur);
        cur->t = t;
        cur->end = end;
        for (a = t, n = 0; a < end && n < MAX_ALTS; a = bar + 1, n++) {
            bar = memchr(a, '|', (size_t)(end - a));
            if (!bar)
                bar = end;
            /* Counting stops where the word's sum passes the limit: past it, only 0 or not. */
            cur->docs[n] =
                term_docs(st, a, (size_t)(bar - a), cur->sum > limit ? 1 : limit + 1 - cur->sum);
            cur->sum += cur->docs[n] > 0 ? cur->docs[n] : 0;
        }
        if (st && cur->sum == 0)
            continue;
        cur->keep = cur->sum <= limit;
        n_rare += cur->keep;
        n_words++;
    }
    if (st && cut && n_rare > 1) {
        order = malloc(n_rare * sizeof *order);
        if (!order) {
            free(w);
            return SYM_ERR_NOMEM;
        }
        for (i = 0, n_rare = 0; i < n_words; i++)
            if (w[i].keep)
                order[n_rare++] = &w[i];
        qsort(order, n_rare, sizeof *order, word_cmp);
        for (i = 0; i < n_rare; i++) {
            total += order[i]->sum;
            order[i]->keep = i == 0 || total <= SYM_SEARCH_CANDIDATES;
        }
        free(order);
    }
    for (i = 0; !rc && i < n_words; i++) {
        if (all)
            rc = put_word(all, w[i].t, (size_t)(w[i].end - w[i].t), w[i].docs, " AND ");
        if (!rc && w[i].keep)
            rc = put_word(rare, w[i].t, (size_t)(w[i].end - w[i].t), w[i].docs, " OR ");
    }
    free(w);
    return rc;
}

/*
 * The FTS5 query for a search of the facts or the turns (see the top of the file): the query's rare
 * content stems OR-ed together, or all of them AND-ed when every one is common; then, when the
 * query has rare first-person words, "(that) AND (that OR those words)": the same facts match, and
 * the first-person words they share add to BM25 (at about half the weight: the content stems count
 * twice). On a large store they are common, hence left out, and cost nothing.
 * *match (caller frees) is "" when no content word is left.
 */
enum sym_status sym_search_match(struct sym_store *s, const char *query, enum sym_search_index idx,
                                 char **match)
{
    static const char *const max_sql[] = {"SELECT max(id) FROM facts", "SELECT max(id) FROM turns"};
    static const char *const doc_sql[] = {
        "SELECT count(*) FROM (SELECT 1 FROM facts_fts WHERE facts_fts MATCH ?1 LIMIT ?2)",
        "SELECT count(*) FROM (SELECT 1 FROM turns_fts WHERE turns_fts MATCH ?1 LIMIT ?2)"};
    sqlite3_stmt *st = NULL;
    struct sym_buf rare = {0}, all = {0}, weigh = {0}, out = {0};
    sqlite3_int64 n = 0, limit;
    char *content = NULL, *function = NULL;
    enum sym_status rc;
    int src;

    *match = NULL;
    rc = idx == SYM_SEARCH_TURNS ? sym_terms_extract_turn_query(query, &content, &function)
                                 : sym_terms_extract(query, &content, &function, NULL);
    if (rc)
        return rc;
    /* Document counts come from the index itself (term_docs); on any failure every term counts
     * as rare, which is the plain OR of all terms. */
    src = sym_store_query(s, &st, max_sql[idx], "");
    if (src == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
        n = sqlite3_column_int64(st, 0); /* about the number of facts: cheaper than count(*) */
    sqlite3_finalize(st);
    st = NULL;
    limit = n / COMMON_SHARE > COMMON_MIN ? n / COMMON_SHARE : COMMON_MIN;
    if (src == SQLITE_OK && n > limit)
        src = sym_store_query(s, &st, doc_sql[idx], "");
    rc = put_terms(content, st, limit, true, &all, &rare);
    if (!rc)
        rc = put_terms(function, st, limit, false, NULL, &weigh);
    sqlite3_finalize(st);
    if (!rc) {
        const char *use = rare.len ? rare.data : all.data;

        if (use && weigh.len)
            rc = sym_buf_printf(&out, "(%s) AND (%s OR %s)", use, use, weigh.data);
        else if (use)
            rc = sym_buf_puts(&out, use);
    }
    if (!rc) {
        *match = out.data ? sym_buf_steal(&out) : strdup("");
        if (!*match)
            rc = SYM_ERR_NOMEM;
    }
    sym_buf_free(&rare);
    sym_buf_free(&all);
    sym_buf_free(&weigh);
    sym_buf_free(&out);
    free(content);
    free(function);
    return rc;
}

/* The full-text search: the k best facts by BM25 and the bonus (top of the file). */
static enum sym_status fts_search(struct sym_store *s, const char *query, size_t k,
                                  struct sym_facts *out, const char *what)
{
    sqlite3_stmt *st = NULL;
    char *match = NULL;
    enum sym_status rc;
    int src;

    if (sym_search_match(s, query, SYM_SEARCH_FACTS, &match))
        return sym_store_fail(s, SQLITE_NOMEM, what);
    if (!match[0]) {
        free(match);
        return SYM_OK; /* only stop words: nothing to look for */
    }
    /* See the top of the file for the formula; age in days, never negative. */
    /* The bonus is at most x1.6, so a fact past BM25's top few dozen could only reach the top k
     * on a near-tie: scoring just the top max(4k, 64) (?4) keeps the join with facts small. */
    src = sym_store_query(
        s, &st,
        "WITH hits AS (SELECT rowid AS id, -bm25(facts_fts) AS rel FROM facts_fts "
        "              WHERE facts_fts MATCH ?1 ORDER BY rel DESC LIMIT ?4) "
        "SELECT " FACT_COLUMNS ", "
        "  h.rel * (1.0 + 0.1 / (1.0 + max(?2 - f.updated, 0) / 86400.0 / 365.0) "
        "           + 0.5 * f.pinned) AS score "
        "FROM hits h JOIN facts f ON f.id = h.id "
        "ORDER BY score DESC, f.id DESC LIMIT ?3",
        "tlll", match, (long long)sym_clock_now(), k > (size_t)1 << 30 ? 1LL << 30 : (long long)k,
        k > (size_t)1 << 28 ? 1LL << 30
        : k < 16            ? 64LL
                            : (long long)k * 4);
    rc = src == SQLITE_OK ? sym_facts_read(s, st, true, out, what) : sym_store_fail(s, src, what);
    sqlite3_finalize(st);
    free(match);
    if (rc)
        sym_facts_free(out);
    return rc;
}

/* Add 1 / (RRF_K + rank) to id's fused score (rank from 1), appending id when new. */
static void fuse(struct sym_ranked *fused, size_t *n, long long id, size_t rank)
{
    size_t i;

    for (i = 0; i < *n && fused[i].id != id; i++)
        ;
    if (i == *n) {
        fused[i].id = id;
        fused[i].score = 0;
        (*n)++;
    }
    fused[i].score += 1.0 / (RRF_K + (double)rank);
}

enum sym_status sym_fact_search(struct sym_store *s, const char *query, size_t k,
                                struct sym_facts *out)
{
    static const char what[] = "cannot search the facts";
    struct sym_facts fts = {NULL, 0};
    struct sym_ranked vec[VECTOR_K], *fused = NULL;
    size_t n_vec = 0, n_fused = 0, i, j, cap;
    enum sym_status rc;
    int src;

    sym_store_clear_err(s);
    sym_facts_free(out);
    if (!query || !k)
        return SYM_OK;
    if (strlen(query) > FACT_MAX_TEXT || !sym_utf8_valid(query, strlen(query)))
        return sym_store_invalid(s, what, "the query is too long or not valid UTF-8");
    if (!sym_store_embedder(s))
        return fts_search(s, query, k, out, what);
    /* By meaning too: the top VECTOR_K of each ranking, fused by reciprocal rank. */
    rc = fts_search(s, query, k > VECTOR_K ? k : VECTOR_K, &fts, what);
    if (rc)
        return rc;
    src = sym_vectors_rank(s, query, vec, &n_vec);
    if (src != SQLITE_OK) {
        rc = sym_store_fail(s, src, what);
        goto out;
    }
    cap = fts.n + n_vec;
    fused = malloc(sizeof *fused * (cap ? cap : 1));
    if (!fused) {
        rc = sym_store_fail(s, SQLITE_NOMEM, what);
        goto out;
    }
    for (i = 0; i < fts.n; i++)
        fuse(fused, &n_fused, fts.items[i].id, i + 1);
    for (i = 0; i < n_vec; i++)
        fuse(fused, &n_fused, vec[i].id, i + 1);
    qsort(fused, n_fused, sizeof *fused, sym_ranked_cmp);
    if (n_fused > k)
        n_fused = k;
    out->items = calloc(n_fused ? n_fused : 1, sizeof *out->items);
    if (!out->items) {
        rc = sym_store_fail(s, SQLITE_NOMEM, what);
        goto out;
    }
    for (i = 0; i < n_fused; i++) {
        struct sym_fact *f = &out->items[out->n];
        bool found = true;

        for (j = 0; j < fts.n && fts.items[j].id != fused[i].id; j++)
            ;
        if (j < fts.n) {
            *f = fts.items[j];
            memset(&fts.items[j], 0, sizeof fts.items[j]);
        } else {
            rc = sym_fact_get(s, fused[i].id, f, &found);
            if (rc)
                goto out;
        }
        if (found) {
            f->score = fused[i].score;
            out->n++;
        }
    }
out:
    free(fused);
    sym_facts_free(&fts);
    if (rc)
        sym_facts_free(out);
    return rc;
}
