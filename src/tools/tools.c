/*
 * tools.c: the tool list (tools.h): the modules' commands as tools, their JSON schemas, argument
 * checking and the call with its confirmation.
 *
 * A module tool is generated from its row of the module table (core/module.h): the schema from
 * the argument table, the description from the English summary. A call checks the arguments
 * against that table (unknown names, missing required ones and wrong types are refused, naming
 * the argument), turns them into a slash-command line ("/remind 'in 10 minutes' check the oven")
 * and runs it through sym_assistant_turn(), so the answer is the one the user would get typing
 * it. A word that needs quoting is double-quoted with backslash escapes (nlp/parse.h); the last
 * argument is left bare when it can be, so a command that reads its argument text whole sees it
 * as typed. Control characters (a newline from a model) become spaces: a command is one line.
 *
 * MCP servers (tools/mcp.h) are read from mcp.json at sym_tools_load_mcp() and started on demand:
 * all of them when the whole list is wanted (sym_tools_start_mcp), only the one whose tool is
 * called otherwise. A server that fails is reported in one line and left out; the rest go on.
 * Its tools are named SERVER__TOOL (two underscores: OpenAI's function names allow no dot), and
 * their arguments are checked against the server's schema (required properties, unknown ones
 * when additionalProperties is false, the JSON types of the properties) before the call.
 */
#include "tools/tools.h"

#include <cjson/cJSON.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "core/assistant.h"
#include "core/config.h"
#include "core/module.h"
#include "tools/mcp.h"

#define ARGS_MAX (64 * 1024) /* a call's arguments as JSON text */

/* One tool and what it runs. */
struct entry {
    struct sym_tool pub;
    char *schema;                      /* owned: pub.schema */
    const struct sym_command *command; /* a module tool; NULL for an MCP one */
    size_t server;                     /* an MCP tool: its server, an index of servers */
    char *name, *description, *remote; /* an MCP tool: owned; remote is the server's name for it */
};

/* An MCP server from mcp.json. */
struct server {
    struct sym_mcp *conn; /* NULL until started */
    bool tried;           /* started once (perhaps failed): never twice */
    char err[512];        /* why it failed */
};

struct sym_tools {
    struct sym_assistant *assistant;
    const struct sym_config *cfg;
    struct entry *items;
    size_t n, cap;
    struct sym_mcp_spec *specs;
    struct server *servers;
    size_t n_servers;
    struct sym_buf openai; /* the tools as an OpenAI "tools" array, for sym_tools_toolbox() */
    size_t openai_n;       /* the number of tools it was made for */
    char err[512];
};

