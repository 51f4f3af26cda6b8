/*
 * mcp.c: JSON-RPC 2.0 messages and the MCP client over stdio (mcp.h).
 *
 * The parser is strict about the envelope ("jsonrpc": "2.0"; a request has a method and an id
 * that is a string or a number; a response has an id and exactly one of result and error) and
 * keeps the payloads as JSON text, so callers parse only what they use.
 *
 * The client is synchronous: it sends one request and reads lines until the response with that
 * id comes, within the server's timeout. On the way it answers the server's own requests (ping
 * with an empty result, anything else "method not found": Symbiot offers no sampling, roots or
 * elicitation) and ignores notifications (logs, progress, list changes). A line that is not
 * JSON-RPC ends the session with one line of error that quotes its start: a server that writes
 * logs to stdout is broken for every client, and guessing would hide it.
 */
#include "tools/mcp.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "tools/proc.h"

const char *const sym_mcp_versions[] = {"2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05",
                                        NULL};

#define MAX_TOOLS 1000
#define MAX_PAGES 100

struct sym_mcp {
    struct sym_proc *proc;
    char *name;
    int timeout_ms;
    long next_id;
    char version[32];
};

/* ---- messages ---- */

void sym_jsonrpc_clear(struct sym_jsonrpc *msg)
{
    if (!msg)
        return;
    free(msg->id);
    free(msg->method);
    free(msg->params);
    free(msg->result);
    free(msg->error_message);
    memset(msg, 0, sizeof *msg);
}

static enum sym_status invalid(struct sym_jsonrpc *msg, const char *why)
{
    msg->kind = SYM_JSONRPC_INVALID;
    snprintf(msg->why, sizeof msg->why, "%s", why);
    return SYM_OK;
}

enum sym_status sym_jsonrpc_parse(const char *line, struct sym_jsonrpc *msg)
{
    cJSON *root, *ver, *id, *method, *params, *result, *error;
    enum sym_status rc = SYM_OK;

    memset(msg, 0, sizeof *msg);
    root = cJSON_Parse(line);
    if (!root)
        return invalid(msg, "not JSON");
    if (!cJSON_IsObject(root)) {
        rc = invalid(msg, cJSON_IsArray(root) ? "a batch (MCP sends none)" : "not a JSON object");
        goto out;
    }
    ver = cJSON_GetObjectItemCaseSensitive(root, "jsonrpc");
    id = cJSON_GetObjectItemCaseSensitive(root, "id");
    method = cJSON_GetObjectItemCaseSensitive(root, "method");
    params = cJSON_GetObjectItemCaseSensitive(root, "params");
    result = cJSON_GetObjectItemCaseSensitive(root, "result");
    error = cJSON_GetObjectItemCaseSensitive(root, "error");
    if (!cJSON_IsString(ver) || strcmp(ver->valuestring, "2.0")) {
        rc = invalid(msg, "no \"jsonrpc\": \"2.0\"");
        goto out;
    }
    if (id && !cJSON_IsString(id) && !cJSON_IsNumber(id) && !cJSON_IsNull(id)) {
        rc = invalid(msg, "an id that is neither a string nor a number");
        goto out;
    }
    if (params && !cJSON_IsObject(params) && !cJSON_IsArray(params)) {
        rc = invalid(msg, "params that are neither an object nor an array");
        goto out;
    }
    if (id && !(msg->id = cJSON_PrintUnformatted(id)))
        goto nomem;
    if (method) {
        if (!cJSON_IsString(method) || result || error) {
            rc = invalid(msg, "a bad method");
            goto out;
        }
        if (id && cJSON_IsNull(id)) {
            rc = invalid(msg, "a request with a null id");
            goto out;
        }
        msg->kind = id ? SYM_JSONRPC_REQUEST : SYM_JSONRPC_NOTIFICATION;
        msg->method = strdup(method->valuestring);
        if (!msg->method || (params && !(msg->params = cJSON_PrintUnformatted(params))))
            goto nomem;
        goto out;
    }
    if (!id || (!result == !error)) {
        rc = invalid(msg, "neither a request nor a response");
        goto out;
    }
    if (result) {
        msg->kind = SYM_JSONRPC_RESULT;
        if (!(msg->result = cJSON_PrintUnformatted(result)))
            goto nomem;
    } else {
        cJSON *code = cJSON_GetObjectItemCaseSensitive(error, "code");
        cJSON *text = cJSON_GetObjectItemCaseSensitive(error, "message");

        if (!cJSON_IsObject(error) || !cJSON_IsNumber(code)) {
            rc = invalid(msg, "an error without a code");
            goto out;
        }
        msg->kind = SYM_JSONRPC_ERROR;
        msg->error_code = (long)code->valuedouble;
        msg->error_message = strdup(cJSON_IsString(text) ? text->valuestring : "");
        if (!msg->error_message)
            goto nomem;
    }
out:
    if (msg->kind == SYM_JSONRPC_INVALID) {
        char why[96];

        memcpy(why, msg->why, sizeof why);
        sym_jsonrpc_clear(msg);
        memcpy(msg->why, why, sizeof why);
    }
    cJSON_Delete(root);
    return rc;
nomem:
    cJSON_Delete(root);
    sym_jsonrpc_clear(msg);
    return SYM_ERR_NOMEM;
}

