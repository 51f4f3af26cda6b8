/*
 * chat.h: chat templates, tool calls, structured output and reasoning through llama.cpp's chat
 * library (common/chat.h), behind a C interface.
 *
 * llama.cpp's chat library renders a model's own Jinja template (every template of llama.cpp's
 * models/templates/ that it supports), with tool definitions, tool calls and tool results in the
 * history; it says what generation needs (a grammar for a forced tool call or a JSON schema, with
 * its lazy triggers, extra stop strings) and parses the model's output back into content,
 * reasoning ("<think>...</think>" and the like) and tool calls. chat.cpp is a thin C++ shim over
 * it: every exception stops at this boundary and becomes a status and a message.
 *
 * Part of the LLM room: only src/llm includes llama.cpp's headers; this header declares their
 * structs without including them, so callers above the room see plain C.
 *
 * Lifetimes: a struct sym_chat_tmpl is made by sym_chat_tmpl_init() and freed by
 * sym_chat_tmpl_free(); a struct sym_chat_prompt by sym_chat_apply() and sym_chat_prompt_free().
 * Neither is shared between threads while in use.
 */
#ifndef SYM_CHAT_H
#define SYM_CHAT_H

#include <stdbool.h>
#include <stddef.h>

#include "base/status.h"
#include "llm/llm.h"

#ifdef __cplusplus
extern "C" {
#endif

struct llama_model;
struct llama_vocab;
struct llama_sampler;

/* A model's chat templates, parsed. */
struct sym_chat_tmpl;
/* One rendered conversation and what its generation needs (grammar, stops, parser). */
struct sym_chat_prompt;

/*
 * Parse the chat template to use: source when not NULL (a Jinja template's text), else the
 * model's own (tokenizer.chat_template, and its "tool_use" variant when it has one). The BOS and
 * EOS texts come from model's vocabulary when model is not NULL. Returns SYM_ERR_NOT_FOUND when
 * source is NULL and the model carries no template (the caller uses its fallback), SYM_ERR_MODEL
 * when the template does not parse or cannot render a short conversation, SYM_ERR_NOMEM; err
 * explains. On success the caller frees *out with sym_chat_tmpl_free().
 */
enum sym_status sym_chat_tmpl_init(struct sym_chat_tmpl **out, const struct llama_model *model,
                                   const char *source, char *err, size_t errlen);
void sym_chat_tmpl_free(struct sym_chat_tmpl *t);

/* Whether the template renders tool definitions and tool calls (its own "tools" support). */
bool sym_chat_tmpl_supports_tools(const struct sym_chat_tmpl *t);

/* What to render. Strings are borrowed for the call. */
struct sym_chat_in {
    /* The conversation: an OpenAI "messages" array as JSON text (roles system, user, assistant
     * with optional "tool_calls", tool with "tool_call_id"), or, when NULL, msgs[0..n_msgs). */
    const char *messages_json;
    const struct sym_chat_msg *msgs;
    size_t n_msgs;
    const char *tools_json;  /* an OpenAI "tools" array, or NULL */
    const char *tool_choice; /* "auto" (NULL), "none" or "required" */
    bool parallel_tool_calls;
    const char *json_schema; /* a JSON schema the answer must follow ("{}": any object), or NULL */
    bool enable_thinking;    /* let a reasoning template open its thinking block */
    bool add_generation_prompt; /* end with the start of the assistant's reply */
};

/* The defaults: no tools, thinking on, the generation prompt added. */
struct sym_chat_in sym_chat_in_default(void);

/*
 * Render in with the template. Returns SYM_OK and *out (free with sym_chat_prompt_free()), or
 * SYM_ERR_INVALID for input the library refuses (malformed messages or tools JSON, an unknown
 * role, a schema it cannot turn into a grammar), SYM_ERR_MODEL when the template fails to render,
 * SYM_ERR_NOMEM; err explains and *out is NULL.
 */
enum sym_status sym_chat_apply(const struct sym_chat_tmpl *t, const struct sym_chat_in *in,
                               struct sym_chat_prompt **out, char *err, size_t errlen);
void sym_chat_prompt_free(struct sym_chat_prompt *p);

/* The prompt text. Borrowed, valid while p lives. */
const char *sym_chat_prompt_text(const struct sym_chat_prompt *p);
/* Stop strings the format needs besides the end-of-generation tokens (NULL-terminated). */
const char *const *sym_chat_prompt_stops(const struct sym_chat_prompt *p);
/* True when generation must be constrained (a forced tool call, a JSON schema, lazy triggers). */
bool sym_chat_prompt_has_grammar(const struct sym_chat_prompt *p);
/* True when the template has a thinking block that the parser separates from the answer. */
bool sym_chat_prompt_supports_thinking(const struct sym_chat_prompt *p);
/* The parser format's name, for diagnostics ("peg-native", "Content-only"). Borrowed. */
const char *sym_chat_prompt_format(const struct sym_chat_prompt *p);

/*
 * The grammar sampler for p's constraint on vocab (lazy when the format says so, advanced past
 * the generation prompt the template already wrote). Returns NULL with err empty when p has no
 * grammar, NULL with err set when the grammar fails to build. The caller frees it with
 * llama_sampler_free() or hands it to a sampler chain.
 */
struct llama_sampler *sym_chat_grammar_sampler(const struct sym_chat_prompt *p,
                                               const struct llama_vocab *vocab, char *err,
                                               size_t errlen);

/* One tool call as parsed; while partial, name and arguments may be unfinished. */
struct sym_chat_tool_call {
    char *id;        /* "" when the format carries none (the caller makes one) */
    char *name;      /* "" until the parser has read it */
    char *arguments; /* the JSON arguments' text so far ("" before they start) */
};

/* A parsed answer; every member owned, freed by sym_chat_parsed_free(). */
struct sym_chat_parsed {
    char *content;         /* the answer's text ("" when none), without surrounding whitespace */
    char *reasoning;       /* the thinking ("" when none), without surrounding whitespace */
    char *tool_calls_json; /* an OpenAI "tool_calls" array ("[]" when none) */
    size_t n_tool_calls;
    struct sym_chat_tool_call *calls; /* the same calls, n_tool_calls of them (NULL when none) */
};

/*
 * Parse the model's output text for p (partial: generation is still going, so an unfinished
 * thinking block or tool call is kept open rather than refused). On SYM_ERR_INVALID (a final
 * output that does not follow the format) or SYM_ERR_NOMEM, err explains and *out is zeroed.
 */
enum sym_status sym_chat_parse(const struct sym_chat_prompt *p, const char *text, bool partial,
                               struct sym_chat_parsed *out, char *err, size_t errlen);
void sym_chat_parsed_free(struct sym_chat_parsed *r);

/* Keep llama.cpp's common library quiet (its warnings go to stderr otherwise) unless verbose. */
void sym_chat_set_verbose(bool verbose);

#ifdef __cplusplus
}
#endif

#endif
