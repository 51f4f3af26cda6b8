/*
 * episodes.h: episodic memory: the stored conversations' turns (conversations.h) found again by
 * what was said, in English and Russian, as facts are (facts.h).
 *
 * Every turn is indexed with its own words, the words of the turn before it (so the question an
 * answer answers finds the answer) and the month, season and year it was said in (see
 * conversations.c). A search makes its query as a facts' search does (stems, synonyms, common
 * words left out, first-person words only weighing in), ranks the turns by BM25 over the three
 * columns (own words count most), and says of each turn which conversation, who said it and when.
 *
 * Errors: SYM_ERR_INVALID for a query over 1 MiB or not valid UTF-8, with the reason on
 * sym_store_errmsg(); the store's other codes as in store.h.
 */
#ifndef SYM_EPISODES_H
#define SYM_EPISODES_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "base/status.h"
#include "memory/store.h"

/* A turn found by a search. Strings owned by the list; never NULL unless said. */
struct sym_turn_hit {
    long long id;              /* the turn */
    long long conversation_id; /* its conversation */
    char *conversation_title;  /* "" when none */
    char role[16];             /* "user" or "assistant" */
    char *speaker;             /* who said it: the imported name, else the role */
    char *session;             /* NULL = none */
    char *text;
    time_t time;  /* when it was said */
    double score; /* higher is better */
};

/* A list of hits. Zero-initialise; free with sym_turn_hits_free(). */
struct sym_turn_hits {
    struct sym_turn_hit *items;
    size_t n;
};
void sym_turn_hits_free(struct sym_turn_hits *list);

/* Which turns a search looks at (zero-initialised: every turn). */
struct sym_turn_filter {
    long long only_conversation; /* not 0: only this conversation's turns */
    long long skip_conversation; /* not 0: none of this conversation's turns (the one in the
                                    prompt already) */
    time_t now; /* the moment the query's time words are read from ("two weeks ago"); 0 = now */
};

/* The k best turns for query, best first, into *out (emptied first). f may be NULL. An empty or
 * all-stop-word query, or k 0, gives an empty list. */
enum sym_status sym_turn_search(struct sym_store *s, const char *query, size_t k,
                                const struct sym_turn_filter *f, struct sym_turn_hits *out);
/* Number of stored turns. */
enum sym_status sym_turn_count(struct sym_store *s, long long *n);

#endif
