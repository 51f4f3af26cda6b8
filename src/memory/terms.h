/*
 * terms.h: the search terms of a text, as the facts' full-text index stores them and a query looks
 * for them (terms.c). Internal to src/memory/: the facts files use it to index and to search, and
 * the store registers its SQL function on each connection for the migrations. It needs nothing of
 * the store, so the store can use it without a cycle.
 */
#ifndef SYM_TERMS_H
#define SYM_TERMS_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "base/status.h"

struct sqlite3;

/*
 * The search terms of valid UTF-8 text: normalised (nlp/text.h), stop words dropped, each word
 * stemmed, joined by spaces. First-person words go to *function when function is not NULL (a
 * query: they only weigh in the ranking, and each other word brings its synonyms along,
 * "stem|synonym"), else with the others (a fact's `search` column indexes every word). *content
 * and *function (caller frees) are "" when no such word is there. *norm_out, when not NULL, gets
 * the normalised text (caller frees). SYM_ERR_NOMEM is the only failure; the outputs are then NULL.
 */
enum sym_status sym_terms_extract(const char *text, char **content, char **function,
                                  char **norm_out);

/* sym_terms_extract() for a query of the conversations' turns (episodes.c): interrogatives,
 * auxiliaries and modals in English and Russian ("what", "did", "would", "какие", "сколько") go
 * to *function with the first-person words, so they weigh in but never match on their own. */
enum sym_status sym_terms_extract_turn_query(const char *text, char **content, char **function);

/* The stems of the words a thesaurus relates to the English content words of a query (nlp/
 * thesaurus.h: synonyms, broader and narrower words), less each word's own stem, space-separated
 * into *out (caller frees; "" when none, or when there is no thesaurus). SYM_ERR_NOMEM. */
enum sym_status sym_terms_related(const char *text, char **out);

/* Whether term (len bytes, a stem as a fact's `search` column has it) is a first-person or a
 * question word ("my", "what", "did", "какой"): a word that says nothing of a text's topic. */
bool sym_terms_function_word(const char *term, size_t len);

/* The term a turn's dates column has when its text tells a time (a date, a weekday, "next
 * month", "in July"): a "when" question weighs it in. No word of a text stems to it. */
#define SYM_TERMS_TELLS_TIME "xtimex"

/* The search terms of a moment's local date (in the zone of TZ): its month, season and year in
 * English and Russian, as the dates column of the turns' index holds them, stemmed as
 * sym_terms_extract() stems ("juli июл summer лет 2025"), and SYM_TERMS_TELLS_TIME when text
 * (may be NULL) tells a time. *out (caller frees) is "" for t 0. SYM_ERR_NOMEM is the only
 * failure. */
enum sym_status sym_terms_dates(time_t t, const char *text, char **out);

/* Register the SQL functions symbiot_search(text) (a fact's `search` column, as
 * sym_terms_extract() makes it) and symbiot_dates(time, text) (sym_terms_dates()) on db, for the
 * migrations that re-index facts and turns. SQLite's code. */
int sym_terms_register_sql(struct sqlite3 *db);

#endif
