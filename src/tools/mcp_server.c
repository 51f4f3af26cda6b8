/*
 * mcp_server.c: `symbiot mcp`, the MCP server over stdio (mcp_server.h).
 *
 * One line in, at most one line out: initialize (the client's protocol version when Symbiot
 * speaks it, else Symbiot's newest, as the specification says), ping, tools/list (the module
 * tools with their schemas and annotations: readOnlyHint, destructiveHint, idempotentHint,
 * openWorldHint false: they touch only this machine) and tools/call. Notifications and responses
 * get no answer; any other request is "method not found". A line that is not JSON is a parse
 * error (-32700, id null), one that is not a JSON-RPC request an invalid request (-32600).
 *
 * A tool's own failure (bad arguments, a refusal) is a result with isError, so the model on the
 * other side can read why and try again; an unknown tool is a JSON-RPC error (-32602), as the
 * specification shows. Input lines are capped at SYM_MCP_LINE_MAX; a longer one is answered
 * with an invalid-request error and skipped, so memory stays bounded.
 */
#include "tools/mcp_server.h"

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "tools/mcp.h"
#include "tools/tools.h"

/* A JSON-RPC error response line for id (JSON text; NULL means null). */
static char *error_line(const char *id, int code, const char *message)
{
    cJSON *o = cJSON_CreateObject(), *idj = id ? cJSON_Parse(id) : cJSON_CreateNull(), *e;
    char *text = NULL;

    if (o && idj && cJSON_AddStringToObject(o, "jsonrpc", "2.0") &&
        cJSON_AddItemToObject(o, "id", idj)) {
        idj = NULL;
        if ((e = cJSON_AddObjectToObject(o, "error")) && cJSON_AddNumberToObject(e, "code", code) &&
            cJSON_AddStringToObject(e, "message", message))
            text = cJSON_PrintUnformatted(o);
    }
    cJSON_Delete(idj);
    cJSON_Delete(o);
    return text;
}

/* A result response line for id; takes result. */
static char *result_line(const char *id, cJSON *result)
{
    cJSON *o = cJSON_CreateObject(), *idj = cJSON_Parse(id);
    char *text = NULL;

    if (o && idj && result && cJSON_AddStringToObject(o, "jsonrpc", "2.0") &&
        cJSON_AddItemToObject(o, "id", idj)) {
        idj = NULL;
        if (cJSON_AddItemToObject(o, "result", result)) {
            result = NULL;
            text = cJSON_PrintUnformatted(o);
        }
    }
    cJSON_Delete(result);
    cJSON_Delete(idj);
    cJSON_Delete(o);
    return text;
}

static cJSON *initialize(const char *params, const char *version)
{
    cJSON *p = params ? cJSON_Parse(params) : NULL, *r = cJSON_CreateObject(), *caps, *tools, *info;
    const char *want = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(p, "protocolVersion"));
    const char *agreed = sym_mcp_versions[0];
    size_t i;

    for (i = 0; want && sym_mcp_versions[i]; i++)
        if (!strcmp(want, sym_mcp_versions[i]))
            agreed = sym_mcp_versions[i];
    if (!r || !cJSON_AddStringToObject(r, "protocolVersion", agreed) ||
        !(caps = cJSON_AddObjectToObject(r, "capabilities")) ||
        !(tools = cJSON_AddObjectToObject(caps, "tools")) ||
        !cJSON_AddFalseToObject(tools, "listChanged") ||
        !(info = cJSON_AddObjectToObject(r, "serverInfo")) ||
        !cJSON_AddStringToObject(info, "name", "symbiot") ||
        !cJSON_AddStringToObject(info, "version", version) ||
        !cJSON_AddStringToObject(r, "instructions",
                                 "Symbiot's tools: the user's private memory of facts (remember, "
                                 "memories, forget, pin), reminders (remind, reminders, cancel) "
                                 "and the time and dates (time, date, weekday, until).")) {
        cJSON_Delete(r);
        r = NULL;
    }
    cJSON_Delete(p);
    return r;
}

static cJSON *list_tools(const struct sym_tools *t)
{
    cJSON *r = cJSON_CreateObject(), *arr = r ? cJSON_AddArrayToObject(r, "tools") : NULL;
    size_t i;

    for (i = 0; arr && i < sym_tools_count(t); i++) {
        const struct sym_tool *tool = sym_tools_get(t, i);
        cJSON *o = cJSON_CreateObject(), *schema = cJSON_Parse(tool->schema), *ann;

        if (!o || !cJSON_AddItemToArray(arr, o) || !schema) {
            cJSON_Delete(schema);
            goto fail;
        }
        if (!cJSON_AddStringToObject(o, "name", tool->name) ||
            !cJSON_AddStringToObject(o, "description", tool->description) ||
            !cJSON_AddItemToObject(o, "inputSchema", schema)) {
            cJSON_Delete(schema);
            goto fail;
        }
        if (!(ann = cJSON_AddObjectToObject(o, "annotations")) ||
            !cJSON_AddBoolToObject(ann, "readOnlyHint", tool->read_only) ||
            !cJSON_AddBoolToObject(ann, "destructiveHint", tool->destructive) ||
            !cJSON_AddBoolToObject(ann, "idempotentHint", tool->read_only) ||
            !cJSON_AddFalseToObject(ann, "openWorldHint"))
            goto fail;
    }
    return r;
fail:
    cJSON_Delete(r);
    return NULL;
}

