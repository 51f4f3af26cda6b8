/*
 * jsontext.h: checks on a JSON text before or beside parsing it, for what cJSON lets through.
 *
 * cJSON works on C strings: a "\u0000" escape becomes a NUL that silently ends the string
 * ("before\u0000after" is read as "before"), and a raw NUL byte inside a string is copied the same
 * way though it is not valid JSON. A fact cut short without a word is a lost fact, so the server
 * and `memory import` find NULs here first and refuse the text, naming the field.
 */
#ifndef SYM_JSONTEXT_H
#define SYM_JSONTEXT_H

#include <stddef.h>

enum sym_jsontext_nul {
    SYM_JSONTEXT_NO_NUL = 0,
    SYM_JSONTEXT_RAW_NUL,    /* a NUL byte in the text: not valid JSON */
    SYM_JSONTEXT_ESCAPE_NUL, /* a "\u0000" escape inside a string */
};

/*
 * Look for a NUL in the JSON text s of n bytes (a lexical scan: strings, escapes and keys; the
 * text need not be valid). Returns the first one's kind; *at gets its byte offset, and key (size
 * bytes, always terminated) the last object key seen before it, as written (escapes not
 * decoded), or "" when there is none. key may be NULL.
 */
enum sym_jsontext_nul sym_jsontext_find_nul(const char *s, size_t n, size_t *at, char *key,
                                            size_t size);

#endif
