/*
 * openai.c: OpenAI request parsing and response shapes; see openai.h.
 *
 * Message content may be a string or an array of text parts (newer clients send the latter);
 * both become one string, its invalid UTF-8 replaced by U+FFFD as the CLI does with its input.
 * Unknown fields are ignored, as OpenAI's own server does; known fields with a wrong type or an
 * out-of-range value are refused, and so are OpenAI's fields this server does not implement
 * (n > 1, logprobs, logit_bias, audio ...): a 400 that names the field, never a silent answer
 * without it.
 *
 * Tools: "tools", "tool_choice", "parallel_tool_calls", assistant messages with "tool_calls" and
 * "tool" messages are checked here and handed on as JSON text rebuilt from what was checked
 * (messages_json, tools_json), so the backend never sees a field this file did not look at.
 * "response_format" becomes a JSON schema ("{}" for json_object).
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
    free(req->messages_json);
    free(req->tools_json);
    free(req->tool_choice);
    free(req->json_schema);
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
                                           {"assistant", "assistant"},
                                           {"tool", "tool"}};
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

static bool oom(struct sym_http_error *e)
{
    return sym_http_error_set(e, 500, "internal_error", NULL, "out of memory");
}

/* A function name as OpenAI allows them: 1 to 64 of a-z, A-Z, 0-9, '_' and '-'. */
static bool valid_function_name(const char *s)
{
    size_t n = strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-");

    return n >= 1 && n <= 64 && !s[n];
}

/* The assistant message i's "tool_calls", checked, rebuilt into clean (its "tool_calls"). */
static bool take_tool_calls(const cJSON *calls, size_t i, cJSON *clean, struct sym_http_error *e)
{
    cJSON *out = cJSON_AddArrayToObject(clean, "tool_calls");
    const cJSON *tc;
    size_t j = 0;

    if (!out)
        return oom(e);
    if (!cJSON_IsArray(calls))
        return sym_http_error_set(e, 400, "invalid_type", "messages",
                                  "messages[%zu].tool_calls must be an array", i);
    cJSON_ArrayForEach(tc, calls)
    {
        const cJSON *id = cJSON_GetObjectItemCaseSensitive(tc, "id");
        const cJSON *type = cJSON_GetObjectItemCaseSensitive(tc, "type");
        const cJSON *fn = cJSON_GetObjectItemCaseSensitive(tc, "function");
        const cJSON *name = cJSON_GetObjectItemCaseSensitive(fn, "name");
        const cJSON *args = cJSON_GetObjectItemCaseSensitive(fn, "arguments");
        cJSON *parsed, *c, *f;

        if (!cJSON_IsString(id) || !cJSON_IsObject(fn) || !cJSON_IsString(name) ||
            !cJSON_IsString(args) ||
            (type && !cJSON_IsNull(type) &&
             !(cJSON_IsString(type) && !strcmp(type->valuestring, "function"))))
            return sym_http_error_set(e, 400, "invalid_value", "messages",
                                      "messages[%zu].tool_calls[%zu] must be {\"id\": string, "
                                      "\"type\": \"function\", \"function\": {\"name\": "
                                      "string, \"arguments\": string}}",
                                      i, j);
        parsed = cJSON_Parse(args->valuestring);
        if (!parsed)
            return sym_http_error_set(e, 400, "invalid_value", "messages",
                                      "messages[%zu].tool_calls[%zu].function.arguments must be "
                                      "a JSON text",
                                      i, j);
        cJSON_Delete(parsed);
        c = cJSON_CreateObject();
        if (c)
            cJSON_AddItemToArray(out, c);
        if (!c || !cJSON_AddStringToObject(c, "id", id->valuestring) ||
            !cJSON_AddStringToObject(c, "type", "function") ||
            !(f = cJSON_AddObjectToObject(c, "function")) ||
            !cJSON_AddStringToObject(f, "name", name->valuestring) ||
            !cJSON_AddStringToObject(f, "arguments", args->valuestring))
            return oom(e);
        j++;
    }
    return true;
}

/* Message i (role already checked) rebuilt into the clean array: its role, its text (null for an
 * assistant's tool calls without text), its tool calls, the call a tool result answers.
 * *special: it carries what plain messages cannot (tool calls, a tool result). */
