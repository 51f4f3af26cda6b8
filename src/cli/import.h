/*
 * import.h: the pieces of `symbiot memory import` that read untrusted text: ISO 8601 times and
 * one JSON Lines record of a fact. Kept apart from the subcommand (memory.c) so that the fuzz
 * target fuzz/fuzz_import.c and its replay runner can drive them without a database.
 */
#ifndef SYM_CLI_IMPORT_H
#define SYM_CLI_IMPORT_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>
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

#endif
