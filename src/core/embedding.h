/*
 * embedding.h: the one place where the embedding model (src/llm/embed.h) meets the memory store
 * (src/memory/): it fills the store's embedder table (memory/embedder.h) from a struct
 * sym_embedder, so that neither room includes the other. The front ends call this instead of
 * filling the table themselves.
 */
#ifndef SYM_EMBEDDING_H
#define SYM_EMBEDDING_H

#include "memory/embedder.h"

struct sym_embedder;
struct sym_store;

/* The memory store's view of e: each function calls its llm/embed.h counterpart on e (borrowed;
 * NULL gives an empty table, which means no embedder). */
struct sym_memory_embedder sym_embedding_table(struct sym_embedder *e);

/* Use e (borrowed, NULL = none) for s's search by meaning: sym_fact_set_embedder() with
 * sym_embedding_table(e). e must outlive its use on s. */
void sym_embedding_attach(struct sym_store *s, struct sym_embedder *e);

#endif