static bool clean_message(const cJSON *msg, size_t i, const char *role, const char *text,
                          cJSON *clean, bool *special, struct sym_http_error *e)
{
    const cJSON *calls = cJSON_GetObjectItemCaseSensitive(msg, "tool_calls");
    const cJSON *call_id = cJSON_GetObjectItemCaseSensitive(msg, "tool_call_id");
    bool has_calls = calls && !cJSON_IsNull(calls);
    cJSON *m = cJSON_CreateObject();

    if (m)
        cJSON_AddItemToArray(clean, m);
    if (!m || !cJSON_AddStringToObject(m, "role", role))
        return oom(e);
    if (has_calls && strcmp(role, "assistant"))
        return sym_http_error_set(e, 400, "invalid_value", "messages",
                                  "messages[%zu]: only an assistant message has tool_calls", i);
    if (has_calls && !text[0] ? !cJSON_AddNullToObject(m, "content")
                              : !cJSON_AddStringToObject(m, "content", text))
        return oom(e);
    if (has_calls) {
        if (!take_tool_calls(calls, i, m, e))
            return false;
        *special = true;
    }
    if (!strcmp(role, "tool")) {
        if (!cJSON_IsString(call_id) || !call_id->valuestring[0])
            return sym_http_error_set(e, 400, "invalid_value", "messages",
                                      "messages[%zu] (role \"tool\") needs a string "
                                      "\"tool_call_id\"",
                                      i);
        if (!cJSON_AddStringToObject(m, "tool_call_id", call_id->valuestring))
            return oom(e);
        *special = true;
    }
    return true;
}

static bool parse_messages(const cJSON *obj, struct sym_chat_request *req, struct sym_http_error *e)
{
    const cJSON *msgs = cJSON_GetObjectItemCaseSensitive(obj, "messages"), *msg;
    cJSON *clean = NULL;
    bool special = false, ok = true;
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
    clean = cJSON_CreateArray();
    if (!req->msgs || !req->texts || !clean) {
        cJSON_Delete(clean);
        return oom(e);
    }
    cJSON_ArrayForEach(msg, msgs)
    {
        const cJSON *role = cJSON_GetObjectItemCaseSensitive(msg, "role");

        if (!cJSON_IsObject(msg)) {
            ok = sym_http_error_set(e, 400, "invalid_type", "messages",
                                    "messages[%zu] must be an object", i);
            break;
        }
        if (!cJSON_IsString(role)) {
            ok = sym_http_error_set(e, 400, role ? "invalid_type" : "missing_field", "messages",
                                    "messages[%zu].role must be a string", i);
            break;
        }
        if (!role_of(role->valuestring)) {
            ok = sym_http_error_set(e, 400, "invalid_value", "messages",
                                    "messages[%zu].role must be system, developer, user, "
                                    "assistant or tool, not \"%.40s\"",
                                    i, role->valuestring);
            break;
        }
        if (!message_text(msg, i, &req->texts[i], e) ||
            !clean_message(msg, i, role_of(role->valuestring), req->texts[i], clean, &special, e)) {
            ok = false;
            if (req->texts[i])
                req->n_msgs = i + 1; /* freed with the request */
            break;
        }
        req->msgs[i].role = role_of(role->valuestring);
        req->msgs[i].content = req->texts[i];
        req->n_msgs = ++i;
    }
    if (ok && special && !(req->messages_json = cJSON_PrintUnformatted(clean)))
        ok = oom(e);
    cJSON_Delete(clean);
    return ok;
}

