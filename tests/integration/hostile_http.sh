#!/usr/bin/env bash
# hostile_http.sh: input made to hurt, over HTTP (issue 17, "Hostile input"), with raw requests
# from test_rawhttp where curl would not send them:
#   - a NUL in a JSON body, as "\u0000" or as a raw byte: 400 naming the field, nothing stored;
#   - invalid UTF-8: a fact is refused (400), a chat message gets U+FFFD, as API.md says;
#   - a database locked by another program: 503 with Retry-After on the API, not 500;
#   - the Host check: only what a browser sends for this machine (localhost, 127.x.y.z, [::1],
#     with a valid port), no empty Host, HTTP/1.1 without Host refused;
#   - a client that half-closes its sending side after a complete request still gets its answer,
#     even while its request waits in the queue behind another;
#   - libmicrohttpd's own refusals (oversized URL or headers) are JSON error objects too.
. "$(dirname "$0")/lib.sh"

if ! command -v curl >/dev/null || ! command -v jq >/dev/null; then
    skip "curl or jq is not installed (scripts/deps.sh installs them)"
    finish
    exit
fi
srv_pid=
trap 'stop_server 2>/dev/null; rm -rf "$T"' EXIT
jqe() { jq -e "$@" >/dev/null; }

# raw REQUEST-TEXT [rawhttp args]: send it (printf escapes: \r\n, \0), set $code, $head and $body.
raw() {
    local r=$1
    shift
    printf "$r" | "$RAWHTTP" "$PORT" "$@" 5 >"$T/raw" 2>/dev/null
    code=$(head -n1 "$T/raw" | awk '{print $2}')
    head=$(sed '/^\r$/q' "$T/raw")
    body=$(sed '1,/^\r$/d' "$T/raw")
}
post() { # post PATH JSON [Host]: a raw POST with a JSON body
    local host=${3-127.0.0.1} len
    len=$(printf "$2" | wc -c) # after printf's escapes: \\ is one byte, \0 one NUL
    raw "POST $1 HTTP/1.1\r\nHost: $host\r\nContent-Type: application/json\r\nContent-Length: $len\r\nConnection: close\r\n\r\n$2"
}
get_host() { # get_host HOST-LINE: GET /health with that Host header line ("" for none)
    raw "GET /api/memory HTTP/1.1\r\n$1Connection: close\r\n\r\n"
}
expect_code() {
    if [ "$code" = "$1" ]; then pass; else fail "$2: HTTP $code, expected $1 (${body:0:300})"; fi
}
expect_json_error() { # expect_json_error STATUS CODE DESCRIPTION
    expect_code "$1" "$3"
    check "$3: a JSON error object with code $2 (got: ${body:0:200})" \
        jqe --arg c "$2" '.error.message != "" and .error.code == $c' <<<"$body"
}

start_server -m "$TINY_MODEL" -c 2048 -n 16 --temp 0 --db "$T/srv.db" --queue 4 ||
    { finish; exit; }

# ---- 3. NUL bytes in a JSON body ----
post /api/memory '{"text":"before\\u0000after"}'
expect_json_error 400 invalid_value "a \\u0000 escape in a fact's text"
check "the error names the field" jqe '.error.param == "text"' <<<"$body"
expect_in "$body" "NUL" "the message says what is wrong"
post /api/memory '{"text":"raw\0nul"}'
expect_json_error 400 invalid_json "a raw NUL byte inside a JSON string"
expect_in "$body" "NUL byte" "the message says it is a NUL byte"
post /v1/chat/completions '{"messages":[{"role":"user","content":"a\\u0000b"}]}'
expect_json_error 400 invalid_value "a \\u0000 in a chat message"
check "the chat error names the field" jqe '.error.param == "content"' <<<"$body"
code=$(curl -s -o "$T/list" -w '%{http_code}' "http://127.0.0.1:$PORT/api/memory")
check "nothing was stored, not even cut short" jqe '.total == 0' "$T/list"

# ---- 8. invalid UTF-8, as API.md says: a fact is refused, a chat message gets U+FFFD ----
post /api/memory $'{"text":"bad \xff bytes"}'
expect_json_error 400 invalid_value "invalid UTF-8 in a fact's text"
check "the error names the text" jqe '.error.param == "text"' <<<"$body"
post /api/chat $'{"message":"/remind in 10 minutes tea \xff"}'
expect_code 200 "invalid UTF-8 in a chat message is answered"
curl -s "http://127.0.0.1:$PORT/api/reminders" >"$T/rem"
check "its bad byte became U+FFFD" grep -qF $'tea \xef\xbf\xbd' "$T/rem"

