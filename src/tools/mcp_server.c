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
 *
 * A tool that removes something needs the user's yes. When the client said at initialize that it
 * can ask its user (the elicitation capability), the server sends elicitation/create with the
 * call and a yes/no field and waits for the answer, still reading one line at a time: requests
 * that come meanwhile are told the server is busy, notifications are ignored, and only "accept"
 * with confirm true runs the tool. Without that capability there is no one to ask, and only
 * tools-allow lets such a call through.
 */
#include "tools/mcp_server.h"

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "tools/mcp.h"
#include "tools/tools.h"

/* One stdio session: the line reader and what the client can do. */
struct session {
    FILE *in, *out;
    struct sym_buf line; /* the line being read */
    bool skipping;       /* dropping the rest of an overlong line */
    bool elicitation;    /* the client can ask its user (initialize's capabilities) */
    long asked;          /* elicitation requests sent, for their ids */
    enum sym_status io;  /* a write failure */
};

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

static enum sym_status send_line(FILE *out, const char *line);
static enum sym_status read_line(struct session *s, const char **line);

/* Ask the client's user (elicitation/create) whether to run tool with args: non-zero for yes. */
static int confirm_elicit(const struct sym_tool *tool, const char *args, void *data)
{
    struct session *s = data;
    cJSON *req = cJSON_CreateObject(), *params, *schema, *props, *field, *req_list;
    char id[48], *text = NULL, message[512];
    const char *line;
    int yes = 0;

    snprintf(id, sizeof id, "\"symbiot-confirm-%ld\"", ++s->asked);
    snprintf(message, sizeof message, "Run %s %.300s? It may remove something.", tool->name, args);
    if (!req || !cJSON_AddStringToObject(req, "jsonrpc", "2.0") ||
        !cJSON_AddItemToObject(req, "id", cJSON_Parse(id)) ||
        !cJSON_AddStringToObject(req, "method", "elicitation/create") ||
        !(params = cJSON_AddObjectToObject(req, "params")) ||
        !cJSON_AddStringToObject(params, "message", message) ||
        !(schema = cJSON_AddObjectToObject(params, "requestedSchema")) ||
        !cJSON_AddStringToObject(schema, "type", "object") ||
        !(props = cJSON_AddObjectToObject(schema, "properties")) ||
        !(field = cJSON_AddObjectToObject(props, "confirm")) ||
        !cJSON_AddStringToObject(field, "type", "boolean") ||
        !cJSON_AddStringToObject(field, "title", "Run it") ||
        !(req_list = cJSON_AddArrayToObject(schema, "required")) ||
        !cJSON_AddItemToArray(req_list, cJSON_CreateString("confirm")) ||
        !(text = cJSON_PrintUnformatted(req)))
        goto out;
    s->io = send_line(s->out, text);
    while (!s->io && read_line(s, &line) == SYM_OK) {
        struct sym_jsonrpc msg;
        char *busy = NULL;

        if (!*line || sym_jsonrpc_parse(line, &msg))
            continue;
        if (msg.kind == SYM_JSONRPC_REQUEST) {
            busy = error_line(msg.id, -32000, "busy: waiting for the user's answer");
            if (busy)
                s->io = send_line(s->out, busy);
            free(busy);
        } else if ((msg.kind == SYM_JSONRPC_RESULT || msg.kind == SYM_JSONRPC_ERROR) &&
                   !strcmp(msg.id, id)) {
            cJSON *r = msg.result ? cJSON_Parse(msg.result) : NULL;
            const char *action =
                cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(r, "action"));
            cJSON *content = cJSON_GetObjectItemCaseSensitive(r, "content");

            yes = action && !strcmp(action, "accept") &&
                  cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(content, "confirm"));
            cJSON_Delete(r);
            sym_jsonrpc_clear(&msg);
            break;
        }
        sym_jsonrpc_clear(&msg);
    }
out:
    free(text);
    cJSON_Delete(req);
    return yes;
}

