/*
 * recall.h: which remembered facts go into the prompt of a chat turn, and how.
 *
 * Two cases, chosen for the KV cache. When every fact fits the token budget, all of them go into
 * the system message as a marked block: the block changes only when the facts change, so the
 * cached prompt stays valid turn after turn. When they do not fit, the facts most relevant to
 * the user's message (full-text search) go into a block in front of that message only; the
 * conversation's history keeps the plain message, so at most the last turn is evaluated again.
 *
 * Episodic memory: the turns of earlier conversations that best match the message
 * (memory/episodes.h) follow the facts under the same budget, in a block of their own in front of
 * the message (they depend on the message, so never in the system message), each with which
 * conversation, who said it and when. The facts come first: the turns get what they leave. When
 * the caller asks (the `recall-conversations` setting, on by default).
 */
#ifndef SYM_RECALL_H
#define SYM_RECALL_H

#include <stdbool.h>
#include <stddef.h>

#include "base/buf.h"
#include "base/status.h"
#include "llm/llm.h"
#include "memory/store.h"

#define SYM_RECALL_MAX 16

struct sym_recall {
    long long ids[SYM_RECALL_MAX]; /* the facts recalled, in block order */
    size_t n;
    bool all;             /* every fact is in the block (it belongs in the system message) */
    struct sym_buf block; /* the marked block, "" when nothing was recalled */
    long long turn_ids[SYM_RECALL_MAX]; /* the turns recalled, in block order */
    size_t n_turns;
    struct sym_buf turns; /* their marked block, "" when none */
};

/*
 * Build the recall for a user message: all facts when they fit budget tokens (counted with llm's
 * tokenizer; llm may be NULL, for a remote backend: then about 4 bytes a token), else the best
 * search matches that fit; then, with turns, the best matching turns of stored conversations
 * other than conversation (the one under way, 0 = none), in what is left of the budget. An empty
 * store or no match leaves out->n and out->n_turns 0. Release with sym_recall_free().
 */
enum sym_status sym_recall_build(struct sym_store *store, struct sym_llm *llm, const char *message,
                                 int budget, bool turns, long long conversation,
                                 struct sym_recall *out);
/* The user's message as the model sees it, into out (reset first): the facts' block in front when
 * it is not in the system message (not r->all), then the turns' block, then input. */
enum sym_status sym_recall_message(const struct sym_recall *r, const char *input,
                                   struct sym_buf *out);
void sym_recall_free(struct sym_recall *r);

#endif