/* ---- mcp.json ---- */

static void free_strv(char **v)
{
    size_t i;

    for (i = 0; v && v[i]; i++)
        free(v[i]);
    free(v);
}

void sym_mcp_specs_free(struct sym_mcp_spec *specs, size_t n)
{
    size_t i;

    for (i = 0; specs && i < n; i++) {
        free(specs[i].name);
        free_strv(specs[i].argv);
        free_strv(specs[i].env);
    }
    free(specs);
}

/* One server's entry into spec; SYM_ERR_INVALID with err naming the key. */
static enum sym_status load_spec(const char *path, const cJSON *entry, struct sym_mcp_spec *spec,
                                 char *err, size_t errlen)
{
    const cJSON *cmd = cJSON_GetObjectItemCaseSensitive(entry, "command");
    const cJSON *args = cJSON_GetObjectItemCaseSensitive(entry, "args");
    const cJSON *env = cJSON_GetObjectItemCaseSensitive(entry, "env");
    const cJSON *timeout = cJSON_GetObjectItemCaseSensitive(entry, "timeout"), *item;
    const char *name = entry->string;
    size_t n = 0;

    spec->name = strdup(name);
    if (!spec->name)
        return SYM_ERR_NOMEM;
    spec->timeout_ms = SYM_MCP_TIMEOUT_MS;
    if (!cJSON_IsObject(entry)) {
        snprintf(err, errlen, "%s: server \"%s\" is not an object", path, name);
        return SYM_ERR_INVALID;
    }
    if (!cmd && cJSON_GetObjectItemCaseSensitive(entry, "url")) {
        snprintf(err, errlen,
                 "%s: server \"%s\" has a url: Symbiot starts only local MCP servers (a "
                 "\"command\")",
                 path, name);
        return SYM_ERR_INVALID;
    }
    if (!cJSON_IsString(cmd) || !*cmd->valuestring) {
        snprintf(err, errlen, "%s: server \"%s\" needs a \"command\" (a string)", path, name);
        return SYM_ERR_INVALID;
    }
    if (args && !cJSON_IsArray(args)) {
        snprintf(err, errlen, "%s: server \"%s\": \"args\" must be an array of strings", path,
                 name);
        return SYM_ERR_INVALID;
    }
    if (env && !cJSON_IsObject(env)) {
        snprintf(err, errlen, "%s: server \"%s\": \"env\" must be an object of strings", path,
                 name);
        return SYM_ERR_INVALID;
    }
    if (timeout &&
        (!cJSON_IsNumber(timeout) || timeout->valuedouble <= 0 || timeout->valuedouble > 3600)) {
        snprintf(err, errlen, "%s: server \"%s\": \"timeout\" must be seconds, 1 to 3600", path,
                 name);
        return SYM_ERR_INVALID;
    }
    if (timeout)
        spec->timeout_ms = (int)(timeout->valuedouble * 1000);
    spec->argv = calloc((size_t)cJSON_GetArraySize(args) + 2, sizeof *spec->argv);
    spec->env = calloc((size_t)cJSON_GetArraySize(env) + 1, sizeof *spec->env);
    if (!spec->argv || !spec->env || !(spec->argv[n++] = strdup(cmd->valuestring)))
        return SYM_ERR_NOMEM;
    cJSON_ArrayForEach(item, args)
    {
        if (!cJSON_IsString(item)) {
            snprintf(err, errlen, "%s: server \"%s\": \"args\" must be an array of strings", path,
                     name);
            return SYM_ERR_INVALID;
        }
        if (!(spec->argv[n++] = strdup(item->valuestring)))
            return SYM_ERR_NOMEM;
    }
    n = 0;
    cJSON_ArrayForEach(item, env)
    {
        size_t len;

        if (!cJSON_IsString(item) || !*item->string || strchr(item->string, '=')) {
            snprintf(err, errlen, "%s: server \"%s\": env \"%s\" must be a string", path, name,
                     item->string);
            return SYM_ERR_INVALID;
        }
        len = strlen(item->string) + strlen(item->valuestring) + 2;
        if (!(spec->env[n] = malloc(len)))
            return SYM_ERR_NOMEM;
        snprintf(spec->env[n++], len, "%s=%s", item->string, item->valuestring);
    }
    return SYM_OK;
}

