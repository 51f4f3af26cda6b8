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
 * Pseudo-relevance feedback (RM3-style, sym_search_feedback), for the facts and the turns alike:
 * the first few results (those near the best score) lend their strongest other terms (each
 * weighed by its share of a result's words, the result's share of the scores and its rarity; no
 * first-person or question word), and the ranking by those terms adds a fifth of its score to
 * the first ranking's. A fact or turn that shares no word with the query but the topic of its
 * best matches is found; the query's own matches stay first (the feedback's terms weigh less).
 *
 * With an embedder, the top VECTOR_K of this ranking and of the ranking by meaning (vectors.c)
 * are fused by reciprocal rank: score = 1 / (RRF_K + text rank) + w / (RRF_K + vector rank), rank
 * from 1, w the trust in the model for this query (vector_weight): a model whose ranking does not
 * agree with the words' on their best results is only a tie-break.
 */
#include <math.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/clock.h"
#include "base/utf8.h"
#include "nlp/text.h"
#include "nlp/when.h"
#include "memory/facts.h"
#include "memory/facts_internal.h"
#include "memory/store_internal.h"
#include "memory/terms.h"

/* A fact whose event time is in the period a query names ("in July 2022") scores this many times
 * more; one with an event time, when the query asks when. */
#define FACT_PERIOD_BOOST "3.0"
#define FACT_WHEN_BOOST "1.5"

/* Reciprocal rank fusion's constant. */
#define RRF_K 60

/* The trust in the ranking by meaning (vector_weight): the text's first AGREE_TOP results, and
 * the agreement at which it starts to count and at which it counts in full. */
#define AGREE_TOP 10
#define AGREE_LOW 0.3
#define AGREE_HIGH 0.7

/* A term in more than 1/COMMON_SHARE of the facts (and more than COMMON_MIN facts) is common: it
 * says little about which fact is meant, and scoring every fact that has it is most of a search's
 * time. */
#define COMMON_SHARE 100
#define COMMON_MIN 256

/* Pseudo-relevance feedback (sym_search_feedback): the first FB_DOCS results, those that score
 * at least FB_MIN_SHARE of the best, lend their FB_TERMS strongest terms, whose second ranking
 * adds FB_WEIGHT times its score (facts_internal.h). Tuned on the episodic dev half. */
#define FB_DOCS 3
#define FB_TERMS 10
#define FB_MIN_SHARE 0.7
#define FB_MAX_CANDIDATES 1024

/* A term in more than 1/FB_COMMON_SHARE of the documents (and more than FB_COMMON_MIN) is too
 * common to join an expansion. */
#define FB_COMMON_SHARE 1000
#define FB_COMMON_MIN 32

/* Facts each ranking hands to the merge of the query's and the feedback's rankings, at least, and
 * the most of the first ones read for feedback. */
#define FB_POOL 20
#define FB_ID_MAX 16

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

/* term_docs()'s statement for each index: the documents that match ?1, counted up to ?2. */
static const char *const doc_sql[] = {
    "SELECT count(*) FROM (SELECT 1 FROM facts_fts WHERE facts_fts MATCH ?1 LIMIT ?2)",
    "SELECT count(*) FROM (SELECT 1 FROM turns_fts WHERE turns_fts MATCH ?1 LIMIT ?2)"};

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

void sym_search_time(const char *query, time_t now, bool *period, time_t *from, time_t *to,
                     bool *when)
{
    struct sym_words w = {0};
    size_t first, count, k;
    char *norm = sym_normalize(query);

    *period = *when = false;
    if (!norm || sym_words_split(norm, &w)) {
        free(norm);
        return;
    }
    *period = sym_when_period(&w, now ? now : sym_clock_now(), NULL, from, to, &first, &count);
    for (k = 0; k < w.n && !*when; k++) {
        const char *a = w.word[k], *b = k + 1 < w.n ? w.word[k + 1] : "";

        *when = !strcmp(a, "when") || !strcmp(a, "когда") ||
                ((!strcmp(a, "what") || !strcmp(a, "which")) &&
                 (!strcmp(b, "year") || !strcmp(b, "month") || !strcmp(b, "date") ||
                  !strcmp(b, "day"))) ||
                (!strcmp(a, "в") && (!strcmp(b, "каком") || !strcmp(b, "какой"))) ||
                (!strcmp(a, "какого") && !strcmp(b, "числа"));
    }
    sym_words_free(&w);
    free(norm);
}

