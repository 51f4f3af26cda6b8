/*
 * turn_json.c: the one builder of a turn as JSON (turn_json.h), for the CLI's --json and the
 * server's /api/chat.
 *
 * Before it, the CLI and the server each built the object and drifted: the server lacked
 * llm_extract and wrote context 0/0 without a local model, the CLI had no conversation_id. Now
 * both call this, and tests/integration/shapes.sh compares their key sets.
 *
 * Every cJSON call is checked: out of memory is SYM_ERR_NOMEM, never a half-missing key that
 * looks like data.
 */
#include <cjson/cJSON.h>
#include <stddef.h>

#include "core/assistant.h"
#include "core/turn_json.h"

const char *sym_turn_stop_name(enum sym_stop_reason stop)
{
    switch (stop) {
    case SYM_STOP_EOG:
        return "end";
    case SYM_STOP_LIMIT:
        return "max_tokens";
    case SYM_STOP_STRING:
        return "stop_string";
    case SYM_STOP_CONTEXT:
        return "context_full";
    case SYM_STOP_INTERRUPT:
        return "interrupted";
    case SYM_STOP_CALLER:
        return "caller";
    case SYM_STOP_TOOL_CALLS:
        return "tool_calls";
    }
    return "unknown";
}

static double per_second(int n, double ms)
{
    return ms > 0 && n > 0 ? n * 1000.0 / ms : 0;
}

static bool add_number(cJSON *obj, const char *name, double v)
{
    return obj && cJSON_AddNumberToObject(obj, name, v);
}

static bool add_tokens_timings(cJSON *obj, const struct sym_gen_stats *s)
{
    cJSON *tokens = cJSON_AddObjectToObject(obj, "tokens");
    cJSON *timings;

    if (!add_number(tokens, "prompt", s->n_prompt) ||
        !add_number(tokens, "evaluated", s->n_evaluated) ||
        !add_number(tokens, "cached", s->n_prompt - s->n_evaluated) ||
        !add_number(tokens, "generated", s->n_generated))
        return false;
    timings = cJSON_AddObjectToObject(obj, "timings");
    return add_number(timings, "ttft_ms", s->ttft_ms) &&
           add_number(timings, "prompt_ms", s->prompt_ms) &&
           add_number(timings, "prompt_tps", per_second(s->n_evaluated, s->prompt_ms)) &&
           add_number(timings, "gen_ms", s->gen_ms) &&
           add_number(timings, "gen_tps", per_second(s->n_generated - 1, s->gen_ms));
}

/* "tool_calls": the turn's tool calls as core/toolturn.h writes them (id, name, arguments,
 * result, status). */
static bool add_tool_calls(cJSON *obj, const struct sym_turn *turn)
{
    struct sym_buf text = {0};
    cJSON *calls = NULL;

    if (!sym_tool_records_json(&turn->tools, &text))
        calls = cJSON_Parse(sym_buf_str(&text));
    sym_buf_free(&text);
    if (calls && cJSON_AddItemToObject(obj, "tool_calls", calls))
        return true;
    cJSON_Delete(calls);
    return false;
}

/* The keys only a chat turn has, after "conversation_id". */
static bool add_chat(cJSON *obj, const struct sym_turn *turn, const struct sym_assistant *a,
                     const char *(*stop_name)(enum sym_stop_reason stop))
{
    const struct sym_llm *llm = sym_assistant_llm(a);
    cJSON *recalled, *o;
    int i;

    if (!add_tokens_timings(obj, &turn->stats) ||
        !cJSON_AddStringToObject(obj, "stop", stop_name(turn->stats.stop)))
        return false;
    if (llm) {
        o = cJSON_AddObjectToObject(obj, "context");
        if (!add_number(o, "used", sym_llm_n_cached(llm)) ||
            !add_number(o, "size", sym_llm_n_ctx(llm)))
            return false;
    }
    if (!add_number(obj, "dropped_turns", turn->n_dropped))
        return false;
    recalled = cJSON_AddArrayToObject(obj, "recalled");
    if (!recalled)
        return false;
    for (i = 0; i < turn->n_recalled; i++) {
        o = cJSON_CreateNumber((double)turn->recalled[i]);
        if (!o || !cJSON_AddItemToArray(recalled, o)) {
            cJSON_Delete(o);
            return false;
        }
    }
    /* The tools the model called in this turn: [] when none. */
    if (!add_tool_calls(obj, turn))
        return false;
    if (turn->learn_ms > 0) {
        o = cJSON_AddObjectToObject(obj, "llm_extract");
        if (!add_number(o, "ms", turn->learn_ms) || !add_number(o, "added", turn->n_learned))
            return false;
    }
    return true;
}

static bool add_body(cJSON *obj, const struct sym_turn *turn, const struct sym_assistant *a,
                     const char *error, const char *(*stop_name)(enum sym_stop_reason stop))
{
    long long id = 0;
    int n;

    if (!cJSON_AddStringToObject(obj, "kind", turn->kind == SYM_TURN_COMMAND ? "command" : "chat"))
        return false;
    if (turn->backend && !cJSON_AddStringToObject(obj, "backend", turn->backend))
        return false;
    if (error)
        return cJSON_AddStringToObject(obj, "error", error) != NULL;
    if (!cJSON_AddStringToObject(obj, "answer", turn->answer ? turn->answer : ""))
        return false;
    /* A reasoning model's thinking, apart from the answer; null when there was none. */
    if (turn->kind == SYM_TURN_CHAT &&
        !(turn->reasoning ? cJSON_AddStringToObject(obj, "reasoning", turn->reasoning)
                          : cJSON_AddNullToObject(obj, "reasoning")))
        return false;
    sym_assistant_conversation(a, &id, &n);
    if (!(id ? cJSON_AddNumberToObject(obj, "conversation_id", (double)id)
             : cJSON_AddNullToObject(obj, "conversation_id")))
        return false;
    return turn->kind != SYM_TURN_CHAT || add_chat(obj, turn, a, stop_name);
}

enum sym_status sym_turn_json(cJSON *obj, const struct sym_turn *turn,
                              const struct sym_assistant *a, const char *error, cJSON *notices,
                              const char *(*stop_name)(enum sym_stop_reason stop))
{
    if (!add_body(obj, turn, a, error, stop_name ? stop_name : sym_turn_stop_name)) {
        cJSON_Delete(notices);
        return SYM_ERR_NOMEM;
    }
    if (!notices && !(notices = cJSON_CreateArray()))
        return SYM_ERR_NOMEM;
    if (!cJSON_AddItemToObject(obj, "notices", notices)) {
        cJSON_Delete(notices);
        return SYM_ERR_NOMEM;
    }
    return SYM_OK;
}