static void set_err(struct sym_tools *t, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

static void set_err(struct sym_tools *t, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(t->err, sizeof t->err, fmt, ap);
    va_end(ap);
}

static const char *type_name(enum sym_arg_type type)
{
    return type == SYM_ARG_INTEGER ? "integer" : "string";
}

/* The JSON schema of a command's arguments, as JSON text (caller frees), or NULL on no memory. */
static char *module_schema(const struct sym_command *c)
{
    cJSON *root = cJSON_CreateObject(), *props, *req;
    const struct sym_arg *arg;
    char *text = NULL;

    if (!root || !cJSON_AddStringToObject(root, "type", "object") ||
        !(props = cJSON_AddObjectToObject(root, "properties")) ||
        !(req = cJSON_AddArrayToObject(root, "required")))
        goto out;
    for (arg = c->args; arg && arg->name; arg++) {
        cJSON *p = cJSON_AddObjectToObject(props, arg->name);

        if (!p || !cJSON_AddStringToObject(p, "type", type_name(arg->type)) ||
            !cJSON_AddStringToObject(p, "description", arg->description))
            goto out;
        if (arg->required) {
            cJSON *name = cJSON_CreateString(arg->name);

            if (!name || !cJSON_AddItemToArray(req, name)) {
                cJSON_Delete(name);
                goto out;
            }
        }
    }
    if (cJSON_AddFalseToObject(root, "additionalProperties"))
        text = cJSON_PrintUnformatted(root);
out:
    cJSON_Delete(root);
    return text;
}

static enum sym_status grow(struct sym_tools *t)
{
    struct entry *items;
    size_t cap;

    if (t->n < t->cap)
        return SYM_OK;
    cap = t->cap ? t->cap * 2 : 32;
    items = realloc(t->items, cap * sizeof *items);
    if (!items)
        return SYM_ERR_NOMEM;
    t->items = items;
    t->cap = cap;
    return SYM_OK;
}

enum sym_status sym_tools_init(struct sym_tools **out, struct sym_assistant *a,
                               const struct sym_module *const *modules,
                               const struct sym_config *cfg)
{
    struct sym_tools *t = calloc(1, sizeof *t);
    const struct sym_module *const *m;
    const struct sym_command *c;

    *out = NULL;
    if (!t)
        return SYM_ERR_NOMEM;
    t->assistant = a;
    t->cfg = cfg;
    for (m = modules; *m; m++)
        for (c = (*m)->commands; c && c->name; c++) {
            struct entry *e;

            if (c->tool == SYM_TOOL_NO)
                continue;
            if (grow(t))
                goto nomem;
            e = &t->items[t->n];
            memset(e, 0, sizeof *e);
            e->schema = module_schema(c);
            if (!e->schema)
                goto nomem;
            e->command = c;
            e->pub.name = c->name;
            e->pub.description = c->summary[0];
            e->pub.schema = e->schema;
            e->pub.source = (*m)->name;
            e->pub.kind = SYM_TOOL_KIND_MODULE;
            e->pub.read_only = c->tool == SYM_TOOL_READS;
            e->pub.destructive = c->tool == SYM_TOOL_DESTROYS;
            t->n++;
        }
    *out = t;
    return SYM_OK;
nomem:
    sym_tools_free(t);
    return SYM_ERR_NOMEM;
}

void sym_tools_free(struct sym_tools *t)
{
    size_t i;

    if (!t)
        return;
    for (i = 0; i < t->n; i++) {
        free(t->items[i].schema);
        free(t->items[i].name);
        free(t->items[i].description);
        free(t->items[i].remote);
    }
    for (i = 0; i < t->n_servers; i++)
        sym_mcp_close(t->servers[i].conn);
    sym_mcp_specs_free(t->specs, t->n_servers);
    free(t->servers);
    sym_buf_free(&t->openai);
    free(t->items);
    free(t);
}

size_t sym_tools_count(const struct sym_tools *t)
{
    return t->n;
}

const struct sym_tool *sym_tools_get(const struct sym_tools *t, size_t i)
{
    return i < t->n ? &t->items[i].pub : NULL;
}

static struct entry *find_entry(const struct sym_tools *t, const char *name)
{
    size_t i;

    for (i = 0; i < t->n; i++)
        if (!strcmp(t->items[i].pub.name, name))
            return &t->items[i];
    return NULL;
}

const struct sym_tool *sym_tools_find(const struct sym_tools *t, const char *name)
{
    struct entry *e = find_entry(t, name);

    return e ? &e->pub : NULL;
}

const char *sym_tools_errmsg(const struct sym_tools *t)
{
    return t->err[0] ? t->err : "no error";
}

/* True when the comma-separated list names name (or is "*"); spaces around names are allowed. */
static bool allowed(const char *list, const char *name)
{
    size_t n = strlen(name);

    while (list && *list) {
        size_t len;

        list += strspn(list, " \t,");
        len = strcspn(list, ",");
        while (len && (list[len - 1] == ' ' || list[len - 1] == '\t'))
            len--;
        if ((len == 1 && list[0] == '*') || (len == n && !strncmp(list, name, n)))
            return true;
        list += strcspn(list, ",");
    }
    return false;
}

bool sym_tools_asks(const struct sym_tools *t, const struct sym_tool *tool)
{
    return tool->destructive && !allowed(t->cfg ? t->cfg->tools_allow : NULL, tool->name);
}

void sym_tool_result_clear(struct sym_tool_result *res)
{
    if (!res)
        return;
    free(res->text);
    free(res->structure);
    memset(res, 0, sizeof *res);
}

/* The names of a command's arguments, for an error: "place, date" or "none". */
static void arg_names(const struct sym_command *c, char *out, size_t size)
{
    const struct sym_arg *arg;
    size_t len = 0;

    out[0] = '\0';
    for (arg = c->args; arg && arg->name && len < size; arg++)
        len += (size_t)snprintf(out + len, size - len, "%s%s", len ? ", " : "", arg->name);
    if (!out[0])
        snprintf(out, size, "none");
}

/* Append one word of a command line: bare when it is the last and needs no quoting (or has no
 * space, for the others), else double-quoted with '"' and '\' escaped. Control characters
 * become spaces. */
static enum sym_status put_word(struct sym_buf *line, const char *word, bool last)
{
    bool quote = !*word || strpbrk(word, "\"'\\") || (!last && strpbrk(word, " \t"));
    enum sym_status rc = sym_buf_puts(line, quote ? " \"" : " ");
    const unsigned char *p;

    for (p = (const unsigned char *)word; !rc && *p; p++) {
        if (*p < 0x20 || *p == 0x7f)
            rc = sym_buf_puts(line, " ");
        else if (quote && (*p == '"' || *p == '\\'))
            rc = sym_buf_printf(line, "\\%c", *p);
        else
            rc = sym_buf_append(line, (const char *)p, 1);
    }
    return rc ? rc : quote ? sym_buf_puts(line, "\"") : SYM_OK;
}

/* Check args (a JSON object) against the command's argument table and build its slash line. */
static enum sym_status module_line(struct sym_tools *t, const struct sym_command *c,
                                   const cJSON *args, struct sym_buf *line)
{
    const struct sym_arg *arg;
    const cJSON *item;
    const char *words[16];
    char numbers[16][32], names[256];
    int n = 0, i;
    enum sym_status rc;

    cJSON_ArrayForEach(item, args)
    {
        for (arg = c->args; arg && arg->name; arg++)
            if (!strcmp(arg->name, item->string))
                break;
        if (!arg || !arg->name) {
            arg_names(c, names, sizeof names);
            set_err(t, "%s has no argument \"%s\" (its arguments: %s)", c->name, item->string,
                    names);
            return SYM_ERR_INVALID;
        }
    }
    for (arg = c->args; arg && arg->name && n < 16; arg++) {
        item = cJSON_GetObjectItemCaseSensitive(args, arg->name);
        if (!item || cJSON_IsNull(item)) {
            if (arg->required) {
                set_err(t, "%s needs the argument \"%s\" (%s: %s)", c->name, arg->name,
                        type_name(arg->type), arg->description);
                return SYM_ERR_INVALID;
            }
            continue;
        }
        if (arg->type == SYM_ARG_STRING) {
            if (!cJSON_IsString(item)) {
                set_err(t, "%s: the argument \"%s\" must be a string", c->name, arg->name);
                return SYM_ERR_INVALID;
            }
            if (!*item->valuestring && !arg->required)
                continue;
            words[n++] = item->valuestring;
        } else {
            double v = cJSON_IsNumber(item) ? item->valuedouble : 0;

            if (!cJSON_IsNumber(item) || v != (double)(long long)v || v < -9e15 || v > 9e15) {
                set_err(t, "%s: the argument \"%s\" must be an integer", c->name, arg->name);
                return SYM_ERR_INVALID;
            }
            snprintf(numbers[n], sizeof numbers[n], "%lld", (long long)v);
            words[n] = numbers[n];
            n++;
        }
    }
    rc = sym_buf_printf(line, "/%s", c->name);
    for (i = 0; !rc && i < n; i++)
        rc = put_word(line, words[i], i == n - 1);
    return rc;
}

/* ---- MCP servers ---- */

enum sym_status sym_tools_load_mcp(struct sym_tools *t, const char *path)
{
    enum sym_status rc;

    t->err[0] = '\0';
    if (t->specs)
        return SYM_OK;
    rc = sym_mcp_config_load(path, &t->specs, &t->n_servers, t->err, sizeof t->err);
    if (rc)
        return rc;
    t->servers = calloc(t->n_servers + 1, sizeof *t->servers);
    if (!t->servers) {
        sym_mcp_specs_free(t->specs, t->n_servers);
        t->specs = NULL;
        t->n_servers = 0;
        set_err(t, "out of memory");
        return SYM_ERR_NOMEM;
    }
    return SYM_OK;
}

/* Start server i (once) and add its tools. SYM_OK, or its error with the reason in its err. */
static enum sym_status start_server(struct sym_tools *t, size_t i)
{
    struct server *s = &t->servers[i];
    struct sym_mcp_tool *tools = NULL;
    size_t n = 0, k;
    enum sym_status rc;

    if (s->tried)
        return s->conn ? SYM_OK : SYM_ERR_IO;
    s->tried = true;
    rc = sym_mcp_start(&s->conn, &t->specs[i], s->err, sizeof s->err);
    if (!rc)
        rc = sym_mcp_list_tools(s->conn, &tools, &n, s->err, sizeof s->err);
    for (k = 0; !rc && k < n; k++) {
        struct entry *e;
        size_t len = strlen(t->specs[i].name) + strlen(tools[k].name) + 3;

        if (grow(t)) {
            rc = SYM_ERR_NOMEM;
            break;
        }
        e = &t->items[t->n];
        memset(e, 0, sizeof *e);
        e->name = malloc(len);
        if (!e->name) {
            rc = SYM_ERR_NOMEM;
            break;
        }
        snprintf(e->name, len, "%s__%s", t->specs[i].name, tools[k].name);
        e->server = i;
        e->remote = tools[k].name;
        e->description = tools[k].description;
        e->schema = tools[k].schema;
        tools[k].name = tools[k].description = tools[k].schema = NULL;
        e->pub.name = e->name;
        e->pub.description = e->description;
        e->pub.schema = e->schema;
        e->pub.source = t->specs[i].name;
        e->pub.kind = SYM_TOOL_KIND_MCP;
        e->pub.read_only = tools[k].read_only;
        e->pub.destructive = tools[k].destructive;
        t->n++;
    }
    if (rc == SYM_ERR_NOMEM)
        snprintf(s->err, sizeof s->err, "out of memory");
    if (rc) {
        /* Its tools, if some were added, go with it: a half-listed server is not offered. */
        while (t->n && !t->items[t->n - 1].command && t->items[t->n - 1].server == i) {
            struct entry *e = &t->items[--t->n];

            free(e->name);
            free(e->description);
            free(e->remote);
            free(e->schema);
        }
        sym_mcp_close(s->conn);
        s->conn = NULL;
    }
    sym_mcp_tools_free(tools, n);
    return rc;
}

size_t sym_tools_start_mcp(struct sym_tools *t, const char *server, sym_tools_warn_fn warn,
                           void *data)
{
    size_t i, failed = 0;

    for (i = 0; i < t->n_servers; i++) {
        if (server && strcmp(server, t->specs[i].name))
            continue;
        if (t->servers[i].tried)
            continue;
        if (start_server(t, i)) {
            failed++;
            if (warn)
                warn(t->servers[i].err, data);
        }
    }
    return failed;
}

size_t sym_tools_mcp_servers(const struct sym_tools *t)
{
    return t->n_servers;
}

/* The JSON type name of a value, as a schema says it. */
static bool type_matches(const cJSON *v, const char *type)
{
    if (!strcmp(type, "string"))
        return cJSON_IsString(v);
    if (!strcmp(type, "number"))
        return cJSON_IsNumber(v);
    if (!strcmp(type, "integer"))
        return cJSON_IsNumber(v) && v->valuedouble == (double)(long long)v->valuedouble;
    if (!strcmp(type, "boolean"))
        return cJSON_IsBool(v);
    if (!strcmp(type, "array"))
        return cJSON_IsArray(v);
    if (!strcmp(type, "object"))
        return cJSON_IsObject(v);
    if (!strcmp(type, "null"))
        return cJSON_IsNull(v);
    return true; /* a type this check does not know: the server will judge */
}

/* Check args against an MCP tool's inputSchema, at the top level. */
static enum sym_status check_schema(struct sym_tools *t, const struct entry *e, const cJSON *args)
{
    cJSON *schema = cJSON_Parse(e->schema), *props, *req, *r, *a;
    enum sym_status rc = SYM_OK;

    if (!schema)
        return SYM_OK;
    props = cJSON_GetObjectItemCaseSensitive(schema, "properties");
    req = cJSON_GetObjectItemCaseSensitive(schema, "required");
    cJSON_ArrayForEach(r, req)
    {
        if (cJSON_IsString(r) && !cJSON_GetObjectItemCaseSensitive(args, r->valuestring)) {
            set_err(t, "%s needs the argument \"%s\"", e->pub.name, r->valuestring);
            rc = SYM_ERR_INVALID;
            goto out;
        }
    }
    cJSON_ArrayForEach(a, args)
    {
        cJSON *p = cJSON_GetObjectItemCaseSensitive(props, a->string), *type, *ty;
        bool ok = false;

        if (!p) {
            if (cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(schema, "additionalProperties"))) {
                set_err(t, "%s has no argument \"%s\"", e->pub.name, a->string);
                rc = SYM_ERR_INVALID;
                goto out;
            }
            continue;
        }
        type = cJSON_GetObjectItemCaseSensitive(p, "type");
        if (cJSON_IsString(type))
            ok = type_matches(a, type->valuestring);
        else if (cJSON_IsArray(type))
            cJSON_ArrayForEach(ty, type) ok |=
                cJSON_IsString(ty) && type_matches(a, ty->valuestring);
        else
            ok = true;
        if (!ok) {
            char *want = cJSON_PrintUnformatted(type);

            set_err(t, "%s: the argument \"%s\" must be of type %s", e->pub.name, a->string,
                    want ? want : "?");
            free(want);
            rc = SYM_ERR_INVALID;
            goto out;
        }
    }
out:
    cJSON_Delete(schema);
    return rc;
}

