/*
 * tools.h: the tools a model (or an MCP client, or the user by hand) may call: every module
 * command that the module table marks as a tool (core/module.h), and the tools of the MCP
 * servers the user configured (tools/mcp.h).
 *
 * A tool has a name, a one-line description, the JSON schema of its arguments, where it comes
 * from (a module or an MCP server) and whether it only reads, changes something, or removes
 * something. One call takes the name and the arguments as JSON text and gives back the result
 * text (and, from an MCP server, its structured result), or a status with a clear reason.
 *
 * A module tool's schema is generated from the command's argument table, and a call runs the
 * command exactly as the slash command would (same validation, same answer): the arguments become
 * the command's words in the table's order. A tool that removes something (forget, cancel; an MCP
 * tool that is not marked read-only and not marked non-destructive) asks the confirmation
 * callback first, unless the config's `tools-allow` names it (or is "*"); without a callback such
 * a call is refused with a message that says how to allow it.
 */
#ifndef SYM_TOOLS_H
#define SYM_TOOLS_H

#include <stdbool.h>
#include <stddef.h>

#include "base/status.h"

struct sym_assistant;
struct sym_config;
struct sym_module;
struct sym_tools;
struct sym_toolbox;

/* Where a tool comes from. */
enum sym_tool_kind {
    SYM_TOOL_KIND_MODULE, /* a module's command */
    SYM_TOOL_KIND_MCP,    /* an MCP server's tool */
};

/* One tool. Strings are owned by the tool list, valid until sym_tools_free(). */
struct sym_tool {
    const char *name;        /* "remember"; an MCP tool: "SERVER__TOOL" */
    const char *description; /* one line (an MCP server's may be longer) */
    const char *schema;      /* the arguments' JSON schema, JSON text */
    const char *source;      /* the module's or the MCP server's name */
    enum sym_tool_kind kind;
    bool read_only;   /* only looks */
    bool destructive; /* may remove something: a call asks first unless allowed */
};

/* Asked before a tool that removes something runs: non-zero to go ahead. args is the JSON text
 * of the call's arguments. */
typedef int (*sym_tool_confirm_fn)(const struct sym_tool *tool, const char *args, void *data);

/* What a call gave back. Release with sym_tool_result_clear(). */
struct sym_tool_result {
    char *text;      /* the result as text (an MCP result's text content joined); owned */
    char *structure; /* an MCP result's structuredContent, JSON text; NULL if none; owned */
    bool is_error;   /* the tool itself reported a failure (MCP isError) */
};

/*
 * Make the tool list of an assistant: the tools of modules (NULL-terminated, borrowed; the
 * program's is sym_modules) that a is routing to (borrowed; both must outlive the list), with the
 * rules of cfg (borrowed: tools-allow). MCP servers come later, with sym_tools_add_mcp().
 * SYM_ERR_NOMEM, or SYM_OK with *out to free with sym_tools_free().
 */
enum sym_status sym_tools_init(struct sym_tools **out, struct sym_assistant *a,
                               const struct sym_module *const *modules,
                               const struct sym_config *cfg);
void sym_tools_free(struct sym_tools *t);

/*
 * Read the MCP servers configured in the file at path (mcp.h: {"mcpServers": {...}}); none is
 * started yet. SYM_ERR_NOT_FOUND when there is no such file (no servers), SYM_ERR_INVALID when it
 * is malformed (the reason, naming the file and the server, in sym_tools_errmsg()), SYM_ERR_IO,
 * SYM_ERR_NOMEM. A second call does nothing.
 */
enum sym_status sym_tools_load_mcp(struct sym_tools *t, const char *path);

/* Told one line about a server that failed (it could not start, exited, hung, answered garbage). */
typedef void (*sym_tools_warn_fn)(const char *line, void *data);

/* Start the configured MCP servers that have not been started (all of them, or only the one
 * called server) and add their tools to the list. A server that fails is left out and warn (may
 * be NULL) gets one line about it; the others go on. Returns the number that failed. */
size_t sym_tools_start_mcp(struct sym_tools *t, const char *server, sym_tools_warn_fn warn,
                           void *data);
/* The number of MCP servers configured. */
size_t sym_tools_mcp_servers(const struct sym_tools *t);

/* The number of tools listed so far, and the i-th (borrowed). Module tools come first, in the
 * module table's order. */
size_t sym_tools_count(const struct sym_tools *t);
const struct sym_tool *sym_tools_get(const struct sym_tools *t, size_t i);
/* The tool called name, or NULL. */
const struct sym_tool *sym_tools_find(const struct sym_tools *t, const char *name);

/*
 * Call the tool called name with args (JSON text of an object; NULL or "" = no arguments).
 * SYM_OK with *res filled (res->is_error when the tool itself failed). Errors, with the reason in
 * sym_tools_errmsg(): SYM_ERR_NOT_FOUND (no such tool; an MCP tool's server is started first
 * when it has not been), SYM_ERR_INVALID (args is not a JSON
 * object, or does not match the schema: the reason names the argument), SYM_ERR_DENIED (the tool
 * removes something and confirm said no, or there is no confirm and tools-allow does not name
 * it), SYM_ERR_IO / SYM_ERR_TIMEOUT (an MCP server failed), or the command's own status.
 */
enum sym_status sym_tools_call(struct sym_tools *t, const char *name, const char *args,
                               sym_tool_confirm_fn confirm, void *data,
                               struct sym_tool_result *res);
void sym_tool_result_clear(struct sym_tool_result *res);

/* True when calling tool needs the user's yes: it may remove something and tools-allow does not
 * name it. */
bool sym_tools_asks(const struct sym_tools *t, const struct sym_tool *tool);

/*
 * Fill box (core/toolturn.h) with this list, for sym_assistant_set_toolbox(): its tools as an
 * OpenAI "tools" array (the MCP servers' too, once started), asks() as sym_tools_asks(), and
 * call() through sym_tools_call() with the answer the chat turn already got from the user. t is
 * borrowed and must outlive the assistant's use of box.
 */
void sym_tools_toolbox(struct sym_tools *t, struct sym_toolbox *box);

/* Why the last call failed. Borrowed, valid until the next call. */
const char *sym_tools_errmsg(const struct sym_tools *t);

/* The one-line summary of a schema's arguments: "place?: string, id: integer" ("" for none).
 * Caller frees; NULL on allocation failure or a schema that does not parse. */
char *sym_tools_schema_summary(const char *schema);

#endif
