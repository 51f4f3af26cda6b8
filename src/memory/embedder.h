/*
 * embedder.h: what the memory store needs from an embedding model, as a table of functions, so
 * that the store searches by meaning without knowing which library makes the vectors. The front
 * ends fill it from src/llm/embed.h through src/core/embedding.h; a test can fill it with a fake.
 *
 * The store copies the table (sym_fact_set_embedder()) and borrows ctx: whatever ctx points to
 * must outlive its use on the store. The functions may be called from the store's thread only,
 * unless the model behind them says otherwise.
 */
#ifndef SYM_MEMORY_EMBEDDER_H
#define SYM_MEMORY_EMBEDDER_H

#include "base/status.h"

struct sym_memory_embedder {
    void *ctx; /* passed to each function; borrowed */
    /* Embed text (valid UTF-8): *vec gets *dim floats of unit length that the caller frees with
     * free(). SYM_ERR_NOMEM for want of memory (the store's call then fails); any other error
     * means this text has no vector (said in the debug log with errmsg()). */
    enum sym_status (*embed)(void *ctx, const char *text, float **vec, int *dim);
    /* A stable id of the model: vectors stored under another id are rebuilt. Borrowed. */
    const char *(*id)(void *ctx);
    /* The vectors' dimension. */
    int (*dim)(void *ctx);
    /* The detail of the last failure of embed(). Borrowed. */
    const char *(*errmsg)(void *ctx);
};

#endif