enum sym_status sym_mcp_config_load(const char *path, struct sym_mcp_spec **specs, size_t *n,
                                    char *err, size_t errlen)
{
    struct sym_buf text = {0};
    cJSON *root = NULL, *servers, *entry;
    char chunk[4096];
    size_t got, i = 0;
    enum sym_status rc = SYM_OK;
    FILE *f;

    *specs = NULL;
    *n = 0;
    sym_buf_init(&text, 1024 * 1024);
    f = fopen(path, "r");
    if (!f) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return errno == ENOENT ? SYM_ERR_NOT_FOUND : SYM_ERR_IO;
    }
    while (!rc && (got = fread(chunk, 1, sizeof chunk, f)) > 0)
        rc = sym_buf_append(&text, chunk, got);
    if (!rc && ferror(f))
        rc = SYM_ERR_IO;
    fclose(f);
    if (rc) {
        snprintf(err, errlen, "%s: %s", path,
                 rc == SYM_ERR_TOO_LONG ? "longer than 1 MiB" : sym_status_str(rc));
        goto out;
    }
    root = cJSON_Parse(sym_buf_str(&text));
    servers = cJSON_GetObjectItemCaseSensitive(root, "mcpServers");
    if (!root || !cJSON_IsObject(root) || (servers && !cJSON_IsObject(servers))) {
        snprintf(err, errlen,
                 "%s: not JSON of the form {\"mcpServers\": {\"NAME\": {\"command\": "
                 "...}}}",
                 path);
        rc = SYM_ERR_INVALID;
        goto out;
    }
    *specs = calloc((size_t)cJSON_GetArraySize(servers) + 1, sizeof **specs);
    if (!*specs) {
        rc = SYM_ERR_NOMEM;
        goto out;
    }
    cJSON_ArrayForEach(entry, servers)
    {
        rc = load_spec(path, entry, &(*specs)[i++], err, errlen);
        if (rc)
            break;
    }
    *n = i;
    if (rc) {
        sym_mcp_specs_free(*specs, *n);
        *specs = NULL;
        *n = 0;
    }