/* "tools": function tools, checked and rebuilt (name, description, parameters, strict). */
static bool parse_tools(const cJSON *obj, struct sym_chat_request *req, struct sym_http_error *e)
{
    const cJSON *tools = cJSON_GetObjectItemCaseSensitive(obj, "tools"), *t;
    cJSON *clean;
    size_t i = 0;

    if (!tools || cJSON_IsNull(tools))
        return true;
    if (!cJSON_IsArray(tools))
        return sym_http_error_set(e, 400, "invalid_type", "tools", "\"tools\" must be an array");
    if (cJSON_GetArraySize(tools) > 128)
        return sym_http_error_set(e, 400, "invalid_value", "tools",
                                  "\"tools\" holds at most 128 functions");
    if (!cJSON_GetArraySize(tools))
        return true; /* no tools */
    if (!(clean = cJSON_CreateArray()))
        return oom(e);
    cJSON_ArrayForEach(t, tools)
    {
        const cJSON *type = cJSON_GetObjectItemCaseSensitive(t, "type");
        const cJSON *fn = cJSON_GetObjectItemCaseSensitive(t, "function");
        const cJSON *name = cJSON_GetObjectItemCaseSensitive(fn, "name");
        const cJSON *desc = cJSON_GetObjectItemCaseSensitive(fn, "description");
        const cJSON *params = cJSON_GetObjectItemCaseSensitive(fn, "parameters");
        const cJSON *strict = cJSON_GetObjectItemCaseSensitive(fn, "strict");
        cJSON *c, *f;
        bool bad = false;

        if (!cJSON_IsString(type) || strcmp(type->valuestring, "function"))
            bad = !sym_http_error_set(e, 400, "invalid_value", "tools",
                                      "tools[%zu].type must be \"function\" (the only kind of "
                                      "tool there is here)",
                                      i);
        else if (!cJSON_IsObject(fn) || !cJSON_IsString(name) ||
                 !valid_function_name(name->valuestring))
            bad = !sym_http_error_set(e, 400, "invalid_value", "tools",
                                      "tools[%zu].function.name must be 1 to 64 letters, digits, "
                                      "'_' or '-'",
                                      i);
        else if ((desc && !cJSON_IsNull(desc) && !cJSON_IsString(desc)) ||
                 (params && !cJSON_IsNull(params) && !cJSON_IsObject(params)) ||
                 (strict && !cJSON_IsNull(strict) && !cJSON_IsBool(strict)))
            bad = !sym_http_error_set(e, 400, "invalid_type", "tools",
                                      "tools[%zu].function: description must be a string, "
                                      "parameters a JSON schema object, strict a boolean",
                                      i);
        if (bad) {
            cJSON_Delete(clean);
            return false;
        }
        c = cJSON_CreateObject();
        if (c)
            cJSON_AddItemToArray(clean, c);
        if (!c || !cJSON_AddStringToObject(c, "type", "function") ||
            !(f = cJSON_AddObjectToObject(c, "function")) ||
            !cJSON_AddStringToObject(f, "name", name->valuestring) ||
            (cJSON_IsString(desc) &&
             !cJSON_AddStringToObject(f, "description", desc->valuestring)) ||
            (cJSON_IsObject(params) &&
             !cJSON_AddItemToObject(f, "parameters", cJSON_Duplicate(params, 1))) ||
            (cJSON_IsBool(strict) && !cJSON_AddBoolToObject(f, "strict", cJSON_IsTrue(strict)))) {
            cJSON_Delete(clean);
            return oom(e);
        }
        i++;
    }
    req->tools_json = cJSON_PrintUnformatted(clean);
    cJSON_Delete(clean);
    return req->tools_json ? true : oom(e);
}

/* Whether tools_json has a function of this name. */
static bool has_tool(const char *tools_json, const char *name)
{
    cJSON *tools = cJSON_Parse(tools_json), *t;
    bool found = false;

    cJSON_ArrayForEach(t, tools)
    {
        const cJSON *n = cJSON_GetObjectItemCaseSensitive(
            cJSON_GetObjectItemCaseSensitive(t, "function"), "name");

        if (cJSON_IsString(n) && !strcmp(n->valuestring, name))
            found = true;
    }
    cJSON_Delete(tools);
    return found;
}

/* "tool_choice" ("auto", "none", "required" or {"type": "function", "function": {"name": N}}) and
 * "parallel_tool_calls"; after parse_tools. */
static bool parse_tool_choice(const cJSON *obj, struct sym_chat_request *req,
                              struct sym_http_error *e)
{
    const cJSON *tc = cJSON_GetObjectItemCaseSensitive(obj, "tool_choice");
    const char *choice = NULL;
    bool present = false;

