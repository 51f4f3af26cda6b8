/*
 * openai.c: OpenAI request parsing and response shapes; see openai.h.
 *
 * Message content may be a string or an array of text parts (newer clients send the latter);
 * both become one string, its invalid UTF-8 replaced by U+FFFD as the CLI does with its input.
 * Unknown fields are ignored, as OpenAI's own server does; known fields with a wrong type or an
 * out-of-range value are refused.
 */
#include "server/openai.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/utf8.h"
#include "version.h"

#define MAX_EMBED_INPUTS 256

void sym_chat_request_free(struct sym_chat_request *req)
{
    size_t i;

    for (i = 0; i < req->n_msgs; i++)
        free(req->texts[i]);
    free(req->texts);
    free(req->msgs);
    for (i = 0; req->stops[i]; i++)
        free(req->stops[i]);
    memset(req, 0, sizeof *req);
}

/* A UTF-8-clean copy of s. */
static char *clean_copy(const char *s)
{
    struct sym_buf b = {0};

    if (sym_utf8_sanitize(s, strlen(s), &b)) {
        sym_buf_free(&b);
        return NULL;
    }
    return sym_buf_steal(&b);
}

static const char *role_of(const char *role)
{
    static const char *const roles[][2] = {{"system", "system"},
                                           {"developer", "system"},
                                           {"user", "user"},
                                           {"assistant", "assistant"}};
    size_t i;

    for (i = 0; i < sizeof roles / sizeof roles[0]; i++)
        if (!strcmp(role, roles[i][0]))
            return roles[i][1];
    return NULL;
}

/* Join an array of {"type": "text", "text": ...} parts into b. */
static bool join_parts(const cJSON *parts, struct sym_buf *b, struct sym_http_error *e)
{
    const cJSON *part;

    cJSON_ArrayForEach(part, parts)
    {
        const cJSON *type = cJSON_GetObjectItemCaseSensitive(part, "type");
        const cJSON *text = cJSON_GetObjectItemCaseSensitive(part, "text");

        if (!cJSON_IsObject(part) || !cJSON_IsString(type) || strcmp(type->valuestring, "text"))
            return sym_http_error_set(e, 400, "invalid_value", "messages",
                                      "only text content parts are supported");
        if (!cJSON_IsString(text))
            return sym_http_error_set(e, 400, "invalid_type", "messages",
                                      "a text content part needs a string \"text\"");
        if (sym_buf_puts(b, text->valuestring))
            return sym_http_error_set(e, 500, "internal_error", NULL, "out of memory");
    }
    return true;
}

/* The content of message i as an owned, UTF-8-clean string. */
static bool message_text(const cJSON *msg, size_t i, char **out, struct sym_http_error *e)
{
    const cJSON *content = cJSON_GetObjectItemCaseSensitive(msg, "content");
    struct sym_buf joined = {0};
    bool ok = true;

    if (!content || cJSON_IsNull(content)) {
        ok = !sym_buf_puts(&joined, "");
    } else if (cJSON_IsString(content)) {
        ok = !sym_buf_puts(&joined, content->valuestring);
    } else if (cJSON_IsArray(content)) {
        if (!join_parts(content, &joined, e)) {
            sym_buf_free(&joined);
            return false;
        }
    } else {
        sym_buf_free(&joined);
        return sym_http_error_set(e, 400, "invalid_type", "messages",
                                  "messages[%zu].content must be a string or an array of parts", i);
    }
    *out = ok ? clean_copy(sym_buf_str(&joined)) : NULL;
    sym_buf_free(&joined);
    return *out ? true : sym_http_error_set(e, 500, "internal_error", NULL, "out of memory");
}