out:
    if (rc == SYM_ERR_NOMEM)
        snprintf(err, errlen, "out of memory");
    cJSON_Delete(root);
    sym_buf_free(&text);
    return rc;
}

/* ---- the session ---- */

/* The start of a line, for an error message: at most 60 bytes, control characters as '?'. */
static void quote_start(const char *line, char *out, size_t size)
{
    size_t i;

    for (i = 0; line[i] && i < 60 && i + 4 < size; i++)
        out[i] = (unsigned char)line[i] < 0x20 ? '?' : line[i];
    snprintf(out + i, size - i, "%s", line[i] ? "..." : "");
}

/* Why the transport failed, in one line. */
static void transport_error(struct sym_mcp *m, enum sym_status rc, const char *what, char *err,
                            size_t errlen)
{
    const char *tail;

    if (rc != SYM_ERR_TIMEOUT && rc != SYM_ERR_TOO_LONG && rc != SYM_ERR_NOMEM)
        sym_proc_drain_stderr(m->proc, 500); /* it may have exited before we read its reason */
    tail = sym_proc_stderr_tail(m->proc);
    if (rc == SYM_ERR_TIMEOUT)
        snprintf(err, errlen, "MCP server \"%s\" did not answer %s within %d s", m->name, what,
                 m->timeout_ms / 1000);
    else if (rc == SYM_ERR_TOO_LONG)
        snprintf(err, errlen, "MCP server \"%s\" sent a line longer than %d MiB (%s)", m->name,
                 SYM_MCP_LINE_MAX / (1024 * 1024), what);
    else if (rc == SYM_ERR_NOMEM)
        snprintf(err, errlen, "out of memory");
    else
        snprintf(err, errlen, "MCP server \"%s\" exited before answering %s%s%s", m->name, what,
                 *tail ? ": " : "", tail);
}

/* Send a request and wait for its response; *result (JSON text, owned) on a result. A JSON-RPC
 * error is SYM_ERR_INVALID with its message in err. */
static enum sym_status request(struct sym_mcp *m, const char *method, cJSON *params, char **result,
                               char *err, size_t errlen)
{
    cJSON *req = cJSON_CreateObject();
    char *text = NULL, idtext[32];
    long id = ++m->next_id;
    enum sym_status rc = SYM_ERR_NOMEM;

    *result = NULL;
    if (!req || !cJSON_AddStringToObject(req, "jsonrpc", "2.0") ||
        !cJSON_AddNumberToObject(req, "id", (double)id) ||
        !cJSON_AddStringToObject(req, "method", method) ||
        (params && !cJSON_AddItemReferenceToObject(req, "params", params)) ||
        !(text = cJSON_PrintUnformatted(req))) {
        snprintf(err, errlen, "out of memory");
        goto out;
    }
    rc = sym_proc_send(m->proc, text);
    if (rc) {
        transport_error(m, rc, method, err, errlen);
        goto out;
    }
    snprintf(idtext, sizeof idtext, "%ld", id);
    for (;;) {
        struct sym_jsonrpc msg;
        const char *line;
        char start[80];

        rc = sym_proc_read_line(m->proc, m->timeout_ms, SYM_MCP_LINE_MAX, &line);
        if (rc) {
            transport_error(m, rc, method, err, errlen);
            goto out;
        }
        if (!*line)
            continue;
        rc = sym_jsonrpc_parse(line, &msg);
        if (rc) {
            snprintf(err, errlen, "out of memory");
            goto out;
        }
        if (msg.kind == SYM_JSONRPC_INVALID) {
            quote_start(line, start, sizeof start);
            snprintf(err, errlen, "MCP server \"%s\" answered %s with garbage (%s): %s", m->name,
                     method, msg.why, start);
            sym_jsonrpc_clear(&msg);
            rc = SYM_ERR_IO;
            goto out;
        }
        if (msg.kind == SYM_JSONRPC_REQUEST) {
            char reply[256];

            if (!strcmp(msg.method, "ping"))
                snprintf(reply, sizeof reply, "{\"jsonrpc\":\"2.0\",\"id\":%.64s,\"result\":{}}",
                         msg.id);
            else
                snprintf(reply, sizeof reply,
                         "{\"jsonrpc\":\"2.0\",\"id\":%.64s,\"error\":{\"code\":-32601,"
                         "\"message\":\"Symbiot does not offer this\"}}",
                         msg.id);
            sym_jsonrpc_clear(&msg);
            if (strlen(reply) < sizeof reply - 1)
                sym_proc_send(m->proc, reply);
            continue;
        }
        if (msg.kind == SYM_JSONRPC_NOTIFICATION || !msg.id || strcmp(msg.id, idtext)) {
            sym_jsonrpc_clear(&msg);
            continue;
        }
        if (msg.kind == SYM_JSONRPC_ERROR) {
            snprintf(err, errlen, "MCP server \"%s\" refused %s: %s (%ld)", m->name, method,
                     msg.error_message, msg.error_code);
            rc = SYM_ERR_INVALID;
        } else {
            *result = msg.result;
            msg.result = NULL;
        }
        sym_jsonrpc_clear(&msg);
        goto out;
    }
out:
    free(text);
    cJSON_Delete(req);
    return rc;
}

