/*
 * parse.h: the command and intent parser: one input line in, what it asks for out.
 *
 * A line that starts with '/' is a slash command: its name and its arguments, split like a shell
 * would (double and single quotes, backslash escapes inside double quotes). Anything else is chat
 * for the language model. The language of the line (English or Russian) is detected from its
 * letters, so every answer can come in the language of the question.
 */
#ifndef SYM_PARSE_H
#define SYM_PARSE_H

#include <stdbool.h>
#include <stddef.h>

#include "base/status.h"
#include "nlp/lang.h"
#include "nlp/when.h"

/* Below this confidence a natural-language match is treated as chat. */
#define SYM_INTENT_THRESHOLD 0.7f

/* The pieces an intent carries. Strings are cut from the original input (case and punctuation
 * kept); owned by the parse. */
struct sym_slots {
    char *text;  /* free text: what to be reminded of, to remember, to forget; NULL if none */
    char *place; /* a place as typed: "Tokyo", "Москве"; NULL if none */
    char *event; /* a named day as typed, when it is not a date: "New Year"; NULL if none */
    struct sym_when when; /* a time expression; when.found says whether there was one */
};

struct sym_parse {
    char *command; /* command name without '/', lower case; NULL when the line is chat */
    char **argv;   /* arguments, unquoted; NULL-terminated; owned */
    int argc;
    char *args;             /* the raw text after the command name, trimmed; owned, never NULL */
    enum sym_lang lang;     /* language of the line (of its arguments, for a command) */
    float confidence;       /* how sure the parser is of `command` (1 for a slash command) */
    bool natural;           /* command came from a natural-language phrasing, not a slash */
    struct sym_slots slots; /* natural-language intents only */
    char error[128];        /* why a malformed command could not be split (then command is set) */
};

/*
 * Parse one line. lang_default is used when the line has no letters to judge by (e.g. "/help").
 * Returns SYM_OK (also for a malformed command: see out->error) or SYM_ERR_NOMEM. Release with
 * sym_parse_clear().
 */
enum sym_status sym_parse(const char *line, enum sym_lang lang_default, struct sym_parse *out);
void sym_parse_clear(struct sym_parse *p);

/* Split a command's argument text into words (quotes and escapes as above). On a malformed text
 * (an unterminated quote) returns SYM_ERR_INVALID with the reason in err. Caller frees with
 * sym_parse_free_words(). */
enum sym_status sym_parse_words(const char *text, char ***words, int *count, char *err,
                                size_t errlen);
void sym_parse_free_words(char **words);

/* The language of a text: Russian when most of its letters are Cyrillic, else lang_default when
 * it has no letters, else English. */
enum sym_lang sym_detect_lang(const char *text, enum sym_lang lang_default);

/* The user's language from the environment (LC_ALL, LC_MESSAGES, LANG): "ru..." is Russian. */
enum sym_lang sym_lang_from_env(void);

#endif
