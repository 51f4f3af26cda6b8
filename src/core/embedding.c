/*
 * embedding.c: the embedding model as the memory store's embedder; see embedding.h.
 *
 * The table's functions take a void *ctx; these wrappers turn it back into the struct
 * sym_embedder it was made from (calling llm's functions through cast pointers would be
 * undefined behaviour). sym_embed() takes its own lock, so one model may serve several stores.
 */
#include "core/embedding.h"

#include <stddef.h>

#include "llm/embed.h"
#include "memory/facts.h"

static enum sym_status embed(void *ctx, const char *text, float **vec, int *dim)
{
    return sym_embed(ctx, text, vec, dim);
}

static const char *embed_id(void *ctx)
{
    return sym_embedder_id(ctx);
}

static int embed_dim(void *ctx)
{
    return sym_embedder_dim(ctx);
}

static const char *embed_errmsg(void *ctx)
{
    return sym_embedder_errmsg(ctx);
}

struct sym_memory_embedder sym_embedding_table(struct sym_embedder *e)
{
    struct sym_memory_embedder t = {NULL, NULL, NULL, NULL, NULL};

    if (e) {
        t.ctx = e;
        t.embed = embed;
        t.id = embed_id;
        t.dim = embed_dim;
        t.errmsg = embed_errmsg;
    }
    return t;
}

void sym_embedding_attach(struct sym_store *s, struct sym_embedder *e)
{
    struct sym_memory_embedder t = sym_embedding_table(e);

    sym_fact_set_embedder(s, &t);
}
