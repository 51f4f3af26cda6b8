/*
 * tools.c: `symbiot tools`: list the tools a model may call (the modules' commands and the MCP
 * servers' tools, src/tools/tools.h) and `symbiot tools call NAME [JSON]` to run one by hand.
 *
 * The list is text (name, source, description, an argument summary) or, with --json, an array
 * with the full JSON schemas. A call prints the tool's result (an object with --json). A tool
 * that may remove something asks on the terminal first ([y/N], stdin and stderr both terminals);
 * without a terminal it is refused unless the config's `tools-allow` names it.
 *
 * Exit status: 0 done; 1 the tool failed, was refused, or a server failed; 2 a usage error (no
 * such tool, arguments that are not JSON or do not match the schema).
 */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "base/buf.h"
#include "base/paths.h"
#include "modules/registry.h"
#include "tools/mcp_server.h"
#include "tools/tools.h"
#include "version.h"

/* One line about an MCP server that failed; the rest goes on. */
static void warn_line(const char *line, void *data)
{
    (void)data;
    cli_error("%s", line);
}

/* Ask on the terminal whether to run a tool that may remove something. */
static int confirm_tty(const struct sym_tool *tool, const char *args, void *data)
{
    char line[64];

    (void)data;
    fprintf(stderr, "Run %s %s? It may remove something. [y/N] ", tool->name, args);
    fflush(stderr);
    if (!fgets(line, sizeof line, stdin))
        return 0;
    return line[0] == 'y' || line[0] == 'Y';
}

static int list_text(const struct sym_tools *t)
{
    size_t i, n = sym_tools_count(t), width = 4;

    for (i = 0; i < n; i++)
        if (strlen(sym_tools_get(t, i)->name) > width)
            width = strlen(sym_tools_get(t, i)->name);
    for (i = 0; i < n; i++) {
        const struct sym_tool *tool = sym_tools_get(t, i);
        char *args = sym_tools_schema_summary(tool->schema);
        const char *nl = strchr(tool->description, '\n');
        int dlen = nl ? (int)(nl - tool->description) : (int)strlen(tool->description);
        struct sym_buf line = {0};

        /* An MCP server's names and descriptions are not ours: written as untrusted text. */
        if (sym_buf_printf(&line, "%-*s  %-10s %.*s (%s)%s\n", (int)width, tool->name, tool->source,
                           dlen, tool->description, args && *args ? args : "no arguments",
                           sym_tools_asks(t, tool) ? " [asks first]" : "")) {
            free(args);
            cli_error("out of memory");
            return CLI_EXIT_FAIL;
        }
        cli_write_text(stdout, line.data, line.len);
        sym_buf_free(&line);
        free(args);
    }
    return CLI_EXIT_OK;
}

/* One tool as a JSON object: name, source, kind, description, read_only, destructive, asks,
 * input_schema. NULL on no memory. */
