#!/usr/bin/env bash
# mcp.sh: MCP on the real binary against the real thing. The client: `symbiot tools` and `tools
# call` with the reference server @modelcontextprotocol/server-everything (pinned by
# tests/mcp/package-lock.json, installed outside the checkout by tests/mcp/setup.sh) configured in
# $XDG_CONFIG_HOME/symbiot/mcp.json next to servers that hang, answer garbage, exit, do not exist
# or send an endless line: each gives one clear line and the rest goes on. The server: `symbiot
# mcp` in a session with the SDK's client (tests/mcp/client.mjs), then raw lines: garbage, an
# overlong line, a request after them, and forget allowed by tools-allow.
. "$(dirname "$0")/lib.sh"

out=$(SYMBIOT_CACHE="$SYM_CACHE" bash "$(dirname "$0")/../mcp/setup.sh")
setup_rc=$?
if [ $setup_rc -ne 0 ]; then
    skip "${out:-tests/mcp/setup.sh failed (status $setup_rc)}"
    finish
    exit
fi
NODE_MODULES=${out##*$'\n'}
EVERYTHING="$NODE_MODULES/@modelcontextprotocol/server-everything/dist/index.js"
mkdir -p "$XDG_CONFIG_HOME/symbiot"
MCP_JSON="$XDG_CONFIG_HOME/symbiot/mcp.json"

# --- the client: server-everything alone ---
jq -n --arg e "$EVERYTHING" \
    '{mcpServers: {everything: {command: "node", args: [$e, "stdio"], env: {SYMBIOT_TEST: "1"}}}}' \
    >"$MCP_JSON"
run_sym tools
expect_rc 0 "tools with an MCP server"
expect_in "$out" "everything__echo" "the server's echo tool is listed"
expect_in "$out" "time" "the modules' tools are still listed"
check "nothing on stderr with a good server" test -z "$err"
run_sym tools --json
check "MCP tools carry their server, kind and schema" \
    jq -e '.[] | select(.name == "everything__get-sum") | .source == "everything"
        and .kind == "mcp" and .input_schema.properties.a.type == "number"' <<<"$out"
run_sym tools call everything__echo '{"message": "hello from symbiot"}'
expect_rc 0 "tools call everything__echo"
expect_in "$out" "Echo: hello from symbiot" "echo answers"
run_sym --json tools call everything__get-sum '{"a": 2, "b": 3}'
expect_rc 0 "tools call everything__get-sum --json"
check "get-sum gives 5" jq -e '.text | contains("5")' <<<"$out"
run_sym --json tools call everything__get-structured-content '{"location": "New York"}'
check "structuredContent comes through" jq -e '.structured.temperature != null' <<<"$out"
run_sym tools call everything__get-env
check "the env of mcp.json reaches the server" grep -q SYMBIOT_TEST <<<"$out"
run_sym tools call everything__get-sum '{"a": "two", "b": 3}'
expect_rc 2 "a string for a number"
expect_in "$err" '"a" must be of type' "the wrong argument is named"
run_sym tools call everything__get-sum '{"b": 3}'
expect_rc 2 "a missing argument"
expect_in "$err" '"a"' "the missing argument is named"
run_sym tools call everything__nonesuch
expect_rc 2 "an unknown MCP tool"

# --- pages, a ping and a log before the answer, annotations, another protocol version ---
FAKE="$(cd "$(dirname "$0")/../mcp" && pwd)/fake-server.mjs"
jq -n --arg f "$FAKE" '{mcpServers: {fake: {command: "node", args: [$f, "paged"]},
    old: {command: "node", args: [$f, "oldversion"]}}}' >"$MCP_JSON"
run_sym tools --json
expect_rc 0 "tools with a paging server"
check "all three pages of tools are listed" \
    jq -e '[.[] | select(.source == "fake") | .name] ==
        ["fake__look", "fake__add", "fake__wipe", "fake__plain", "fake__last", "fake__also_last"]' \
    <<<"$out"
check "readOnlyHint and destructiveHint decide who asks; unmarked asks" \
    jq -e '[.[] | select(.source == "fake") | .asks] == [false, false, true, true, false, false]' \
    <<<"$out"
expect_in "$err" 'MCP server "old" speaks protocol version 1999-01-01' "another version: one line"
run_sym tools call fake__last '{"n": 3}'
expect_rc 0 "a tool from the last page"
expect_in "$out" 'last got {"n":3}' "its arguments arrive"
run_sym tools call fake__look '{"n": -1}'
expect_rc 1 "a result with isError"
expect_in "$out" "look got" "its text is still shown"
run_sym tools call fake__wipe '{"n": 1}'
expect_rc 1 "a destructive MCP tool without a terminal"
expect_in "$err" "tools-allow = fake__wipe" "the refusal names the tool to allow"
printf 'tools-allow = fake__wipe\n' >"$XDG_CONFIG_HOME/symbiot/config"
run_sym tools call fake__wipe '{"n": 1}'
expect_rc 0 "tools-allow lets an MCP tool run"
rm -f "$XDG_CONFIG_HOME/symbiot/config"