/* tools/call: a result (isError for the tool's own failures), or *code and *message for a
 * JSON-RPC error. */
static cJSON *call_tool(struct sym_tools *t, struct session *s, const char *params, int *code,
                        const char **message)
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
    rc = sym_tools_call(t, name->valuestring, args_text,
                        s && s->elicitation ? confirm_elicit : NULL, s, &res);
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

/* Answer one line in session s (NULL: none, as for the fuzz target: no one to ask). */
static enum sym_status serve_line(struct sym_tools *t, struct session *s, const char *line,
                                  const char *version, char **reply)
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
    if (!strcmp(msg.method, "initialize")) {
        result = initialize(msg.params, version);
        if (s) {
            cJSON *p = msg.params ? cJSON_Parse(msg.params) : NULL;

            s->elicitation = cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(
                cJSON_GetObjectItemCaseSensitive(p, "capabilities"), "elicitation"));
            cJSON_Delete(p);
        }
    } else if (!strcmp(msg.method, "ping"))
        result = cJSON_CreateObject();
    else if (!strcmp(msg.method, "tools/list"))
        result = list_tools(t);
    else if (!strcmp(msg.method, "tools/call"))
        result = call_tool(t, s, msg.params, &code, &message);
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

enum sym_status sym_mcp_serve_line(struct sym_tools *t, const char *line, const char *version,
                                   char **reply)
{
    return serve_line(t, NULL, line, version, reply);
}

static enum sym_status send_line(FILE *out, const char *line)
{
    if (fputs(line, out) == EOF || putc('\n', out) == EOF || fflush(out))
        return SYM_ERR_IO;
    return SYM_OK;
}

/* The next line from the client, without its newline (and '\r'); *line valid until the next
 * call. An overlong line is answered with an invalid-request error and skipped. SYM_ERR_IO at the
 * end of input (or when a write failed), SYM_ERR_NOMEM. */
static enum sym_status read_line(struct session *s, const char **line)
{
    char chunk[8192];

    sym_buf_reset(&s->line);
    while (!s->io && fgets(chunk, sizeof chunk, s->in)) {
        size_t n = strlen(chunk);
        bool end = n && chunk[n - 1] == '\n';
        enum sym_status rc;

        if (end)
            chunk[--n] = '\0';
        if (s->skipping) {
            s->skipping = !end;
            continue;
        }
        rc = sym_buf_append(&s->line, chunk, n);
        if (rc == SYM_ERR_TOO_LONG) {
            char *reply = error_line(NULL, -32600, "Invalid Request: a line longer than 4 MiB");

            sym_buf_reset(&s->line);
            s->skipping = !end;
            s->io = reply ? send_line(s->out, reply) : SYM_ERR_NOMEM;
            free(reply);
            continue;
        }
        if (rc)
            return rc;
        if (!end && !feof(s->in))
            continue;
        if (s->line.len && s->line.data[s->line.len - 1] == '\r')
            s->line.data[--s->line.len] = '\0';
        *line = sym_buf_str(&s->line);
        return SYM_OK;
    }
    return s->io ? s->io : SYM_ERR_IO;
}

enum sym_status sym_mcp_serve(struct sym_tools *t, FILE *in, FILE *out, const char *version)
{
    struct session s;
    const char *line;
    enum sym_status rc = SYM_OK;

    memset(&s, 0, sizeof s);
    s.in = in;
    s.out = out;
    sym_buf_init(&s.line, SYM_MCP_LINE_MAX);
    while (!rc && !(rc = read_line(&s, &line))) {
        char *reply = NULL;

        if (*line)
            rc = serve_line(t, &s, line, version, &reply);
        if (!rc && s.io)
            rc = s.io;
        if (!rc && reply)
            rc = send_line(out, reply);
        free(reply);
    }
    sym_buf_free(&s.line);
    /* The end of input is the end of the session, not a failure. */
    return rc == SYM_ERR_IO && !s.io && feof(in) ? SYM_OK : rc;
}
