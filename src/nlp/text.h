/*
 * text.h: text normalisation for matching user input, English and Russian.
 *
 * Matching works on a normalised copy: Unicode case folding (utf8proc), ё -> е, punctuation and
 * symbols -> spaces (but ':' '.' '/' between digits are kept: "9:30", "12.06.2027"), apostrophes
 * (' ’ `) removed inside words ("what's" -> "whats"), hyphens and dashes -> spaces like other
 * punctuation ("нью-йорк" -> "нью йорк", "2027-06-12" -> "2027 06 12"), runs of spaces
 * collapsed, no leading or trailing space. A map from each byte of the normalised text to
 * the byte of the original it came from lets a matcher cut a slot ("call Mum") out of the
 * original with its case and punctuation intact.
 */
#ifndef SYM_TEXT_H
#define SYM_TEXT_H

#include <stddef.h>

#include "base/status.h"

struct sym_norm {
    char *text; /* normalised, NUL-terminated; owned */
    size_t len;
    size_t *map; /* map[i]: offset in the original of the character that gave text[i]; map[len]
                    is the original's length; owned */
};

/* Normalise valid UTF-8 s. SYM_ERR_NOMEM on allocation failure. Free with sym_norm_free(). */
enum sym_status sym_norm_init(struct sym_norm *n, const char *s);
void sym_norm_free(struct sym_norm *n);

/* Normalise into a new string (no map); NULL on allocation failure. Caller frees. */
char *sym_normalize(const char *s);

/* Split normalised text into words (pointers into a copy); up to max words. Returns the count. */
struct sym_words {
    char *buf;         /* owned copy, NUL between words */
    const char **word; /* owned array of n pointers into buf */
    size_t *start;     /* byte offset of each word in the normalised text; owned */
    size_t n;
};
enum sym_status sym_words_split(const char *norm, struct sym_words *w);
void sym_words_free(struct sym_words *w);

/* Damerau-Levenshtein distance between two UTF-8 words (counted in code points), capped at
 * limit + 1: cheap for the "one typo" checks the matcher makes. */
int sym_edit_distance(const char *a, const char *b, int limit);

#endif
