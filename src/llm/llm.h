/*
 * llm.h: the language model: load a GGUF, format a chat, generate a streamed answer.
 *
 * This module is the only user of llama.h. It owns one model, one context (one sequence) and the
 * list of tokens currently in that context's KV cache. Each call to sym_llm_generate() compares
 * its prompt with that list and evaluates only the tokens after the common prefix, so a growing
 * conversation costs only its new tokens per turn.
 *
 * Lifetimes: a struct sym_llm is created by sym_llm_init() and freed by sym_llm_free(). It is
 * not thread-safe; one caller at a time.
 */
#ifndef SYM_LLM_H
#define SYM_LLM_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "base/status.h"

#ifndef __cplusplus /* chat.cpp includes this header; C11 atomics are C's */
#include <stdatomic.h>
#endif

struct sym_llm;

/* The context length chosen when none is given: the model's own, up to this many tokens. */
#define SYM_LLM_AUTO_CTX_MAX 4096

struct sym_llm_params {
    const char *model_path;
    int n_ctx;        /* context length in tokens; 0 = auto (see SYM_LLM_AUTO_CTX_MAX) */
    int n_threads;    /* 0 = all online cores */
    int n_gpu_layers; /* layers to offload when built with a GPU backend; -1 = all */
    /* Called during loading with a fraction in [0, 1]; may be NULL. */
    void (*progress)(float fraction, void *data);
    void *progress_data;
    /* When set and non-zero, loading, prompt evaluation and generation stop early. Borrowed. */
    volatile sig_atomic_t *interrupt;
    /* llama.cpp RPC servers to put the model's layers on ("HOST:PORT[,HOST:PORT...]"), or NULL
     * for this machine alone. See llm/rpc.h; a server that cannot be reached fails the load
     * with SYM_ERR_IO. */
    const char *rpc_servers;
    /* Sequences the context holds for the engine (llm/engine.h: several conversations decoded
     * together, each in a slot of n_ctx tokens; the KV cache is then n_parallel * n_ctx). 0:
     * one sequence, the single-stream path of sym_llm_generate() (the CLI). */
    int n_parallel;
};

struct sym_sampling {
    float temp;           /* <= 0: greedy (always the most likely token) */
    int top_k;            /* 0 = off */
    float top_p;          /* 1 = off */
    float min_p;          /* 0 = off */
    float repeat_penalty; /* 1 = off */
    int repeat_last_n;
    uint32_t seed;
    /* A constraint from the chat library (llm/chat.h): when its prompt has a grammar (a forced
     * tool call, a JSON schema), generation follows it. NULL: none. Borrowed for the call. */
    const struct sym_chat_prompt *constraint;
    /* OpenAI's penalties over the last repeat_last_n tokens (64 when that is 0): minus
     * frequency_penalty times a token's count, minus presence_penalty once it appeared. 0 = off. */
    float frequency_penalty;
    float presence_penalty;
};

struct sym_chat_prompt;

struct sym_chat_msg {
    const char *role; /* "system", "user" or "assistant" */
    const char *content;
};

enum sym_stop_reason {
    SYM_STOP_EOG,        /* the model ended its answer */
    SYM_STOP_LIMIT,      /* max_tokens reached */
    SYM_STOP_STRING,     /* a stop string appeared */
    SYM_STOP_CONTEXT,    /* the context is full */
    SYM_STOP_INTERRUPT,  /* the interrupt flag was raised */
    SYM_STOP_CALLER,     /* the text callback asked to stop */
    SYM_STOP_TOOL_CALLS, /* the answer ended in tool calls (backend.h: tools) */
};

struct sym_gen_stats {
    int n_prompt;     /* tokens in the prompt */
    int n_evaluated;  /* prompt tokens decoded now; the others were already in the KV cache */
    int n_generated;  /* tokens sampled */
    double prompt_ms; /* prompt evaluation time */
    double ttft_ms;   /* from the call to the first token sampled */
    double gen_ms;    /* from the first token sampled to the last */
    enum sym_stop_reason stop;
};

