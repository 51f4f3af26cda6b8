/*
 * toolturn.c: tool call records and the JSON that carries them; see toolturn.h.
 *
 * Everything here is plain data work over cJSON: the loop that asks the model, runs the tools
 * and asks again is in assistant.c, next to the rest of the turn.
 */
#include "core/toolturn.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/conversation.h"

const char *sym_tool_status_name(enum sym_tool_status status)
{
    switch (status) {
    case SYM_TOOL_OK:
        return "ok";
    case SYM_TOOL_ERROR:
        return "error";
    case SYM_TOOL_DENIED:
        return "denied";
    case SYM_TOOL_SKIPPED:
        return "skipped";
    }
    return "error";
}

static enum sym_tool_status status_by_name(const char *name)
{
    if (!strcmp(name, "ok"))
        return SYM_TOOL_OK;
    if (!strcmp(name, "denied"))
        return SYM_TOOL_DENIED;
    if (!strcmp(name, "skipped"))
        return SYM_TOOL_SKIPPED;
    return SYM_TOOL_ERROR;
}

static void record_free(struct sym_tool_call_record *rec)
{
    free(rec->id);
    free(rec->name);
    free(rec->arguments);
    free(rec->result);
}

void sym_tool_records_free(struct sym_tool_records *r)
{
    size_t i;

    for (i = 0; i < r->n; i++)
        record_free(&r->items[i]);
    free(r->items);
    memset(r, 0, sizeof *r);
}

/* Room for one more record. */
static enum sym_status grow(struct sym_tool_records *r)
{
    struct sym_tool_call_record *p;
    size_t cap;

    if (r->n < r->cap)
        return SYM_OK;
    cap = r->cap ? r->cap * 2 : 4;
    p = realloc(r->items, sizeof *p * cap);
    if (!p)
        return SYM_ERR_NOMEM;
    r->items = p;
    r->cap = cap;
    return SYM_OK;
}

/* Append one record (strings copied; result may be NULL). */
static enum sym_status push(struct sym_tool_records *r, const char *id, const char *name,
                            const char *arguments, const char *result, enum sym_tool_status st)
{
    struct sym_tool_call_record rec = {0};

    if (grow(r))
        return SYM_ERR_NOMEM;
    rec.id = strdup(id);
    rec.name = strdup(name);
    rec.arguments = strdup(arguments);
    rec.result = result ? strdup(result) : NULL;
    rec.status = st;
    if (!rec.id || !rec.name || !rec.arguments || (result && !rec.result)) {
        record_free(&rec);
        return SYM_ERR_NOMEM;
    }
    r->items[r->n++] = rec;
    return SYM_OK;
}

/* Drop the records from n on (undo a failed append). */
static void cut(struct sym_tool_records *r, size_t n)
{
    while (r->n > n)
        record_free(&r->items[--r->n]);
}

static const char *string_of(const cJSON *obj, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

    return cJSON_IsString(v) ? v->valuestring : NULL;
}

enum sym_status sym_tool_records_add(struct sym_tool_records *r, const char *tool_calls_json,
                                     int round, size_t *n_added)
{
    cJSON *arr = cJSON_Parse(tool_calls_json ? tool_calls_json : "");
    const cJSON *call;
    size_t n0 = r->n, i = 0;
    enum sym_status rc = SYM_OK;

    *n_added = 0;
    if (!cJSON_IsArray(arr)) {
        cJSON_Delete(arr);
        return SYM_ERR_INVALID;
    }
    cJSON_ArrayForEach(call, arr)
    {
        const cJSON *fn = cJSON_GetObjectItemCaseSensitive(call, "function");
        const char *id = string_of(call, "id"), *name = string_of(fn, "name");
        const cJSON *args = cJSON_GetObjectItemCaseSensitive(fn, "arguments");
        char made_id[48], *args_text = NULL;

        if (!name) {
            rc = SYM_ERR_INVALID;
            break;
        }
        if (!id || !id[0]) {
            snprintf(made_id, sizeof made_id, "call_%d_%zu", round, i);
            id = made_id;
        }
        /* OpenAI sends the arguments as JSON text; an object is taken too. */
        if (cJSON_IsObject(args))
            args_text = cJSON_PrintUnformatted(args);
        rc = push(r, id, name,
                  args_text              ? args_text
                  : cJSON_IsString(args) ? args->valuestring
                                         : "{}",
                  NULL, SYM_TOOL_OK);
        free(args_text);
        if (rc)
            break;
        i++;
    }
    cJSON_Delete(arr);
    if (rc) {
        cut(r, n0);
        return rc;
    }
    *n_added = r->n - n0;
    return SYM_OK;
}

/* Print json (owned; deleted here) into out. */
static enum sym_status print_into(cJSON *json, struct sym_buf *out)
{
    char *text = json ? cJSON_PrintUnformatted(json) : NULL;
    enum sym_status rc = text ? sym_buf_puts(out, text) : SYM_ERR_NOMEM;

    free(text);
    cJSON_Delete(json);
    return rc;
}

/* One call as OpenAI's {"id", "type": "function", "function": {"name", "arguments"}}. */
static cJSON *call_json(const struct sym_tool_call_record *rec)
{
    cJSON *o = cJSON_CreateObject(), *fn;

    if (!o || !cJSON_AddStringToObject(o, "id", rec->id) ||
        !cJSON_AddStringToObject(o, "type", "function") ||
        !(fn = cJSON_AddObjectToObject(o, "function")) ||
        !cJSON_AddStringToObject(fn, "name", rec->name) ||
        !cJSON_AddStringToObject(fn, "arguments", rec->arguments)) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}

