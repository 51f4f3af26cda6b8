/*
 * llm_internal.h: what the LLM room's files share about a loaded model beyond llm.h: the pieces
 * of one generation (tokenizing, the sampler chain, the streamed text with its UTF-8 assembly and
 * stop strings) and the hooks through which the engine (engine.c: several sequences decoded in
 * one batch) takes over the model's context; and, for kvstate.c, the KV-cache mirror of sequence 0
 * and the model's identity. Includes llama.h, so only src/llm includes it.
 *
 * Everything here is safe to call from several threads at once unless it says otherwise: none of
 * it writes the model's shared error text.
 */
#ifndef SYM_LLM_INTERNAL_H
#define SYM_LLM_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "llama.h"

#include "base/buf.h"
#include "base/utf8.h"
#include "llm/llm.h"

/* The streaming state of one answer: UTF-8 assembly, stop strings, the caller's callback. */
struct sym_llm_stream {
    struct sym_utf8_stream utf8;
    struct sym_buf text; /* valid UTF-8 not yet handed out (may hold a stop string's prefix) */
    const char *const *stops;
    sym_llm_text_fn on_text;
    void *data;
    bool stopped_by_string;
    bool stopped_by_caller;
};

/* Start a stream that hands text to on_text(data) and stops at any of stops (may be NULL). */
void sym_llm_stream_init(struct sym_llm_stream *st, const char *const *stops,
                         sym_llm_text_fn on_text, void *data);
/* Take a token's bytes; hand out what is safe to show. final: the answer is over (flush). */
enum sym_status sym_llm_stream_push(struct sym_llm_stream *st, const char *piece, size_t n,
                                    bool final);
void sym_llm_stream_free(struct sym_llm_stream *st);

/* Tokenize text as a prompt (BOS, special tokens) into *out (caller frees); the count, or -1
 * with the reason in err. */
int sym_llm_tokenize(struct sym_llm *llm, const char *text, llama_token **out, char *err,
                     size_t errlen);
/* The sampler chain for s (a constraint's grammar first). NULL with err set when the grammar
 * fails, NULL with err empty when out of memory. */
struct llama_sampler *sym_llm_sampler(struct sym_llm *llm, const struct sym_sampling *s, char *err,
                                      size_t errlen);

/* The conversation's context (never the side one) and the vocabulary. */
struct llama_context *sym_llm_context(const struct sym_llm *llm);
const struct llama_vocab *sym_llm_vocab(const struct sym_llm *llm);
/* The flag that stops everything (sym_llm_params.interrupt), or NULL. */
volatile sig_atomic_t *sym_llm_interrupt_flag(const struct sym_llm *llm);
/* This thread's own stop flag (sym_llm_set_cancel), or NULL. */
const atomic_bool *sym_llm_thread_cancel(void);

/* Every llama_decode on the model's contexts runs under this lock: the contexts share one ggml
 * threadpool, which computes one graph at a time. */
void sym_llm_decode_lock(struct sym_llm *llm);
void sym_llm_decode_unlock(struct sym_llm *llm);

/* The engine's entry: sym_llm_generate() calls fn instead of its own path (except in the side
 * context), from any thread; fn writes its failure's reason into err and the tokens its slot
 * holds afterwards into *n_cached (what sym_llm_n_cached() then says on that thread). NULL fn:
 * the own path. */
typedef enum sym_status (*sym_llm_generate_fn)(void *engine, const char *prompt,
                                               const struct sym_sampling *sampling, int max_tokens,
                                               const char *const *stops, sym_llm_text_fn on_text,
                                               void *data, struct sym_gen_stats *stats, char *err,
                                               size_t errlen, int *n_cached);
void sym_llm_set_engine(struct sym_llm *llm, sym_llm_generate_fn fn, void *engine);

/* For kvstate.c; not thread-safe (the caller owns the model, as with llm.h). */

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
