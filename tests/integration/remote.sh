#!/usr/bin/env bash
# remote.sh: the remote backend, end to end. tests/fakeai.c plays an OpenAI-compatible endpoint
# on loopback that records every request, so what Symbiot sends is checked from the server's
# side: routing (local, remote, auto with /cloud), the privacy switch (no memories or history
# unless share_memory), /privacy, the API key (sent to the server, and nowhere else: not in
# stdout, stderr, the -v log or the data directory), and the error paths (server down, slow
# server, a stall mid-answer, malformed events, 401, 429 retried, 500 given up, a cut stream,
# TLS to a plain server), and tools through `symbiot serve --backend remote` (tools, tool_choice
# and response_format sent as given, the remote's tool calls and reasoning streamed back in
# OpenAI's shape). Then the real thing: llama.cpp's llama-server serving the test model.
. "$(dirname "$0")/lib.sh"

KEY="sk-test-$$-9f8e7d6c5b4a"
export SYM_TEST_KEY="$KEY"
fake_pid=
start_fake() { # start_fake ARGS...: a fresh fake endpoint; sets $URL and empties $T/req.log
    stop_fake
    rm -f "$T/port" "$T/req.log"
    touch "$T/req.log"
    "$FAKEAI" --port-file "$T/port" --log "$T/req.log" "$@" &
    fake_pid=$!
    for _ in $(seq 100); do [ -s "$T/port" ] && break; sleep 0.05; done
    URL="http://127.0.0.1:$(cat "$T/port")/v1"
}
stop_fake() { [ -n "$fake_pid" ] && kill "$fake_pid" 2>/dev/null && wait "$fake_pid" 2>/dev/null; fake_pid=; }
trap 'stop_fake; rm -rf "$T"' EXIT
jqe() { jq -e "$@" >/dev/null; } # jqe without printing the result
mkdir -p "$XDG_CONFIG_HOME" "$XDG_DATA_HOME"
requests() { grep -c '^POST /v1/chat/completions' "$T/req.log"; }
# The JSON body of request N (1-based) as the server received it.
body() { awk -v n="$1" '/^POST /{i++} i==n && /^\{/{print; exit}' "$T/req.log"; }

# ---- routing ----
start_fake
run_sym ask -m "$TINY_MODEL" --temp 0 -n 4 --endpoint "$URL" "hello"
expect_rc 0 "local is the default, even with an endpoint set"
check "the default sends nothing" [ "$(requests)" -eq 0 ]
expect_not_in "$err" "answered by" "no backend marker when only the local model exists"

run_sym ask --json --backend remote --endpoint "$URL" --remote-model fake-1 "hello remote"
expect_rc 0 "remote answers"
check "remote: one request" [ "$(requests)" -eq 1 ]
check "remote: the answer and the backend in JSON" jqe '.backend == "remote" and
    .answer == "Hello from the fake endpoint." and .tokens.generated == 4 and .stop == "end"' <<<"$out"
check "remote: the model name is sent" jqe '.model == "fake-1" and .stream == true' <<<"$(body 1)"

run_sym ask --backend remote -m "$TINY_MODEL" --endpoint "$URL" "hello again"
expect_rc 0 "remote with a model configured"
expect_in "$out" "Hello from the fake endpoint." "remote answer on stdout"
expect_in "$err" "[answered by remote: (no model named) at $URL]" "the CLI marks a remote answer"

: >"$T/req.log"
printf 'local question\n/cloud cloud question\n' >"$T/in"
"$SYMBIOT" --json --backend auto --endpoint "$URL" -m "$TINY_MODEL" --temp 0 -n 4 <"$T/in" \
    >"$T/out" 2>"$T/err"
rc=$?
expect_rc 0 "auto: a session of two turns"
check "auto: plain chat stays local" jqe -s '.[0].backend == "local" and .[1].backend == "remote"
    and .[1].kind == "chat"' "$T/out"
