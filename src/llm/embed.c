/*
 * embed.c: text embeddings with llama.cpp; see embed.h.
 *
 * One context in embeddings mode, one sequence, cleared before each text: texts are embedded one
 * at a time (a fact when it is saved, a query when it is searched), so batching several would save
 * little. Pooling is the model's own when its GGUF names one ("bert.pooling_type"), else mean
 * pooling over the text's tokens, which turns any generative model into a usable, if weak,
 * embedder. A text is cut at the context length (SYM_EMBED_MAX_TOKENS) rather than refused: facts
 * are short, and the start of a long one says what it is about.
 *
 * One mutex serialises sym_embed(), so the server's threads (the worker's recall, the memory
 * routes, /v1/embeddings) can share one embedder instead of loading the model once per thread.
 */
#include "llm/embed.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "llama.h"

#include "llm/guard.h"
#include "llm/load.h"

struct sym_embedder {
    pthread_mutex_t lock; /* held by sym_embed() */
    struct llama_model *model;
    struct llama_context *ctx;
    const struct llama_vocab *vocab;
    enum llama_pooling_type pooling;
    int n_embd;
    int n_ctx;
    char id[320];
    char err[512];
};

/* True when the model's GGUF says how to pool ("<arch>.pooling_type"). */
static bool model_names_pooling(const struct llama_model *model)
{
    char arch[64], key[128], val[32];

    if (llama_model_meta_val_str(model, "general.architecture", arch, sizeof arch) < 0)
        return false;
    snprintf(key, sizeof key, "%s.pooling_type", arch);
    return llama_model_meta_val_str(model, key, val, sizeof val) >= 0;
}

enum sym_status sym_embedder_init(struct sym_embedder **out, const char *path, int n_threads,
                                  char *err, size_t errlen)
{
    struct llama_context_params cp = llama_context_default_params();
    struct sym_embedder *e;
    enum sym_status rc;
    const char *base;
    struct stat st;
    long cores;

    *out = NULL;
    e = calloc(1, sizeof *e);
    if (!e) {
        snprintf(err, errlen, "out of memory");
        return SYM_ERR_NOMEM;
    }
    pthread_mutex_init(&e->lock, NULL);
    rc = sym_llm_load_model(path, -1, &e->model, err, errlen);
    if (rc)
        goto fail;
    e->vocab = llama_model_get_vocab(e->model);
    cores = sysconf(_SC_NPROCESSORS_ONLN);
    cp.n_threads = n_threads > 0 ? n_threads : cores > 0 ? (int)cores : 4;
    cp.n_threads_batch = cp.n_threads;
    cp.n_ctx = SYM_EMBED_MAX_TOKENS;
    cp.n_batch = SYM_EMBED_MAX_TOKENS;
    cp.n_ubatch = SYM_EMBED_MAX_TOKENS;
    cp.n_seq_max = 1;
    cp.embeddings = true;
    cp.pooling_type =
        model_names_pooling(e->model) ? LLAMA_POOLING_TYPE_UNSPECIFIED : LLAMA_POOLING_TYPE_MEAN;
    e->ctx = llama_init_from_model(e->model, cp);
    if (!e->ctx) {
        snprintf(err, errlen, "cannot create an embedding context for %s", path);
        rc = SYM_ERR_CONTEXT;
        goto fail;
    }
    e->pooling = llama_pooling_type(e->ctx);
    if (e->pooling == LLAMA_POOLING_TYPE_RANK) {
        snprintf(err, errlen, "%s is a reranking model, not an embedding model", path);
        rc = SYM_ERR_MODEL;
        goto fail;
    }
    e->n_embd = llama_model_n_embd(e->model);
    e->n_ctx = (int)llama_n_ctx(e->ctx);
    if (e->n_ctx > SYM_EMBED_MAX_TOKENS)
        e->n_ctx = SYM_EMBED_MAX_TOKENS;
    base = strrchr(path, '/');
    base = base ? base + 1 : path;
    snprintf(e->id, sizeof e->id, "%.256s:%lld:%d", base,
             stat(path, &st) ? 0LL : (long long)st.st_size, e->n_embd);
    *out = e;
    return SYM_OK;
fail:
    sym_embedder_free(e);
    return rc;
}

void sym_embedder_free(struct sym_embedder *e)
{
    if (!e)
        return;
    if (e->ctx)
        llama_free(e->ctx);
    if (e->model)
        llama_model_free(e->model);
    pthread_mutex_destroy(&e->lock);
    free(e);
}

/* Tokenize text with the model's special tokens (BOS, SEP) added; *n gets the count, cut at
 * n_ctx. The caller frees *out. */
static enum sym_status tokenize(struct sym_embedder *e, const char *text, llama_token **out, int *n)
{
    int32_t len = (int32_t)strlen(text), cap = len + 8, got;
    llama_token *toks;
    bool failed = false;