/* Receives each piece of the answer: valid UTF-8, not NUL-terminated. Return non-zero to stop. */
typedef int (*sym_llm_text_fn)(const char *text, size_t len, void *data);

/* Default parameters (no model path). */
struct sym_llm_params sym_llm_default_params(void);

/*
 * Load a model and create its context. On failure returns SYM_ERR_NOT_FOUND (no such file),
 * SYM_ERR_MODEL (not a GGUF, truncated, unsupported architecture), SYM_ERR_CONTEXT (context too
 * large), SYM_ERR_INTERRUPTED or SYM_ERR_NOMEM, with a one-line explanation in err, and *out is
 * NULL. On success the caller frees *out with sym_llm_free().
 */
enum sym_status sym_llm_init(struct sym_llm **out, const struct sym_llm_params *params, char *err,
                             size_t errlen);
void sym_llm_free(struct sym_llm *llm);

/* The detail of the last failure on llm. Borrowed, valid until the next call. */
const char *sym_llm_errmsg(const struct sym_llm *llm);

/*
 * Format a conversation with the model's chat template (its Jinja template through llama.cpp's
 * chat library, llm/chat.h; or the fallback template, see sym_llm_has_template) and the start of
 * the assistant's reply, appended to out. SYM_ERR_MODEL when the template fails on these
 * messages (errmsg says why).
 */
enum sym_status sym_llm_format_chat(struct sym_llm *llm, const struct sym_chat_msg *msgs,
                                    size_t n_msgs, struct sym_buf *out);
/* True when the model carries a chat template that llama.cpp's chat library renders. */
bool sym_llm_has_template(const struct sym_llm *llm);
/*
 * The chat library's rendering of a plain conversation with the model's template, when its
 * answers carry a thinking block to separate from the answer (a reasoning model's template:
 * DeepSeek-R1, Qwen3 ...; see llm/think.h); NULL for other templates and the fallback. Borrowed,
 * valid while llm lives.
 */
const struct sym_chat_prompt *sym_llm_thinking(const struct sym_llm *llm);
struct sym_chat_in;

/*
 * Render in (a conversation with tools, tool calls and results, a JSON schema: llm/chat.h) with
 * the model's template through the chat library; every string of the messages and tools that
 * spells one of the model's control tokens is defused first, as sym_llm_format_chat() does.
 * SYM_ERR_INVALID when the model has no template the library renders (the fallback cannot carry
 * tools), for tools given to a template without tool support, for input the library refuses,
 * and when the template raises on a messages_json conversation (roles out of order ...);
 * SYM_ERR_MODEL, SYM_ERR_NOMEM; errmsg says why. The caller frees *out with
 * sym_chat_prompt_free().
 */
enum sym_status sym_llm_apply_chat(struct sym_llm *llm, const struct sym_chat_in *in,
                                   struct sym_chat_prompt **out);
/* True when the model's template renders tool definitions and tool calls. */
bool sym_llm_supports_tools(const struct sym_llm *llm);
/* Extra stop strings the fallback template needs (NULL-terminated list; empty for real
 * templates, which end at the model's end-of-generation tokens). */
const char *const *sym_llm_template_stops(const struct sym_llm *llm);

/* Tokens in text as the prompt would be tokenized; -1 on failure. */
int sym_llm_count_tokens(struct sym_llm *llm, const char *text);