static bool parse_messages(const cJSON *obj, struct sym_chat_request *req, struct sym_http_error *e)
{
    const cJSON *msgs = cJSON_GetObjectItemCaseSensitive(obj, "messages"), *msg;
    size_t n, i = 0;

    if (!msgs || cJSON_IsNull(msgs))
        return sym_http_error_set(e, 400, "missing_field", "messages", "\"messages\" is required");
    if (!cJSON_IsArray(msgs))
        return sym_http_error_set(e, 400, "invalid_type", "messages",
                                  "\"messages\" must be an array");
    n = (size_t)cJSON_GetArraySize(msgs);
    if (!n)
        return sym_http_error_set(e, 400, "invalid_value", "messages",
                                  "\"messages\" must not be empty");
    req->msgs = calloc(n, sizeof *req->msgs);
    req->texts = calloc(n, sizeof *req->texts);
    if (!req->msgs || !req->texts)
        return sym_http_error_set(e, 500, "internal_error", NULL, "out of memory");
    cJSON_ArrayForEach(msg, msgs)
    {
        const cJSON *role = cJSON_GetObjectItemCaseSensitive(msg, "role");

        if (!cJSON_IsObject(msg))
            return sym_http_error_set(e, 400, "invalid_type", "messages",
                                      "messages[%zu] must be an object", i);
        if (!cJSON_IsString(role))
            return sym_http_error_set(e, 400, role ? "invalid_type" : "missing_field", "messages",
                                      "messages[%zu].role must be a string", i);
        if (!role_of(role->valuestring))
            return sym_http_error_set(e, 400, "invalid_value", "messages",
                                      "messages[%zu].role must be system, developer, user or "
                                      "assistant, not \"%.40s\"",
                                      i, role->valuestring);
        if (!message_text(msg, i, &req->texts[i], e))
            return false;
        req->msgs[i].role = role_of(role->valuestring);
        req->msgs[i].content = req->texts[i];
        req->n_msgs = ++i;
    }
    return true;
}

static bool parse_stops(const cJSON *obj, struct sym_chat_request *req, struct sym_http_error *e)
{
    const cJSON *stop = cJSON_GetObjectItemCaseSensitive(obj, "stop"), *s;
    int n = 0;

    if (!stop || cJSON_IsNull(stop))
        return true;
    if (cJSON_IsString(stop)) {
        if (stop->valuestring[0] && !(req->stops[n++] = clean_copy(stop->valuestring)))
            return sym_http_error_set(e, 500, "internal_error", NULL, "out of memory");
        return true;
    }
    if (!cJSON_IsArray(stop))
        return sym_http_error_set(e, 400, "invalid_type", "stop",
                                  "\"stop\" must be a string or an array of strings");
    if (cJSON_GetArraySize(stop) > SYM_OPENAI_MAX_STOPS)
        return sym_http_error_set(e, 400, "invalid_value", "stop",
                                  "\"stop\" holds at most %d strings", SYM_OPENAI_MAX_STOPS);
    cJSON_ArrayForEach(s, stop)
    {
        if (!cJSON_IsString(s))
            return sym_http_error_set(e, 400, "invalid_type", "stop",
                                      "\"stop\" must be a string or an array of strings");
        if (s->valuestring[0] && !(req->stops[n++] = clean_copy(s->valuestring)))
            return sym_http_error_set(e, 500, "internal_error", NULL, "out of memory");
    }
    return true;
}

static bool parse_sampling(const cJSON *obj, const struct sym_config *cfg,
                           struct sym_chat_request *req, struct sym_http_error *e)
{
    double temp = cfg->temp, top_p = cfg->top_p;
    long long max = cfg->max_tokens, seed = cfg->seed, n = 1;
    bool have = false;

    if (!sym_json_int(obj, "max_completion_tokens", 1, 1 << 30, &max, &have, e) ||
        (!have && !sym_json_int(obj, "max_tokens", 1, 1 << 30, &max, NULL, e)) ||
        !sym_json_number(obj, "temperature", 0, 2, &temp, NULL, e) ||
        !sym_json_number(obj, "top_p", 0, 1, &top_p, NULL, e) ||
        !sym_json_int(obj, "seed", 0, UINT32_MAX, &seed, NULL, e) ||
        !sym_json_int(obj, "n", 1, 1 << 30, &n, NULL, e))
        return false;
    if (n != 1)
        return sym_http_error_set(e, 400, "invalid_value", "n", "only \"n\": 1 is supported");
    req->max_tokens = (int)max;
    req->sampling.temp = (float)temp;
    req->sampling.top_k = cfg->top_k;
    req->sampling.top_p = (float)top_p;
    req->sampling.min_p = cfg->min_p;
    req->sampling.repeat_penalty = cfg->repeat_penalty;
    req->sampling.repeat_last_n = cfg->repeat_last_n;
    req->sampling.seed = (uint32_t)seed;
    return true;
}

static bool parse_stream(const cJSON *obj, struct sym_chat_request *req, struct sym_http_error *e)
{
    const cJSON *opts = cJSON_GetObjectItemCaseSensitive(obj, "stream_options");

    if (!sym_json_bool(obj, "stream", &req->stream, NULL, e))
        return false;
    if (!opts || cJSON_IsNull(opts))
        return true;
    if (!cJSON_IsObject(opts))
        return sym_http_error_set(e, 400, "invalid_type", "stream_options",
                                  "\"stream_options\" must be an object");
    if (!sym_json_bool(opts, "include_usage", &req->include_usage, NULL, e)) {
        e->param = "stream_options";
        return false;
    }
    return true;
}

