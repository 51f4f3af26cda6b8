/*
 * openai.h: the OpenAI API's shapes: parsing a /v1/chat/completions or /v1/embeddings request
 * into plain C, and writing completions, stream chunks (server-sent events) and embeddings.
 *
 * Pure functions over cJSON, no model and no I/O, so the unit tests check the exact bytes a
 * client receives. The request is validated completely before anything is queued: a bad field
 * is a 400 that names it.
 */
#ifndef SYM_OPENAI_H
#define SYM_OPENAI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/config.h"
#include "llm/llm.h"
#include "server/json.h"

#define SYM_OPENAI_MAX_STOPS 4

struct sym_chat_request {
    struct sym_chat_msg *msgs; /* roles are literals; contents owned (texts[i]) */
    char **texts;
    size_t n_msgs;
    bool stream, include_usage;
    int max_tokens;
    struct sym_sampling sampling;          /* the request's fields over the server's defaults */
    char *stops[SYM_OPENAI_MAX_STOPS + 1]; /* NULL-terminated; owned */
    /* Tools and structured output; all owned, NULL when the request has none. */
    char *messages_json; /* the messages as checked (roles, tool calls, tool results, texts
                          * UTF-8-clean), when the plain msgs cannot carry them: a message with
                          * tool_calls or role "tool", or tools or response_format given */
    char *tools_json;    /* the "tools" array as checked */
    char *tool_choice;   /* "auto", "none", "required" or a function's name */
    bool parallel_tool_calls;
    char *json_schema; /* response_format: its schema, or "{}" for json_object */
};

/* Parse and check a chat completion request; defaults come from cfg. False with e set. On
 * success free req with sym_chat_request_free(). */
bool sym_openai_parse_chat(const char *body, size_t len, const struct sym_config *cfg,
                           struct sym_chat_request *req, struct sym_http_error *e);
void sym_chat_request_free(struct sym_chat_request *req);

/* What names one completion in its response and every chunk. */
struct sym_openai_ids {
    char id[40]; /* "chatcmpl-N" */
    long long created;
    const char *model;
};

/* "stop", "length" or "tool_calls". */
const char *sym_openai_finish_reason(enum sym_stop_reason stop);

/* One server-sent event "data: {chunk}\n\n" of a streamed completion: a delta with role (may be
 * NULL) and content (may be NULL), or the final one with finish (non-NULL, empty delta). With
 * usage (non-NULL) it is the usage chunk: empty choices. Caller frees; NULL when out of memory. */
char *sym_openai_chunk(const struct sym_openai_ids *ids, const char *role, const char *content,
                       const char *finish, const struct sym_gen_stats *usage);
/* A delta with a piece of tool call index, as OpenAI streams them: the call's first piece with
 * its id, type "function", function.name and the arguments so far (usually ""), the later ones
 * with only function.arguments (id and name NULL). Caller frees; NULL when out of memory. */
char *sym_openai_tool_call_chunk(const struct sym_openai_ids *ids, int index, const char *id,
                                 const char *name, const char *args);
/* A delta with a reasoning model's thinking, as llama-server and DeepSeek's API send it:
 * {"delta": {"reasoning_content": text}}. Caller frees; NULL when out of memory. */
char *sym_openai_reasoning_chunk(const struct sym_openai_ids *ids, const char *text);
/* The non-streamed response; reasoning (the thinking, NULL or "" when none) goes into the
 * message's "reasoning_content", tool_calls (an OpenAI "tool_calls" array as JSON text, NULL or
 * "" when none) into its "tool_calls", and then an empty content is null, as OpenAI sends it.
 * Caller frees; NULL when out of memory. */
char *sym_openai_completion(const struct sym_openai_ids *ids, const char *content,
                            const char *reasoning, const char *tool_calls,
                            const struct sym_gen_stats *stats);

struct sym_embed_request {
    char **inputs; /* owned */
    size_t n;
    bool base64;
};
bool sym_openai_parse_embed(const char *body, size_t len, struct sym_embed_request *req,
                            struct sym_http_error *e);
void sym_embed_request_free(struct sym_embed_request *req);
/* Base64 of the little-endian float32 bytes of v. Caller frees. */
char *sym_openai_base64_floats(const float *v, int n);

#endif
