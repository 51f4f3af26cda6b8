/*
 * turn_json.h: a turn as JSON, the one shape that every front end prints: the CLI's --json line,
 * the body of POST /api/chat and the `done` event of its stream.
 *
 * One builder, so the front ends cannot drift apart again: the same data under the same keys. A
 * front end adds only what is its own (the stream's "type"). The keys are listed in
 * docs/API.md and the man page's --json.
 */
#ifndef SYM_TURN_JSON_H
#define SYM_TURN_JSON_H

#include "base/status.h"
#include "llm/llm.h"

struct cJSON;
struct sym_assistant;
struct sym_turn;

/* A stop reason's name in a turn's "stop": "end", "max_tokens", "stop_string", "context_full",
 * "interrupted" (Ctrl-C or the interrupt flag) and "caller" (the front end stopped it). */
const char *sym_turn_stop_name(enum sym_stop_reason stop);

/*
 * Add the keys of turn, as a returns it from sym_assistant_turn(), to obj (a JSON object, which
 * may hold a front end's own keys already), in this order:
 *   kind ("chat" or "command"); backend (chat turns: "local" or "remote");
 *   then either error (the message of a failed turn, when error is not NULL; nothing else
 *   follows but notices) or answer, conversation_id (the stored conversation, null when none)
 *   and, for a chat turn: tokens {prompt, evaluated, cached, generated}, timings {ttft_ms,
 *   prompt_ms, prompt_tps, gen_ms, gen_tps}, stop, context {used, size} (the local model's KV
 *   cache after the turn: only when a local model is loaded), dropped_turns, recalled (fact ids),
 *   llm_extract {ms, added} (only when the model was asked for facts);
 *   notices (the array given, taken over even on failure; NULL gives []).
 * stop_name names the stop reason (NULL: sym_turn_stop_name). a is borrowed. SYM_OK, or
 * SYM_ERR_NOMEM with obj partly filled (the caller deletes it).
 */
enum sym_status sym_turn_json(struct cJSON *obj, const struct sym_turn *turn,
                              const struct sym_assistant *a, const char *error,
                              struct cJSON *notices,
                              const char *(*stop_name)(enum sym_stop_reason stop));

#endif
