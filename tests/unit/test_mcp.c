/*
 * test_mcp.c: the MCP pieces below the integration test: the JSON-RPC 2.0 message parser (each
 * kind, and every way a line can be wrong), the server's answer to single lines (initialize's
 * version negotiation, errors with the right codes and ids, notifications unanswered), mcp.json
 * (good entries, and each bad one named), and the line reader over a real child process (lines,
 * CRLF, a line cut at the cap and the next one read whole, a timeout, EOF after the child exits,
 * its last stderr line, a missing program).
 */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/assistant.h"
#include "memory/store.h"
#include "modules/registry.h"
#include "test.h"
#include "tools/mcp.h"
#include "tools/mcp_server.h"
#include "tools/proc.h"
#include "tools/tools.h"

static enum sym_jsonrpc_kind kind_of(const char *line)
{
    struct sym_jsonrpc m;
    enum sym_jsonrpc_kind k;

    if (sym_jsonrpc_parse(line, &m))
        return (enum sym_jsonrpc_kind) - 1;
    k = m.kind;
    sym_jsonrpc_clear(&m);
    return k;
}

static void test_parse(void)
{
    struct sym_jsonrpc m;

    CHECK(sym_jsonrpc_parse("{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"tools/list\","
                            "\"params\":{\"cursor\":\"x\"}}",
                            &m) == SYM_OK);
    CHECK(m.kind == SYM_JSONRPC_REQUEST);
    CHECK_STR(m.id, "7");
    CHECK_STR(m.method, "tools/list");
    CHECK_STR(m.params, "{\"cursor\":\"x\"}");
    sym_jsonrpc_clear(&m);
    CHECK(sym_jsonrpc_parse("{\"jsonrpc\":\"2.0\",\"id\":\"a\",\"result\":{\"x\":1}}", &m) == 0);
    CHECK(m.kind == SYM_JSONRPC_RESULT);
    CHECK_STR(m.id, "\"a\"");
    CHECK_STR(m.result, "{\"x\":1}");
    sym_jsonrpc_clear(&m);
    CHECK(sym_jsonrpc_parse("{\"jsonrpc\":\"2.0\",\"id\":3,\"error\":{\"code\":-32601,"
                            "\"message\":\"nope\"}}",
                            &m) == 0);
    CHECK(m.kind == SYM_JSONRPC_ERROR);
    CHECK(m.error_code == -32601);
    CHECK_STR(m.error_message, "nope");
    sym_jsonrpc_clear(&m);
    CHECK(kind_of("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}") ==
          SYM_JSONRPC_NOTIFICATION);
    CHECK(kind_of("{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32700}}") ==
          SYM_JSONRPC_ERROR);

    /* Every way to be wrong. */
    CHECK(sym_jsonrpc_parse("Server listening on port 3000", &m) == 0);
    CHECK(m.kind == SYM_JSONRPC_INVALID);
    CHECK_STR(m.why, "not JSON");
    CHECK(m.id == NULL && m.method == NULL);
    sym_jsonrpc_clear(&m);
    CHECK(kind_of("") == SYM_JSONRPC_INVALID);
    CHECK(kind_of("[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}]") == SYM_JSONRPC_INVALID);
    CHECK(kind_of("\"just a string\"") == SYM_JSONRPC_INVALID);
    CHECK(kind_of("{\"id\":1,\"method\":\"ping\"}") == SYM_JSONRPC_INVALID);
    CHECK(kind_of("{\"jsonrpc\":\"1.0\",\"id\":1,\"method\":\"ping\"}") == SYM_JSONRPC_INVALID);
    CHECK(kind_of("{\"jsonrpc\":\"2.0\",\"id\":{},\"method\":\"ping\"}") == SYM_JSONRPC_INVALID);
    CHECK(kind_of("{\"jsonrpc\":\"2.0\",\"id\":null,\"method\":\"ping\"}") == SYM_JSONRPC_INVALID);
    CHECK(kind_of("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":5}") == SYM_JSONRPC_INVALID);
    CHECK(kind_of("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"x\",\"params\":3}") ==
          SYM_JSONRPC_INVALID);
    CHECK(kind_of("{\"jsonrpc\":\"2.0\",\"id\":1}") == SYM_JSONRPC_INVALID);
    CHECK(kind_of("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{},\"error\":{\"code\":1}}") ==
          SYM_JSONRPC_INVALID);
    CHECK(kind_of("{\"jsonrpc\":\"2.0\",\"result\":{}}") == SYM_JSONRPC_INVALID);
    CHECK(kind_of("{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":\"bad\"}") == SYM_JSONRPC_INVALID);
}

/* The server's answer to one line, parsed; NULL when it gave none. */
static cJSON *answer(struct sym_tools *t, const char *line)
{
    char *reply = NULL;
    cJSON *j;

    CHECK(sym_mcp_serve_line(t, line, "9.9", &reply) == SYM_OK);
    if (!reply)
        return NULL;
    CHECK(strchr(reply, '\n') == NULL);
    j = cJSON_Parse(reply);
    free(reply);
    return j;
}

static double error_code(const cJSON *j)
{
    return cJSON_GetNumberValue(
        cJSON_GetObjectItem(cJSON_GetObjectItem((cJSON *)j, "error"), "code"));
}

static void test_server_lines(struct sym_tools *t)
{
    cJSON *j;
    const char *v;

    j = answer(t, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{"
                  "\"protocolVersion\":\"2024-11-05\",\"capabilities\":{}}}");
    v = cJSON_GetStringValue(
        cJSON_GetObjectItem(cJSON_GetObjectItem(j, "result"), "protocolVersion"));
    CHECK_STR(v, "2024-11-05");
    cJSON_Delete(j);
    j = answer(t, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"initialize\",\"params\":{"
                  "\"protocolVersion\":\"1999-01-01\"}}");
    v = cJSON_GetStringValue(
        cJSON_GetObjectItem(cJSON_GetObjectItem(j, "result"), "protocolVersion"));
    CHECK_STR(v, sym_mcp_versions[0]);
    cJSON_Delete(j);

    CHECK(answer(t, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}") == NULL);
    CHECK(answer(t, "{\"jsonrpc\":\"2.0\",\"id\":5,\"result\":{}}") == NULL);

    j = answer(t, "garbage");
    CHECK(error_code(j) == -32700);
    CHECK(cJSON_IsNull(cJSON_GetObjectItem(j, "id")));
    cJSON_Delete(j);
    j = answer(t, "{\"id\":4,\"method\":\"ping\"}");
    CHECK(error_code(j) == -32600);
    cJSON_Delete(j);
    j = answer(t, "{\"jsonrpc\":\"2.0\",\"id\":\"s\",\"method\":\"resources/list\"}");
    CHECK(error_code(j) == -32601);
    CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(j, "id")), "s");
    cJSON_Delete(j);
    j = answer(t, "{\"jsonrpc\":\"2.0\",\"id\":6,\"method\":\"tools/call\",\"params\":{}}");
    CHECK(error_code(j) == -32602);
    cJSON_Delete(j);
    j = answer(t, "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"tools/call\",\"params\":{"
                  "\"name\":\"time\",\"arguments\":{\"town\":\"Oslo\"}}}");
    CHECK(cJSON_IsTrue(cJSON_GetObjectItem(cJSON_GetObjectItem(j, "result"), "isError")));
    cJSON_Delete(j);
    j = answer(t, "{\"jsonrpc\":\"2.0\",\"id\":8,\"method\":\"tools/call\",\"params\":{"
                  "\"name\":\"time\",\"arguments\":{\"place\":\"UTC\"}}}");
    CHECK(cJSON_IsFalse(cJSON_GetObjectItem(cJSON_GetObjectItem(j, "result"), "isError")));
    cJSON_Delete(j);
    j = answer(t, "{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"tools/list\"}");
    CHECK(cJSON_GetArraySize(cJSON_GetObjectItem(cJSON_GetObjectItem(j, "result"), "tools")) ==
          (int)sym_tools_count(t));
    cJSON_Delete(j);
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");

    if (f) {
        fputs(text, f);
        fclose(f);
    }
}

static void test_config(const char *dir)
{
    struct sym_mcp_spec *specs;
    char path[512], err[512];
    size_t n;

    snprintf(path, sizeof path, "%s/mcp.json", dir);
    CHECK(sym_mcp_config_load(path, &specs, &n, err, sizeof err) == SYM_ERR_NOT_FOUND);
    write_file(path, "{\"mcpServers\": {\"a\": {\"command\": \"node\", \"args\": [\"x.js\"], "
                     "\"env\": {\"K\": \"V\"}, \"timeout\": 5}, \"b\": {\"command\": \"b\"}}}");
    CHECK(sym_mcp_config_load(path, &specs, &n, err, sizeof err) == SYM_OK);
    CHECK(n == 2);
    if (n == 2) {
        CHECK_STR(specs[0].name, "a");
        CHECK_STR(specs[0].argv[0], "node");
        CHECK_STR(specs[0].argv[1], "x.js");
        CHECK(specs[0].argv[2] == NULL);
        CHECK_STR(specs[0].env[0], "K=V");
        CHECK(specs[0].timeout_ms == 5000);
        CHECK(specs[1].timeout_ms == SYM_MCP_TIMEOUT_MS);
        CHECK(specs[1].env[0] == NULL);
    }
    sym_mcp_specs_free(specs, n);
    write_file(path, "{\"mcpServers\": {}}");
    CHECK(sym_mcp_config_load(path, &specs, &n, err, sizeof err) == SYM_OK && n == 0);
    sym_mcp_specs_free(specs, n);

    write_file(path, "{\"mcpServers\": {\"a\": {\"args\": []}}}");
    CHECK(sym_mcp_config_load(path, &specs, &n, err, sizeof err) == SYM_ERR_INVALID);
    CHECK_CONTAINS(err, "\"a\" needs a \"command\"");
    write_file(path, "{\"mcpServers\": {\"a\": {\"command\": \"x\", \"args\": [1]}}}");
    CHECK(sym_mcp_config_load(path, &specs, &n, err, sizeof err) == SYM_ERR_INVALID);
    CHECK_CONTAINS(err, "\"args\"");
    write_file(path, "{\"mcpServers\": {\"a\": {\"command\": \"x\", \"env\": {\"K\": 1}}}}");
    CHECK(sym_mcp_config_load(path, &specs, &n, err, sizeof err) == SYM_ERR_INVALID);
    CHECK_CONTAINS(err, "env \"K\"");
    write_file(path, "{\"mcpServers\": {\"w\": {\"url\": \"https://example.com/mcp\"}}}");
    CHECK(sym_mcp_config_load(path, &specs, &n, err, sizeof err) == SYM_ERR_INVALID);
    CHECK_CONTAINS(err, "only local");
    write_file(path, "{\"mcpServers\": {\"a\": {\"command\": \"x\", \"timeout\": 0}}}");
    CHECK(sym_mcp_config_load(path, &specs, &n, err, sizeof err) == SYM_ERR_INVALID);
    CHECK_CONTAINS(err, "\"timeout\"");
    write_file(path, "{\"mcpServers\": ");
    CHECK(sym_mcp_config_load(path, &specs, &n, err, sizeof err) == SYM_ERR_INVALID);
    CHECK_CONTAINS(err, "mcp.json: not JSON");
    unlink(path);
}

static void test_proc(void)
{
    char *lines[] = {"sh", "-c",
                     "printf 'one\\r\\ntwo\\n'; head -c 3000 /dev/zero | tr '\\\\0' x; "
                     "printf '\\nthree\\n'; echo 'first' >&2; echo 'last words' >&2; exit 0",
                     NULL};
    char *hang[] = {"sleep", "5", NULL};
    char *missing[] = {"/nonexistent/program", NULL};
    char *env_child[] = {"sh", "-c", "echo \"$SYM_TEST_VAR\"", NULL};
    char *env[] = {"SYM_TEST_VAR=from the config", NULL};
    struct sym_proc *p = NULL;
    const char *line;
    char err[256];
    enum sym_status rc;

    CHECK(sym_proc_spawn(&p, lines, NULL, err, sizeof err) == SYM_OK);
    CHECK(sym_proc_read_line(p, 5000, 1000, &line) == SYM_OK);
    CHECK_STR(line, "one");
    CHECK(sym_proc_read_line(p, 5000, 1000, &line) == SYM_OK);
    CHECK_STR(line, "two");
    CHECK(sym_proc_read_line(p, 5000, 1000, &line) == SYM_ERR_TOO_LONG);
    CHECK(sym_proc_read_line(p, 5000, 1000, &line) == SYM_OK);
    CHECK_STR(line, "three");
    CHECK(sym_proc_read_line(p, 5000, 1000, &line) == SYM_ERR_IO);
    CHECK_STR(sym_proc_stderr_tail(p), "last words");
    CHECK(sym_proc_send(p, "anyone there?") == SYM_OK || 1); /* may or may not have gone yet */
    sym_proc_close(p);

    CHECK(sym_proc_spawn(&p, hang, NULL, err, sizeof err) == SYM_OK);
    CHECK(sym_proc_read_line(p, 200, 1000, &line) == SYM_ERR_TIMEOUT);
    sym_proc_close(p); /* ends it: SIGTERM after the grace time, not after 5 s */

    /* glibc reports a missing program from posix_spawnp; under valgrind the child starts and
     * exits at once (127): either way no line ever comes. */
    rc = sym_proc_spawn(&p, missing, NULL, err, sizeof err);
    if (rc == SYM_OK) {
        CHECK(sym_proc_read_line(p, 5000, 1000, &line) == SYM_ERR_IO);
        sym_proc_close(p);
    } else {
        CHECK(rc == SYM_ERR_NOT_FOUND);
        CHECK_CONTAINS(err, "/nonexistent/program");
    }

    CHECK(sym_proc_spawn(&p, env_child, env, err, sizeof err) == SYM_OK);
    CHECK(sym_proc_read_line(p, 5000, 1000, &line) == SYM_OK);
    CHECK_STR(line, "from the config");
    sym_proc_close(p);
}

int main(void)
{
    char dir[] = "/tmp/symbiot-mcp-XXXXXX", db[128], err[256];
    struct sym_assistant *a = NULL;
    struct sym_store *store = NULL;
    struct sym_tools *t = NULL;
    struct sym_config cfg;

    if (!mkdtemp(dir))
        return 1;
    snprintf(db, sizeof db, "%s/memory.db", dir);
    sym_config_init(&cfg);
    if (sym_assistant_init(&a, &cfg, NULL, sym_modules) ||
        sym_store_open(&store, db, err, sizeof err) || sym_tools_init(&t, a, sym_modules, &cfg)) {
        fprintf(stderr, "setup failed\n");
        return 1;
    }
    sym_assistant_set_store(a, store);
    test_parse();
    test_server_lines(t);
    test_config(dir);
    test_proc();
    sym_tools_free(t);
    sym_assistant_free(a);
    sym_config_free(&cfg);
    unlink(db);
    rmdir(dir);
    return test_report("test_mcp");
}