/*
 * Generate a continuation of prompt (the text is tokenized with the model's BOS and special
 * tokens parsed). Only the tokens after the part already in the KV cache are evaluated. Streams
 * the answer through on_text, stops at an end-of-generation token, at max_tokens (-1: no limit),
 * at any of stops (NULL-terminated list, may be NULL; the stop string itself is not emitted),
 * when the context is full, or when the interrupt flag is raised. Fills *stats in every case.
 * With sampling->constraint, every token follows its grammar (llm/chat.h).
 * Returns SYM_OK for each of those ends, SYM_ERR_CONTEXT when the prompt alone does not fit,
 * SYM_ERR_INTERRUPTED when interrupted before the first token, SYM_ERR_INVALID when the
 * constraint's grammar cannot be built, or another error (see errmsg).
 */
enum sym_status sym_llm_generate(struct sym_llm *llm, const char *prompt,
                                 const struct sym_sampling *sampling, int max_tokens,
                                 const char *const *stops, sym_llm_text_fn on_text, void *data,
                                 struct sym_gen_stats *stats);

/*
 * Tokenize text (no BOS) and stream its tokens' pieces through the same UTF-8 assembly and
 * stop-string handling as sym_llm_generate(), without running the model. For tests and tools
 * that need to see exactly how a given text would be streamed.
 */
enum sym_status sym_llm_replay(struct sym_llm *llm, const char *text, const char *const *stops,
                               sym_llm_text_fn on_text, void *data);

/*
 * The side context: a second, smaller context on the same model (n_ctx tokens, at most the main
 * context's), for side tasks such as fact extraction that must not disturb the conversation's KV
 * cache. Between sym_llm_side_begin() and sym_llm_side_end(), every call on llm (generate, count,
 * n_ctx, n_cached, clear_cache) works on the side context; it is made at the first begin (its
 * memory stays until sym_llm_free) and keeps its own KV cache, so a side prompt that starts the
 * same way each time (fixed instructions) costs only its new tokens. n_ctx is only used the first
 * time. On failure (not enough memory) nothing changes and sym_llm_errmsg() says why.
 */
enum sym_status sym_llm_side_begin(struct sym_llm *llm, int n_ctx);
void sym_llm_side_end(struct sym_llm *llm);

/*
 * This thread's stop flag: while set (non-NULL), a generation run on this thread through the
 * engine (llm/engine.h) stops when *flag becomes true, as the interrupt flag stops every one;
 * other threads' generations go on. NULL: none. Borrowed; the server's workers set their job's.
 */
#ifndef __cplusplus
void sym_llm_set_cancel(const atomic_bool *flag);
#endif

/* Forget the KV cache (the next prompt is evaluated in full). */
void sym_llm_clear_cache(struct sym_llm *llm);

int sym_llm_n_ctx(const struct sym_llm *llm);
/* Tokens now in the KV cache. */
int sym_llm_n_cached(const struct sym_llm *llm);
int sym_llm_n_threads(const struct sym_llm *llm);
/* The sequences the context was made with for the engine (sym_llm_params.n_parallel); 0: one,
 * the single-stream path's. */
int sym_llm_n_parallel(const struct sym_llm *llm);
/* A one-line description of the model: "llama 260K F32 (stories260K.gguf)". Borrowed. */
const char *sym_llm_describe(const struct sym_llm *llm);

/* The model file's size in bytes and its parameter count (for `symbiot bench`). */
void sym_llm_model_size(const struct sym_llm *llm, uint64_t *bytes, uint64_t *params);

/*
 * Raw speed, as llama-bench measures it (`symbiot bench`): the KV cache is cleared, then
 * sym_llm_bench_pp() evaluates n_tokens random tokens as one prompt (in batches), and
 * sym_llm_bench_tg() evaluates n_tokens random tokens one at a time, as generation does. *ms gets
 * the time taken. The cache is left cleared afterwards. Errors as for sym_llm_generate().
 */
enum sym_status sym_llm_bench_pp(struct sym_llm *llm, int n_tokens, double *ms);
enum sym_status sym_llm_bench_tg(struct sym_llm *llm, int n_tokens, double *ms);

/* Route llama.cpp's log through sym_log (at debug level). Called by sym_llm_init(). */
void sym_llm_route_log(void);

#endif
