/*
 * facts_internal.h: what the facts files share and the front ends must not see. The facts API
 * (facts.h) is built in layers, each file using only the ones above it in this list (and the
 * store):
 *
 *   terms.c    the words a fact is found by (stems, stop words, synonyms); needs no store
 *   vectors.c  the facts' embeddings: storing them, syncing them, ranking by meaning
 *   facts.c    storing, editing, forgetting and listing facts
 *   search.c   the full-text query, its ranking, and the fusion with the vectors' ranking
 *
 * Only src/memory/ and its tests include this.
 */
#ifndef SYM_FACTS_INTERNAL_H
#define SYM_FACTS_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "base/status.h"
#include "memory/facts.h"
#include "memory/store.h"

struct sqlite3_stmt;

/* The longest text a fact (or a query) may have, in bytes. */
#define FACT_MAX_TEXT (1024 * 1024)

/* The columns sym_facts_read() expects first, from `facts f`. */
#define FACT_COLUMNS "f.id, f.text, f.source, f.tags, f.created, f.updated, f.event_time, f.pinned"

/* ---- facts.c ---- */

/* Step st to the end, appending each row (FACT_COLUMNS, then the score as column 8 when scored)
 * to out. On failure the message is on s (what: "what: why") and out holds the rows read so far
 * (the caller frees it). */
enum sym_status sym_facts_read(struct sym_store *s, struct sqlite3_stmt *st, bool scored,
                               struct sym_facts *out, const char *what);

/* ---- search.c ---- */

/* The full-text indexes a query can be made for. */
enum sym_search_index { SYM_SEARCH_FACTS, SYM_SEARCH_TURNS };
/* The FTS5 query for query over the index idx (facts_fts or turns_fts), as search.c's top says:
 * its rare content stems OR-ed (all of them AND-ed when every one is common), first-person words
 * weighing in. *match (caller frees) is "" when no content word is left. SYM_ERR_NOMEM. */
enum sym_status sym_search_match(struct sym_store *s, const char *query, enum sym_search_index idx,
                                 char **match);
/* The most matches a search means BM25 to score: FTS5 scores every match before it can sort them,
 * about a microsecond each. sym_search_match() keeps the rare words that fit (rarest first); a
 * turns' search also scores only the SYM_SEARCH_CANDIDATES newest matches (SYM_SEARCH_NEWEST),
 * for a query of common words alone, which would otherwise cost tens of milliseconds on a large
 * store. The scores are the same (BM25's word weights still come from the whole index). */
#define SYM_SEARCH_CANDIDATES 1000
/* The SQL condition, for a WHERE over TABLE (turns_fts) whose MATCH is parameter MATCH, that keeps
 * the CAP newest matches: FTS5 takes a rowid bound as its own constraint and walks a doclist
 * newest first without scoring it, so the bound costs little. */
#define SYM_SEARCH_NEWEST(table, match, cap)                                                       \
    "rowid >= (SELECT coalesce(min(rowid), 0) FROM (SELECT rowid FROM " table " WHERE " table      \
    " MATCH " match " ORDER BY rowid DESC LIMIT " SYM_SEARCH_STR(cap) "))"
#define SYM_SEARCH_STR(x) SYM_SEARCH_STR_(x)
#define SYM_SEARCH_STR_(x) #x

/* What query says of time: the period it names (nlp/when.h), read against now (0: the clock;
 * *period false when none), and whether it asks when (*when: "when did ...", "когда ...", "what
 * year ..."). */
void sym_search_time(const char *query, time_t now, bool *period, time_t *from, time_t *to,
                     bool *when);

/* How much the second ranking, by the feedback's terms, adds: score + FB_WEIGHT * its score. */
#define FB_WEIGHT 0.2

/* Pseudo-relevance feedback (RM3-style) and the thesaurus: the strongest terms of the first
 * results ids[0..n) (best first, with their scores; n may be 0) of a search of idx for query by
 * match (sym_search_match's query), weighed by their share of each result's words, that result's
 * share of the scores and their rarity, then the thesaurus's words for the query's
 * (sym_terms_related), less the query's own terms, first-person and question words, and the
 * terms no document or too many have; OR-ed into *expansion, an FTS5 query (caller frees; ""
 * when none). SYM_ERR_NOMEM. */
enum sym_status sym_search_feedback(struct sym_store *s, enum sym_search_index idx,
                                    const char *query, const char *match, const long long *ids,
                                    const double *scores, size_t n, char **expansion);

/* ---- vectors.c ---- */

/* Candidates the ranking by meaning gives to the fusion (search.c). */
#define VECTOR_K 50

/* A fact id and its score in one ranking. */
struct sym_ranked {
    long long id;
    double score;
};

/* qsort() order of struct sym_ranked: the higher score first, then the higher (newer) id. */
int sym_ranked_cmp(const void *a, const void *b);

/* Embed the text of fact id and store its vector, inside the caller's write; nothing without an
 * embedder. A text the model cannot embed gets no vector (its old one goes). SQLite's code;
 * *stored, when not NULL, says whether a vector was stored. */
int sym_vectors_store(struct sym_store *s, long long id, const char *text, bool *stored);

/* The VECTOR_K facts whose vectors are closest (cosine) to query's, best first, in best[0..*n).
 * Needs an embedder. A query the model cannot embed, or a failing model, gives none: the full-text
 * ranking alone then answers. SQLite's code (SQLITE_NOMEM when embedding ran out of memory). */
int sym_vectors_rank(struct sym_store *s, const char *query, struct sym_ranked *best, size_t *n);

#endif