/* Run an MCP tool on its server (started now if need be). */
static enum sym_status call_mcp(struct sym_tools *t, const struct entry *e, const char *args,
                                struct sym_tool_result *res)
{
    struct server *s = &t->servers[e->server];
    enum sym_status rc;

    if (!s->conn) {
        set_err(t, "%s", s->err[0] ? s->err : "the MCP server is not running");
        return SYM_ERR_IO;
    }
    rc = sym_mcp_call(s->conn, e->remote, args, &res->text, &res->structure, &res->is_error, t->err,
                      sizeof t->err);
    if (rc == SYM_ERR_IO || rc == SYM_ERR_TIMEOUT || rc == SYM_ERR_TOO_LONG) {
        /* The session is broken: a later call starts nothing and says why. */
        snprintf(s->err, sizeof s->err, "%s", t->err);
        sym_mcp_close(s->conn);
        s->conn = NULL;
    }
    return rc;
}

/* The tool called name; an MCP tool's server is started when it has not been. NULL with *rc
 * SYM_ERR_NOT_FOUND (no such tool) or the server's failure, the reason set. */
static struct entry *find_started(struct sym_tools *t, const char *name, enum sym_status *rc)
{
    struct entry *e = find_entry(t, name);
    size_t i;

    for (i = 0; !e && i < t->n_servers; i++) {
        size_t len = strlen(t->specs[i].name);

        if (!strncmp(name, t->specs[i].name, len) && !strncmp(name + len, "__", 2) &&
            !t->servers[i].tried) {
            *rc = start_server(t, i);
            if (*rc) {
                set_err(t, "%s", t->servers[i].err);
                return NULL;
            }
            e = find_entry(t, name);
        }
    }
    *rc = e ? SYM_OK : SYM_ERR_NOT_FOUND;
    if (!e)
        set_err(t, "no tool called \"%s\" (`symbiot tools` lists them)", name);
    return e;
}