check "auto: only /cloud was sent" [ "$(requests)" -eq 1 ]
check "auto: the /cloud question, without the command" jqe '.messages[-1].content ==
    "cloud question"' <<<"$(body 1)"
printf 'local question\n' >"$T/in"
"$SYMBIOT" --backend auto --endpoint "$URL" -m "$TINY_MODEL" --temp 0 -n 4 <"$T/in" >"$T/out" 2>"$T/err"
expect_in "$(cat "$T/err")" "[answered locally: " "the CLI marks a local answer when a remote exists"

: >"$T/req.log"
run_sym ask --json --backend auto --endpoint "$URL" "no local model here"
check "auto without a local model goes remote" jqe '.backend == "remote"' <<<"$out"
run_sym ask --json -m "$TINY_MODEL" --temp 0 -n 2 "/cloud anything"
check "/cloud without a remote backend says so" jqe '.error.message | test("no remote backend is configured")' <<<"$out"
run_sym ask -m "$TINY_MODEL" "/privacy"
expect_in "$out" "Nothing you type is sent anywhere" "/privacy in local mode"
run_sym ask --backend remote "hi"
expect_rc 2 "remote without an endpoint is a usage error"
expect_in "$err" "--endpoint URL" "and says what is missing"
run_sym ask --backend remote --endpoint "http://example.com/v1" "hi"
expect_rc 2 "plain http to another machine is refused"
expect_in "$err" "refusing plain http to example.com" "with the reason"
run_sym ask --backend cloudy "hi"
expect_rc 2 "an unknown backend is a usage error"
printf 'backend = remote\nendpoint = %s\nremote-model = from-config\n' "$URL" >"$T/cfg"
: >"$T/req.log"
run_sym ask --config "$T/cfg" "config says remote"
expect_rc 0 "the backend from the config file"
check "config: the model name from the config" jqe '.model == "from-config"' <<<"$(body 1)"

# ---- privacy: what is sent, seen from the server ----
"$SYMBIOT" memory add "my sister is Zinaida" >/dev/null 2>&1
: >"$T/req.log"
printf 'first question\nsecond question\n/privacy third question\n' >"$T/in"
"$SYMBIOT" --backend remote --endpoint "$URL" <"$T/in" >"$T/out" 2>"$T/err"
check "private: two requests" [ "$(requests)" -eq 2 ]
check "private: only the system prompt and the message" jqe '(.messages | length) == 2 and
    .messages[0].role == "system" and .messages[1].content == "second question"' <<<"$(body 2)"
check "private: no memory reaches the server" sh -c '! grep -q Zinaida "$0"' "$T/req.log"
check "private: no history reaches the server" [ "$(grep -c "first question" "$T/req.log")" -eq 1 ]
privacy=$(cat "$T/out")
expect_in "$privacy" "Memories and conversation history: not sent" "/privacy says memories stay"
expect_in "$privacy" '"content":	"third question"' "/privacy shows the message"
expect_not_in "$privacy" "Zinaida" "/privacy shows no memory when not shared"
expect_not_in "$privacy" "first question" "/privacy shows no history when not shared"

# A memory of its own, with the fact and no earlier conversation (they are recalled too: the
# run above would otherwise be recalled into this one's messages).
"$SYMBIOT" memory add --db "$T/shared.db" "my sister is Zinaida" >/dev/null 2>&1
: >"$T/req.log"
printf 'first question\nsecond question\n/privacy third question\n' >"$T/in"
"$SYMBIOT" --backend remote --endpoint "$URL" --share-memory --db "$T/shared.db" <"$T/in" \
    >"$T/out" 2>"$T/err"
check "shared: the memory reaches the server" jqe '.messages[0].content | test("my sister is Zinaida")' <<<"$(body 1)"
check "shared: the history reaches the server" jqe '[.messages[].content] ==
    [.messages[0].content, "first question", "Hello from the fake endpoint.", "second question"]' <<<"$(body 2)"