bool sym_openai_parse_chat(const char *body, size_t len, const struct sym_config *cfg,
                           struct sym_chat_request *req, struct sym_http_error *e)
{
    cJSON *obj = sym_json_parse_object(body, len, e);
    const char *model = NULL;
    bool ok;

    memset(req, 0, sizeof *req);
    if (!obj)
        return false;
    ok = sym_json_string(obj, "model", false, &model, NULL, e) && parse_messages(obj, req, e) &&
         parse_stream(obj, req, e) && parse_sampling(obj, cfg, req, e) && parse_stops(obj, req, e);
    cJSON_Delete(obj);
    if (!ok)
        sym_chat_request_free(req);
    return ok;
}

const char *sym_openai_finish_reason(enum sym_stop_reason stop)
{
    return stop == SYM_STOP_LIMIT || stop == SYM_STOP_CONTEXT ? "length" : "stop";
}

static cJSON *envelope(const struct sym_openai_ids *ids, const char *object)
{
    cJSON *obj = cJSON_CreateObject();

    cJSON_AddStringToObject(obj, "id", ids->id);
    cJSON_AddStringToObject(obj, "object", object);
    cJSON_AddNumberToObject(obj, "created", (double)ids->created);
    cJSON_AddStringToObject(obj, "model", ids->model ? ids->model : "");
    cJSON_AddStringToObject(obj, "system_fingerprint", "symbiot-" SYM_VERSION);
    return obj;
}

static void add_usage(cJSON *obj, const struct sym_gen_stats *s)
{
    cJSON *usage = cJSON_AddObjectToObject(obj, "usage");

    cJSON_AddNumberToObject(usage, "prompt_tokens", s->n_prompt);
    cJSON_AddNumberToObject(usage, "completion_tokens", s->n_generated);
    cJSON_AddNumberToObject(usage, "total_tokens", s->n_prompt + s->n_generated);
}

/* "data: TEXT\n\n" from a JSON object (deleted). */
static char *sse(cJSON *obj)
{
    char *json = sym_json_finish(obj), *out;
    size_t n;

    if (!json)
        return NULL;
    n = strlen(json) + 9;
    out = malloc(n);
    if (out)
        snprintf(out, n, "data: %s\n\n", json);
    free(json);
    return out;
}

char *sym_openai_chunk(const struct sym_openai_ids *ids, const char *role, const char *content,
                       const char *finish, const struct sym_gen_stats *usage)
{
    cJSON *obj = envelope(ids, "chat.completion.chunk");
    cJSON *choices = cJSON_AddArrayToObject(obj, "choices"), *choice, *delta;

    if (usage) {
        add_usage(obj, usage);
        return sse(obj);
    }
    choice = cJSON_CreateObject();
    cJSON_AddItemToArray(choices, choice);
    cJSON_AddNumberToObject(choice, "index", 0);
    delta = cJSON_AddObjectToObject(choice, "delta");
    if (role)
        cJSON_AddStringToObject(delta, "role", role);
    if (content)
        cJSON_AddStringToObject(delta, "content", content);
    cJSON_AddNullToObject(choice, "logprobs");
    if (finish)
        cJSON_AddStringToObject(choice, "finish_reason", finish);
    else
        cJSON_AddNullToObject(choice, "finish_reason");
    return sse(obj);
}

char *sym_openai_reasoning_chunk(const struct sym_openai_ids *ids, const char *text)
{
    cJSON *obj = envelope(ids, "chat.completion.chunk");
    cJSON *choices = cJSON_AddArrayToObject(obj, "choices"), *choice = cJSON_CreateObject();

    cJSON_AddItemToArray(choices, choice);
    cJSON_AddNumberToObject(choice, "index", 0);
    cJSON_AddStringToObject(cJSON_AddObjectToObject(choice, "delta"), "reasoning_content", text);
    cJSON_AddNullToObject(choice, "logprobs");
    cJSON_AddNullToObject(choice, "finish_reason");
    return sse(obj);
}

char *sym_openai_completion(const struct sym_openai_ids *ids, const char *content,
                            const char *reasoning, const struct sym_gen_stats *stats)
{
    cJSON *obj = envelope(ids, "chat.completion");
    cJSON *choices = cJSON_AddArrayToObject(obj, "choices"), *choice = cJSON_CreateObject();
    cJSON *msg;

    cJSON_AddItemToArray(choices, choice);
    cJSON_AddNumberToObject(choice, "index", 0);
    msg = cJSON_AddObjectToObject(choice, "message");
    cJSON_AddStringToObject(msg, "role", "assistant");
    cJSON_AddStringToObject(msg, "content", content);
    if (reasoning && reasoning[0])
        cJSON_AddStringToObject(msg, "reasoning_content", reasoning);
    cJSON_AddNullToObject(choice, "logprobs");
    cJSON_AddStringToObject(choice, "finish_reason", sym_openai_finish_reason(stats->stop));
    add_usage(obj, stats);
    return sym_json_finish(obj);
}