static enum sym_status notify(struct sym_mcp *m, const char *method)
{
    char line[160];

    snprintf(line, sizeof line, "{\"jsonrpc\":\"2.0\",\"method\":\"%s\"}", method);
    return sym_proc_send(m->proc, line);
}

/* The initialize request's params. */
static cJSON *init_params(void)
{
    cJSON *p = cJSON_CreateObject(), *info;

    if (!p || !cJSON_AddStringToObject(p, "protocolVersion", sym_mcp_versions[0]) ||
        !cJSON_AddObjectToObject(p, "capabilities") ||
        !(info = cJSON_AddObjectToObject(p, "clientInfo")) ||
        !cJSON_AddStringToObject(info, "name", "symbiot") ||
        !cJSON_AddStringToObject(info, "version", "1")) {
        cJSON_Delete(p);
        return NULL;
    }
    return p;
}

enum sym_status sym_mcp_start(struct sym_mcp **out, const struct sym_mcp_spec *spec, char *err,
                              size_t errlen)
{
    struct sym_mcp *m = calloc(1, sizeof *m);
    cJSON *params = NULL, *res = NULL, *ver;
    char *result = NULL, why[256];
    enum sym_status rc = SYM_ERR_NOMEM;
    size_t i;

    *out = NULL;
    if (!m || !(m->name = strdup(spec->name)) || !(params = init_params())) {
        snprintf(err, errlen, "out of memory");
        goto fail;
    }
    m->timeout_ms = spec->timeout_ms;
    rc = sym_proc_spawn(&m->proc, spec->argv, spec->env, why, sizeof why);
    if (rc) {
        snprintf(err, errlen, "MCP server \"%s\": %s", spec->name, why);
        goto fail;
    }
    rc = request(m, "initialize", params, &result, err, errlen);
    if (rc)
        goto fail;
    res = cJSON_Parse(result);
    ver = cJSON_GetObjectItemCaseSensitive(res, "protocolVersion");
    if (!cJSON_IsString(ver)) {
        snprintf(err, errlen, "MCP server \"%s\" answered initialize without a protocolVersion",
                 spec->name);
        rc = SYM_ERR_IO;
        goto fail;
    }
    for (i = 0; sym_mcp_versions[i]; i++)
        if (!strcmp(sym_mcp_versions[i], ver->valuestring))
            break;
    if (!sym_mcp_versions[i]) {
        snprintf(err, errlen,
                 "MCP server \"%s\" speaks protocol version %.40s; Symbiot speaks %s to %s",
                 spec->name, ver->valuestring, sym_mcp_versions[i - 1], sym_mcp_versions[0]);
        rc = SYM_ERR_IO;
        goto fail;
    }
    snprintf(m->version, sizeof m->version, "%s", ver->valuestring);
    rc = notify(m, "notifications/initialized");
    if (rc) {
        transport_error(m, rc, "notifications/initialized", err, errlen);
        goto fail;
    }
    *out = m;
    m = NULL;
fail:
    sym_mcp_close(m);
    cJSON_Delete(params);
    cJSON_Delete(res);
    free(result);
    return rc;
}