/* Run a module tool: its slash line (module_line) through the assistant, the answer as the
 * result. */
static enum sym_status call_module(struct sym_tools *t, const struct entry *e, const char *line,
                                   struct sym_tool_result *res)
{
    struct sym_turn turn;
    enum sym_status rc;

    memset(&turn, 0, sizeof turn);
    rc = sym_assistant_turn(t->assistant, line, NULL, &turn);
    if (rc) {
        set_err(t, "%s: %s", e->pub.name, sym_assistant_errmsg(t->assistant));
        goto out;
    }
    res->text = turn.answer ? turn.answer : strdup("");
    turn.answer = NULL;
    if (!res->text)
        rc = SYM_ERR_NOMEM;
out:
    sym_turn_clear(&turn);
    return rc;
}

enum sym_status sym_tools_call(struct sym_tools *t, const char *name, const char *args,
                               sym_tool_confirm_fn confirm, void *data, struct sym_tool_result *res)
{
    struct sym_buf line = {0};
    struct entry *e;
    cJSON *json = NULL;
    char *text = NULL;
    enum sym_status rc = SYM_OK;

    memset(res, 0, sizeof *res);
    t->err[0] = '\0';
    e = find_started(t, name, &rc);
    if (!e)
        return rc == SYM_ERR_NOT_FOUND || rc == SYM_ERR_NOMEM ? rc : SYM_ERR_IO;
    if (!args || !*args)
        args = "{}";
    if (strlen(args) > ARGS_MAX) {
        set_err(t, "%s: the arguments are longer than %d bytes", name, ARGS_MAX);
        return SYM_ERR_INVALID;
    }
    json = cJSON_Parse(args);
    if (!json || !cJSON_IsObject(json)) {
        set_err(t, "%s: the arguments are not a JSON object: %s", name, args);
        rc = SYM_ERR_INVALID;
        goto out;
    }
    /* The arguments are checked before anyone is asked: no yes/no for a call that cannot run. */
    rc = e->command ? module_line(t, e->command, json, &line) : check_schema(t, e, json);
    if (rc)
        goto out;
    if (sym_tools_asks(t, &e->pub)) {
        text = cJSON_PrintUnformatted(json);
        if (!text) {
            rc = SYM_ERR_NOMEM;
            goto out;
        }
        if (!confirm) {
            set_err(t,
                    "%s may remove something and needs your yes, but there is no one to ask; "
                    "allow it with `tools-allow = %s` in the config",
                    name, name);
            rc = SYM_ERR_DENIED;
            goto out;
        }
        if (!confirm(&e->pub, text, data)) {
            set_err(t, "%s was not run: you said no", name);
            rc = SYM_ERR_DENIED;
            goto out;
        }
    }
    rc = e->command ? call_module(t, e, sym_buf_str(&line), res) : call_mcp(t, e, args, res);
out:
    if (rc)
        sym_tool_result_clear(res);
    if (rc == SYM_ERR_NOMEM && !t->err[0])
        set_err(t, "out of memory");
    free(text);
    sym_buf_free(&line);
    cJSON_Delete(json);
    return rc;
}