enum sym_status sym_tool_records_calls(const struct sym_tool_records *r, size_t from, size_t n,
                                       struct sym_buf *out)
{
    cJSON *arr = cJSON_CreateArray();
    size_t i;

    for (i = from; arr && i < from + n && i < r->n; i++) {
        cJSON *o = call_json(&r->items[i]);

        if (!o || !cJSON_AddItemToArray(arr, o)) {
            cJSON_Delete(o);
            cJSON_Delete(arr);
            return SYM_ERR_NOMEM;
        }
    }
    return print_into(arr, out);
}

enum sym_status sym_tool_records_json(const struct sym_tool_records *r, struct sym_buf *out)
{
    cJSON *arr = cJSON_CreateArray();
    size_t i;

    for (i = 0; arr && i < r->n; i++) {
        const struct sym_tool_call_record *rec = &r->items[i];
        cJSON *o = cJSON_CreateObject();

        if (!o || !cJSON_AddItemToArray(arr, o)) {
            cJSON_Delete(o);
            cJSON_Delete(arr);
            return SYM_ERR_NOMEM;
        }
        if (!cJSON_AddStringToObject(o, "id", rec->id) ||
            !cJSON_AddStringToObject(o, "name", rec->name) ||
            !cJSON_AddStringToObject(o, "arguments", rec->arguments) ||
            !(rec->result ? cJSON_AddStringToObject(o, "result", rec->result)
                          : cJSON_AddNullToObject(o, "result")) ||
            !cJSON_AddStringToObject(o, "status", sym_tool_status_name(rec->status))) {
            cJSON_Delete(arr);
            return SYM_ERR_NOMEM;
        }
    }
    return print_into(arr, out);
}

enum sym_status sym_tool_records_parse(struct sym_tool_records *r, const char *json)
{
    cJSON *arr = cJSON_Parse(json ? json : "");
    const cJSON *o;
    size_t n0 = r->n;
    enum sym_status rc = SYM_OK;

    if (!cJSON_IsArray(arr)) {
        cJSON_Delete(arr);
        return SYM_ERR_INVALID;
    }
    cJSON_ArrayForEach(o, arr)
    {
        const char *id = string_of(o, "id"), *name = string_of(o, "name");
        const char *args = string_of(o, "arguments"), *status = string_of(o, "status");

        if (!id || !name || !args || !status) {
            rc = SYM_ERR_INVALID;
            break;
        }
        rc = push(r, id, name, args, string_of(o, "result"), status_by_name(status));
        if (rc)
            break;
    }
    cJSON_Delete(arr);
    if (rc)
        cut(r, n0);
    return rc;
}

enum sym_status sym_toolturn_messages_json(const struct sym_conv *conv,
                                           const struct sym_chat_msg *msgs, size_t n,
                                           struct sym_buf *out)
{
    cJSON *arr = cJSON_CreateArray();
    size_t i;

    for (i = 0; arr && i < n; i++) {
        const struct sym_conv_tool *t = conv ? sym_conv_tool_part(conv, &msgs[i]) : NULL;
        cJSON *o = cJSON_CreateObject(), *calls = NULL;
        bool ok;

        if (!o || !cJSON_AddItemToArray(arr, o)) {
            cJSON_Delete(o);
            break;
        }
        ok = cJSON_AddStringToObject(o, "role", msgs[i].role) &&
             cJSON_AddStringToObject(o, "content", msgs[i].content);
        if (ok && t && t->tool_calls) {
            calls = cJSON_Parse(t->tool_calls);
            ok = calls && cJSON_AddItemToObject(o, "tool_calls", calls);
            if (!ok)
                cJSON_Delete(calls);
        }
        if (ok && t && t->tool_call_id)
            ok = cJSON_AddStringToObject(o, "tool_call_id", t->tool_call_id) != NULL;
        if (!ok) {
            cJSON_Delete(arr);
            return SYM_ERR_NOMEM;
        }
    }
    if (i < n) {
        cJSON_Delete(arr);
        return SYM_ERR_NOMEM;
    }
    return print_into(arr, out);
}

bool sym_toolturn_choice_is_word(const char *choice)
{
    return !choice || !strcmp(choice, "auto") || !strcmp(choice, "none") ||
           !strcmp(choice, "required");
}

enum sym_status sym_toolturn_only(const char *tools_json, const char *name, struct sym_buf *out)
{
    cJSON *arr = cJSON_Parse(tools_json ? tools_json : ""), *tool, *one = NULL;

    if (!cJSON_IsArray(arr)) {
        cJSON_Delete(arr);
        return SYM_ERR_INVALID;
    }
    cJSON_ArrayForEach(tool, arr)
    {
        const char *n = string_of(cJSON_GetObjectItemCaseSensitive(tool, "function"), "name");

        if (n && !strcmp(n, name)) {
            one = cJSON_CreateArray();
            if (!one || !cJSON_AddItemToArray(one, cJSON_Duplicate(tool, true))) {
                cJSON_Delete(one);
                cJSON_Delete(arr);
                return SYM_ERR_NOMEM;
            }
            break;
        }
    }
    cJSON_Delete(arr);
    if (!one)
        return SYM_ERR_NOT_FOUND;
    return print_into(one, out);
}