    *out = NULL;
    *n = 0;
    toks = malloc(sizeof *toks * (size_t)cap);
    if (!toks)
        return SYM_ERR_NOMEM;
    got = sym_guard_tokenize(e->vocab, text, len, toks, cap, true, false, &failed);
    if (got < 0 && !failed) {
        llama_token *more = realloc(toks, sizeof *toks * (size_t)-got);

        if (!more) {
            free(toks);
            return SYM_ERR_NOMEM;
        }
        toks = more;
        cap = -got;
        got = sym_guard_tokenize(e->vocab, text, len, toks, cap, true, false, &failed);
    }
    if (failed || got <= 0) {
        free(toks);
        snprintf(e->err, sizeof e->err, "cannot embed the text: %s",
                 failed ? "the model's vocabulary cannot represent it" : "it has no tokens");
        return SYM_ERR_INVALID;
    }
    *out = toks;
    *n = got < e->n_ctx ? got : e->n_ctx;
    return SYM_OK;
}

static enum sym_status embed_locked(struct sym_embedder *e, const char *text, float **vec, int *dim,
                                    int *n_tokens)
{
    struct llama_batch batch;
    llama_token *toks = NULL;
    const float *src = NULL;
    enum sym_status rc;
    double norm = 0;
    float *v = NULL;
    int n, i, d, dr;

    *vec = NULL;
    *dim = 0;
    *n_tokens = 0;
    e->err[0] = '\0';
    rc = tokenize(e, text, &toks, &n);
    if (rc) {
        if (rc == SYM_ERR_NOMEM)
            snprintf(e->err, sizeof e->err, "out of memory");
        return rc;
    }
    *n_tokens = n;
    batch = llama_batch_init(n, 0, 1);
    if (!batch.token) {
        free(toks);
        snprintf(e->err, sizeof e->err, "out of memory");
        return SYM_ERR_NOMEM;
    }
    for (i = 0; i < n; i++) {
        batch.token[i] = toks[i];
        batch.pos[i] = i;
        batch.n_seq_id[i] = 1;
        batch.seq_id[i][0] = 0;
        batch.logits[i] = e->pooling == LLAMA_POOLING_TYPE_NONE ? i == n - 1 : 1;
    }
    batch.n_tokens = n;
    llama_memory_clear(llama_get_memory(e->ctx), true);
    if (llama_model_has_encoder(e->model) && !llama_model_has_decoder(e->model))
        dr = llama_encode(e->ctx, batch);
    else
        dr = llama_decode(e->ctx, batch);
    if (dr) {
        snprintf(e->err, sizeof e->err, "cannot embed the text: llama.cpp failed (%d)", dr);
        rc = SYM_ERR_MODEL;
        goto out;
    }
    /* Pooled: one vector per sequence. Not pooled (the model says NONE): the last token's. */
    src = e->pooling == LLAMA_POOLING_TYPE_NONE ? llama_get_embeddings_ith(e->ctx, n - 1)
                                                : llama_get_embeddings_seq(e->ctx, 0);
    if (!src) {
        snprintf(e->err, sizeof e->err, "cannot embed the text: the model gave no embedding");
        rc = SYM_ERR_MODEL;
        goto out;
    }
    d = e->n_embd;
    v = malloc(sizeof *v * (size_t)d);
    if (!v) {
        snprintf(e->err, sizeof e->err, "out of memory");
        rc = SYM_ERR_NOMEM;
        goto out;
    }
    for (i = 0; i < d; i++)
        norm += (double)src[i] * src[i];
    norm = sqrt(norm);
    for (i = 0; i < d; i++)
        v[i] = norm > 0 ? (float)(src[i] / norm) : 0.0f;
    *vec = v;
    *dim = d;
out:
    llama_batch_free(batch);
    free(toks);
    return rc;
}

enum sym_status sym_embed_counted(struct sym_embedder *e, const char *text, float **vec, int *dim,
                                  int *n_tokens)
{
    enum sym_status rc;

    pthread_mutex_lock(&e->lock);
    rc = embed_locked(e, text, vec, dim, n_tokens);
    pthread_mutex_unlock(&e->lock);
    return rc;
}

enum sym_status sym_embed(struct sym_embedder *e, const char *text, float **vec, int *dim)
{
    int n_tokens;

    return sym_embed_counted(e, text, vec, dim, &n_tokens);
}

int sym_embedder_dim(const struct sym_embedder *e)
{
    return e->n_embd;
}

const char *sym_embedder_id(const struct sym_embedder *e)
{
    return e->id;
}

const char *sym_embedder_errmsg(const struct sym_embedder *e)
{
    return e->err;
}
