/*
 * mcp_server.h: `symbiot mcp`: the Model Context Protocol's server side over stdio, offering a
 * tool list (tools/tools.h: the modules' tools: memory, reminders, time) to another assistant or
 * an editor, so they can use the same private memory.
 */
#ifndef SYM_MCP_SERVER_H
#define SYM_MCP_SERVER_H

#include <stdio.h>

#include "base/status.h"

struct sym_tools;

/*
 * Answer MCP messages, one JSON-RPC 2.0 message per line, read from in and written to out
 * (flushed after each), until in ends. Tools come from t (borrowed); a tool that removes
 * something asks the client's user (elicitation/create) when the client has that capability,
 * else runs only when the config's tools-allow names it; a refusal is a result with isError. Only
 * protocol goes to out. version is the server's version for serverInfo. Returns SYM_OK at the end
 * of in, SYM_ERR_IO when out fails, SYM_ERR_NOMEM.
 */
enum sym_status sym_mcp_serve(struct sym_tools *t, FILE *in, FILE *out, const char *version);

/*
 * Answer one message line (for sym_mcp_serve and the fuzz target): *reply is the response line
 * to write (owned, no newline), or NULL when none is due (a notification, a response).
 * SYM_ERR_NOMEM only.
 */
enum sym_status sym_mcp_serve_line(struct sym_tools *t, const char *line, const char *version,
                                   char **reply);

#endif