/* A candidate expansion term and its weight. */
struct fb_term {
    char term[64];
    double w;
};

/* Add w to term's weight in terms[0..*n) (appended when new, dropped when full or too long). */
static void fb_add(struct fb_term *terms, size_t *n, const char *t, size_t len, double w)
{
    size_t i;

    if (len == 0 || len >= sizeof terms->term)
        return;
    for (i = 0; i < *n; i++)
        if (strlen(terms[i].term) == len && !memcmp(terms[i].term, t, len)) {
            terms[i].w += w;
            return;
        }
    if (*n == FB_MAX_CANDIDATES)
        return;
    memcpy(terms[*n].term, t, len);
    terms[*n].term[len] = '\0';
    terms[*n].w = w;
    (*n)++;
}

static int fb_cmp(const void *a, const void *b)
{
    const struct fb_term *x = a, *y = b;

    return x->w < y->w ? 1 : x->w > y->w ? -1 : strcmp(x->term, y->term);
}

/* Whether match (an FTS5 query of quoted terms) has term. */
static bool fb_in_match(const char *match, const char *term)
{
    char key[80];

    snprintf(key, sizeof key, "\"%s\"", term);
    return strstr(match, key) != NULL;
}

/* Whether term, in no more than limit documents (df from vocab, NULL: unknown), may join an
 * expansion of match: not in match already, not a first-person or question word, and in some
 * document but not a common one. */
static bool fb_usable(sqlite3_stmt *vocab, const char *match, const char *term,
                      sqlite3_int64 n_docs, sqlite3_int64 limit)
{
    sqlite3_int64 df;

    if (fb_in_match(match, term) || sym_terms_function_word(term, strlen(term)))
        return false;
    if (!vocab)
        return true;
    df = term_docs(vocab, term, strlen(term), limit + 1);
    return df > 0 && (n_docs <= limit || df <= limit);
}

/* Append to terms the RM1 weights of the words of the first n results (ids, scores; see
 * sym_search_feedback). SQLite's code. */
static int fb_collect(struct sym_store *s, enum sym_search_index idx, const long long *ids,
                      const double *scores, size_t n, double sum, struct fb_term *terms,
                      size_t *n_terms)
{
    static const char *const text_sql[] = {"SELECT search FROM facts WHERE id = ?",
                                           "SELECT search FROM turns WHERE id = ?"};
    sqlite3_stmt *st = NULL;
    size_t i;
    int src = sym_store_query(s, &st, text_sql[idx], "");

    /* A term's weight: the sum over the results of its share of the result's words times the
     * result's share of the scores. */
    for (i = 0; src == SQLITE_OK && i < n; i++) {
        const char *text, *t, *end;
        size_t len = 0;

        sqlite3_reset(st);
        if (scores[i] <= 0 || sqlite3_bind_int64(st, 1, ids[i]) != SQLITE_OK ||
            sqlite3_step(st) != SQLITE_ROW || !(text = (const char *)sqlite3_column_text(st, 0)))
            continue;
        for (t = text; *t; t = *end ? end + 1 : end) {
            end = t + strcspn(t, " ");
            len += end > t;
        }
        for (t = text; *t && len; t = *end ? end + 1 : end) {
            end = t + strcspn(t, " ");
            fb_add(terms, n_terms, t, (size_t)(end - t), scores[i] / sum / (double)len);
        }
    }
    sqlite3_finalize(st);
    return src;
}