static cJSON *tool_json(const struct sym_tools *t, const struct sym_tool *tool)
{
    cJSON *o = cJSON_CreateObject(), *schema = cJSON_Parse(tool->schema);

    if (!o || !schema || !cJSON_AddStringToObject(o, "name", tool->name) ||
        !cJSON_AddStringToObject(o, "source", tool->source) ||
        !cJSON_AddStringToObject(o, "kind", tool->kind == SYM_TOOL_KIND_MCP ? "mcp" : "module") ||
        !cJSON_AddStringToObject(o, "description", tool->description) ||
        !cJSON_AddBoolToObject(o, "read_only", tool->read_only) ||
        !cJSON_AddBoolToObject(o, "destructive", tool->destructive) ||
        !cJSON_AddBoolToObject(o, "asks", sym_tools_asks(t, tool)) ||
        !cJSON_AddItemToObject(o, "input_schema", schema)) {
        cJSON_Delete(schema);
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}

static int list_json(const struct sym_tools *t)
{
    cJSON *arr = cJSON_CreateArray();
    char *text = NULL;
    size_t i;
    int code = CLI_EXIT_FAIL;

    for (i = 0; arr && i < sym_tools_count(t); i++) {
        cJSON *o = tool_json(t, sym_tools_get(t, i));

        if (!o || !cJSON_AddItemToArray(arr, o)) {
            cJSON_Delete(o);
            goto out;
        }
    }
    text = arr ? cJSON_Print(arr) : NULL;
    if (text) {
        printf("%s\n", text);
        code = CLI_EXIT_OK;
    }
out:
    if (code)
        cli_error("out of memory");
    free(text);
    cJSON_Delete(arr);
    return code;
}

static int print_result_json(const struct sym_tool *tool, const struct sym_tool_result *res)
{
    cJSON *o = cJSON_CreateObject(), *structure = NULL;
    char *text = NULL;
    int ok;

    if (res->structure)
        structure = cJSON_Parse(res->structure);
    ok = o && cJSON_AddStringToObject(o, "tool", tool->name) &&
         cJSON_AddStringToObject(o, "source", tool->source) &&
         cJSON_AddStringToObject(o, "text", res->text ? res->text : "") &&
         cJSON_AddBoolToObject(o, "is_error", res->is_error);
    if (ok && structure) {
        ok = cJSON_AddItemToObject(o, "structured", structure) != 0;
        if (ok)
            structure = NULL;
    }
    if (ok)
        text = cJSON_PrintUnformatted(o);
    if (text)
        printf("%s\n", text);
    else
        cli_error("out of memory");
    free(text);
    cJSON_Delete(structure);
    cJSON_Delete(o);
    return text ? CLI_EXIT_OK : CLI_EXIT_FAIL;
}

static int call(struct cli *cli, struct sym_tools *t, const char *name, const char *args)
{
    struct sym_tool_result res = {0};
    const struct sym_tool *tool;
    bool tty = isatty(STDIN_FILENO) && isatty(STDERR_FILENO);
    enum sym_status rc;
    int code;

    rc = sym_tools_call(t, name, args, tty ? confirm_tty : NULL, NULL, &res);
    if (rc) {
        cli_error("%s", sym_tools_errmsg(t));
        return rc == SYM_ERR_NOT_FOUND || rc == SYM_ERR_INVALID ? CLI_EXIT_USAGE : CLI_EXIT_FAIL;
    }
    tool = sym_tools_find(t, name);
    if (cli->json) {
        code = print_result_json(tool, &res);
    } else {
        cli_write_text(stdout, res.text, strlen(res.text));
        if (res.text[0] && res.text[strlen(res.text) - 1] != '\n')
            putchar('\n');
        code = CLI_EXIT_OK;
    }
    if (!code && res.is_error)
        code = CLI_EXIT_FAIL;
    sym_tool_result_clear(&res);
    return code;
}

int cli_tools(struct cli *cli, struct sym_assistant *a)
{
    struct sym_tools *t = NULL;
    char path[4096];
    enum sym_status rc;
    int code = CLI_EXIT_FAIL;

    if (sym_tools_init(&t, a, sym_modules, &cli->cfg)) {
        cli_error("out of memory");
        return CLI_EXIT_FAIL;
    }
    /* A broken mcp.json is the user's to fix, but the modules' tools still work: one line. */
    if (!sym_path_config(path, sizeof path, "mcp.json")) {
        rc = sym_tools_load_mcp(t, path);
        if (rc && rc != SYM_ERR_NOT_FOUND)
            cli_error("%s", sym_tools_errmsg(t));
    }
    if (cli->n_operands >= 1) {
        code = call(cli, t, cli->operands[1], cli->n_operands > 2 ? cli->operands[2] : NULL);
    } else {
        sym_tools_start_mcp(t, NULL, warn_line, NULL);
        code = cli->json ? list_json(t) : list_text(t);
    }
    sym_tools_free(t);
    return code;
}

int cli_mcp(struct cli *cli, struct sym_assistant *a)
{
    struct sym_tools *t = NULL;
    enum sym_status rc;

    /* The modules' tools only: offering the MCP servers' tools again could make a loop. */
    if (sym_tools_init(&t, a, sym_modules, &cli->cfg)) {
        cli_error("out of memory");
        return CLI_EXIT_FAIL;
    }
    rc = sym_mcp_serve(t, stdin, stdout, SYM_VERSION);
    sym_tools_free(t);
    if (rc) {
        cli_error("mcp: %s", rc == SYM_ERR_IO ? "cannot write to stdout" : sym_status_str(rc));
        return CLI_EXIT_FAIL;
    }
    return CLI_EXIT_OK;
}

/* ---- the tools of chat turns ---- */

/* The toolbox of chat turns: the list's, with mcp.json's servers started at the first turn that
 * offers tools (not at every start of `symbiot chat`). */
static struct {
    struct sym_toolbox inner;
    struct sym_tools *tools;
    bool started;
} chat_box;

static const char *chat_tools_json(void *data)
{
    (void)data;
    if (!chat_box.started) {
        chat_box.started = true;
        if (sym_tools_mcp_servers(chat_box.tools)) {
            cli_spinner_stop();
            sym_tools_start_mcp(chat_box.tools, NULL, warn_line, NULL);
        }
    }
    return chat_box.inner.tools_json(chat_box.inner.data);
}

static bool chat_asks(void *data, const char *name)
{
    (void)data;
    return chat_box.inner.asks(chat_box.inner.data, name);
}

static enum sym_status chat_call(void *data, const char *name, const char *args, bool confirmed,
                                 char **result, bool *is_error)
{
    (void)data;
    cli_spinner_stop();
    return chat_box.inner.call(chat_box.inner.data, name, args, confirmed, result, is_error);
}

int cli_tools_attach(struct cli *cli, struct cli_setup *s)
{
    struct sym_toolbox box = {chat_tools_json, chat_asks, chat_call, NULL};
    char path[4096];
    enum sym_status rc;

    if (!cli->cfg.tools || cli->raw)
        return CLI_EXIT_OK;
    if (sym_tools_init(&s->tools, s->assistant, sym_modules, &cli->cfg)) {
        cli_error("out of memory");
        return CLI_EXIT_FAIL;
    }
    /* A broken mcp.json costs its servers, with one line; the modules' tools still work. */
    if (!sym_path_config(path, sizeof path, "mcp.json")) {
        rc = sym_tools_load_mcp(s->tools, path);
        if (rc && rc != SYM_ERR_NOT_FOUND)
            cli_error("%s", sym_tools_errmsg(s->tools));
    }
    sym_tools_toolbox(s->tools, &chat_box.inner);
    chat_box.tools = s->tools;
    chat_box.started = false;
    sym_assistant_set_toolbox(s->assistant, &box);
    return CLI_EXIT_OK;
}