    req->parallel_tool_calls = true; /* OpenAI's default */
    if (!sym_json_bool(obj, "parallel_tool_calls", &req->parallel_tool_calls, NULL, e))
        return false;
    if (!tc || cJSON_IsNull(tc))
        return true;
    if (cJSON_IsString(tc)) {
        choice = tc->valuestring;
        if (strcmp(choice, "auto") && strcmp(choice, "none") && strcmp(choice, "required"))
            return sym_http_error_set(e, 400, "invalid_value", "tool_choice",
                                      "\"tool_choice\" must be \"auto\", \"none\", "
                                      "\"required\" or {\"type\": \"function\", "
                                      "\"function\": {\"name\": ...}}");
    } else {
        const cJSON *type = cJSON_GetObjectItemCaseSensitive(tc, "type");
        const cJSON *name = cJSON_GetObjectItemCaseSensitive(
            cJSON_GetObjectItemCaseSensitive(tc, "function"), "name");

        if (!cJSON_IsObject(tc) || !cJSON_IsString(type) || strcmp(type->valuestring, "function") ||
            !cJSON_IsString(name))
            return sym_http_error_set(e, 400, "invalid_value", "tool_choice",
                                      "\"tool_choice\" must be \"auto\", \"none\", "
                                      "\"required\" or {\"type\": \"function\", "
                                      "\"function\": {\"name\": ...}}");
        choice = name->valuestring;
        present = true; /* a named function */
    }
    if (!req->tools_json && (present || !strcmp(choice, "required")))
        return sym_http_error_set(e, 400, "invalid_value", "tool_choice",
                                  "\"tool_choice\" %s needs \"tools\"",
                                  present ? "naming a function" : "\"required\"");
    if (present && !has_tool(req->tools_json, choice))
        return sym_http_error_set(e, 400, "invalid_value", "tool_choice",
                                  "\"tool_choice\" names \"%.64s\", which is not in \"tools\"",
                                  choice);
    req->tool_choice = strdup(choice);
    return req->tool_choice ? true : oom(e);
}

/* "response_format": {"type": "text"}, {"type": "json_object"} or {"type": "json_schema",
 * "json_schema": {"name": ..., "schema": {...}, "strict": ...}}. */
static bool parse_response_format(const cJSON *obj, struct sym_chat_request *req,
                                  struct sym_http_error *e)
{
    const cJSON *rf = cJSON_GetObjectItemCaseSensitive(obj, "response_format");
    const cJSON *type = cJSON_GetObjectItemCaseSensitive(rf, "type");
    const cJSON *js = cJSON_GetObjectItemCaseSensitive(rf, "json_schema");
    const cJSON *schema = cJSON_GetObjectItemCaseSensitive(js, "schema");
    const cJSON *name = cJSON_GetObjectItemCaseSensitive(js, "name");

    if (!rf || cJSON_IsNull(rf))
        return true;
    if (!cJSON_IsObject(rf) || !cJSON_IsString(type))
        return sym_http_error_set(e, 400, "invalid_type", "response_format",
                                  "\"response_format\" must be an object with a \"type\"");
    if (!strcmp(type->valuestring, "text"))
        return true;
    if (!strcmp(type->valuestring, "json_object")) {
        req->json_schema = strdup("{}");
        return req->json_schema ? true : oom(e);
    }
    if (strcmp(type->valuestring, "json_schema"))
        return sym_http_error_set(e, 400, "invalid_value", "response_format",
                                  "response_format.type must be \"text\", \"json_object\" or "
                                  "\"json_schema\", not \"%.40s\"",
                                  type->valuestring);
    if (!cJSON_IsObject(js) || (name && !cJSON_IsString(name)) ||
        (schema && !cJSON_IsNull(schema) && !cJSON_IsObject(schema)))
        return sym_http_error_set(e, 400, "invalid_value", "response_format",
                                  "response_format.json_schema must be {\"name\": string, "
                                  "\"schema\": a JSON schema object, \"strict\": boolean}");
    req->json_schema = cJSON_IsObject(schema) ? cJSON_PrintUnformatted(schema) : strdup("{}");
    return req->json_schema ? true : oom(e);
}

