/*
 * facts.h: what the user told Symbiot, kept in the memory database (store.h) and found again by
 * full-text search in English and Russian.
 *
 * A fact is a short text ("My sister is Anna", "Я живу в Казани") with where it came from, when it
 * was said or updated, an optional event time, tags and a pinned flag. Editing keeps the earlier
 * text as history; forgetting deletes the fact and its history for good (the user asked). Adding
 * a fact whose normalised text is already stored returns the existing one instead of a copy.
 *
 * Search: SQLite FTS5 over a search column that holds the text normalised (nlp/text.h), stemmed
 * with Snowball (libstemmer: English and Russian, chosen per word by its script) and without stop
 * words; the query goes through the same steps, so "машину" finds "машина" and "running" finds
 * "runs". Query words are OR-ed prefix terms, so a fact sharing any stem is a candidate. Ranking:
 * score = -bm25 * (1 + 0.1 / (1 + age_days / 365) + 0.5 if pinned), age from the last update:
 * the better match first, recency and pinning reorder close matches.
 *
 * Search by meaning (optional): with an embedder set (sym_fact_set_embedder, embedder.h), each
 * fact's text is embedded once, when it is added or its text changes, and the vector is kept in
 * fact_vectors with the id of the model that made it; sym_fact_sync_vectors() fills in the
 * missing ones and rebuilds those of another model. A search then also ranks the facts by the
 * cosine of their vector with the query's (brute force, top 50) and fuses the two rankings by
 * reciprocal rank fusion: score = sum over the rankings of 1 / (60 + rank), rank from 1. A text
 * the model cannot embed simply has no vector; the words still find it.
 *
 * Errors: SYM_ERR_INVALID for bad input (text missing, without words, over 1 MiB or not valid
 * UTF-8; an edit onto another fact's text), with the reason on sym_store_errmsg(); the store's
 * other codes (SYM_ERR_IO, SYM_ERR_NOMEM) as in store.h. Each write is one transaction, or joins
 * the one sym_store_begin() opened.
 */
#ifndef SYM_FACTS_H
#define SYM_FACTS_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "base/status.h"
#include "memory/store.h"

struct sym_fact {
    long long id;
    char *text;   /* owned by the list (or by the struct for sym_fact_get; sym_fact_clear) */
    char *source; /* "user", "conversation 12 turn 3", "import"; never NULL */
    char *tags;   /* comma-separated, "" when none; never NULL */
    time_t created;
    time_t updated;
    time_t event_time; /* 0 = none */
    bool pinned;
    double score; /* search results: higher is better; 0 elsewhere */
};

struct sym_facts {
    struct sym_fact *items;
    size_t n;
};
void sym_facts_free(struct sym_facts *list);
void sym_fact_clear(struct sym_fact *fact);

struct sym_fact_input {
    const char *text;   /* required, valid UTF-8, not empty after trimming */
    const char *source; /* NULL = "user" */
    const char *tags;   /* NULL = none */
    time_t event_time;  /* 0 = none */
    bool pinned;
    time_t now; /* created/updated time; 0 = sym_clock_now() */
};

/* Add a fact. *id gets its id; *existed (may be NULL) says it was already stored (same normalised
 * text), in which case nothing changes. SYM_ERR_INVALID for text that is empty (no words),
 * over-long (1 MiB) or not valid UTF-8. Tags are indexed for search along with the text. */
enum sym_status sym_fact_add(struct sym_store *s, const struct sym_fact_input *in, long long *id,
                             bool *existed);
enum sym_fact_outcome {
    SYM_FACT_ADDED,      /* a new fact */
    SYM_FACT_KNOWN,      /* the same text was already stored: nothing changed */
    SYM_FACT_SUPERSEDED, /* the fact with the same key got the new text (history kept) */
};

/* Remember a fact that replaces an earlier one about the same thing: key ("home",
 * "family:sister") is stored in the fact's tags as "key:<key>", next to "extracted". When the
 * same normalised text is stored already: KNOWN (*id that fact); else when a fact carries the key:
 * its text is replaced through sym_fact_edit() (history kept): SUPERSEDED; else it is added with
 * those tags and source (NULL = "user"): ADDED. One transaction. key must be valid UTF-8 without
 * commas; errors as for sym_fact_add(). */