/* ---- embeddings ---- */

void sym_embed_request_free(struct sym_embed_request *req)
{
    size_t i;

    for (i = 0; i < req->n; i++)
        free(req->inputs[i]);
    free(req->inputs);
    memset(req, 0, sizeof *req);
}

static bool add_input(struct sym_embed_request *req, const cJSON *v, struct sym_http_error *e)
{
    if (!cJSON_IsString(v))
        return sym_http_error_set(e, 400, "invalid_type", "input",
                                  "\"input\" must be a string or an array of strings");
    if (!v->valuestring[0])
        return sym_http_error_set(e, 400, "invalid_value", "input",
                                  "\"input\" must not contain empty strings");
    req->inputs[req->n] = clean_copy(v->valuestring);
    if (!req->inputs[req->n])
        return sym_http_error_set(e, 500, "internal_error", NULL, "out of memory");
    req->n++;
    return true;
}

static bool parse_inputs(const cJSON *obj, struct sym_embed_request *req, struct sym_http_error *e)
{
    const cJSON *input = cJSON_GetObjectItemCaseSensitive(obj, "input"), *v;
    int n;

    if (!input || cJSON_IsNull(input))
        return sym_http_error_set(e, 400, "missing_field", "input", "\"input\" is required");
    n = cJSON_IsArray(input) ? cJSON_GetArraySize(input) : 1;
    if (n < 1 || n > MAX_EMBED_INPUTS)
        return sym_http_error_set(e, 400, "invalid_value", "input",
                                  "\"input\" must hold 1 to %d strings", MAX_EMBED_INPUTS);
    req->inputs = calloc((size_t)n, sizeof *req->inputs);
    if (!req->inputs)
        return sym_http_error_set(e, 500, "internal_error", NULL, "out of memory");
    if (!cJSON_IsArray(input))
        return add_input(req, input, e);
    cJSON_ArrayForEach(v, input)
    {
        if (!add_input(req, v, e))
            return false;
    }
    return true;
}

bool sym_openai_parse_embed(const char *body, size_t len, struct sym_embed_request *req,
                            struct sym_http_error *e)
{
    cJSON *obj = sym_json_parse_object(body, len, e);
    const char *model = NULL, *format = "float";
    bool ok;

    memset(req, 0, sizeof *req);
    if (!obj)
        return false;
    ok = sym_json_string(obj, "model", false, &model, NULL, e) &&
         sym_json_string(obj, "encoding_format", false, &format, NULL, e) &&
         parse_inputs(obj, req, e);
    if (ok && strcmp(format, "float") && strcmp(format, "base64"))
        ok = sym_http_error_set(e, 400, "invalid_value", "encoding_format",
                                "\"encoding_format\" must be \"float\" or \"base64\"");
    req->base64 = ok && !strcmp(format, "base64");
    cJSON_Delete(obj);
    if (!ok)
        sym_embed_request_free(req);
    return ok;
}

char *sym_openai_base64_floats(const float *v, int n)
{
    static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    size_t len = (size_t)n * 4, i, o = 0;
    unsigned char *bytes = malloc(len ? len : 1);
    char *out = malloc((len + 2) / 3 * 4 + 1);
    int k;

    if (!bytes || !out) {
        free(bytes);
        free(out);
        return NULL;
    }
    for (k = 0; k < n; k++) { /* little-endian whatever the host */
        uint32_t u;

        memcpy(&u, &v[k], 4);
        bytes[k * 4] = (unsigned char)u;
        bytes[k * 4 + 1] = (unsigned char)(u >> 8);
        bytes[k * 4 + 2] = (unsigned char)(u >> 16);
        bytes[k * 4 + 3] = (unsigned char)(u >> 24);
    }
    for (i = 0; i < len; i += 3) {
        uint32_t w = (uint32_t)bytes[i] << 16;

        w |= i + 1 < len ? (uint32_t)bytes[i + 1] << 8 : 0;
        w |= i + 2 < len ? bytes[i + 2] : 0;
        out[o++] = tab[w >> 18 & 63];
        out[o++] = tab[w >> 12 & 63];
        out[o++] = i + 1 < len ? tab[w >> 6 & 63] : '=';
        out[o++] = i + 2 < len ? tab[w & 63] : '=';
    }
    out[o] = '\0';
    free(bytes);
    return out;
}
