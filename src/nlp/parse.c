/*
 * parse.c: slash commands and language detection; see parse.h.
 *
 * Splitting follows the POSIX shell's quoting closely enough that users' habits carry over:
 * `/remember "a b" c` gives two words, `'...'` keeps everything literally, a backslash escapes
 * the next character outside single quotes. Unlike a shell, a quote opens only at the start of a
 * word, so apostrophes in ordinary text ("/until Valentine's Day") need no escaping. An
 * unterminated quote is an error the user sees, never a silently mangled argument.
 */
#include "nlp/parse.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "nlp/intent.h"

static const char *skip_space(const char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    return s;
}

void sym_parse_free_words(char **words)
{
    char **w;

    if (!words)
        return;
    for (w = words; *w; w++)
        free(*w);
    free(words);
}

static enum sym_status push_word(char ***words, int *count, struct sym_buf *word)
{
    char **grown = realloc(*words, sizeof **words * ((size_t)*count + 2));
    char *s;

    if (!grown)
        return SYM_ERR_NOMEM;
    *words = grown;
    s = sym_buf_steal(word);
    if (!s)
        return SYM_ERR_NOMEM;
    grown[(*count)++] = s;
    grown[*count] = NULL;
    return SYM_OK;
}

/* Read one word starting at *p (not a space); advance *p past it. */
static enum sym_status read_word(const char **p, struct sym_buf *word, char *err, size_t errlen)
{
    const char *s = *p;
    enum sym_status rc = SYM_OK;

    while (*s && *s != ' ' && *s != '\t' && !rc) {
        char quote = *s;

        /* A quote opens only at the start of a word: the apostrophe in "Valentine's" is text. */
        if ((quote == '\'' || quote == '"') && s == *p) {
            const char *start = ++s;

            while (*s && *s != quote) {
                if (quote == '"' && *s == '\\' && (s[1] == '"' || s[1] == '\\')) {
                    rc = sym_buf_append(word, start, (size_t)(s - start));
                    start = ++s;
                }
                s++;
            }
            if (!*s) {
                snprintf(err, errlen, "unterminated %s quote", quote == '"' ? "double" : "single");
                return SYM_ERR_INVALID;
            }
            if (!rc)
                rc = sym_buf_append(word, start, (size_t)(s - start));
            s++;
        } else if (*s == '\\' && s[1]) {
            rc = sym_buf_append(word, s + 1, 1);
            s += 2;
        } else {
            rc = sym_buf_append(word, s, 1);
            s++;
        }
    }
    *p = s;
    return rc;
}

enum sym_status sym_parse_words(const char *text, char ***words, int *count, char *err,
                                size_t errlen)
{
    struct sym_buf word = {0};
    enum sym_status rc = SYM_OK;
    const char *p = skip_space(text);

    *words = calloc(1, sizeof **words);
    *count = 0;
    if (!*words)
        return SYM_ERR_NOMEM;
    while (*p && !rc) {
        sym_buf_reset(&word);
        rc = read_word(&p, &word, err, errlen);
        if (!rc)
            rc = push_word(words, count, &word);
        p = skip_space(p);
    }
    sym_buf_free(&word);
    if (rc) {
        sym_parse_free_words(*words);
        *words = NULL;
        *count = 0;
    }
    return rc;
}

/* Decode one UTF-8 code point; advance *s. */
static unsigned decode(const unsigned char **s)
{
    const unsigned char *p = *s;
    unsigned c = *p, n, i;

    if (c < 0x80) {
        *s = p + 1;
        return c;
    }
    /* A sequence is read only as far as its continuation bytes go: invalid UTF-8 (a cut
     * sequence before the terminating NUL above all) is one U+FFFD per byte. */
    n = c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : c >= 0xC0 ? 1 : 0;
    c &= 0x3Fu >> n;
    for (i = 1; i <= n; i++) {
        if ((p[i] & 0xC0u) != 0x80u) {
            *s = p + 1;
            return 0xFFFD;
        }
        c = (c << 6) | (p[i] & 0x3Fu);
    }
    *s = p + 1 + n;
    return n ? c : 0xFFFD;
}

enum sym_lang sym_detect_lang(const char *text, enum sym_lang lang_default)
{
    const unsigned char *s = (const unsigned char *)text;
    int cyrillic = 0, latin = 0;

    while (*s) {
        unsigned c = decode(&s);

        if (c >= 0x400 && c <= 0x4FF)
            cyrillic++;
        else if (c < 0x80 && isalpha((int)c))
            latin++;
    }
    if (!cyrillic && !latin)
        return lang_default;
    return cyrillic >= latin ? SYM_LANG_RU : SYM_LANG_EN;
}

enum sym_lang sym_lang_from_env(void)
{
    const char *vars[] = {"LC_ALL", "LC_MESSAGES", "LANG"};
    size_t i;

    for (i = 0; i < sizeof vars / sizeof vars[0]; i++) {
        const char *v = getenv(vars[i]);

        if (v && v[0])
            return !strncmp(v, "ru", 2) ? SYM_LANG_RU : SYM_LANG_EN;
    }
    return SYM_LANG_EN;
}

static void trim_end(char *s)
{
    size_t n = strlen(s);

    while (n && isspace((unsigned char)s[n - 1]))
        s[--n] = '\0';
}

/* "/Name args": the command name (ASCII letters, digits, '-', '_', '?'), lower-cased. */
static enum sym_status parse_slash(const char *line, struct sym_parse *out)
{
    const char *p = line + 1, *name = p;
    size_t n;

    while (*p && *p != ' ' && *p != '\t')
        p++;
    n = (size_t)(p - name);
    out->command = malloc(n + 1);
    out->args = strdup(skip_space(p));
    if (!out->command || !out->args)
        return SYM_ERR_NOMEM;
    for (size_t i = 0; i < n; i++)
        out->command[i] = (char)tolower((unsigned char)name[i]);
    out->command[n] = '\0';
    trim_end(out->args);
    out->confidence = 1.0f;
    if (sym_parse_words(out->args, &out->argv, &out->argc, out->error, sizeof out->error) ==
        SYM_ERR_NOMEM)
        return SYM_ERR_NOMEM;
    return SYM_OK;
}

enum sym_status sym_parse(const char *line, enum sym_lang lang_default, struct sym_parse *out)
{
    const char *s = skip_space(line);
    enum sym_status rc = SYM_OK;

    memset(out, 0, sizeof *out);
    if (s[0] == '/' && s[1] && s[1] != ' ' && s[1] != '/') {
        rc = parse_slash(s, out);
        /* A command speaks the user's language unless it is written in Russian: Latin words
         * in its arguments are often names, paths or other commands, not a language choice. */
        if (!rc)
            out->lang = sym_detect_lang(out->command, SYM_LANG_EN) == SYM_LANG_RU ||
                                sym_detect_lang(out->args, SYM_LANG_EN) == SYM_LANG_RU
                            ? SYM_LANG_RU
                            : lang_default;
    } else {
        out->args = strdup(s);
        if (!out->args)
            rc = SYM_ERR_NOMEM;
        else
            trim_end(out->args);
        out->lang = sym_detect_lang(s, lang_default);
        if (!rc)
            rc = sym_intent_match(s, out);
    }
    if (rc)
        sym_parse_clear(out);
    return rc;
}

void sym_parse_clear(struct sym_parse *p)
{
    free(p->slots.text);
    free(p->slots.place);
    free(p->slots.event);
    free(p->command);
    free(p->args);
    sym_parse_free_words(p->argv);
    memset(p, 0, sizeof *p);
}
