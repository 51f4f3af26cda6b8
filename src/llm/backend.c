/*
 * backend.c: the backend interface's dispatch, and the local backend (the model on this
 * machine); the remote one is in remote.c.
 *
 * The local backend formats the messages with the model's chat template (or the fallback, with
 * its stop string), unless the caller hands the prompt it formatted already, and generates, so a
 * conversation that grows by a turn reuses the KV cache exactly as sym_llm_generate() describes.
 * It owns nothing but its small struct.
 */
#include "llm/backend_impl.h"
#include "llm/think.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct local {
    struct sym_backend base;
    struct sym_llm *llm; /* borrowed */
};

#define MAX_STOPS 16

/* The template's stop strings, then the request's, NULL-terminated, into stops[cap]. */
static void merge_stops(const struct local *l, const char *const *extra, const char **stops,
                        size_t cap)
{
    const char *const *t = sym_llm_template_stops(l->llm);
    size_t n = 0, i;

    for (i = 0; t && t[i] && n + 1 < cap; i++)
        stops[n++] = t[i];
    for (i = 0; extra && extra[i] && n + 1 < cap; i++)
        stops[n++] = extra[i];
    stops[n] = NULL;
}

static enum sym_status local_chat(struct sym_backend *b, const struct sym_backend_request *req,
                                  sym_llm_text_fn on_text, void *data, struct sym_gen_stats *stats)
{
    struct local *l = (struct local *)b;
    const struct sym_chat_prompt *thinking = sym_llm_thinking(l->llm);
    struct sym_think *split = NULL;
    struct sym_buf prompt = {0};
    const char *stops[MAX_STOPS];
    enum sym_status rc = SYM_OK;

    memset(stats, 0, sizeof *stats);
    merge_stops(l, req->stops, stops, MAX_STOPS);
    if (!req->prompt)
        rc = sym_llm_format_chat(l->llm, req->msgs, req->n, &prompt);
    /* A reasoning model's thinking is split from its answer as it streams (llm/think.h). */
    if (!rc && thinking)
        rc = sym_think_init(&split, thinking, on_text, req->on_reasoning, data);
    if (!rc)
        rc =
            sym_llm_generate(l->llm, req->prompt ? req->prompt : sym_buf_str(&prompt),
                             req->sampling, req->max_tokens, stops,
                             split ? sym_think_push : on_text, split ? (void *)split : data, stats);
    if (!rc && split)
        rc = sym_think_finish(split);
    sym_think_free(split);
    if (rc)
        snprintf(b->err, sizeof b->err, "%s",
                 rc == SYM_ERR_NOMEM ? "out of memory" : sym_llm_errmsg(l->llm));
    sym_buf_free(&prompt);
    return rc;
}

static const char *local_describe(const struct sym_backend *b)
{
    return sym_llm_describe(((const struct local *)b)->llm);
}

static enum sym_status local_describe_request(struct sym_backend *b,
                                              const struct sym_backend_request *req,
                                              struct sym_buf *out)
{
    (void)req, (void)out;
    snprintf(b->err, sizeof b->err, "the local backend sends nothing anywhere");
    return SYM_ERR_INVALID;
}

static void local_free(struct sym_backend *b)
{
    free(b);
}

static const struct sym_backend_ops local_ops = {
    SYM_BACKEND_LOCAL, local_chat, local_describe, local_describe_request, local_free,
};

enum sym_status sym_backend_local_init(struct sym_backend **out, struct sym_llm *llm)
{
    struct local *l = calloc(1, sizeof *l);

    *out = NULL;
    if (!l)
        return SYM_ERR_NOMEM;
    l->base.ops = &local_ops;
    l->llm = llm;
    *out = &l->base;
    return SYM_OK;
}

void sym_backend_free(struct sym_backend *b)
{
    if (b)
        b->ops->free(b);
}

enum sym_status sym_backend_chat(struct sym_backend *b, const struct sym_backend_request *req,
                                 sym_llm_text_fn on_text, void *data, struct sym_gen_stats *stats)
{
    b->err[0] = '\0';
    return b->ops->chat(b, req, on_text, data, stats);
}

enum sym_backend_kind sym_backend_kind(const struct sym_backend *b)
{
    return b->ops->kind;
}

const char *sym_backend_name(const struct sym_backend *b)
{
    return b->ops->kind == SYM_BACKEND_REMOTE ? "remote" : "local";
}

const char *sym_backend_describe(const struct sym_backend *b)
{
    return b->ops->describe(b);
}

const char *sym_backend_errmsg(const struct sym_backend *b)
{
    return b->err;
}

enum sym_status sym_backend_describe_request(struct sym_backend *b,
                                             const struct sym_backend_request *req,
                                             struct sym_buf *out)
{
    b->err[0] = '\0';
    return b->ops->describe_request(b, req, out);
}