enum sym_status sym_search_feedback(struct sym_store *s, enum sym_search_index idx,
                                    const char *query, const char *match, const long long *ids,
                                    const double *scores, size_t n, char **expansion)
{
    static const char *const max_sql[] = {"SELECT max(id) FROM facts", "SELECT max(id) FROM turns"};
    struct fb_term *terms = NULL;
    struct sym_buf out = {0};
    sqlite3_stmt *st = NULL, *vocab = NULL;
    size_t n_terms = 0, i, picked;
    double sum = 0;
    sqlite3_int64 n_docs = 0, limit;
    char *related = NULL;
    const char *t, *end;
    enum sym_status rc = SYM_OK;

    *expansion = NULL;
    if (sym_store_query(s, &st, max_sql[idx], "") == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
        n_docs = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    /* Stricter than the query's own words: each added term costs BM25 over every document
     * that has it, and a term in many says little of this query's topic. */
    limit = n_docs / FB_COMMON_SHARE > FB_COMMON_MIN ? n_docs / FB_COMMON_SHARE : FB_COMMON_MIN;
    if (sym_store_query(s, &vocab, doc_sql[idx], "") != SQLITE_OK) {
        sqlite3_finalize(vocab);
        vocab = NULL;
    }
    /* Only the results that score near the best: a weak match's own words would lead away. */
    if (n > FB_DOCS)
        n = FB_DOCS;
    for (i = 0; i < n && scores[i] >= scores[0] * FB_MIN_SHARE; i++)
        sum += scores[i] > 0 ? scores[i] : 0;
    n = sum > 0 ? i : 0;
    terms = n ? malloc(sizeof *terms * FB_MAX_CANDIDATES) : NULL;
    if (n && (!terms || fb_collect(s, idx, ids, scores, n, sum, terms, &n_terms) != SQLITE_OK))
        rc = SYM_ERR_NOMEM;
    /* Weighed by rarity: a term most documents have says nothing of this query. */
    for (i = 0; !rc && i < n_terms; i++) {
        if (!fb_usable(vocab, match, terms[i].term, n_docs, limit))
            terms[i].w = 0;
        else if (vocab)
            terms[i].w *=
                log(1.0 + (double)n_docs / (double)term_docs(vocab, terms[i].term,
                                                             strlen(terms[i].term), limit + 1));
    }
    if (!rc && n_terms)
        qsort(terms, n_terms, sizeof *terms, fb_cmp);
    for (i = 0, picked = 0; !rc && i < n_terms && picked < FB_TERMS && terms[i].w > 0;
         i++, picked++)
        rc = put_term(&out, terms[i].term, strlen(terms[i].term), " OR ");
    /* The thesaurus's words for the query's words (terms.h), those some document has. */
    if (!rc)
        rc = sym_terms_related(query, &related);
    for (t = related; !rc && t && *t; t = *end ? end + 1 : end) {
        char one[64], key[68];

        end = t + strcspn(t, " ");
        if ((size_t)(end - t) >= sizeof one)
            continue;
        snprintf(one, sizeof one, "%.*s", (int)(end - t), t);
        snprintf(key, sizeof key, "\"%s\"", one);
        if (fb_usable(vocab, match, one, n_docs, limit) && !(out.data && strstr(out.data, key)))
            rc = put_term(&out, one, strlen(one), " OR ");
    }
    sqlite3_finalize(vocab);
    free(terms);
    free(related);
    if (!rc) {
        *expansion = out.data ? sym_buf_steal(&out) : strdup("");
        if (!*expansion)
            rc = SYM_ERR_NOMEM;
    }
    sym_buf_free(&out);
    return rc;
}

/* What a query says of time, for the ranking of facts (see sym_search_time). */
struct fact_time {
    bool period, when;
    time_t from, to;
};

/* The k best facts that match (an FTS5 query) by BM25 and the bonus (top of the file), times
 * FACT_PERIOD_BOOST for a fact whose event time is in the period the query names and
 * FACT_WHEN_BOOST for one with an event time when the query asks when; into out (cleared on
 * failure). */
static enum sym_status fts_run(struct sym_store *s, const char *match, size_t k,
                               const struct fact_time *ft, struct sym_facts *out, const char *what)
{
    sqlite3_stmt *st = NULL;
    enum sym_status rc;
    int src;

    /* See the top of the file for the formula; age in days, never negative. */
    /* The bonus is at most x1.6 (x4.8 with a period, so then more of BM25's list is read), so a
     * fact past BM25's top few dozen could only reach the top k on a near-tie: scoring just the
     * top max(4k, 64) (?4) keeps the join with facts small. */
    src = sym_store_query(
        s, &st,
        "WITH hits AS (SELECT rowid AS id, -bm25(facts_fts) AS rel FROM facts_fts "
        "              WHERE facts_fts MATCH ?1 ORDER BY rel DESC LIMIT ?4) "
        "SELECT " FACT_COLUMNS ", "
        "  h.rel * (1.0 + 0.1 / (1.0 + max(?2 - f.updated, 0) / 86400.0 / 365.0) "
        "           + 0.5 * f.pinned) "
        "  * (CASE WHEN f.event_time >= ?5 AND f.event_time < ?6 THEN " FACT_PERIOD_BOOST
        "          ELSE 1.0 END) "
        "  * (CASE WHEN ?7 AND f.event_time IS NOT NULL THEN " FACT_WHEN_BOOST " ELSE 1.0 END) "
        "  AS score "
        "FROM hits h JOIN facts f ON f.id = h.id "
        "ORDER BY score DESC, f.id DESC LIMIT ?3",
        "tllllli", match, (long long)sym_clock_now(),
        k > (size_t)1 << 30 ? 1LL << 30 : (long long)k,
        k > (size_t)1 << 28 ? 1LL << 30
        : ft->period        ? (long long)k * 4 + 256
        : k < 16            ? 64LL
                            : (long long)k * 4,
        ft->period ? (long long)ft->from : 0LL, ft->period ? (long long)ft->to : 0LL,
        ft->when ? 1 : 0);
    rc = src == SQLITE_OK ? sym_facts_read(s, st, true, out, what) : sym_store_fail(s, src, what);
    sqlite3_finalize(st);
    if (rc)
        sym_facts_free(out);
    return rc;
}

static int fact_cmp(const void *a, const void *b)
{
    const struct sym_fact *x = a, *y = b;

    if (x->score != y->score)
        return x->score < y->score ? 1 : -1;
    return x->id < y->id ? 1 : x->id > y->id ? -1 : 0;
}

/* Add FB_WEIGHT times the scores of more (the feedback's ranking) to out's, moving the facts out
 * lacks into it (more is left empty), and sort out best first. SYM_ERR_NOMEM. */
static enum sym_status fts_merge(struct sym_facts *out, struct sym_facts *more)
{
    struct sym_fact *p = realloc(out->items, sizeof *p * (out->n + more->n + 1));
    size_t i, j;

    if (!p)
        return SYM_ERR_NOMEM;
    out->items = p;
    for (i = 0; i < more->n; i++) {
        struct sym_fact *f = &more->items[i];

        for (j = 0; j < out->n && out->items[j].id != f->id; j++)
            ;
        if (j < out->n) {
            out->items[j].score += FB_WEIGHT * f->score;
            continue; /* more's copy is freed with more */
        }
        out->items[out->n] = *f;
        out->items[out->n++].score = FB_WEIGHT * f->score;
        memset(f, 0, sizeof *f);
    }
    qsort(out->items, out->n, sizeof *out->items, fact_cmp);
    return SYM_OK;
}

/* The full-text search: the k best facts by BM25 and the bonus (top of the file), with the
 * pseudo-relevance feedback's second ranking added (sym_search_feedback). */
static enum sym_status fts_search(struct sym_store *s, const char *query, size_t k, bool feedback,
                                  struct sym_facts *out, const char *what)
{
    struct sym_facts more = {NULL, 0};
    char *match = NULL, *expansion = NULL;
    size_t pool = k < FB_POOL ? FB_POOL : k, i;
    struct fact_time ft = {false, false, 0, 0};
    enum sym_status rc;

    if (sym_search_match(s, query, SYM_SEARCH_FACTS, &match))
        return sym_store_fail(s, SQLITE_NOMEM, what);
    if (!match[0]) {
        free(match);
        return SYM_OK; /* only stop words: nothing to look for */
    }
    sym_search_time(query, 0, &ft.period, &ft.from, &ft.to, &ft.when);
    rc = fts_run(s, match, feedback ? pool : k, &ft, out, what);
    if (!rc && feedback) {
        long long ids[FB_ID_MAX];
        double scores[FB_ID_MAX];
        size_t n = out->n < FB_ID_MAX ? out->n : FB_ID_MAX;

        for (i = 0; i < n; i++) {
            ids[i] = out->items[i].id;
            scores[i] = out->items[i].score;
        }
        if (sym_search_feedback(s, SYM_SEARCH_FACTS, query, match, ids, scores, n, &expansion))
            rc = sym_store_fail(s, SQLITE_NOMEM, what);
    }
    if (!rc && expansion && expansion[0]) {
        rc = fts_run(s, expansion, pool, &ft, &more, what);
        if (!rc && fts_merge(out, &more))
            rc = sym_store_fail(s, SQLITE_NOMEM, what);
    }
    sym_facts_free(&more);
    free(match);
    free(expansion);
    if (rc) {
        sym_facts_free(out);
        return rc;
    }
    while (out->n > k) /* keep the best k */
        sym_fact_clear(&out->items[--out->n]);
    return SYM_OK;
}

/* Add weight / (RRF_K + rank) to id's fused score (rank from 1), appending id when new. */
static void fuse(struct sym_ranked *fused, size_t *n, long long id, size_t rank, double weight)
{
    size_t i;

    for (i = 0; i < *n && fused[i].id != id; i++)
        ;
    if (i == *n) {
        fused[i].id = id;
        fused[i].score = 0;
        (*n)++;
    }
    fused[i].score += weight / (RRF_K + (double)rank);
}

/*
 * How far the ranking by meaning is trusted for this query, from 0 (a tie-break) to 1 (as much as
 * the full text): how well it agrees with the full-text ranking on the query's own best results.
 * Each of the text's first AGREE_TOP results has a place in the vectors' ranking of all n facts
 * (past the VECTOR_K known, the middle of the rest); agreement is 1 - 2 x their mean place as a
 * share of n: 0 for a model whose ranking is unrelated to the words (a random one: its places
 * are spread evenly), near 1 for one that ranks the same facts first. The weight rises from 0 at
 * AGREE_LOW to 1 at AGREE_HIGH. No full-text result: the vectors are all there is (1). A weak
 * model then cannot reorder what the words found; only fill in after it.
 */
static double vector_weight(struct sym_store *s, const struct sym_facts *fts,
                            const struct sym_ranked *vec, size_t n_vec)
{
    sqlite3_stmt *st = NULL;
    double n = 0, places = 0, agreement;
    size_t i, j, top = fts->n < AGREE_TOP ? fts->n : AGREE_TOP;

    if (!top || !n_vec)
        return 1.0;
    if (sym_store_query(s, &st, "SELECT count(*) FROM fact_vectors", "") == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        n = (double)sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    if (n < (double)n_vec)
        n = (double)n_vec;
    for (i = 0; i < top; i++) {
        for (j = 0; j < n_vec && vec[j].id != fts->items[i].id; j++)
            ;
        places += j < n_vec ? (double)j + 0.5 : (double)n_vec + (n - (double)n_vec) / 2;
    }
    agreement = 1.0 - 2.0 * places / (double)top / n;
    if (agreement <= AGREE_LOW)
        return 0.0;
    return agreement >= AGREE_HIGH ? 1.0 : (agreement - AGREE_LOW) / (AGREE_HIGH - AGREE_LOW);
}

enum sym_status sym_fact_search(struct sym_store *s, const char *query, size_t k,
                                struct sym_facts *out)
{
    static const char what[] = "cannot search the facts";
    struct sym_facts fts = {NULL, 0};
    struct sym_ranked vec[VECTOR_K], *fused = NULL;
    size_t n_vec = 0, n_fused = 0, i, j, cap;
    double weight;
    enum sym_status rc;
    int src;

    sym_store_clear_err(s);
    sym_facts_free(out);
    if (!query || !k)
        return SYM_OK;
    if (strlen(query) > FACT_MAX_TEXT || !sym_utf8_valid(query, strlen(query)))
        return sym_store_invalid(s, what, "the query is too long or not valid UTF-8");
    if (!sym_store_embedder(s))
        return fts_search(s, query, k, true, out, what);
    /* By meaning too: the top VECTOR_K of each ranking, fused by reciprocal rank. */
    rc = fts_search(s, query, k > VECTOR_K ? k : VECTOR_K, true, &fts, what);
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
    weight = vector_weight(s, &fts, vec, n_vec);
    for (i = 0; i < fts.n; i++)
        fuse(fused, &n_fused, fts.items[i].id, i + 1, 1.0);
    /* A vector-only fact at weight 0 still follows the text's ones, by its own rank. */
    for (i = 0; i < n_vec; i++)
        fuse(fused, &n_fused, vec[i].id, i + 1, weight > 0 ? weight : 1e-6);
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

enum sym_status sym_fact_search_words(struct sym_store *s, const char *query, size_t k,
                                      struct sym_facts *out)
{
    static const char what[] = "cannot search the facts";

    sym_store_clear_err(s);
    sym_facts_free(out);
    if (!query || !k)
        return SYM_OK;
    if (strlen(query) > FACT_MAX_TEXT || !sym_utf8_valid(query, strlen(query)))
        return sym_store_invalid(s, what, "the query is too long or not valid UTF-8");
    return fts_search(s, query, k, false, out, what);
}
