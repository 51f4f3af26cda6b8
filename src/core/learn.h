/*
 * learn.h: the language model's pass of fact extraction. After a chat answer, a message in which
 * the user speaks about themselves (nlp/llm_facts.h) is shown to the model with instructions to
 * list the lasting facts in it; the lines of the reply that are grounded in the message are
 * stored as facts (source "conversation", tags "extracted,llm"; the same text twice is kept
 * once) and each new one is told in a notice, as the rules' facts are.
 *
 * It runs only for a model with a chat template (a bare completion model cannot follow the
 * instructions), in the model's side context (llm/llm.h), so the conversation's KV cache stays as
 * it was and the next turn costs what it would have cost anyway; the instructions come first and
 * are the same each time, so after the first run only the message and the reply are evaluated.
 */
#ifndef SYM_LEARN_H
#define SYM_LEARN_H

#include <stdbool.h>

#include "base/status.h"
#include "llm/llm.h"

struct sym_store;

/* What one pass did. */
struct sym_learn {
    bool ran;           /* the model was asked */
    int n_added;        /* facts stored that were not there before */
    char added[4][256]; /* their texts */
    struct sym_gen_stats stats;
};

/* Whether the pass would run for message with llm (a chat template, a first-person statement). */
bool sym_learn_applies(struct sym_llm *llm, const char *message);

/* Run the pass on message (valid UTF-8): ask llm, store the grounded facts in store. A failure of
 * the model or the database costs only the facts (SYM_OK with out->n_added 0, and the reason in
 * the debug log); SYM_ERR_INTERRUPTED when the interrupt flag stopped it. */
enum sym_status sym_learn_run(struct sym_llm *llm, struct sym_store *store, const char *message,
                              struct sym_learn *out);

#endif