/* OpenAI's fields that this server does not implement: refused by name, never ignored. */
static bool refuse_unsupported(const cJSON *obj, struct sym_http_error *e)
{
    static const char *const absent[] = {"audio",     "prediction",    "web_search_options",
                                         "functions", "function_call", "top_logprobs"};
    const cJSON *v, *m;
    size_t i;

    for (i = 0; i < sizeof absent / sizeof absent[0]; i++) {
        v = cJSON_GetObjectItemCaseSensitive(obj, absent[i]);
        if (v && !cJSON_IsNull(v))
            return sym_http_error_set(e, 400, "unsupported_parameter", absent[i],
                                      "\"%s\" is not supported by this server%s", absent[i],
                                      i == 3 || i == 4 ? "; use \"tools\" and \"tool_choice\""
                                                       : "");
    }
    v = cJSON_GetObjectItemCaseSensitive(obj, "logprobs");
    if (v && !cJSON_IsNull(v) && !cJSON_IsFalse(v))
        return sym_http_error_set(e, 400, "unsupported_parameter", "logprobs",
                                  "\"logprobs\" is not supported by this server");
    v = cJSON_GetObjectItemCaseSensitive(obj, "logit_bias");
    if (v && !cJSON_IsNull(v) && !(cJSON_IsObject(v) && !cJSON_GetArraySize(v)))
        return sym_http_error_set(e, 400, "unsupported_parameter", "logit_bias",
                                  "\"logit_bias\" is not supported by this server");
    v = cJSON_GetObjectItemCaseSensitive(obj, "modalities");
    cJSON_ArrayForEach(m, v)
    {
        if (!cJSON_IsString(m) || strcmp(m->valuestring, "text"))
            return sym_http_error_set(e, 400, "unsupported_parameter", "modalities",
                                      "only the \"text\" modality is supported by this server");
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
    double temp = cfg->temp, top_p = cfg->top_p, freq = 0, presence = 0;
    long long max = cfg->max_tokens, seed = cfg->seed, n = 1;
    bool have = false;

    if (!sym_json_int(obj, "max_completion_tokens", 1, 1 << 30, &max, &have, e) ||
        (!have && !sym_json_int(obj, "max_tokens", 1, 1 << 30, &max, NULL, e)) ||
        !sym_json_number(obj, "temperature", 0, 2, &temp, NULL, e) ||
        !sym_json_number(obj, "top_p", 0, 1, &top_p, NULL, e) ||
        !sym_json_number(obj, "frequency_penalty", -2, 2, &freq, NULL, e) ||
        !sym_json_number(obj, "presence_penalty", -2, 2, &presence, NULL, e) ||
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
    req->sampling.frequency_penalty = (float)freq;
    req->sampling.presence_penalty = (float)presence;
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
         parse_stream(obj, req, e) && parse_sampling(obj, cfg, req, e) &&
         parse_stops(obj, req, e) && refuse_unsupported(obj, e) && parse_tools(obj, req, e) &&
         parse_tool_choice(obj, req, e) && parse_response_format(obj, req, e);
    cJSON_Delete(obj);
    if (!ok)
        sym_chat_request_free(req);
    return ok;
}

const char *sym_openai_finish_reason(enum sym_stop_reason stop)
{
    if (stop == SYM_STOP_TOOL_CALLS)
        return "tool_calls";
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

char *sym_openai_tool_call_chunk(const struct sym_openai_ids *ids, int index, const char *id,
                                 const char *name, const char *args)
{
    cJSON *obj = envelope(ids, "chat.completion.chunk");
    cJSON *choices = cJSON_AddArrayToObject(obj, "choices"), *choice = cJSON_CreateObject();
    cJSON *calls, *call, *fn;

    cJSON_AddItemToArray(choices, choice);
    cJSON_AddNumberToObject(choice, "index", 0);
    calls = cJSON_AddArrayToObject(cJSON_AddObjectToObject(choice, "delta"), "tool_calls");
    call = cJSON_CreateObject();
    cJSON_AddItemToArray(calls, call);
    cJSON_AddNumberToObject(call, "index", index);
    if (id)
        cJSON_AddStringToObject(call, "id", id);
    if (id || name)
        cJSON_AddStringToObject(call, "type", "function");
    fn = cJSON_AddObjectToObject(call, "function");
    if (name)
        cJSON_AddStringToObject(fn, "name", name);
    cJSON_AddStringToObject(fn, "arguments", args ? args : "");
    cJSON_AddNullToObject(choice, "logprobs");
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
                            const char *reasoning, const char *tool_calls,
                            const struct sym_gen_stats *stats)
{
    cJSON *calls = tool_calls && tool_calls[0] ? cJSON_Parse(tool_calls) : NULL;
    cJSON *obj = envelope(ids, "chat.completion");
    cJSON *choices = cJSON_AddArrayToObject(obj, "choices"), *choice = cJSON_CreateObject();
    cJSON *msg;

    cJSON_AddItemToArray(choices, choice);
    cJSON_AddNumberToObject(choice, "index", 0);
    msg = cJSON_AddObjectToObject(choice, "message");
    cJSON_AddStringToObject(msg, "role", "assistant");
    if (calls && !content[0])
        cJSON_AddNullToObject(msg, "content");
    else
        cJSON_AddStringToObject(msg, "content", content);
    if (reasoning && reasoning[0])
        cJSON_AddStringToObject(msg, "reasoning_content", reasoning);
    if (calls)
        cJSON_AddItemToObject(msg, "tool_calls", calls);
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
