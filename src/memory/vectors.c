/*
 * vectors.c: the facts' embeddings, for search by meaning; see facts.h (sym_fact_set_embedder,
 * sym_fact_sync_vectors) and facts_internal.h.
 *
 * Each fact's text is embedded once, when it is added or its text changes (facts.c calls
 * sym_vectors_store() inside its write), and kept in fact_vectors with the id of the model that
 * made it; a sync fills in the missing ones and rebuilds those of another model. The model is
 * reached only through the table of struct sym_memory_embedder (embedder.h), so the memory room
 * does not know which library makes the vectors. A text the model cannot embed simply has no
 * vector; the words still find it.
 *
 * Ranking by meaning is brute force: the cosine (a dot product: the vectors have unit length) of
 * the query's vector with every stored vector of the same model, keeping the best VECTOR_K by
 * insertion. Linear in the number of facts, which is fine for a person's memory; an index would
 * pay off only far beyond it.
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "memory/embedder.h"
#include "memory/facts.h"
#include "memory/facts_internal.h"
#include "memory/store_internal.h"

void sym_fact_set_embedder(struct sym_store *s, const struct sym_memory_embedder *e)
{
    sym_store_set_embedder(s, e);
}

int sym_ranked_cmp(const void *a, const void *b)
{
    const struct sym_ranked *x = a, *y = b;

    if (x->score != y->score)
        return x->score < y->score ? 1 : -1;
    return x->id < y->id ? 1 : x->id > y->id ? -1 : 0;
}

/*
 * Write fact id's vector (vec, dim floats; NULL: the text could not be embedded, so any old vector
 * goes), only while the fact still has text: a sync embeds outside the write lock, and the fact
 * may have changed or gone meanwhile. SQLite's code.
 */
static int put_vector(struct sym_store *s, long long id, const char *text, const float *vec,
                      int dim)
{
    const struct sym_memory_embedder *e = sym_store_embedder(s);

    if (!vec)
        return sym_store_run(s, "DELETE FROM fact_vectors WHERE fact_id = ?1", "l", id);
    return sym_store_run(s,
                         "INSERT OR REPLACE INTO fact_vectors (fact_id, model, dim, vec) "
                         "SELECT ?1, ?2, ?3, ?4 WHERE EXISTS "
                         "(SELECT 1 FROM facts WHERE id = ?1 AND text = ?5)",
                         "ltibt", id, e->id(e->ctx), dim, (const void *)vec,
                         (int)(sizeof *vec * (size_t)dim), text);
}

/* Embed text; *vec (caller frees) stays NULL when it cannot be (said in the debug log). SQLite's
 * code: SQLITE_NOMEM for want of memory, else SQLITE_OK. */
static int embed_text(struct sym_store *s, long long id, const char *text, float **vec, int *dim)
{
    const struct sym_memory_embedder *e = sym_store_embedder(s);
    enum sym_status erc;

    *vec = NULL;
    *dim = 0;
    erc = e->embed(e->ctx, text, vec, dim);
    if (erc == SYM_ERR_NOMEM)
        return SQLITE_NOMEM;
    if (erc) {
        sym_log(SYM_LOG_DEBUG, "fact %lld gets no vector: %s", id, e->errmsg(e->ctx));
        free(*vec);
        *vec = NULL;
    }
    return SQLITE_OK;
}

int sym_vectors_store(struct sym_store *s, long long id, const char *text, bool *stored)
{
    float *vec = NULL;
    int dim = 0, rc;

    if (stored)
        *stored = false;
    if (!sym_store_embedder(s))
        return SQLITE_OK;
    rc = embed_text(s, id, text, &vec, &dim);
    if (rc == SQLITE_OK)
        rc = put_vector(s, id, text, vec, dim);
    if (rc == SQLITE_OK && stored)
        *stored = vec != NULL;
    free(vec);
    return rc;
}

/* The facts a sync has to embed: id and text (owned). */
struct todo {
    struct {
        long long id;
        char *text;
    } * items;
    size_t n;
};

static void todo_free(struct todo *todo)
{
    size_t i;

    for (i = 0; i < todo->n; i++)
        free(todo->items[i].text);
    free(todo->items);
    todo->items = NULL;
    todo->n = 0;
}

/* The facts whose vector is missing or made by another model, into *todo. SQLite's code. */
static int vectors_missing(struct sym_store *s, struct todo *todo)
{
    const struct sym_memory_embedder *e = sym_store_embedder(s);
    sqlite3_stmt *st = NULL;
    size_t cap = 0;
    int src;

    src = sym_store_query(
        s, &st,
        "SELECT f.id, f.text FROM facts f LEFT JOIN fact_vectors v ON v.fact_id = f.id "
        "WHERE v.fact_id IS NULL OR v.model != ?1 OR v.dim != ?2 ORDER BY f.id",
        "ti", e->id(e->ctx), e->dim(e->ctx));
    while (src == SQLITE_OK && (src = sqlite3_step(st)) == SQLITE_ROW) {
        const char *text = (const char *)sqlite3_column_text(st, 1);

        src = SQLITE_OK;
        if (todo->n == cap) {
            size_t ncap = cap ? cap * 2 : 16;
            void *p = realloc(todo->items, sizeof *todo->items * ncap);

            if (!p) {
                src = SQLITE_NOMEM;
                break;
            }
            todo->items = p;
            cap = ncap;
        }
        todo->items[todo->n].id = sqlite3_column_int64(st, 0);
        todo->items[todo->n].text = strdup(text ? text : "");
        if (!todo->items[todo->n++].text)
            src = SQLITE_NOMEM;
    }
    sqlite3_finalize(st);
    return src == SQLITE_DONE ? SQLITE_OK : src;
}

