/*
 * llm_internal.h: what other files of the LLM module need of a struct sym_llm's insides (the
 * context, the KV-cache mirror, the model's identity), for kvstate.c. Includes llama.h, so only
 * src/llm includes this header. Not thread-safe, like the rest of llm.h.
 */
#ifndef SYM_LLM_INTERNAL_H
#define SYM_LLM_INTERNAL_H

#include "llama.h"

#include "base/status.h"
#include "llm/llm.h"

/* The conversation's context (never the side context's). Borrowed, valid while llm lives. */
struct llama_context *sym_llm_context(struct sym_llm *llm);
/* The tokens in sequence 0's KV cache (*n of them) and, when starts is not NULL, which of them
 * began a generated answer. Borrowed, valid until the next call on llm. */
const llama_token *sym_llm_cache_tokens(const struct sym_llm *llm, int *n, const bool **starts);
/*
 * Set the mirror of sequence 0's KV cache to toks[0..n) (and starts[0..n)), after the caller put
 * exactly those tokens' state into the context (llama_state_seq_set_data). SYM_ERR_CONTEXT when
 * n does not fit.
 */
enum sym_status sym_llm_cache_set(struct sym_llm *llm, const llama_token *toks, const bool *starts,
                                  int n);
/* Keep only the first n tokens of sequence 0's KV cache (n <= what is cached). */
void sym_llm_cache_cut(struct sym_llm *llm, int n);
/* The model file's path as given to sym_llm_init(), and its chat template's source ("" for the
 * fallback template). Borrowed, valid while llm lives. */
const char *sym_llm_model_path(const struct sym_llm *llm);
const char *sym_llm_template_source(const struct sym_llm *llm);

#endif