# ---- 6. the Host check ----
for h in 'localhost' "localhost:$PORT" '127.0.0.1' "127.0.0.1:$PORT" '127.1.2.3' "[::1]:$PORT"; do
    get_host "Host: $h\r\n"
    expect_code 200 "Host: $h is this machine"
done
for h in '[evil.example]' '[::1].evil.example' 'localhost:80@evil.example' 'evil.example' \
    '127.0.0.1.evil.example' 'localhost:0' 'localhost:99999'; do
    get_host "Host: $h\r\n"
    expect_json_error 403 forbidden_host "Host: $h is refused"
done
get_host "Host: \r\n"
expect_json_error 403 forbidden_host "an empty Host is refused"
get_host ""
expect_json_error 400 missing_host "HTTP/1.1 without Host is refused"
raw "GET /health HTTP/1.0\r\n\r\n"
expect_code 200 "HTTP/1.0 without Host is answered (no browser speaks it)"

# ---- 5. libmicrohttpd's own refusals, as JSON ----
raw "GET /health?$(head -c 40000 /dev/zero | tr '\0' b) HTTP/1.1\r\nHost: localhost\r\n\r\n"
expect_json_error 414 uri_too_long "a 40 KB URL"
raw "GET /health HTTP/1.1\r\nHost: localhost\r\nX-Big: $(head -c 65536 /dev/zero | tr '\0' a)\r\n\r\n"
expect_json_error 431 headers_too_large "a 64 KiB header"

# ---- 4. a locked database ----
if command -v sqlite3 >/dev/null; then
    post /api/memory '{"text":"a fact before the lock"}'
    expect_code 201 "a fact is added"
    # Another program holds an exclusive lock for 8 s (longer than the 3 s busy timeout).
    sqlite3 "$T/srv.db" 'BEGIN EXCLUSIVE; INSERT INTO reminders(text, due, created) VALUES ("x", 1, 1);' \
        '.shell sleep 8' 'ROLLBACK;' >/dev/null 2>&1 &
    lock_pid=$!
    sleep 0.5
    out=$(curl -s -D "$T/busy.head" -o "$T/busy" -w '%{http_code}' -H 'Content-Type: application/json' \
        --data-binary '{"text":"a fact during the lock"}' "http://127.0.0.1:$PORT/api/memory")
    code=$out body=$(cat "$T/busy")
    expect_json_error 503 database_busy "POST /api/memory on a locked database"
    check "503 says when to retry" grep -qi '^retry-after: [0-9]' "$T/busy.head"
    expect_in "$body" "locked" "the message says the database is locked"
    # The CLI on the same locked database: it says so, not "memory is off".
    run_sym memory add --db "$T/srv.db" "a fact from the CLI"
    expect_rc 1 "memory add on a locked database fails"
    expect_in "$err" "locked" "memory add says the database is locked"
    expect_not_in "$err" "memory is off" "memory add does not say memory is off"
    wait "$lock_pid"
    post /api/memory '{"text":"a fact after the lock"}'
    expect_code 201 "after the lock, adding works again"
else
    skip "locked database: the sqlite3 program is missing"
fi

# ---- 7. a client that half-closes its sending side ----
body_json='{"messages":[{"role":"user","content":"Hi"}],"max_tokens":8}'
req_text="POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${#body_json}\r\nConnection: close\r\n\r\n$body_json"
raw "$req_text" --half-close
expect_code 200 "a half-closed client gets its answer"
check "with a whole completion" jqe '.choices[0].message.content | length > 0' <<<"$body"
# Under load: its request waits in the queue behind a long generation.
curl -sN -H 'Content-Type: application/json' --data-binary \
    '{"messages":[{"role":"user","content":"Tell me a long story"}],"max_tokens":400,"stream":true}' \
    "http://127.0.0.1:$PORT/v1/chat/completions" >"$T/long.sse" 2>/dev/null &
long_pid=$!
for i in $(seq 100); do [ -s "$T/long.sse" ] && break; sleep 0.05; done
printf "$req_text" | "$RAWHTTP" "$PORT" --half-close 240 >"$T/raw" 2>/dev/null
code=$(head -n1 "$T/raw" | awk '{print $2}')
body=$(sed '1,/^\r$/d' "$T/raw")
expect_code 200 "a half-closed client queued behind a long generation gets its answer"
check "with a whole completion, not an empty reply" jqe '.choices[0].message.content | length > 0' <<<"$body"
wait "$long_pid"
check "the long generation was not disturbed" grep -q '^data: \[DONE\]' "$T/long.sse"
curl -s "http://127.0.0.1:$PORT/api/stats" >"$T/stats"
check "no generation was cancelled" jqe '[.recent[] | select(.stop == "cancelled")] | length == 0' "$T/stats"
stop_server
finish
