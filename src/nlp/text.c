/*
 * text.c: normalisation, word splitting and edit distance for matching user input; see text.h.
 *
 * The input is decoded into code points first (with the byte offset of each), so a rule can
 * look at its neighbours: an apostrophe is dropped only between two word characters, a ':' '.'
 * or '/' is kept only between two digits. Each kept code point is case-folded on its own with
 * utf8proc_decompose_char(UTF8PROC_CASEFOLD) rather than mapping the whole string at once: that
 * is what lets every output byte remember the input byte it came from. The price is that no
 * composition happens: an "е" followed by a combining diaeresis (a decomposed "ё") is handled
 * by dropping the diaeresis, other decomposed letters stay as they came.
 */
#include "nlp/text.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

/* One decoded code point and where it starts in the original. */
struct cp {
    int32_t c;
    size_t off;
};

/* The normalised text and its map, grown together. */
struct out {
    char *text;
    size_t *map;
    size_t len, cap;
};

enum cls { CLS_WORD, CLS_SPACE, CLS_APOS, CLS_SEP };

static bool is_digit(int32_t c)
{
    return c >= '0' && c <= '9';
}

static bool is_apostrophe(int32_t c)
{
    return c == '\'' || c == '`' || c == 0x2019 || c == 0x2018 || c == 0x02BC;
}

static enum cls classify(int32_t c)
{
    if (is_apostrophe(c))
        return CLS_APOS;
    if (c == ':' || c == '.' || c == '/')
        return CLS_SEP;
    switch (utf8proc_category(c)) {
    case UTF8PROC_CATEGORY_LU:
    case UTF8PROC_CATEGORY_LL:
    case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM:
    case UTF8PROC_CATEGORY_LO:
    case UTF8PROC_CATEGORY_MN:
    case UTF8PROC_CATEGORY_MC:
    case UTF8PROC_CATEGORY_ME:
    case UTF8PROC_CATEGORY_ND:
    case UTF8PROC_CATEGORY_NL:
    case UTF8PROC_CATEGORY_NO:
        return CLS_WORD;
    default:
        return CLS_SPACE;
    }
}

/* Make room for n more bytes (and their map entries, plus the final NUL and map[len]). */
static bool out_reserve(struct out *o, size_t n)
{
    size_t cap;
    char *text;
    size_t *map;

    if (o->len + n + 1 <= o->cap)
        return true;
    cap = o->cap ? o->cap : 64;
    while (cap < o->len + n + 1)
        cap *= 2;
    text = realloc(o->text, cap);
    if (!text)
        return false;
    o->text = text;
    map = realloc(o->map, cap * sizeof *map);
    if (!map)
        return false;
    o->map = map;
    o->cap = cap;
    return true;
}

/* Append code point c, coming from original offset off. False only on allocation failure. */
static bool out_put(struct out *o, int32_t c, size_t off)
{
    utf8proc_uint8_t enc[4];
    utf8proc_ssize_t n = utf8proc_encode_char(c, enc), i;

    if (n <= 0)
        return true; /* not encodable: nothing to write */
    if (!out_reserve(o, (size_t)n))
        return false;
    for (i = 0; i < n; i++) {
        o->text[o->len] = (char)enc[i];
        o->map[o->len++] = off;
    }
    return true;
}

/* Decode s into code points; an invalid byte becomes U+FFFD (a symbol, so a space). NULL on
 * allocation failure; *n gets the count. */
static struct cp *decode(const char *s, size_t len, size_t *n)
{
    struct cp *cps = malloc((len + 1) * sizeof *cps);
    size_t i = 0, k = 0;

    if (!cps)
        return NULL;
    while (i < len) {
        int32_t c;
        utf8proc_ssize_t used =
            utf8proc_iterate((const utf8proc_uint8_t *)s + i, (utf8proc_ssize_t)(len - i), &c);
        if (used <= 0) {
            c = 0xFFFD;
            used = 1;
        }
        cps[k].c = c;
        cps[k++].off = i;
        i += (size_t)used;
    }
    *n = k;
    return cps;
}

/*
 * Normalise s into o. Spaces are held back as "pending" and written only before the next kept
 * character, which collapses runs and trims both ends; a pending space maps to the first byte
 * of the run that produced it.
 */
static enum sym_status normalize(const char *s, struct out *o)
{
    size_t len = strlen(s), n = 0, i;
    struct cp *cps = decode(s, len, &n);
    enum sym_status rc = SYM_ERR_NOMEM;
    bool pending = false;
    size_t pending_off = 0;
    int32_t last = 0; /* last code point written, 0 at a space or the start */

    if (!cps || !out_reserve(o, len))
        goto out;
    for (i = 0; i < n; i++) {
        int32_t c = cps[i].c, next = i + 1 < n ? cps[i + 1].c : 0, folded[8];
        enum cls cls = classify(c);
        utf8proc_ssize_t nf, j;

        if (cls == CLS_APOS && last && !pending && classify(last) == CLS_WORD && next &&
            classify(next) == CLS_WORD)
            continue; /* "what's" -> "whats" */
        if (cls == CLS_SEP && !pending && is_digit(last) && is_digit(next))
            cls = CLS_WORD; /* "9:30", "12.06.2027" */
        if (c == 0x0308 && !pending && last == 0x0435)
            continue; /* decomposed ё: е + U+0308 */
        if (cls != CLS_WORD) {
            if (!pending && last) {
                pending = true;
                pending_off = cps[i].off;
            }
            last = 0;
            continue;
        }
        if (pending) {
            if (!out_put(o, ' ', pending_off))
                goto out;
            pending = false;
        }
        nf = utf8proc_decompose_char(c, folded, 8, UTF8PROC_CASEFOLD, NULL);
        if (nf <= 0 || nf > 8) {
            folded[0] = c;
            nf = 1;
        }
        for (j = 0; j < nf; j++) {
            if (folded[j] == 0x0451)
                folded[j] = 0x0435; /* ё -> е */
            if (!out_put(o, folded[j], cps[i].off))
                goto out;
        }
        last = folded[nf - 1];
    }
    if (!out_reserve(o, 0))
        goto out;
    o->text[o->len] = '\0';
    o->map[o->len] = len;
    rc = SYM_OK;
out:
    free(cps);
    return rc;
}

