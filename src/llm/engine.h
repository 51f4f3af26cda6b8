/*
 * engine.h: several generations at once on one model: slots, continuous batching.
 *
 * An engine takes over a model loaded with sym_llm_params.n_parallel = N: its context holds N
 * sequences in one unified KV cache, one per slot, each of sym_llm_n_ctx() tokens. A thread of
 * its own runs steps: each step builds ONE llama_batch with the next token of every slot that
 * is generating and a bounded chunk of every slot's prompt that is still being read (so a long
 * prompt does not stall the others' streams), makes one llama_decode, then samples each slot
 * whose logits came out. Each slot has its own sampler chain (a grammar constraint included),
 * stop strings and UTF-8 assembly, and a mirror of the tokens in its sequence, as the single
 * stream path has (llm.h): a request goes to the free slot whose tokens share the longest
 * prefix with its prompt, and a longer shared start (system prompt, memory block) that another
 * slot holds is copied into it (llama_memory_seq_cp) rather than evaluated again.
 *
 * While the engine runs, sym_llm_generate() on the model, from any thread, is a request to it
 * (except in the side context, which keeps its own path); sym_engine_generate() is the same
 * call with a priority. A request stops, besides as sym_llm_generate() says, when the calling
 * thread's flag (sym_llm_set_cancel) becomes true: only that slot stops.
 *
 * Lifetimes: sym_engine_start() after the model is loaded, sym_engine_free() before it is freed.
 */
#ifndef SYM_ENGINE_H
#define SYM_ENGINE_H

#include <stdbool.h>
#include <stddef.h>

#include "base/status.h"
#include "llm/llm.h"

struct sym_engine;

/* Tokens of one slot's prompt read in a step while other slots are generating. */
#define SYM_ENGINE_DEFAULT_CHUNK 256

enum sym_engine_priority {
    SYM_ENGINE_NORMAL, /* a conversation someone waits for */
    SYM_ENGINE_LOW,    /* background work (fact extraction): its prompt is read only in the
                          room the normal slots leave in a step */
};

struct sym_engine_stats {
    int n_slots;       /* slots (sym_llm_params.n_parallel) */
    int busy;          /* slots serving a request now */
    int waiting;       /* requests waiting for a free slot */
    int n_ctx;         /* tokens per slot */
    int kv_used;       /* tokens held in all the slots' sequences (a shared start counts in each) */
    long long steps;   /* decodes made */
    long long batched; /* tokens decoded in them */
};

/*
 * Take over llm (loaded with n_parallel >= 1; borrowed, must outlive the engine) and start the
 * engine's thread. chunk: prompt tokens per slot and step while others generate (0: the
 * default). SYM_ERR_INVALID when llm has no parallel sequences, SYM_ERR_NOMEM.
 */
enum sym_status sym_engine_start(struct sym_engine **out, struct sym_llm *llm, int chunk);
/* Stop the thread and give the model back to its single-stream path (its KV cache cleared).
 * No thread may be inside sym_engine_generate() or sym_llm_generate() on the model: stop them
 * first (their stop flags, or the interrupt flag, end their requests at once). Accepts NULL. */
void sym_engine_free(struct sym_engine *e);

/*
 * Generate as sym_llm_generate() does (same arguments, same results and stats), in a slot, from
 * any thread; blocks until the answer is over. on_text runs on the engine's thread: it must not
 * call the engine. err receives the reason of a failure.
 */
enum sym_status sym_engine_generate(struct sym_engine *e, enum sym_engine_priority priority,
                                    const char *prompt, const struct sym_sampling *sampling,
                                    int max_tokens, const char *const *stops,
                                    sym_llm_text_fn on_text, void *data,
                                    struct sym_gen_stats *stats, char *err, size_t errlen);

/* Figures for metrics and /api/status. */
void sym_engine_get_stats(struct sym_engine *e, struct sym_engine_stats *out);

/* The KV sequence id of a slot (0 .. n_slots-1), for saving or loading its state; -1 when slot
 * is out of range. */
int sym_engine_slot_seq(const struct sym_engine *e, int slot);

#endif