/* tools/call: a result (isError for the tool's own failures), or *code and *message for a
 * JSON-RPC error. */
static cJSON *call_tool(struct sym_tools *t, const char *params, int *code, const char **message)
{
    cJSON *p = params ? cJSON_Parse(params) : NULL, *r = NULL, *content, *item;
    const cJSON *name = cJSON_GetObjectItemCaseSensitive(p, "name");
    const cJSON *args = cJSON_GetObjectItemCaseSensitive(p, "arguments");
    struct sym_tool_result res = {0};
    char *args_text = NULL;
    const char *text;
    enum sym_status rc;

    if (!cJSON_IsString(name) || (args && !cJSON_IsObject(args) && !cJSON_IsNull(args))) {
        *code = -32602;
        *message = "tools/call needs params {\"name\": string, \"arguments\": object}";
        goto out;
    }
    if (!sym_tools_find(t, name->valuestring)) {
        *code = -32602;
        *message = "Unknown tool: tools/list names them";
        goto out;
    }
    if (args && cJSON_IsObject(args) && !(args_text = cJSON_PrintUnformatted(args)))
        goto out;
    rc = sym_tools_call(t, name->valuestring, args_text, NULL, NULL, &res);
    if (rc == SYM_ERR_NOMEM)
        goto out;
    text = rc ? sym_tools_errmsg(t) : res.text;
    r = cJSON_CreateObject();
    if (!r || !(content = cJSON_AddArrayToObject(r, "content")) || !(item = cJSON_CreateObject()) ||
        !cJSON_AddItemToArray(content, item) || !cJSON_AddStringToObject(item, "type", "text") ||
        !cJSON_AddStringToObject(item, "text", text ? text : "") ||
        !cJSON_AddBoolToObject(r, "isError", rc || res.is_error)) {
        cJSON_Delete(r);
        r = NULL;
    }
out:
    sym_tool_result_clear(&res);
    free(args_text);
    cJSON_Delete(p);
    return r;
}

enum sym_status sym_mcp_serve_line(struct sym_tools *t, const char *line, const char *version,
                                   char **reply)
{
    struct sym_jsonrpc msg;
    cJSON *result = NULL;
    int code = 0;
    const char *message = NULL;
    enum sym_status rc;

    *reply = NULL;
    rc = sym_jsonrpc_parse(line, &msg);
    if (rc)
        return rc;
    if (msg.kind == SYM_JSONRPC_INVALID) {
        bool not_json = !strcmp(msg.why, "not JSON");

        *reply = error_line(NULL, not_json ? -32700 : -32600,
                            not_json ? "Parse error" : "Invalid Request");
        rc = *reply ? SYM_OK : SYM_ERR_NOMEM;
        goto out;
    }
    if (msg.kind != SYM_JSONRPC_REQUEST)
        goto out; /* notifications and responses: nothing to say */
    if (!strcmp(msg.method, "initialize"))
        result = initialize(msg.params, version);
    else if (!strcmp(msg.method, "ping"))
        result = cJSON_CreateObject();
    else if (!strcmp(msg.method, "tools/list"))
        result = list_tools(t);
    else if (!strcmp(msg.method, "tools/call"))
        result = call_tool(t, msg.params, &code, &message);
    else {
        code = -32601;
        message = "Method not found";
    }
    if (code)
        *reply = error_line(msg.id, code, message);
    else if (result)
        *reply = result_line(msg.id, result);
    else
        *reply = error_line(msg.id, -32603, "out of memory");
    rc = *reply ? SYM_OK : SYM_ERR_NOMEM;
    if (code)
        cJSON_Delete(result);
out:
    sym_jsonrpc_clear(&msg);
    return rc;
}

static enum sym_status send_line(FILE *out, const char *line)
{
    if (fputs(line, out) == EOF || putc('\n', out) == EOF || fflush(out))
        return SYM_ERR_IO;
    return SYM_OK;
}

enum sym_status sym_mcp_serve(struct sym_tools *t, FILE *in, FILE *out, const char *version)
{
    struct sym_buf line;
    char chunk[8192];
    bool skipping = false;
    enum sym_status rc = SYM_OK;

    sym_buf_init(&line, SYM_MCP_LINE_MAX);
    while (!rc && fgets(chunk, sizeof chunk, in)) {
        size_t n = strlen(chunk);
        bool end = n && chunk[n - 1] == '\n';
        char *reply = NULL;

        if (end)
            chunk[--n] = '\0';
        if (skipping) {
            skipping = !end;
            continue;
        }
        rc = sym_buf_append(&line, chunk, n);
        if (rc == SYM_ERR_TOO_LONG) {
            sym_buf_reset(&line);
            skipping = !end;
            reply = error_line(NULL, -32600, "Invalid Request: a line longer than 4 MiB");
            rc = reply ? send_line(out, reply) : SYM_ERR_NOMEM;
            free(reply);
            continue;
        }
        if (rc)
            break;
        if (!end && !feof(in))
            continue;
        if (line.len && line.data[line.len - 1] == '\r')
            line.data[--line.len] = '\0';
        if (line.len)
            rc = sym_mcp_serve_line(t, sym_buf_str(&line), version, &reply);
        if (!rc && reply)
            rc = send_line(out, reply);
        free(reply);
        sym_buf_reset(&line);
    }
    sym_buf_free(&line);
    return rc;
}
