/*
 * thesaurus.h: English words related to a word (synonyms, broader and narrower words), read from
 * WordNet's data files (thesaurus.c), the one place that reads them. For search: a query word
 * brings a few related words along, so that "pets" can find "cat". Optional: without the files
 * (Debian's wordnet-base puts them in /usr/share/wordnet) every word has no related words.
 */
#ifndef SYM_THESAURUS_H
#define SYM_THESAURUS_H

#include <stdbool.h>

#include "base/status.h"

/* The most related words sym_thesaurus_related() gives for one word. */
#define SYM_THESAURUS_MAX 8

/*
 * The words related to word (lower-case English, one word; an inflected form is reduced to its
 * dictionary form first, "pets" -> "pet", "woke" -> "wake"), as a noun and as a verb: the other
 * words of its most common senses, the broader words of its most common one and a few narrower
 * ones, at most SYM_THESAURUS_MAX, single words only, space-separated into *out (caller frees;
 * "" when none, when the word is unknown or when there is no thesaurus). The files are opened on
 * first use and read by offset, never loaded: each call reads a few lines. Thread-safe.
 * SYM_ERR_NOMEM is the only failure.
 */
enum sym_status sym_thesaurus_related(const char *word, char **out);

/* Whether the thesaurus's files could be opened (opening them when not yet tried); when not,
 * *why (may be NULL) gets a sentence that says which directory was looked in (static storage).
 * The directory is $SYMBIOT_WORDNET when set, else /usr/share/wordnet. */
bool sym_thesaurus_available(const char **why);

#endif
