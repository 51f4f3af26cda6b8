/*
 * import.h: the pieces of `symbiot memory import` that read untrusted text: ISO 8601 times, one
 * JSON Lines record of a fact, one JSON Lines turn of a conversation history, and ChatGPT's
 * export (`conversations.json`: an array of conversations, read one conversation at a time). Kept
 * apart from the subcommand (memory.c) so that the fuzz target fuzz/fuzz_import.c and its replay
 * runner can drive them without a database.
 */
#ifndef SYM_CLI_IMPORT_H
#define SYM_CLI_IMPORT_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <time.h>

#include "base/buf.h"
#include "memory/facts.h"

/* The longest import line: a fact's text is at most 1 MiB, and escapes may double it. */
#define CLI_IMPORT_MAX_LINE (2 * 1024 * 1024)

/* Parse ISO 8601: "YYYY-MM-DD", "YYYY-MM-DDTHH:MM[:SS]" (or a space for T), then "Z", "+HH:MM",
 * "+HHMM" or nothing (local time). False when s is not one. */
bool cli_parse_time(const char *s, time_t *out);

/* Check one parsed record o and fill *in from it: text (required), source, time, event_time,
 * tags, pinned. The strings in *in are borrowed from o and from tags (which is reset first) and
 * stay valid while both live. False with a static reason in *why when the record is bad. */
bool cli_import_check(const cJSON *o, struct sym_fact_input *in, struct sym_buf *tags,
                      const char **why);

/* One line of an import file (len bytes, need not end in NUL; a trailing newline is fine).
 * A blank line gives true with *json NULL. Otherwise *json gets the parsed record (the caller
 * frees it with cJSON_Delete(), also when the check fails) and the result is that of
 * cli_import_check(); a line over CLI_IMPORT_MAX_LINE, not JSON, or with anything but spaces
 * after the record is false with the reason in *why. */
bool cli_import_line(const char *line, size_t len, cJSON **json, struct sym_fact_input *in,
                     struct sym_buf *tags, const char **why);

/* One turn of a JSON Lines history: {"conversation": "ID", "speaker": "NAME", "text": "...",
 * "time": "ISO 8601" (optional), "session": "NAME" (optional)}. Strings borrowed from the
 * parsed line. */
struct cli_turn_record {
    const char *conversation;
    const char *speaker;
    const char *session; /* NULL = none */
    const char *text;
    time_t time; /* 0 = none given */
};

/* One line of a JSON Lines history, as cli_import_line() reads one of facts: a blank line gives
 * true with *json NULL; otherwise *json gets the parsed record (caller frees, also on failure)
 * and *r is filled from it, or false with a static reason in *why. */
bool cli_import_turn_line(const char *line, size_t len, cJSON **json, struct cli_turn_record *r,
                          const char **why);

/* The largest conversation of a ChatGPT export read at once, in bytes. */
#define CLI_CHATGPT_MAX_CONVERSATION (64 * 1024 * 1024)

/* Read a ChatGPT export from f: a JSON array of conversation objects, each handed to
 * on_conversation(ctx, conversation, line) as it is complete (line: where it starts), so memory
 * holds one conversation at a time. Returns 0 when the whole array was read, the callback's value
 * when it returned non-zero (reading stops), or -1 for a file that is not such an array, with a
 * static reason in *why and its line in *line. */
int cli_chatgpt_read(FILE *f,
                     int (*on_conversation)(void *ctx, const cJSON *conversation, size_t line),
                     void *ctx, size_t *line, const char **why);

/* A ChatGPT conversation's turns, in the order of the thread that was shown last (from
 * current_node back through the parents): the user's and the assistant's messages with text;
 * system, tool and hidden messages are left out. Strings borrowed from the conversation. */
struct cli_chatgpt_turn {
    const char *role; /* "user" or "assistant" */
    char *text;       /* the text parts joined by newlines; owned */
    time_t time;      /* create_time; 0 = none */
};
struct cli_chatgpt_conversation {
    const char *id;    /* "id" or "conversation_id" */
    const char *title; /* NULL = none */
    time_t started;    /* create_time; 0 = none */
    struct cli_chatgpt_turn *turns;
    size_t n;
};
/* Fill *out from conversation c. False with a static reason in *why for a conversation without an
 * id or a mapping, or one whose thread is broken (a parent that is not in the mapping, a loop);
 * true with no turns for one that has no text. Free with cli_chatgpt_conversation_free(), also
 * after a failure. */
bool cli_chatgpt_conversation(const cJSON *c, struct cli_chatgpt_conversation *out,
                              const char **why);
void cli_chatgpt_conversation_free(struct cli_chatgpt_conversation *c);

#endif