/* Vectors a sync computes before it takes the write lock to store them. */
#define SYNC_BATCH 32

/* Embed facts [from, to) of todo without a lock, then store their vectors in one write.
 * *n_built grows by the vectors stored. */
static enum sym_status sync_batch(struct sym_store *s, const struct todo *todo, size_t from,
                                  size_t to, size_t *n_built, const char *what)
{
    float *vecs[SYNC_BATCH] = {NULL};
    int dims[SYNC_BATCH] = {0}, src = SQLITE_OK;
    enum sym_status rc;
    bool owned = false;
    size_t i;

    for (i = from; src == SQLITE_OK && i < to; i++)
        src =
            embed_text(s, todo->items[i].id, todo->items[i].text, &vecs[i - from], &dims[i - from]);
    rc = src == SQLITE_OK ? sym_store_write_begin(s, &owned, what) : sym_store_fail(s, src, what);
    for (i = from; !rc && src == SQLITE_OK && i < to; i++)
        src = put_vector(s, todo->items[i].id, todo->items[i].text, vecs[i - from], dims[i - from]);
    if (!rc) {
        rc = src == SQLITE_OK ? SYM_OK : sym_store_fail(s, src, what);
        rc = sym_store_write_end(s, owned, rc, what);
    }
    for (i = from; i < to; i++) {
        if (!rc && vecs[i - from])
            (*n_built)++;
        free(vecs[i - from]);
    }
    return rc;
}

enum sym_status sym_fact_sync_vectors(struct sym_store *s, size_t *n_built)
{
    static const char what[] = "cannot update the facts' vectors";
    struct todo todo = {NULL, 0};
    enum sym_status rc = SYM_OK;
    size_t i;
    int src;

    sym_store_clear_err(s);
    *n_built = 0;
    if (!sym_store_embedder(s))
        return SYM_OK;
    src = vectors_missing(s, &todo);
    if (src != SQLITE_OK)
        rc = sym_store_fail(s, src, what);
    for (i = 0; !rc && i < todo.n; i += SYNC_BATCH)
        rc = sync_batch(s, &todo, i, i + SYNC_BATCH < todo.n ? i + SYNC_BATCH : todo.n, n_built,
                        what);
    todo_free(&todo);
    return rc;
}

enum sym_status sym_fact_count_vectors(struct sym_store *s, long long *n)
{
    sym_store_clear_err(s);
    *n = 0;
    return sym_store_query_int(s, "SELECT count(*) FROM fact_vectors", n,
                               "cannot count the vectors");
}

int sym_vectors_rank(struct sym_store *s, const char *query, struct sym_ranked *best, size_t *n)
{
    const struct sym_memory_embedder *e = sym_store_embedder(s);
    sqlite3_stmt *st = NULL;
    enum sym_status erc;
    float *q = NULL;
    int dim = 0, src;

    *n = 0;
    erc = e->embed(e->ctx, query, &q, &dim);
    if (erc == SYM_ERR_NOMEM)
        return SQLITE_NOMEM;
    if (erc) {
        sym_log(SYM_LOG_DEBUG, "search by meaning skipped: %s", e->errmsg(e->ctx));
        return SQLITE_OK;
    }
    src =
        sym_store_query(s, &st, "SELECT fact_id, vec FROM fact_vectors WHERE model = ? AND dim = ?",
                        "ti", e->id(e->ctx), dim);
    while (src == SQLITE_OK && (src = sqlite3_step(st)) == SQLITE_ROW) {
        const float *v = sqlite3_column_blob(st, 1);
        struct sym_ranked r;
        size_t i;
        int j;

        src = SQLITE_OK;
        if (!v || sqlite3_column_bytes(st, 1) != (int)(sizeof *v * (size_t)dim))
            continue; /* damaged: ignored, rebuilt by the next sync if the model changes */
        r.id = sqlite3_column_int64(st, 0);
        r.score = 0;
        for (j = 0; j < dim; j++)
            r.score += (double)q[j] * v[j];
        if (*n == VECTOR_K && sym_ranked_cmp(&r, &best[*n - 1]) >= 0)
            continue;
        i = *n < VECTOR_K ? (*n)++ : VECTOR_K - 1;
        for (; i > 0 && sym_ranked_cmp(&r, &best[i - 1]) < 0; i--)
            best[i] = best[i - 1];
        best[i] = r;
    }
    sqlite3_finalize(st);
    free(q);
    return src == SQLITE_DONE ? SQLITE_OK : src;
}