privacy=$(cat "$T/out")
expect_in "$privacy" "SENT with each remote message" "/privacy says memories go"
expect_in "$privacy" "my sister is Zinaida" "/privacy shows the memory that would go"
expect_in "$privacy" '"content":	"second question"' "/privacy shows the history that would go"
printf 'share_memory = true\n' >"$T/cfg2"
: >"$T/req.log"
run_sym ask --config "$T/cfg2" --backend remote --endpoint "$URL" "from the config"
check "share_memory = true in the config" grep -q "my sister is Zinaida" "$T/req.log"
check "shared: earlier conversations' turns go too" grep -q "Memory: from earlier conversations" \
    "$T/req.log"

# ---- the server: /api/chat goes the same way and says so ----
"$SYMBIOT" serve --port 0 --backend auto --endpoint "$URL" -m "$TINY_MODEL" -n 4 --temp 0 \
    --db "$T/srv.db" >"$T/srv.out" 2>"$T/srv.err" </dev/null &
srv_pid=$!
for _ in $(seq 300); do
    sport=$(sed -n 's|^symbiot: listening on http://.*:\([0-9]*\)$|\1|p' "$T/srv.out")
    [ -n "$sport" ] && break
    sleep 0.1
done
: >"$T/req.log"
sse=$(curl -s -N -H 'Content-Type: application/json' -d '{"message":"/cloud from the web","stream":true}' \
    "http://127.0.0.1:$sport/api/chat")
check "/api/chat: the done event names the remote backend" jqe -s 'map(select(.type == "done"))[0] |
    .backend == "remote" and .answer == "Hello from the fake endpoint."' \
    <<<"$(sed -n 's/^data: //p' <<<"$sse")"
body_json=$(curl -s -H 'Content-Type: application/json' -d '{"message":"hello","stream":false}' \
    "http://127.0.0.1:$sport/api/chat")
check "/api/chat: a local answer says local" jqe '.backend == "local"' <<<"$body_json"
check "/api/chat: only /cloud reached the endpoint" [ "$(requests)" -eq 1 ]
kill "$srv_pid"
wait "$srv_pid" 2>/dev/null

# ---- the server: /v1/chat/completions takes the same path (--backend remote, no local model) ----
serve_remote() { # serve_remote ENDPOINT: `symbiot serve --backend remote`; sets $srv_pid, $sport
    sport=
    "$SYMBIOT" serve --port 0 --backend remote --endpoint "$1" --db "$T/srv2.db" >"$T/srv.out" \
        2>"$T/srv.err" </dev/null &
    srv_pid=$!
    for _ in $(seq 300); do
        sport=$(sed -n 's|^symbiot: listening on http://.*:\([0-9]*\)$|\1|p' "$T/srv.out")
        [ -n "$sport" ] && break
        sleep 0.1
    done
}
chat_plain() { # chat_plain PORT: a plain completion of "Say hello", the answer's JSON
    curl -s -H 'Content-Type: application/json' -d '{"model":"any","temperature":0,"max_tokens":8,
        "messages":[{"role":"user","content":"Say hello"}]}' "http://127.0.0.1:$1/v1/chat/completions"
}
chat_streamed() { # chat_streamed PORT: the same, streamed: the content pieces joined
    curl -s -N -H 'Content-Type: application/json' -d '{"model":"any","temperature":0,"max_tokens":8,
        "stream":true,"messages":[{"role":"user","content":"Say hello"}]}' \
        "http://127.0.0.1:$1/v1/chat/completions" |
        sed -n 's/^data: \({.*\)$/\1/p' | jq -j '.choices[0].delta.content // empty'
}
start_fake
serve_remote "$URL"
completion=$(chat_plain "$sport")
check "/v1/chat/completions under --backend remote: the remote's answer" jqe \
    '.choices[0].message.content == "Hello from the fake endpoint." and
     .choices[0].finish_reason == "stop" and .object == "chat.completion"' <<<"$completion"
