/*
 * fuzz_mcp.c: libFuzzer target for the MCP message parser and the server's answer to one line
 * (src/tools/mcp.c, src/tools/mcp_server.c), which read whatever an MCP client or server sends.
 * Any bytes in, as one line: the parse must be consistent with its kind (a request has a method
 * and an id, a notification no id, a response an id and a result or an error), and the server's
 * reply, when there is one, must be one line of JSON-RPC: a result or an error. Anything else
 * aborts. The tools run over an assistant without a database, so a call touches no file. Built
 * with clang by `make fuzz`; replayed over fuzz/corpus/mcp by replay.c in `make test`.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/assistant.h"
#include "modules/registry.h"
#include "tools/mcp.h"
#include "tools/mcp_server.h"
#include "tools/tools.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct sym_tools *tools(void)
{
    static struct sym_config cfg;
    static struct sym_assistant *a;
    static struct sym_tools *t;

    if (!t && (sym_config_init(&cfg) || sym_assistant_init(&a, &cfg, NULL, sym_modules) ||
               sym_tools_init(&t, a, sym_modules, &cfg)))
        abort();
    return t;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct sym_jsonrpc msg, back;
    char *line = malloc(size + 1), *reply = NULL;

    if (!line)
        return 0;
    memcpy(line, data, size);
    line[size] = '\0';
    if (sym_jsonrpc_parse(line, &msg) == SYM_OK) {
        switch (msg.kind) {
        case SYM_JSONRPC_REQUEST:
            if (!msg.method || !msg.id)
                abort();
            break;
        case SYM_JSONRPC_NOTIFICATION:
            if (!msg.method || msg.id)
                abort();
            break;
        case SYM_JSONRPC_RESULT:
            if (!msg.id || !msg.result || msg.method)
                abort();
            break;
        case SYM_JSONRPC_ERROR:
            if (!msg.id || !msg.error_message || msg.method)
                abort();
            break;
        case SYM_JSONRPC_INVALID:
            if (msg.id || msg.method || msg.result || !msg.why[0])
                abort();
            break;
        }
        sym_jsonrpc_clear(&msg);
    }
    if (sym_mcp_serve_line(tools(), line, "0", &reply) == SYM_OK && reply) {
        if (strchr(reply, '\n') || sym_jsonrpc_parse(reply, &back))
            abort();
        if (back.kind != SYM_JSONRPC_RESULT && back.kind != SYM_JSONRPC_ERROR)
            abort();
        sym_jsonrpc_clear(&back);
    }
    free(reply);
    free(line);
    return 0;
}
