/*
 * embed.h: text embeddings with a llama.cpp model, for semantic search of the user's facts.
 *
 * Any GGUF that llama.cpp loads will do: a real embedding model (BERT-like, with its own pooling)
 * or a generative one, whose token embeddings are then mean-pooled. Vectors are L2-normalised, so
 * the dot product of two is their cosine similarity.
 *
 * Lifetimes: a struct sym_embedder is created by sym_embedder_init() and freed by
 * sym_embedder_free(). sym_embed() may be called from several threads (calls take turns);
 * sym_embedder_errmsg() is then the last failure of any of them.
 */
#ifndef SYM_EMBED_H
#define SYM_EMBED_H

#include <stddef.h>

#include "base/status.h"

struct sym_embedder;

/* Texts longer than this many tokens are embedded from their first tokens only. */
#define SYM_EMBED_MAX_TOKENS 512

/*
 * Load the model at path in embeddings mode, with n_threads threads (0 = all online cores). On
 * failure returns SYM_ERR_NOT_FOUND, SYM_ERR_IO, SYM_ERR_MODEL (not a GGUF, corrupt, no usable
 * embeddings), SYM_ERR_CONTEXT or SYM_ERR_NOMEM with a one-line message in err, and *out is
 * NULL. On success the caller frees *out with sym_embedder_free().
 */
enum sym_status sym_embedder_init(struct sym_embedder **out, const char *path, int n_threads,
                                  char *err, size_t errlen);
void sym_embedder_free(struct sym_embedder *e);

/*
 * Embed text (valid UTF-8; tokens past SYM_EMBED_MAX_TOKENS are dropped). *vec gets a unit-length
 * vector of *dim floats that the caller frees with free(). SYM_ERR_INVALID when the text has no
 * tokens or the vocabulary cannot represent it, SYM_ERR_MODEL when decoding fails, SYM_ERR_NOMEM;
 * the detail is on sym_embedder_errmsg().
 */
enum sym_status sym_embed(struct sym_embedder *e, const char *text, float **vec, int *dim);
/* The same, and *n_tokens gets the number of tokens embedded (0 on failure). */
enum sym_status sym_embed_counted(struct sym_embedder *e, const char *text, float **vec, int *dim,
                                  int *n_tokens);

/* The vectors' dimension (the model's n_embd, or its pooled output size). */
int sym_embedder_dim(const struct sym_embedder *e);
/* A stable id of the model: "file.gguf:SIZE:DIM". Vectors stored under another id were made by
 * another model and must be rebuilt. Borrowed, valid until sym_embedder_free(). */
const char *sym_embedder_id(const struct sym_embedder *e);
/* The detail of the last failure. Borrowed, valid until the next call. */
const char *sym_embedder_errmsg(const struct sym_embedder *e);

#endif