check "/v1/chat/completions: the client's messages are sent as they are" jqe \
    '(.messages | length) == 1 and .messages[0].content == "Say hello" and .max_tokens == 8' \
    <<<"$(body 1)"
check "/v1/chat/completions streamed under --backend remote" \
    test "$(chat_streamed "$sport")" = "Hello from the fake endpoint."
: >"$T/req.log"
curl -s -H 'Content-Type: application/json' -d '{"messages":[{"role":"user","content":"hi"}],
    "stop":["END"]}' "http://127.0.0.1:$sport/v1/chat/completions" >/dev/null
check "/v1/chat/completions: the client's stop strings go to the remote" jqe '.stop == ["END"]' \
    <<<"$(body 1)"
kill "$srv_pid"
wait "$srv_pid" 2>/dev/null

# ---- the server: tools and response_format pass through to the remote, its calls come back ----
TOOLS_REQ='{"model":"any","max_tokens":50,"messages":[{"role":"user","content":"Weather?"},
    {"role":"assistant","content":null,"tool_calls":[{"id":"call_0","type":"function",
    "function":{"name":"get_weather","arguments":"{\"city\":\"Oslo\",\"days\":1}"}}]},
    {"role":"tool","tool_call_id":"call_0","content":"Rain"},{"role":"user","content":"And Paris?"}],
    "tools":[{"type":"function","function":{"name":"get_weather","parameters":{"type":"object",
    "properties":{"city":{"type":"string"},"days":{"type":"integer"}}}}}],
    "tool_choice":{"type":"function","function":{"name":"get_weather"}},"parallel_tool_calls":false,
    "response_format":{"type":"json_schema","json_schema":{"name":"w","strict":true,
    "schema":{"type":"object"}}}'
start_fake --mode tools
serve_remote "$URL"
streamed=$(curl -s -N -H 'Content-Type: application/json' -d "$TOOLS_REQ,\"stream\":true}" \
    "http://127.0.0.1:$sport/v1/chat/completions" | sed -n 's/^data: \({.*\)$/\1/p')
check "remote tools: tools, tool_choice, parallel_tool_calls and response_format are sent" jqe \
    '.tools[0].function.name == "get_weather" and .tool_choice.function.name == "get_weather" and
     .parallel_tool_calls == false and .response_format.type == "json_schema" and
     .response_format.json_schema.schema == {"type":"object"}' <<<"$(body 1)"
check "remote tools: the history with the call and its result is sent as it is" jqe \
    '(.messages | length) == 4 and .messages[1].tool_calls[0].id == "call_0" and
     .messages[1].content == null and .messages[2].role == "tool" and
     .messages[2].tool_call_id == "call_0"' <<<"$(body 1)"
check "remote tools, streamed: the call's first delta (index, id, type, name, arguments \"\")" jqe -s \
    '[.[] | .choices[0].delta.tool_calls // empty | .[]] | .[0] == {"index":0,"id":"call_fake1",
     "type":"function","function":{"name":"get_weather","arguments":""}}' <<<"$streamed"
check "remote tools, streamed: then the argument pieces, adding up" jqe -s \
    '[.[] | .choices[0].delta.tool_calls // empty | .[]] | (.[1:] | all(has("id") | not)) and
     ([.[].function.arguments] | add | fromjson) == {"city":"Paris","days":3}' <<<"$streamed"