enum sym_status sym_fact_remember(struct sym_store *s, const char *text, const char *key,
                                  const char *source, long long *id,
                                  enum sym_fact_outcome *outcome);
/* Replace a fact's text, keeping the previous text in its history (nothing happens when the text
 * is the same). *found false: no such id. SYM_ERR_INVALID as for add, or when the new text
 * normalises to another fact's text. now 0 = sym_clock_now(). */
enum sym_status sym_fact_edit(struct sym_store *s, long long id, const char *text, time_t now,
                              bool *found);
/* Pin or unpin a fact. *found false: no such id. */
enum sym_status sym_fact_pin(struct sym_store *s, long long id, bool pinned, bool *found);
/* Set when the event a fact tells of happens ("flying to Paris on Friday"); 0 clears it. *found
 * false: no such id. The text, history and `updated` are left as they are. */
enum sym_status sym_fact_set_event_time(struct sym_store *s, long long id, time_t event_time,
                                        bool *found);
/*
 * Preferences: how the user wants to be answered ("Keep answers short", "Отвечай по-русски"),
 * kept as facts whose key (see sym_fact_remember) starts with "pref:", so a newer preference of
 * the same kind ("pref:lang") replaces the older one. They go into every prompt.
 */
#define SYM_PREF_KEY_PREFIX "pref:"
/* Whether fact is a preference. */
bool sym_fact_is_preference(const struct sym_fact *fact);
/* Every preference, oldest first, into *out (emptied first). */
enum sym_status sym_fact_preferences(struct sym_store *s, struct sym_facts *out);

/* Delete a fact and its history. */
enum sym_status sym_fact_forget(struct sym_store *s, long long id, bool *found);
/* One fact by id. Release with sym_fact_clear(). */
enum sym_status sym_fact_get(struct sym_store *s, long long id, struct sym_fact *out, bool *found);
/* Facts, newest (by creation) first, from offset; limit 0 = all. *out is emptied first. */
enum sym_status sym_fact_list(struct sym_store *s, size_t offset, size_t limit,
                              struct sym_facts *out);
/* The k best facts for query, best first (score set, > 0). An empty or all-stop-word query, or
 * k 0, gives an empty list (with an embedder, a query of stop words only is still searched by
 * meaning). With an embedder the score is the fused one (see the top). *out is emptied first. */
enum sym_status sym_fact_search(struct sym_store *s, const char *query, size_t k,
                                struct sym_facts *out);
/* sym_fact_search() by the query's own words (stems, synonyms) only: no feedback, thesaurus or
 * ranking by meaning, so every fact shares a word with query. For picking a fact to act on
 * (/forget), where a fact that is only related must not be offered. */
enum sym_status sym_fact_search_words(struct sym_store *s, const char *query, size_t k,
                                      struct sym_facts *out);
struct sym_memory_embedder;
/* Use the embedder e (memory/embedder.h; NULL = none) for search by meaning from now on: adds and
 * edits store the new text's vector, searches fuse the two rankings. The table is copied; e->ctx
 * is borrowed and must outlive its use on s. The front ends fill it from an llm/embed.h model
 * with sym_embedding_attach() (core/embedding.h). */
void sym_fact_set_embedder(struct sym_store *s, const struct sym_memory_embedder *e);
/* Compute the vectors that are missing or were made by another model (a different id() of the
 * embedder). The embedding runs outside the write lock; each batch of 32 vectors is then
 * stored in a short transaction of its own (a fact changed or forgotten meanwhile is skipped), so
 * other sessions can write between batches, and a failure keeps the batches already stored.
 * *n_built gets how many were stored. Nothing to do without an embedder. */
enum sym_status sym_fact_sync_vectors(struct sym_store *s, size_t *n_built);
/* Number of stored vectors (any model). */
enum sym_status sym_fact_count_vectors(struct sym_store *s, long long *n);
/* Number of facts. */
enum sym_status sym_fact_count(struct sym_store *s, long long *n);
/* Earlier texts of a fact, oldest first: id, text, and created = updated = when it was replaced
 * (source and tags ""). Empty for an unknown or forgotten fact. */
enum sym_status sym_fact_history(struct sym_store *s, long long id, struct sym_facts *out);

#endif
