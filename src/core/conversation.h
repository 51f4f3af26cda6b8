/*
 * conversation.h: the conversation the model sees: the system message (the configured prompt
 * plus the memory blocks of this turn) and the turns, in the shape the backends take
 * (struct sym_chat_msg), with the policy that fits it to the context.
 *
 * Not to be confused with memory/conversations.h, which stores conversations in the database:
 * this is the live one, in memory, of one assistant.
 *
 * Fitting: when the formatted conversation plus room for the answer does not fit the context, the
 * oldest turns are left out (a user message and what answered it: tool calls, their results, the
 * answer); once it must leave some out it goes down to half the context, so the KV cache can be
 * reused again for many turns afterwards. The system message and the newest turn (from its user
 * message on) always stay. Turns are dropped for good
 * only once the result fits. Formatting and token counting come in as a callback, so the policy
 * is testable without a model (tests/unit/test_conversation.c).
 *
 * Lifetimes: sym_conv_init() gives a conversation the caller frees with sym_conv_free(). Message
 * texts are copied in and owned by the conversation.
 */
#ifndef SYM_CONVERSATION_H
#define SYM_CONVERSATION_H

#include <stdbool.h>
#include <stddef.h>

#include "base/buf.h"
#include "base/status.h"
#include "llm/llm.h"

struct sym_conv;

/* A conversation whose system message is system (copied; NULL or "" = no system message, and
 * then there never is one). SYM_ERR_NOMEM. */
enum sym_status sym_conv_init(struct sym_conv **out, const char *system);
void sym_conv_free(struct sym_conv *c);

/* The messages, oldest first (the system message first when there is one), *n of them. Borrowed,
 * valid until the conversation changes. */
const struct sym_chat_msg *sym_conv_msgs(const struct sym_conv *c, size_t *n);
/* The index of the first turn's message: 1 with a system message, else 0. */
size_t sym_conv_first_turn(const struct sym_conv *c);
/* True when the conversation has a system message. */
bool sym_conv_has_system(const struct sym_conv *c);
/* The user messages in it. */
int sym_conv_n_turns(const struct sym_conv *c);

/* Append a message; role must be a static string ("user", "assistant"). SYM_ERR_NOMEM leaves the
 * conversation as it was. */
enum sym_status sym_conv_push(struct sym_conv *c, const char *role, const char *content);
/* The tool parts of a message (llm.h's struct sym_chat_msg has none): an assistant message's
 * tool calls (an OpenAI "tool_calls" array, JSON text) and a "tool" message's tool_call_id. */
struct sym_conv_tool {
    char *tool_calls;   /* NULL: none */
    char *tool_call_id; /* NULL: none */
};

/* Append a message with its tool parts (copied; NULL for none): an assistant message that called
 * tools ("assistant", its text, tool_calls) or a tool's result ("tool", the result,
 * tool_call_id). SYM_ERR_NOMEM leaves the conversation as it was. */
enum sym_status sym_conv_push_tool(struct sym_conv *c, const char *role, const char *content,
                                   const char *tool_calls, const char *tool_call_id);
/* The tool parts of m, a message of this conversation's (from sym_conv_msgs(), or as handed to
 * sym_conv_fit()'s callback). Borrowed, valid until the conversation changes. */
const struct sym_conv_tool *sym_conv_tool_part(const struct sym_conv *c,
                                               const struct sym_chat_msg *m);
/* True when some message has tool parts. */
bool sym_conv_has_tools(const struct sym_conv *c);
/* The number of messages, the system message included. */
size_t sym_conv_count(const struct sym_conv *c);
/* Keep only the first n messages (n from sym_conv_count() before a turn: undo the turn). */
void sym_conv_truncate(struct sym_conv *c, size_t n);
/* Remove the newest message (there must be one besides the system message). */
void sym_conv_pop(struct sym_conv *c);
/* Give the newest message other content. SYM_ERR_NOMEM leaves it as it was. */
enum sym_status sym_conv_set_last(struct sym_conv *c, const char *content);
/* Give message i (not the system message) other content. SYM_ERR_INVALID for no such message,
 * SYM_ERR_NOMEM leaves it as it was. */
enum sym_status sym_conv_set_at(struct sym_conv *c, size_t i, const char *content);
/* Forget every turn; the system message stays. */
void sym_conv_clear(struct sym_conv *c);

/*
 * The system message becomes the configured prompt followed by block (after a blank line; ""
 * = the prompt alone). When that is what it already says, nothing changes, so the KV cache of
 * the conversation stays valid between turns. Nothing without a system message. SYM_ERR_NOMEM
 * leaves it as it was.
 */
enum sym_status sym_conv_set_block(struct sym_conv *c, const char *block);

/*
 * Format msgs[0..n) as the model's prompt into prompt (reset first) and count its tokens into
 * *n_tokens. Any failure status is passed on by sym_conv_fit().
 */
typedef enum sym_status (*sym_conv_format_fn)(const struct sym_chat_msg *msgs, size_t n,
                                              struct sym_buf *prompt, int *n_tokens, void *data);

/*
 * Fit the conversation to a context of n_ctx tokens keeping reserve free for the answer (see the
 * top of this file): on SYM_OK the oldest turns that did not fit are gone (*n_dropped of them,
 * a turn being a user message and the answer after it), and prompt holds the formatted conversation
 * as it now stands, *n_tokens long: hand it on as is, it is not formatted again. SYM_ERR_CONTEXT
 * when the newest message does not fit even alone (*n_tokens is then what it needs without the
 * reserve), or the callback's failure: the conversation is then as it was. There must be at least
 * one message besides the system message.
 */
enum sym_status sym_conv_fit(struct sym_conv *c, int n_ctx, int reserve, sym_conv_format_fn format,
                             void *data, struct sym_buf *prompt, int *n_tokens, int *n_dropped);

#endif