check "remote tools, streamed: reasoning_content and finish_reason tool_calls" jqe -s \
    '([.[] | .choices[0].delta.reasoning_content // empty] | add) == "Thinking about it." and
     ([.[] | .choices[0].finish_reason // empty] == ["tool_calls"])' <<<"$streamed"
kill "$srv_pid"
wait "$srv_pid" 2>/dev/null
for mode in tools tools-plain; do
    start_fake --mode "$mode"
    serve_remote "$URL"
    completion=$(curl -s -H 'Content-Type: application/json' -d "$TOOLS_REQ}" \
        "http://127.0.0.1:$sport/v1/chat/completions")
    check "remote tools ($mode): message.tool_calls, content null, finish_reason tool_calls" jqe \
        '.choices[0].message.content == null and .choices[0].finish_reason == "tool_calls" and
         .choices[0].message.tool_calls == [{"id":"call_fake1","type":"function","function":
         {"name":"get_weather","arguments":"{\"city\": \"Paris\", \"days\": 3}"}}] and
         .choices[0].message.reasoning_content == "Thinking about it."' <<<"$completion"
    kill "$srv_pid"
    wait "$srv_pid" 2>/dev/null
done

# ---- the key: sent to the server, shown nowhere ----
: >"$T/req.log"
run_sym ask -v --backend remote --endpoint "$URL" --api-key-env SYM_TEST_KEY "keyed question"
expect_rc 0 "a keyed request"
check "the key reaches the server in the Authorization header" grep -q "^Authorization: Bearer $KEY" "$T/req.log"
expect_not_in "$out$err" "$KEY" "the key is not in stdout, stderr or the -v log"
run_sym ask --backend remote --endpoint "$URL" --api-key-env SYM_TEST_KEY "/privacy"
expect_in "$out" 'Authorization: Bearer <hidden: the key in $SYM_TEST_KEY>' "/privacy hides the key"
expect_not_in "$out$err" "$KEY" "/privacy never shows the key"
run_sym ask --backend remote --endpoint "$URL" --api-key-env SYM_NO_SUCH_VAR "hi"
expect_rc 2 "a key variable that is not set"
expect_in "$err" "SYM_NO_SUCH_VAR: that environment variable is not set" "names the variable"
start_fake --mode 401
run_sym ask -v --backend remote --endpoint "$URL" --api-key-env SYM_TEST_KEY "hi"
expect_rc 1 "401"
expect_in "$err" "refused the API key from \$SYM_TEST_KEY (HTTP 401): Incorrect API key provided: <hidden>" "401: one line, the echo hidden"
expect_not_in "$out$err" "$KEY" "a server's echo of the key is hidden"
run_sym ask --backend remote --endpoint "$URL" "hi"
expect_in "$err" "wants an API key (HTTP 401)" "401 without a key"
check "the key is in no file Symbiot wrote" sh -c '! grep -raq -- "$0" "$1" "$2"' "$KEY" "$XDG_DATA_HOME" "$XDG_CONFIG_HOME"
if command -v sqlite3 >/dev/null; then
    check "turn figures keep the backend" [ "$(sqlite3 "$XDG_DATA_HOME/symbiot/memory.db" \
        "select count(*) from turn_stats where backend = 'remote'")" -ge 3 ]
fi

# ---- errors ----
start_fake
port=$(cat "$T/port")
stop_fake
run_sym ask --backend remote --endpoint "http://127.0.0.1:$port/v1" "hi"
expect_rc 1 "server down"
expect_in "$err" "connection refused by 127.0.0.1:$port: no server is answering there" "server down: one line"
start_fake --mode slow --delay-ms 4000
t0=$(date +%s%N)
run_sym ask --backend remote --endpoint "$URL" --remote-timeout 1 "hi"
t1=$(date +%s%N)
expect_rc 1 "a slow server"
expect_in "$err" "did not answer within 1 s (timed out)" "slow server: timed out"
check "the timeout came before the server" [ $(((t1 - t0) / 1000000)) -lt 3500 ]
start_fake --mode stall --delay-ms 4000
run_sym ask --backend remote --endpoint "$URL" --remote-timeout 1 "hi"
expect_rc 1 "a stall in the middle"
expect_in "$err" "sent nothing for 1 s in the middle of the answer (timed out)" "stall: timed out"
expect_in "$out" "Hello" "stall: the text before it was shown"
start_fake --mode malformed
run_sym ask --backend remote --endpoint "$URL" "hi"
expect_rc 1 "malformed SSE"
expect_in "$err" "sent a malformed event (not a JSON object)" "malformed: one line"
start_fake --mode cut
run_sym ask --backend remote --endpoint "$URL" "hi"
expect_rc 1 "a cut stream"
expect_in "$err" "ended the stream in the middle of the answer" "cut: one line"
start_fake --mode 429 --fail-times 1
run_sym ask --json --backend remote --endpoint "$URL" "hi"
expect_rc 0 "429 is retried"
check "429: two requests, then the answer" [ "$(requests)" -eq 2 ]
start_fake --mode 500 --fail-times -1
run_sym ask --backend remote --endpoint "$URL" "hi"
expect_rc 1 "500 for good"
expect_in "$err" "failed (HTTP 500) and still did after 4 tries: try again later" "500: gave up after the retries"
check "500: four tries" [ "$(requests)" -eq 4 ]
start_fake --mode 404
run_sym ask --backend remote --endpoint "$URL" "hi"
expect_in "$err" "has no chat endpoint at $URL/chat/completions (HTTP 404)" "404: check the endpoint"
start_fake --mode plain
run_sym ask --json --backend remote --endpoint "$URL" "hi"
check "a server that does not stream" jqe '.answer == "Hello from the fake endpoint."' <<<"$out"
run_sym ask --backend remote --endpoint "https://127.0.0.1:$(cat "$T/port")/v1" "hi"
expect_rc 1 "TLS to a plain server"
expect_in "$err" "TLS failure with 127.0.0.1:" "TLS: one line"
stop_fake

# ---- a real OpenAI-compatible server: llama.cpp's llama-server ----
LLAMA_SERVER="$LLAMA_PREFIX/bin/llama-server"
if [ ! -x "$LLAMA_SERVER" ]; then
    skip "llama-server is not in $LLAMA_PREFIX/bin (built by scripts/llama.sh)"
else
    for _ in 1 2 3; do
        lport=$((20000 + RANDOM % 30000))
        "$LLAMA_SERVER" -m "$CHATML_MODEL" --host 127.0.0.1 --port "$lport" -c 512 -t 2 -np 1 \
            >"$T/ls.log" 2>&1 &
        ls_pid=$!
        for _ in $(seq 300); do
            curl -sf "http://127.0.0.1:$lport/health" >/dev/null 2>&1 && break
            kill -0 "$ls_pid" 2>/dev/null || break
            sleep 0.1
        done
        curl -sf "http://127.0.0.1:$lport/health" >/dev/null 2>&1 && break
        kill "$ls_pid" 2>/dev/null
        wait "$ls_pid" 2>/dev/null
        ls_pid=
    done
    if [ -z "$ls_pid" ]; then
        fail "llama-server did not start: $(tail -3 "$T/ls.log")"
    else
        run_sym ask --json --backend remote --endpoint "http://127.0.0.1:$lport/v1" --temp 0 -n 8 \
            "Say hello"
        expect_rc 0 "llama-server answers"
        check "llama-server: a streamed answer with usage" jqe '.backend == "remote" and
            .tokens.generated > 0 and .tokens.prompt > 0 and .timings.ttft_ms > 0' <<<"$out"
        # symbiot serve in front of it: /v1/chat/completions answers with llama-server's text.
        want=$(chat_plain "$lport" | jq -r '.choices[0].message.content' | sed 's/^[[:space:]]*//')
        serve_remote "http://127.0.0.1:$lport/v1"
        completion=$(chat_plain "$sport")
        check "serve --backend remote over llama-server: /v1/chat/completions answers" jqe \
            '.choices[0].message.content | length > 0' <<<"$completion"
        check "serve --backend remote over llama-server: llama-server's own answer" \
            test "$(jq -r '.choices[0].message.content' <<<"$completion")" = "$want"
        check "serve --backend remote over llama-server: streamed, the same answer" \
            test "$(chat_streamed "$sport")" = "$want"
        kill "$srv_pid"
        wait "$srv_pid" 2>/dev/null
        kill "$ls_pid"
        wait "$ls_pid" 2>/dev/null
    fi
fi

finish
