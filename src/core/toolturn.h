/*
 * toolturn.h: what the core needs to let the model call tools inside a chat turn, and the JSON
 * that carries tool calls through the conversation.
 *
 * The tools themselves live in a room above the core (src/tools/), so the core defines the
 * interface it uses, a small function table (struct sym_toolbox) that the front ends fill from
 * their tool list (sym_tools_toolbox(), tools/tools.h) and hand to sym_assistant_set_toolbox().
 *
 * A tool call the model made is kept as a struct sym_tool_call_record (its id, name, arguments,
 * result and what became of it); the turn hands the records to the front end (struct sym_turn),
 * sym_turn_json() puts them in the turn's JSON, and the memory database keeps them with the answer
 * (sym_tool_records_json() / sym_tool_records_parse()) so that --resume and the page's history
 * show them and the next turn's prompt has them again.
 */
#ifndef SYM_TOOLTURN_H
#define SYM_TOOLTURN_H

#include <stdbool.h>
#include <stddef.h>

#include "base/buf.h"
#include "base/status.h"
#include "llm/llm.h"

struct sym_conv;

/* The tools a chat turn may offer the model. Every function is required; data is theirs. */
struct sym_toolbox {
    /* The tools as an OpenAI "tools" array, JSON text ("[]" or NULL: none). Borrowed, valid until
     * the next call. */
    const char *(*tools_json)(void *data);
    /* True when calling name needs the user's yes first (it may remove something and the
     * config's tools-allow does not name it). */
    bool (*asks)(void *data, const char *name);
    /*
     * Run name with args (JSON text of an object). confirmed: the user said yes to a tool that
     * asks. Returns SYM_OK with *result (the result text; caller frees) and *is_error (the tool
     * itself failed), or a status with *result the reason (caller frees; NULL on no memory):
     * SYM_ERR_NOT_FOUND, SYM_ERR_INVALID (arguments), SYM_ERR_DENIED, or the tool's own.
     */
    enum sym_status (*call)(void *data, const char *name, const char *args, bool confirmed,
                            char **result, bool *is_error);
    void *data;
};

/* What became of one tool call. */
enum sym_tool_status {
    SYM_TOOL_OK,      /* it ran */
    SYM_TOOL_ERROR,   /* no such tool, bad arguments, or the tool failed */
    SYM_TOOL_DENIED,  /* it needed the user's yes and did not get it */
    SYM_TOOL_SKIPPED, /* over the turn's limit of calls: not run */
};

/* "ok", "error", "denied", "skipped". Static storage. */
const char *sym_tool_status_name(enum sym_tool_status status);

/* One tool call of a turn. Strings owned by the record. */
struct sym_tool_call_record {
    char *id;        /* the call's id as the model gave it (made up when it gave none) */
    char *name;      /* the tool */
    char *arguments; /* JSON text, as the model wrote it */
    char *result;    /* the result text sent back to the model; NULL while it has not run */
    enum sym_tool_status status;
};

/* A turn's tool calls, in order. */
struct sym_tool_records {
    struct sym_tool_call_record *items;
    size_t n, cap;
};

void sym_tool_records_free(struct sym_tool_records *r);

/*
 * Append the calls of an OpenAI "tool_calls" array (JSON text: [{"id", "type": "function",
 * "function": {"name", "arguments"}}]) to r, not run yet. A call without an id gets
 * "call_<round>_<i>". SYM_ERR_INVALID when the text is not such an array, SYM_ERR_NOMEM; r is
 * then as it was. *n_added gets the number appended.
 */
enum sym_status sym_tool_records_add(struct sym_tool_records *r, const char *tool_calls_json,
                                     int round, size_t *n_added);

/*
 * The OpenAI "tool_calls" array of r's items [from, from + n), JSON text appended to out: what
 * the assistant's message carries in the conversation. SYM_ERR_NOMEM.
 */
enum sym_status sym_tool_records_calls(const struct sym_tool_records *r, size_t from, size_t n,
                                       struct sym_buf *out);

/*
 * The records as the stored and shown JSON array: [{"id", "name", "arguments", "result",
 * "status"}] (arguments as the JSON text the model wrote, as OpenAI does), appended to out.
 * SYM_ERR_NOMEM.
 */
enum sym_status sym_tool_records_json(const struct sym_tool_records *r, struct sym_buf *out);

/*
 * Read records back from sym_tool_records_json()'s text into r (appended). SYM_ERR_INVALID when
 * the text is not such an array (r is then as it was), SYM_ERR_NOMEM.
 */
enum sym_status sym_tool_records_parse(struct sym_tool_records *r, const char *json);

/*
 * For a tool choice that names one function: the tools array cut to that one (appended to out),
 * as the backends send it with tool choice "required". SYM_ERR_NOT_FOUND when tools_json has no
 * function called name, SYM_ERR_INVALID when it is not an array, SYM_ERR_NOMEM.
 */
enum sym_status sym_toolturn_only(const char *tools_json, const char *name, struct sym_buf *out);

/* True when choice is one of OpenAI's words ("auto", "none", "required") or NULL, not a name. */
bool sym_toolturn_choice_is_word(const char *choice);

/*
 * The conversation msgs[0..n) (from conv: each message's tool parts, conversation.h) as an
 * OpenAI "messages" array, JSON text appended to out: what a backend renders when tool calls are
 * in the conversation. SYM_ERR_NOMEM.
 */
enum sym_status sym_toolturn_messages_json(const struct sym_conv *conv,
                                           const struct sym_chat_msg *msgs, size_t n,
                                           struct sym_buf *out);

#endif
