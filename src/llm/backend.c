/*
 * backend.c: the backend interface's dispatch, and the local backend (the model on this
 * machine); the remote one is in remote.c.
 *
 * The local backend formats the messages with the model's chat template (or the fallback, with
 * its stop string), unless the caller hands the prompt it formatted already, and generates, so a
 * conversation that grows by a turn reuses the KV cache exactly as sym_llm_generate() describes.
 * It owns nothing but its small struct.
 *
 * A request with tools, an OpenAI messages array or a JSON schema goes through the chat library
 * instead (chat_with_library): the model's template renders it, its grammar constrains the
 * generation, and its parser (llm/think.h) splits the stream into answer, thinking and tool
 * calls. A plain chat keeps the short path, so its speed does not change.
 */
#include "llm/backend_impl.h"
#include "llm/chat.h"
#include "llm/think.h"

#include <cjson/cJSON.h>
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

/* The prompt's stop strings, then the request's, NULL-terminated, into stops[cap]. */
static void prompt_stops(const struct sym_chat_prompt *p, const char *const *extra,
                         const char **stops, size_t cap)
{
    const char *const *t = sym_chat_prompt_stops(p);
    size_t n = 0, i;

    for (i = 0; t && t[i] && n + 1 < cap; i++)
        stops[n++] = t[i];
    for (i = 0; extra && extra[i] && n + 1 < cap; i++)
        stops[n++] = extra[i];
    stops[n] = NULL;
}

/* A named tool_choice: tools cut to that function, into *out (malloc'd), as llama-server does
 * (the grammar then forces a call to it). SYM_ERR_INVALID with b->err when it is not there. */
static enum sym_status named_tool(struct sym_backend *b, const char *tools, const char *name,
                                  char **out)
{
    cJSON *arr = cJSON_Parse(tools), *t, *one = NULL;
    enum sym_status rc = SYM_OK;

    *out = NULL;
    if (!cJSON_IsArray(arr)) {
        snprintf(b->err, sizeof b->err, "tools must be a JSON array");
        rc = SYM_ERR_INVALID;
        goto out;
    }
    cJSON_ArrayForEach(t, arr)
    {
        const cJSON *fn = cJSON_GetObjectItemCaseSensitive(t, "function");
        const cJSON *n = cJSON_GetObjectItemCaseSensitive(fn, "name");

        if (cJSON_IsString(n) && !strcmp(n->valuestring, name)) {
            one = t;
            break;
        }
    }
    if (!one) {
        snprintf(b->err, sizeof b->err,
                 "tool_choice names the function \"%.200s\", which is not "
                 "one of the tools",
                 name);
        rc = SYM_ERR_INVALID;
        goto out;
    }
    {
        cJSON *only = cJSON_CreateArray();

        if (only) {
            cJSON_AddItemToArray(only, cJSON_DetachItemViaPointer(arr, one));
            *out = cJSON_PrintUnformatted(only);
            cJSON_Delete(only);
        }
        if (!*out) {
            snprintf(b->err, sizeof b->err, "out of memory");
            rc = SYM_ERR_NOMEM;
        }
    }
out:
    cJSON_Delete(arr);
    return rc;
}

static bool is_keyword_choice(const char *c)
{
    return !strcmp(c, "auto") || !strcmp(c, "none") || !strcmp(c, "required");
}

/* A request with tools, a messages array or a JSON schema: rendered, constrained and parsed by
 * the chat library (see the top of this file and backend.h). */
static enum sym_status chat_with_library(struct local *l, const struct sym_backend_request *req,
                                         sym_llm_text_fn on_text, void *data,
                                         struct sym_gen_stats *stats)
{
    struct sym_backend *b = &l->base;
    struct sym_chat_in in = sym_chat_in_default();
    struct sym_chat_prompt *p = NULL;
    struct sym_think *split = NULL;
    struct sym_sampling s = {0.0f, 0, 1.0f, 0.0f, 1.0f, 0, 0xFFFFFFFFu, NULL, 0, 0};
    const char *stops[MAX_STOPS];
    const char *tools = req->tools_json, *choice = req->tool_choice;
    char *only = NULL;
    enum sym_status rc = SYM_OK;

    if (tools && !strcmp(tools, "[]")) /* no tools: as if none were given */
        tools = NULL;
    if (choice && !tools && strcmp(choice, "auto") && strcmp(choice, "none")) {
        snprintf(b->err, sizeof b->err, "tool_choice \"%.200s\" needs tools", choice);
        return SYM_ERR_INVALID;
    }
    if (choice && tools && !is_keyword_choice(choice)) {
        if ((rc = named_tool(b, tools, choice, &only)))
            return rc;
        tools = only;
        choice = "required";
    }
    if (req->messages_json) {
        in.messages_json = req->messages_json;
    } else {
        in.msgs = req->msgs;
        in.n_msgs = req->n;
    }
    in.tools_json = tools;
    in.tool_choice = tools ? choice : NULL;
    in.parallel_tool_calls = req->parallel_tool_calls;
    in.json_schema = req->json_schema;
    rc = sym_llm_apply_chat(l->llm, &in, &p);
    if (rc) {
        snprintf(b->err, sizeof b->err, "%s",
                 rc == SYM_ERR_NOMEM ? "out of memory" : sym_llm_errmsg(l->llm));
        goto out;
    }
    if (req->sampling)
        s = *req->sampling;
    s.constraint = sym_chat_prompt_has_grammar(p) ? p : NULL;
    prompt_stops(p, req->stops, stops, MAX_STOPS);
    rc = sym_think_init(&split, p, on_text, req->on_reasoning, data);
    if (rc)
        goto fail;
    sym_think_on_tool_call(split, req->on_tool_call);
    rc = sym_llm_generate(l->llm, sym_chat_prompt_text(p), &s, req->max_tokens, stops,
                          sym_think_push, split, stats);
    if (!rc)
        rc = sym_think_finish(split);
    if (!rc && req->tool_calls_out)
        rc = sym_think_tool_calls(split, req->tool_calls_out);
    if (!rc && sym_think_n_tool_calls(split) &&
        (stats->stop == SYM_STOP_EOG || stats->stop == SYM_STOP_STRING))
        stats->stop = SYM_STOP_TOOL_CALLS;
fail:
    if (rc)
        snprintf(b->err, sizeof b->err, "%s",
                 rc == SYM_ERR_NOMEM ? "out of memory" : sym_llm_errmsg(l->llm));
out:
    sym_think_free(split);
    sym_chat_prompt_free(p);
    free(only);
    return rc;
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
    if (req->messages_json || req->tools_json || req->json_schema ||
        (req->tool_choice && !is_keyword_choice(req->tool_choice)) ||
        (req->tool_choice && !strcmp(req->tool_choice, "required")))
        return chat_with_library(l, req, on_text, data, stats);
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