char *sym_tools_schema_summary(const char *schema)
{
    cJSON *root = cJSON_Parse(schema), *props, *req, *p;
    struct sym_buf b = {0};
    char *out = NULL;
    enum sym_status rc = SYM_OK;

    if (!root)
        return NULL;
    props = cJSON_GetObjectItemCaseSensitive(root, "properties");
    req = cJSON_GetObjectItemCaseSensitive(root, "required");
    rc = sym_buf_puts(&b, "");
    cJSON_ArrayForEach(p, props)
    {
        const cJSON *type = cJSON_GetObjectItemCaseSensitive(p, "type"), *r;
        bool required = false;

        cJSON_ArrayForEach(r, req) if (cJSON_IsString(r) && !strcmp(r->valuestring, p->string))
            required = true;
        if (!rc)
            rc = sym_buf_printf(&b, "%s%s%s: %s", b.len ? ", " : "", p->string, required ? "" : "?",
                                cJSON_IsString(type) ? type->valuestring : "any");
    }
    if (!rc)
        out = sym_buf_steal(&b);
    sym_buf_free(&b);
    cJSON_Delete(root);
    return out;
}

/* ---- the toolbox a chat turn uses (core/toolturn.h) ---- */

/* The tools as an OpenAI "tools" array, made again when tools were added. NULL on no memory. */
static const char *box_tools(void *data)
{
    struct sym_tools *t = data;
    cJSON *arr;
    char *text;
    size_t i;

    if (t->openai.len && t->openai_n == t->n)
        return sym_buf_str(&t->openai);
    arr = cJSON_CreateArray();
    for (i = 0; arr && i < t->n; i++) {
        const struct sym_tool *tool = sym_tools_get(t, i);
        cJSON *o = cJSON_CreateObject(), *fn, *params = cJSON_Parse(tool->schema);

        if (o && !cJSON_AddItemToArray(arr, o)) {
            cJSON_Delete(o);
            o = NULL;
        }
        if (!o || !params || !cJSON_AddStringToObject(o, "type", "function") ||
            !(fn = cJSON_AddObjectToObject(o, "function")) ||
            !cJSON_AddStringToObject(fn, "name", tool->name) ||
            !cJSON_AddStringToObject(fn, "description", tool->description) ||
            !cJSON_AddItemToObject(fn, "parameters", params)) {
            cJSON_Delete(params); /* not added: cJSON_AddItemToObject fails only before */
            cJSON_Delete(arr);
            return NULL;
        }
    }
    text = arr ? cJSON_PrintUnformatted(arr) : NULL;
    cJSON_Delete(arr);
    sym_buf_reset(&t->openai);
    if (!text || sym_buf_puts(&t->openai, text)) {
        free(text);
        return NULL;
    }
    free(text);
    t->openai_n = t->n;
    return sym_buf_str(&t->openai);
}

static bool box_asks(void *data, const char *name)
{
    struct sym_tools *t = data;
    const struct sym_tool *tool = sym_tools_find(t, name);

    return tool && sym_tools_asks(t, tool);
}

/* The user's answer, already given: the loop asked before the call. */
static int box_confirmed(const struct sym_tool *tool, const char *args, void *data)
{
    (void)tool, (void)args;
    return *(const bool *)data;
}

static enum sym_status box_call(void *data, const char *name, const char *args, bool confirmed,
                                char **result, bool *is_error)
{
    struct sym_tools *t = data;
    struct sym_tool_result res = {0};
    enum sym_status rc = sym_tools_call(t, name, args, box_confirmed, &confirmed, &res);

    *is_error = false;
    if (rc) {
        *result = strdup(sym_tools_errmsg(t));
        return rc;
    }
    *is_error = res.is_error;
    *result = res.text;
    res.text = NULL;
    sym_tool_result_clear(&res);
    if (!*result)
        *result = strdup("");
    return *result ? SYM_OK : SYM_ERR_NOMEM;
}

void sym_tools_toolbox(struct sym_tools *t, struct sym_toolbox *box)
{
    box->tools_json = box_tools;
    box->asks = box_asks;
    box->call = box_call;
    box->data = t;
}
