/*
 * mcp.h: the Model Context Protocol over stdio: the JSON-RPC 2.0 message parser both sides use,
 * the client side (MCP servers the user configured in mcp.json, spoken to through tools/proc.h)
 * and the protocol versions Symbiot speaks. The server side (`symbiot mcp`) is mcp_server.h.
 *
 * mcp.json has the format other clients use:
 *   {"mcpServers": {"NAME": {"command": "npx", "args": ["-y", "pkg"], "env": {"K": "V"}}}}
 * plus one optional key of Symbiot's own, "timeout" (seconds to wait for each answer, default
 * 30). Only local processes: an entry with a "url" (an HTTP server) is refused by name.
 */
#ifndef SYM_MCP_H
#define SYM_MCP_H

#include <stdbool.h>
#include <stddef.h>

#include "base/status.h"

#define SYM_MCP_LINE_MAX (4 * 1024 * 1024) /* the longest message line read or accepted */
#define SYM_MCP_TIMEOUT_MS 30000           /* default wait for an answer */

/* The protocol versions spoken, newest first; NULL-terminated. */
extern const char *const sym_mcp_versions[];

/* ---- JSON-RPC messages ---- */

enum sym_jsonrpc_kind {
    SYM_JSONRPC_INVALID,      /* not JSON, or not a JSON-RPC 2.0 message */
    SYM_JSONRPC_REQUEST,      /* method and id */
    SYM_JSONRPC_NOTIFICATION, /* method, no id */
    SYM_JSONRPC_RESULT,       /* id and result */
    SYM_JSONRPC_ERROR,        /* id (maybe null) and error */
};

/* One parsed message. Strings and JSON texts are owned; release with sym_jsonrpc_clear(). */
struct sym_jsonrpc {
    enum sym_jsonrpc_kind kind;
    char *id;     /* the id as JSON text ("7", "\"a\"", "null"); NULL for a notification */
    char *method; /* requests and notifications */
    char *params; /* JSON text, NULL when absent */
    char *result; /* JSON text of a result */
    long error_code;
    char *error_message;
    char why[96]; /* for SYM_JSONRPC_INVALID: what is wrong */
};

/* Parse one line. SYM_OK (msg->kind may be SYM_JSONRPC_INVALID, with msg->why) or SYM_ERR_NOMEM.
 * A batch (a JSON array) is INVALID: MCP sends none since 2025-06-18. */
enum sym_status sym_jsonrpc_parse(const char *line, struct sym_jsonrpc *msg);
void sym_jsonrpc_clear(struct sym_jsonrpc *msg);

/* ---- the client ---- */

/* One server from mcp.json. */
struct sym_mcp_spec {
    char *name;
    char **argv; /* command and args, NULL-terminated */
    char **env;  /* "NAME=VALUE", NULL-terminated; may be empty */
    int timeout_ms;
};

/* Read mcp.json. SYM_ERR_NOT_FOUND when there is no such file (no servers: not an error for the
 * caller), SYM_ERR_INVALID with the reason (file, server and key) in err, SYM_ERR_IO,
 * SYM_ERR_NOMEM. Free with sym_mcp_specs_free(). */
enum sym_status sym_mcp_config_load(const char *path, struct sym_mcp_spec **specs, size_t *n,
                                    char *err, size_t errlen);
void sym_mcp_specs_free(struct sym_mcp_spec *specs, size_t n);

/* One tool a server offers. */
struct sym_mcp_tool {
    char *name;
    char *description;
    char *schema;     /* inputSchema, JSON text */
    bool read_only;   /* annotations.readOnlyHint is true */
    bool destructive; /* not read-only and annotations.destructiveHint is not false */
};

struct sym_mcp;

/* Start the server and open a session: initialize (protocol version negotiation), then
 * notifications/initialized. On failure err says what went wrong in one line (the program could
 * not start, exited, did not answer in time, answered garbage, speaks another version) and
 * *out is NULL. */
enum sym_status sym_mcp_start(struct sym_mcp **out, const struct sym_mcp_spec *spec, char *err,
                              size_t errlen);
/* The protocol version agreed on. Borrowed. */
const char *sym_mcp_version(const struct sym_mcp *m);

/* All the server's tools (tools/list, following nextCursor; at most 1000 tools). Free with
 * sym_mcp_tools_free(). */
enum sym_status sym_mcp_list_tools(struct sym_mcp *m, struct sym_mcp_tool **tools, size_t *n,
                                   char *err, size_t errlen);
void sym_mcp_tools_free(struct sym_mcp_tool *tools, size_t n);

/* tools/call: name with args (JSON text of an object). SYM_OK with *text (the text content
 * joined; other content described in brackets), *structure (structuredContent as JSON text, or
 * NULL) and *is_error; SYM_ERR_INVALID when the server refused the call (err has its message),
 * else the transport's errors as sym_mcp_start. */
enum sym_status sym_mcp_call(struct sym_mcp *m, const char *name, const char *args, char **text,
                             char **structure, bool *is_error, char *err, size_t errlen);

/* End the session and the server process. NULL is fine. */
void sym_mcp_close(struct sym_mcp *m);

#endif
