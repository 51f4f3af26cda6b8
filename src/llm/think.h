/*
 * think.h: a streamed answer split into the model's thinking and its answer.
 *
 * A reasoning model (DeepSeek-R1, Qwen3, gpt-oss ...) writes its thinking before the answer,
 * between markers its template defines ("<think>...</think>" and the like). The split feeds the
 * raw pieces of the generation to llama.cpp's chat parser (llm/chat.h) for the template, as a
 * partial output each time, and passes on only what is new in each part: the thinking to
 * on_reasoning, the answer to on_content. A marker cut across pieces is held back by the parser
 * until it is whole, so neither callback ever sees part of one.
 *
 * With tools (backend.h), the same parse also reads the model's tool calls: each call is
 * announced once its name is whole (its index, an id, its name), then its JSON arguments follow
 * piece by piece, as OpenAI streams "delta.tool_calls"; the markup around them ("<tool_call>"
 * and the like) reaches neither callback. A call without an id in the model's format gets one
 * ("call_" and 24 random letters and digits), the same in every piece and in the final list.
 *
 * Each push parses the whole text so far (the parser has no incremental mode): the cost grows
 * with the square of the answer's length, which for answers of a few thousand tokens stays far
 * below the cost of generating them. Only templates that have a thinking block use it.
 */
#ifndef SYM_THINK_H
#define SYM_THINK_H

#include <stdbool.h>
#include <stddef.h>

#include "base/status.h"
#include "llm/chat.h"
#include "llm/llm.h"

struct sym_think;

/*
 * A split for answers to prompts rendered as p (borrowed; must outlive the split). on_content
 * gets the answer's new text, on_reasoning the thinking's (NULL: dropped); both get data, and a
 * non-zero return from either stops the generation. Caller frees with sym_think_free().
 */
enum sym_status sym_think_init(struct sym_think **out, const struct sym_chat_prompt *p,
                               sym_llm_text_fn on_content, sym_llm_text_fn on_reasoning,
                               void *data);
void sym_think_free(struct sym_think *t);

/* A sym_llm_text_fn: push the next raw piece (data is the struct sym_think). */
int sym_think_push(const char *text, size_t len, void *data);

/*
 * The generation is over: parse the whole output as final and pass on what was held back (an
 * unclosed thinking block stays thinking). SYM_ERR_NOMEM; a callback's stop is not an error.
 */
enum sym_status sym_think_finish(struct sym_think *t);

/* Receives each piece of a tool call: see backend.h's on_tool_call. */
typedef int (*sym_think_tool_fn)(int index, const char *id, const char *name,
                                 const char *args_delta, void *data);

/* Send tool calls to on_tool_call (with the split's data) as they stream; call before the first
 * push. Without it the calls are still read, for sym_think_tool_calls(). */
void sym_think_on_tool_call(struct sym_think *t, sym_think_tool_fn on_tool_call);

/* After sym_think_finish(): the number of tool calls the answer made. */
size_t sym_think_n_tool_calls(const struct sym_think *t);

/* After sym_think_finish(): the calls as an OpenAI "tool_calls" array (with the ids that were
 * streamed), appended to out; nothing when there were none. SYM_ERR_NOMEM. */
enum sym_status sym_think_tool_calls(const struct sym_think *t, struct sym_buf *out);

/* The thinking so far. Borrowed, valid until the next push or finish. */
const char *sym_think_reasoning(const struct sym_think *t);

#endif
