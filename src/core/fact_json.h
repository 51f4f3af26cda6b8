/*
 * fact_json.h: a remembered fact (memory/facts.h) as JSON, the one shape that `symbiot memory
 * list|search --json`, `memory export` and the server's /api/memory routes all write.
 *
 * The keys, in this order: kind ("fact", in a search result, which may mix facts and turns), id,
 * text, source, time (stored), updated (text last changed), event_time (when the event it tells
 * of happens; null when none), tags (an array), pinned, and score for a search result.
 *
 * A turn found by a search (memory/episodes.h) is built here too, with the same keys where the
 * data is the same: kind ("turn"), id (the turn's), text, source ("conversation N"), time (when
 * it was said), then conversation (its id), conversation_title, speaker, role, session (null when
 * none) and score. Times are ISO 8601, written by the caller's function: the CLI's in
 * local time with the offset, the server's in UTC (its threads must not switch TZ).
 */
#ifndef SYM_FACT_JSON_H
#define SYM_FACT_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

struct cJSON;
struct sym_fact;
struct sym_turn_hit;
struct sym_facts;
struct sym_turn_hits;

enum sym_fact_json_flags {
    SYM_FACT_JSON_SCORE = 1 << 0, /* add "kind" and "score": f is a search result */
    /* A line of `memory export`: "event_time" is left out when none instead of null, so the file
     * stays as it always was (its format is documented; `memory import` reads either). */
    SYM_FACT_JSON_EXPORT = 1 << 1,
};

/* Writes t as ISO 8601 into out (size bytes, at least 40). */
typedef void (*sym_iso_time_fn)(time_t t, char *out, size_t size);

/* f as a new JSON object (caller deletes it), flags from enum sym_fact_json_flags, times through
 * iso_time. NULL when out of memory. */
struct cJSON *sym_fact_json(const struct sym_fact *f, unsigned flags, sym_iso_time_fn iso_time);

/* A turn found by a search as a new JSON object (caller deletes it); NULL when out of memory. */
struct cJSON *sym_turn_hit_json(const struct sym_turn_hit *h, sym_iso_time_fn iso_time);

/* Whether the next search result is fact i rather than turn j, of n_facts facts and n_turns turns,
 * each list best first: a fact and a turn of the same rank, the fact first (the order of
 * `memory search` and of /api/memory/search's "results"). */
bool sym_search_fact_next(size_t i, size_t n_facts, size_t j, size_t n_turns);

/* The results of a search of facts and turns, merged in sym_search_fact_next()'s order and cut at
 * k, as a new JSON array (caller deletes it) of sym_fact_json() objects (with kind and score) and
 * sym_turn_hit_json() ones. facts or turns may be NULL (none). NULL when out of memory. */
struct cJSON *sym_search_results_json(const struct sym_facts *facts,
                                      const struct sym_turn_hits *turns, size_t k,
                                      sym_iso_time_fn iso_time);

#endif