# --- broken servers next to the good one ---
jq -n --arg e "$EVERYTHING" '{mcpServers: {
    everything: {command: "node", args: [$e, "stdio"]},
    hang: {command: "sleep", args: ["60"], timeout: 2},
    garbage: {command: "sh", args: ["-c", "read l; echo Server starting on stdout; sleep 5"],
              timeout: 2},
    quits: {command: "sh", args: ["-c", "echo no config file >&2; exit 3"]},
    missing: {command: "/nonexistent/mcp-server"},
    endless: {command: "sh", args: ["-c", "read l; head -c 5000000 /dev/zero | tr \"\\\\0\" x"],
              timeout: 10},
    web: {url: "https://example.com/mcp"}}}' >"$MCP_JSON"
run_sym tools
expect_rc 0 "tools with a bad mcp.json entry"
expect_in "$err" "has a url" "an HTTP server is refused by name"
jq 'del(.mcpServers.web)' "$MCP_JSON" >"$T/m.json" && mv "$T/m.json" "$MCP_JSON"
start=$(date +%s)
run_sym tools
took=$(($(date +%s) - start))
expect_rc 0 "tools with broken servers"
expect_in "$out" "everything__echo" "the good server's tools are listed next to broken ones"
expect_in "$err" 'MCP server "hang" did not answer initialize within 2 s' "a hanging server: one line"
expect_in "$err" 'MCP server "garbage" answered initialize with garbage (not JSON): Server starting' \
    "a garbage server: one line"
expect_in "$err" 'MCP server "quits" exited before answering initialize: no config file' \
    "a server that exits: one line with its last stderr line"
expect_in "$err" 'MCP server "missing": cannot start /nonexistent/mcp-server' "a missing program"
expect_in "$err" 'MCP server "endless" sent a line longer than 4 MiB' "an endless line is cut"
check "one line per broken server" test "$(grep -c . <<<"$err")" -eq 5
check "the hanging server costs its timeout, not more ($took s)" test "$took" -lt 20
run_sym tools call hang__anything
expect_rc 1 "calling a hanging server's tool"
expect_in "$err" "did not answer initialize" "the call says why"
run_sym tools call everything__echo '{"message": "still here"}'
expect_rc 0 "a call to the good server starts only that one"
check "no line about the broken servers on a call to another" test -z "$err"

# --- the server: a session with the official SDK client ---
rm -f "$MCP_JSON"
mkdir -p "$T/node"
cp "$(dirname "$0")/../mcp/client.mjs" "$T/node/"
ln -sfn "$NODE_MODULES" "$T/node/node_modules"
SYMBIOT="$SYMBIOT" node "$T/node/client.mjs" >"$T/node.out" 2>"$T/node.err"
node_rc=$?
while IFS= read -r line; do
    case "$line" in
    "ok - "*) pass ;;
    "not ok - "*) fail "${line#not ok - }" ;;
    esac
done <"$T/node.out"
check "the SDK client ran to the end (status $node_rc): $(tail -c 500 "$T/node.err")" \
    test "$node_rc" -eq 0
check "the SDK session made its checks" grep -q '^ok - tools/call memories finds the fact' "$T/node.out"
check "the asking session made its checks" grep -q '^ok - accepted: the fact is gone' "$T/node.out"

# Raw lines: garbage and an overlong line get errors and the session goes on; stdout is protocol.
{
    echo 'not json at all'
    head -c 5000000 /dev/zero | tr '\0' x
    echo
    echo '{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"reminders","arguments":{}}}'
} | "$SYMBIOT" mcp >"$T/mcp.out" 2>"$T/mcp.err"
rc=$?
expect_rc 0 "mcp ends with its input"
check "three answers, one per request line" test "$(wc -l <"$T/mcp.out")" -eq 3
check "every stdout line is JSON-RPC" jq -se 'all(.[]; .jsonrpc == "2.0")' "$T/mcp.out"
check "garbage: a parse error" jq -se '.[0].error.code == -32700' "$T/mcp.out"
check "an overlong line: an invalid request" jq -se '.[1].error.code == -32600' "$T/mcp.out"
check "the session goes on after them" \
    jq -se '.[2].id == 7 and (.[2].result.content[0].text | contains("call the dentist"))' \
    "$T/mcp.out"
printf 'tools-allow = cancel\n' >"$XDG_CONFIG_HOME/symbiot/config"
echo '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"cancel","arguments":{"id":1}}}' |
    "$SYMBIOT" mcp >"$T/mcp.out" 2>"$T/mcp.err"
check "cancel allowed by tools-allow runs" jq -e '.result.isError == false' "$T/mcp.out"
run_sym reminders
expect_not_in "$out" "call the dentist" "the allowed cancel removed the reminder"
rm -f "$XDG_CONFIG_HOME/symbiot/config"
run_sym mcp extra
expect_rc 2 "mcp takes no arguments"

printf '{"mcpServers": ' >"$MCP_JSON"
run_sym tools
expect_rc 0 "a broken mcp.json leaves the modules' tools"
expect_in "$err" "mcp.json: not JSON" "a broken mcp.json is named"
expect_in "$out" "remember" "the modules' tools stay"

finish