const char *sym_mcp_version(const struct sym_mcp *m)
{
    return m->version;
}

void sym_mcp_tools_free(struct sym_mcp_tool *tools, size_t n)
{
    size_t i;

    for (i = 0; tools && i < n; i++) {
        free(tools[i].name);
        free(tools[i].description);
        free(tools[i].schema);
    }
    free(tools);
}

/* Append one entry of a tools/list page; a tool without a name or schema is skipped. */
static enum sym_status take_tool(const cJSON *t, struct sym_mcp_tool *out, bool *taken)
{
    const cJSON *name = cJSON_GetObjectItemCaseSensitive(t, "name");
    const cJSON *desc = cJSON_GetObjectItemCaseSensitive(t, "description");
    const cJSON *schema = cJSON_GetObjectItemCaseSensitive(t, "inputSchema");
    const cJSON *ann = cJSON_GetObjectItemCaseSensitive(t, "annotations");
    const cJSON *ro = cJSON_GetObjectItemCaseSensitive(ann, "readOnlyHint");
    const cJSON *destr = cJSON_GetObjectItemCaseSensitive(ann, "destructiveHint");

    *taken = false;
    if (!cJSON_IsString(name) || !*name->valuestring || !cJSON_IsObject(schema))
        return SYM_OK;
    memset(out, 0, sizeof *out);
    out->name = strdup(name->valuestring);
    out->description = strdup(cJSON_IsString(desc) ? desc->valuestring : "");
    out->schema = cJSON_PrintUnformatted(schema);
    out->read_only = cJSON_IsTrue(ro);
    out->destructive = !out->read_only && !cJSON_IsFalse(destr);
    *taken = true;
    return out->name && out->description && out->schema ? SYM_OK : SYM_ERR_NOMEM;
}

enum sym_status sym_mcp_list_tools(struct sym_mcp *m, struct sym_mcp_tool **tools, size_t *n,
                                   char *err, size_t errlen)
{
    char *cursor = NULL, *result = NULL;
    enum sym_status rc = SYM_OK;
    int page;

    *tools = calloc(MAX_TOOLS, sizeof **tools);
    *n = 0;
    if (!*tools) {
        snprintf(err, errlen, "out of memory");
        return SYM_ERR_NOMEM;
    }
    for (page = 0; page < MAX_PAGES && !rc; page++) {
        cJSON *params = cJSON_CreateObject(), *res = NULL, *list, *t, *next;

        if (!params || (cursor && !cJSON_AddStringToObject(params, "cursor", cursor))) {
            cJSON_Delete(params);
            rc = SYM_ERR_NOMEM;
            break;
        }
        rc = request(m, "tools/list", params, &result, err, errlen);
        cJSON_Delete(params);
        free(cursor);
        cursor = NULL;
        if (rc)
            break;
        res = cJSON_Parse(result);
        free(result);
        result = NULL;
        list = cJSON_GetObjectItemCaseSensitive(res, "tools");
        if (!cJSON_IsArray(list)) {
            snprintf(err, errlen, "MCP server \"%s\" answered tools/list without a tools array",
                     m->name);
            rc = SYM_ERR_IO;
        }
        cJSON_ArrayForEach(t, list)
        {
            bool taken;

            if (rc || *n >= MAX_TOOLS)
                break;
            rc = take_tool(t, &(*tools)[*n], &taken);
            if (taken)
                (*n)++;
        }
        next = cJSON_GetObjectItemCaseSensitive(res, "nextCursor");
        if (!rc && cJSON_IsString(next) && *next->valuestring && *n < MAX_TOOLS &&
            !(cursor = strdup(next->valuestring)))
            rc = SYM_ERR_NOMEM;
        cJSON_Delete(res);
        if (!cursor)
            break;
    }
    free(cursor);
    if (rc == SYM_ERR_NOMEM)
        snprintf(err, errlen, "out of memory");
    if (rc) {
        sym_mcp_tools_free(*tools, *n);
        *tools = NULL;
        *n = 0;
    }
    return rc;
}

