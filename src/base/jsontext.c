/*
 * jsontext.c: find a NUL in a JSON text, raw or escaped, and the key it belongs to; see
 * jsontext.h.
 *
 * A single pass that knows only strings: inside one, a backslash escapes the next character and
 * "\u0000" is the escape looked for; a string followed (past white space) by ':' is a key and is
 * remembered. Numbers, literals and nesting need no tracking for this, and invalid JSON is left
 * for the parser to refuse.
 */
#include "base/jsontext.h"

#include <stdbool.h>
#include <string.h>

static void set_key(char *key, size_t size, const char *s, size_t n)
{
    if (!key || !size)
        return;
    if (n >= size)
        n = size - 1;
    memcpy(key, s, n);
    key[n] = '\0';
}

enum sym_jsontext_nul sym_jsontext_find_nul(const char *s, size_t n, size_t *at, char *key,
                                            size_t size)
{
    size_t i, start = 0, j;
    bool in_str = false;

    set_key(key, size, "", 0);
    for (i = 0; i < n; i++) {
        if (!s[i]) {
            *at = i;
            return SYM_JSONTEXT_RAW_NUL;
        }
        if (!in_str) {
            if (s[i] == '"') {
                in_str = true;
                start = i + 1;
            }
            continue;
        }
        if (s[i] == '\\') {
            if (i + 5 < n && s[i + 1] == 'u' && !memcmp(s + i + 2, "0000", 4)) {
                *at = i;
                return SYM_JSONTEXT_ESCAPE_NUL;
            }
            if (i + 1 < n && s[i + 1])
                i++; /* the escaped character; a NUL there is found as raw next round */
            continue;
        }
        if (s[i] != '"')
            continue;
        in_str = false;
        for (j = i + 1; j < n && strchr(" \t\r\n", s[j]) && s[j]; j++)
            ;
        if (j < n && s[j] == ':')
            set_key(key, size, s + start, i - start);
    }
    *at = n;
    return SYM_JSONTEXT_NO_NUL;
}