enum sym_status sym_norm_init(struct sym_norm *n, const char *s)
{
    struct out o = {0};
    enum sym_status rc = normalize(s ? s : "", &o);

    if (rc) {
        free(o.text);
        free(o.map);
        n->text = NULL;
        n->map = NULL;
        n->len = 0;
        return rc;
    }
    n->text = o.text;
    n->map = o.map;
    n->len = o.len;
    return SYM_OK;
}

void sym_norm_free(struct sym_norm *n)
{
    if (!n)
        return;
    free(n->text);
    free(n->map);
    n->text = NULL;
    n->map = NULL;
    n->len = 0;
}

char *sym_normalize(const char *s)
{
    struct out o = {0};

    if (normalize(s ? s : "", &o)) {
        free(o.text);
        free(o.map);
        return NULL;
    }
    free(o.map);
    return o.text;
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/* Split on spaces (any run of them, should the text not come from sym_normalize). */
enum sym_status sym_words_split(const char *norm, struct sym_words *w)
{
    size_t len, i, k = 0, max = 1;

    memset(w, 0, sizeof *w);
    if (!norm)
        norm = "";
    len = strlen(norm);
    for (i = 0; i < len; i++)
        if (!is_space(norm[i]) && (i == 0 || is_space(norm[i - 1])))
            max++;
    w->buf = malloc(len + 1);
    w->word = malloc(max * sizeof *w->word);
    w->start = malloc(max * sizeof *w->start);
    if (!w->buf || !w->word || !w->start) {
        sym_words_free(w);
        return SYM_ERR_NOMEM;
    }
    memcpy(w->buf, norm, len + 1);
    for (i = 0; i < len; i++) {
        if (is_space(w->buf[i])) {
            w->buf[i] = '\0';
        } else if (i == 0 || w->buf[i - 1] == '\0') {
            w->word[k] = w->buf + i;
            w->start[k++] = i;
        }
    }
    w->n = k;
    return SYM_OK;
}

void sym_words_free(struct sym_words *w)
{
    if (!w)
        return;
    free(w->buf);
    free((void *)w->word);
    free(w->start);
    memset(w, 0, sizeof *w);
}

/* Decode a NUL-terminated word into at most cap code points; returns the count or -1 when it
 * has more. Invalid bytes count as one code point each. */
static long decode_word(const char *s, int32_t *cps, size_t cap)
{
    size_t len = strlen(s), i = 0, k = 0;

    while (i < len) {
        int32_t c;
        utf8proc_ssize_t used =
            utf8proc_iterate((const utf8proc_uint8_t *)s + i, (utf8proc_ssize_t)(len - i), &c);
        if (used <= 0) {
            c = -(int32_t)(unsigned char)s[i] - 1;
            used = 1;
        }
        if (k == cap)
            return -1;
        cps[k++] = c;
        i += (size_t)used;
    }
    return (long)k;
}

#define EDIT_MAX 64 /* longer words are not "one typo" apart from anything worth matching */

/*
 * Optimal string alignment distance (Damerau-Levenshtein where a transposed pair is not edited
 * again), three rolling rows. Stops as soon as a whole row exceeds limit.
 */
int sym_edit_distance(const char *a, const char *b, int limit)
{
    int32_t ca[EDIT_MAX], cb[EDIT_MAX];
    int rows[3][EDIT_MAX + 1], *pp, *p, *cur;
    long la, lb, i, j;

    if (limit < 0)
        limit = 0;
    if (!a || !b)
        return limit + 1;
    la = decode_word(a, ca, EDIT_MAX);
    lb = decode_word(b, cb, EDIT_MAX);
    if (la < 0 || lb < 0)
        return strcmp(a, b) ? limit + 1 : 0;
    if (la - lb > limit || lb - la > limit)
        return limit + 1;
    pp = rows[0];
    p = rows[1];
    cur = rows[2];
    for (j = 0; j <= lb; j++)
        p[j] = (int)j;
    for (i = 1; i <= la; i++) {
        int best;
        int *t;

        cur[0] = (int)i;
        best = cur[0];
        for (j = 1; j <= lb; j++) {
            int cost = ca[i - 1] != cb[j - 1], v = p[j - 1] + cost;

            if (p[j] + 1 < v)
                v = p[j] + 1;
            if (cur[j - 1] + 1 < v)
                v = cur[j - 1] + 1;
            if (i > 1 && j > 1 && ca[i - 1] == cb[j - 2] && ca[i - 2] == cb[j - 1] &&
                pp[j - 2] + 1 < v)
                v = pp[j - 2] + 1;
            cur[j] = v;
            if (v < best)
                best = v;
        }
        if (best > limit)
            return limit + 1;
        t = pp;
        pp = p;
        p = cur;
        cur = t;
    }
    return p[lb] > limit ? limit + 1 : p[lb];
}