/* The result's content as text: text items as they are, the rest described. */
static enum sym_status content_text(const cJSON *content, struct sym_buf *out)
{
    const cJSON *c;
    enum sym_status rc = sym_buf_puts(out, "");

    cJSON_ArrayForEach(c, content)
    {
        const char *type = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(c, "type"));
        const char *text = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(c, "text"));
        const char *mime = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(c, "mimeType"));
        const cJSON *res = cJSON_GetObjectItemCaseSensitive(c, "resource");
        const char *uri = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(c, "uri"));

        if (!rc && out->len)
            rc = sym_buf_puts(out, "\n");
        if (rc)
            break;
        if (type && !strcmp(type, "text") && text)
            rc = sym_buf_puts(out, text);
        else if (type && !strcmp(type, "resource") && res &&
                 cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(res, "text")))
            rc = sym_buf_puts(out,
                              cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(res, "text")));
        else if (type && !strcmp(type, "resource_link") && uri)
            rc = sym_buf_printf(out, "[resource %s]", uri);
        else
            rc = sym_buf_printf(out, "[%s%s%s]", type ? type : "content", mime ? " " : "",
                                mime ? mime : "");
    }
    return rc;
}

enum sym_status sym_mcp_call(struct sym_mcp *m, const char *name, const char *args, char **text,
                             char **structure, bool *is_error, char *err, size_t errlen)
{
    cJSON *params = cJSON_CreateObject(), *a = cJSON_Parse(args ? args : "{}"), *res = NULL, *s;
    struct sym_buf b = {0};
    char *result = NULL;
    enum sym_status rc = SYM_ERR_NOMEM;

    *text = *structure = NULL;
    *is_error = false;
    if (!a || !cJSON_IsObject(a)) {
        cJSON_Delete(a);
        snprintf(err, errlen, "the arguments are not a JSON object");
        rc = SYM_ERR_INVALID;
        goto out;
    }
    if (!params || !cJSON_AddItemToObject(params, "arguments", a)) {
        cJSON_Delete(a);
        goto out;
    }
    if (!cJSON_AddStringToObject(params, "name", name))
        goto out;
    rc = request(m, "tools/call", params, &result, err, errlen);
    if (rc)
        goto out;
    res = cJSON_Parse(result);
    rc = content_text(cJSON_GetObjectItemCaseSensitive(res, "content"), &b);
    if (rc)
        goto out;
    *is_error = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(res, "isError"));
    s = cJSON_GetObjectItemCaseSensitive(res, "structuredContent");
    if (s && !(*structure = cJSON_PrintUnformatted(s)))
        rc = SYM_ERR_NOMEM;
    if (!rc && !(*text = sym_buf_steal(&b)))
        rc = SYM_ERR_NOMEM;
out:
    if (rc == SYM_ERR_NOMEM)
        snprintf(err, errlen, "out of memory");
    if (rc) {
        free(*structure);
        *structure = NULL;
    }
    sym_buf_free(&b);
    cJSON_Delete(params);
    cJSON_Delete(res);
    free(result);
    return rc;
}

void sym_mcp_close(struct sym_mcp *m)
{
    if (!m)
        return;
    sym_proc_close(m->proc);
    free(m->name);
    free(m);
}
