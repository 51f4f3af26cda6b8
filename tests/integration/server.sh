#!/usr/bin/env bash
# server.sh: `symbiot serve` on a free loopback port, driven with curl: completions (plain and
# streamed, exact SSE framing, usage), the same greedy answer as `symbiot ask --temp 0`, /api/chat
# (a module command, chat turns with streaming, KV reuse when a conversation goes on), memory,
# reminders, conversations and feedback round trips, every error status, oversize bodies, headers
# and URLs, the API key,
# a full queue (503), a client that disconnects mid-stream (its generation stops at once),
# /metrics as Prometheus text, concurrent clients, the loopback default and the loud warning.
. "$(dirname "$0")/lib.sh"

if ! command -v curl >/dev/null; then
    skip "curl is not installed (scripts/deps.sh installs it)"
    finish
    exit
fi

export TZ=UTC SYMBIOT_NOW=2027-06-12T09:00:00Z
SYSTEM="You are Symbiot, a helpful assistant running privately on the user's own computer. Answer clearly and briefly, in the language of the question."
CTX=8192
srv_pid=
trap 'stop_server 2>/dev/null; [ -n "${KEEP:-}" ] || rm -rf "$T"' EXIT

auth=()
# req METHOD PATH [BODY [CURL ARGS...]]: sets $code and $body (JSON bodies as application/json).
req() {
    local m=$1 p=$2 d=${3-} out
    shift $(($# < 3 ? $# : 3))
    if [ -n "$d" ]; then
        out=$(curl -s -w '\n%{http_code}' -X "$m" -H 'Content-Type: application/json' \
            "${auth[@]}" --data-binary "$d" "$@" "$URL$p")
    else
        out=$(curl -s -w '\n%{http_code}' -X "$m" "${auth[@]}" "$@" "$URL$p")
    fi
    code=${out##*$'\n'}
    body=${out%$'\n'*}
}

expect_code() { # expect_code WANT DESCRIPTION
    if [ "$code" = "$1" ]; then pass; else fail "$2: HTTP $code, expected $1 (body: ${body:0:300})"; fi
}

# expect_error STATUS CODE DESCRIPTION: an OpenAI-style error object with that status and code.
expect_error() {
    expect_code "$1" "$3"
    check "$3: an error object with code $2" jqe --arg c "$2" \
        '.error.message != "" and (.error.type | type == "string") and .error.code == $c' <<<"$body"
}

# json_msgs TEXT: the messages array of a system prompt and one user message.
json_msgs() { jq -nc --arg s "$SYSTEM" --arg u "$1" '[{role:"system",content:$s},{role:"user",content:$u}]'; }

# sse_ok FILE: every event is one `data: ` line and a blank line; the stream ends with [DONE].
sse_ok() {
    awk 'NR % 2 == 1 && !/^data: / { bad = 1 } NR % 2 == 0 && $0 != "" { bad = 1 }
         { last = $0; if (NR % 2 == 1) lastdata = $0 }
         END { exit !(bad == 0 && NR % 2 == 0 && NR >= 4 && lastdata == "data: [DONE]") }' "$1" &&
        [ "$(tail -c 2 "$1" | od -An -c | tr -d ' ')" = '\n\n' ]
}

jqe() { jq -e "$@" >/dev/null; }

# metric NAME{LABELS}: the value of one sample in $T/metrics.
metric() { awk -v k="$1" '$1 == k { print $2 }' "$T/metrics"; }

ask() { # ask TEXT: `symbiot ask --temp 0` on the same model and settings, in a database of its own
    "$SYMBIOT" ask -m "$TINY_MODEL" -c $CTX -n 16 --temp 0 --db "$T/ask.db" --json "$1" </dev/null
}

# ---- a server on the default host, tiny queue, one slot (as before --parallel) ----
start_server -m "$TINY_MODEL" -c $CTX -n 16 --temp 0 --db "$T/srv.db" --queue 1 --parallel 1 -v || { finish; exit; }
check "it says where it listens: 127.0.0.1" grep -q "^symbiot: listening on http://127.0.0.1:$PORT\$" "$T/srv.out"
hexport=$(printf '%04X' "$PORT")
check "bound to loopback only (/proc/net/tcp)" \
    awk -v p=":$hexport" '$2 ~ p"$" && $4 == "0A" { n++; if ($2 != "0100007F" p) bad = 1 }
                          END { exit !(n == 1 && !bad) }' /proc/net/tcp
expect_not_in "$(cat "$T/srv.err")" "WARNING" "no warning on loopback"

req GET /health
expect_code 200 "/health"
check "/health names the model" jqe '.status == "ok" and .model == "tiny-spm.gguf" and
    .queue.capacity == 1 and .busy == false' <<<"$body"
req GET /v1/models
check "/v1/models lists the model" jqe '.object == "list" and .data[0].id == "tiny-spm.gguf"
    and .data[0].object == "model"' <<<"$body"
req GET /
expect_code 200 "the page at /"
expect_in "$body" "Symbiot" "the page is served"
curl -s -D "$T/page.head" -o /dev/null "$URL/"
check "the page: a strict Content-Security-Policy (scripts only from the page's files)" \
    grep -qi "^content-security-policy: default-src 'self';" "$T/page.head"
check "the page has no inline script" bash -c "! grep -Eiq '<script>|<script [^>]*>[^<]' <<<\"\$1\"" _ "$body"
curl -s -D "$T/js.head" -o "$T/app.js" "$URL/app.js"
check "its script is served as JavaScript" bash -c "grep -qi '^content-type: text/javascript' '$T/js.head' &&
    grep -q 'api/chat' '$T/app.js'"
for p in /../../../etc/passwd /%2e%2e/%2e%2e/etc/passwd /..%2f..%2fetc%2fpasswd //etc/passwd /web/index.html; do
    req GET "$p" "" --path-as-is
    check "no file outside the page's own: $p is 404" [ "$code" = 404 ]
done

# ---- completions: the same greedy answer as the CLI ----
want=$(ask "Hello there")
req POST /v1/chat/completions "{\"messages\":$(json_msgs "Hello there"),\"temperature\":0}"
expect_code 200 "a completion"
answer=$(jq -r '.choices[0].message.content' <<<"$body")
check "greedy answer equals symbiot ask --temp 0" [ "$answer" = "$(jq -r .answer <<<"$want")" ]
check "a non-empty answer" [ -n "$answer" ]
check "OpenAI response shape" jqe '.object == "chat.completion" and (.id | startswith("chatcmpl-"))
    and .model == "tiny-spm.gguf" and .choices[0].message.role == "assistant"
    and .choices[0].index == 0 and (.created | type == "number")' <<<"$body"
check "usage equals the CLI's token counts" jqe --argjson w "$want" '
    .usage.prompt_tokens == $w.tokens.prompt and .usage.completion_tokens == $w.tokens.generated
    and .usage.total_tokens == .usage.prompt_tokens + .usage.completion_tokens' <<<"$body"
check "cut at max_tokens: finish_reason length" jqe '.usage.completion_tokens == 16 and
    .choices[0].finish_reason == "length"' <<<"$body"
usage=$(jq -c .usage <<<"$body")

req POST /v1/chat/completions "{\"messages\":$(json_msgs "Hello there"),\"temperature\":0,\"max_tokens\":3}"
check "max_tokens is honoured" jqe '.usage.completion_tokens == 3' <<<"$body"

curl -sN -H 'Content-Type: application/json' --data-binary \
    "{\"messages\":$(json_msgs "Hello there"),\"temperature\":0,\"stream\":true,\"stream_options\":{\"include_usage\":true}}" \
    -D "$T/sse.head" "$URL/v1/chat/completions" >"$T/sse"
check "stream: text/event-stream" grep -qi '^content-type: text/event-stream' "$T/sse.head"
check "stream: exact SSE framing, data: [DONE] last" sse_ok "$T/sse"
grep '^data: {' "$T/sse" | sed 's/^data: //' >"$T/chunks"
check "stream: chunks concatenate to the same answer" \
    [ "$(jq -j '.choices[0].delta.content // empty' "$T/chunks")" = "$answer" ]
check "stream: first chunk carries the role, every chunk the same id" jqe -s '
    (.[0].choices[0].delta.role == "assistant") and (map(.id) | unique | length == 1) and
    (map(.object) | unique == ["chat.completion.chunk"])' "$T/chunks"
check "stream: finish_reason in the last choice chunk, then usage with empty choices" jqe -s --argjson u "$usage" '
    (.[-2].choices[0].finish_reason == "length") and (.[-1].choices == []) and (.[-1].usage == $u)
    and (.[:-2] | all(.choices[0].finish_reason == null))' "$T/chunks"
curl -sN -H 'Content-Type: application/json' --data-binary \
    "{\"messages\":$(json_msgs "Hello there"),\"temperature\":0,\"stream\":true}" "$URL/v1/chat/completions" >"$T/sse2"
check "stream without include_usage: no usage chunk" \
    bash -c "! grep -q usage '$T/sse2' && grep -qx 'data: \[DONE\]' '$T/sse2'"

req POST /v1/chat/completions "{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"Hi\"}]}],\"stop\":[\"a\",\"e\"],\"seed\":7,\"top_p\":0.5,\"temperature\":0.8}"
expect_code 200 "content parts, stop, seed, top_p"
check "no stop string in the answer" jqe '.choices[0].message.content | test("[ae]") | not' <<<"$body"

# ---- the assistant: /api/chat ----
req POST /api/chat '{"message":"what time is it"}'
expect_code 200 "/api/chat command"
check "a module answers without the model" jqe '.kind == "command" and
    .answer == "It is 09:00 (Saturday, 12 June)." and .conversation_id == null' <<<"$body"
req POST /api/chat '{"message":"Hello there"}'
check "/api/chat equals symbiot ask too" jqe --argjson w "$want" '.kind == "chat" and
    .answer == $w.answer and .tokens.prompt == $w.tokens.prompt and (.conversation_id | type == "number")' <<<"$body"

curl -sN -H 'Content-Type: application/json' --data-binary '{"message":"My name is Ann","stream":true}' \
    "$URL/api/chat" >"$T/chat.sse"
check "/api/chat stream: SSE framing" awk 'NR % 2 == 1 && !/^data: \{/ { exit 1 } NR % 2 == 0 && $0 != "" { exit 1 }' "$T/chat.sse"
sed 's/^data: //;/^$/d' "$T/chat.sse" >"$T/chat.ev"
check "/api/chat stream: a notice, text events, done last with the whole answer" jqe -s '
    (.[0] == {type: "notice", text: "remembered: My name is Ann"}) and (.[-1].type == "done") and
    ([.[] | select(.type == "text") | .text] | join("")) == .[-1].answer and
    (.[-1].notices == ["remembered: My name is Ann"]) and (.[-1].kind == "chat") and
    (.[:-1] | all(.type == "text" or .type == "notice"))' "$T/chat.ev"
conv=$(jq -s '.[-1].conversation_id' "$T/chat.ev")
first=$(jq -s '.[-1].tokens' "$T/chat.ev")
req POST /api/chat "{\"message\":\"What is my name?\",\"conversation_id\":$conv}"
expect_code 200 "/api/chat goes on with a conversation"
check "the same conversation, its prompt from the KV cache" jqe --argjson c "$conv" --argjson f "$first" '
    .conversation_id == $c and .tokens.prompt > $f.prompt and .tokens.cached >= $f.prompt - 1 and
    .tokens.evaluated < .tokens.prompt - $f.prompt + 2 and .recalled == [1]' <<<"$body"
req POST /api/chat '{"message":"Hi","conversation_id":999}'
expect_error 404 not_found "/api/chat with an unknown conversation"

req GET /api/conversations
check "conversations lists both, newest first" jqe --argjson c "$conv" '
    (.conversations | length == 2) and .conversations[0].id == $c and .conversations[0].turns == 4
    and .conversations[0].title == "My name is Ann"' <<<"$body"
req GET "/api/conversations/$conv"
check "a conversation's messages" jqe '[.messages[].role] == ["user","assistant","user","assistant"]
    and .messages[2].text == "What is my name?" and (.messages[0].time | endswith("Z"))' <<<"$body"

# ---- memory ----
req GET /api/memory
check "the fact from the chat is in memory" jqe '.total == 1 and .facts[0].text == "My name is Ann"
    and .facts[0].source == "conversation"' <<<"$body"
req POST /api/memory '{"text":"My sister is Anna","tags":["family"]}'
expect_code 201 "memory create"
fid=$(jq .fact.id <<<"$body")
check "the created fact" jqe '.existed == false and .fact.text == "My sister is Anna" and
    .fact.tags == ["family"] and .fact.pinned == false and .fact.time == "2027-06-12T09:00:00Z"
    and .fact.event_time == null' <<<"$body"
req POST /api/memory '{"text":"my sister is anna"}'
expect_code 200 "the same fact again"
check "already known, same id" jqe --argjson id "$fid" '.existed == true and .fact.id == $id' <<<"$body"
req GET "/api/memory/search?q=sister&k=5"
check "search finds it with a score" jqe --argjson id "$fid" '.facts[0].id == $id and .facts[0].score > 0' <<<"$body"
check "a search's results: the fact, with its kind" jqe --argjson id "$fid" '
    .results[0].kind == "fact" and .results[0].id == $id and .turns == []' <<<"$body"
# The conversations' turns are searched too, as `memory search` does, and kind= filters them.
req GET "/api/memory/search?q=name&k=10"
check "search finds the fact and the chat's turns" jqe --argjson c "$conv" '
    (.results | map(.kind) | index("fact")) != null and
    ([.results[] | select(.kind == "turn" and .text == "What is my name?" and .role == "user"
      and .conversation == $c and .conversation_title == "My name is Ann")] | length == 1) and
    (.facts | all(.kind == "fact")) and (.turns | length > 0 and all(.kind == "turn" and .score > 0))
    and (.results | length) <= 10' <<<"$body"
req GET "/api/memory/search?q=name&kind=turn"
check "kind=turn: turns only" jqe '.facts == [] and (.results | length > 0 and all(.kind == "turn"))' <<<"$body"
req GET "/api/memory/search?q=name&kind=fact"
check "kind=fact: facts only" jqe '.turns == [] and (.results | length > 0 and all(.kind == "fact"))' <<<"$body"
req GET "/api/memory/search?q=name&kind=turns"
expect_error 400 invalid_value "an unknown kind"
req PATCH "/api/memory/$fid" '{"text":"My sister is Maria","pinned":true}'
expect_code 200 "memory edit"
check "edited and pinned" jqe '.fact.text == "My sister is Maria" and .fact.pinned == true' <<<"$body"
req GET "/api/memory/$fid"
check "the old text is in the history" jqe '.history == [{"text":"My sister is Anna","time":"2027-06-12T09:00:00Z"}]' <<<"$body"
req GET "/api/memory?limit=1"
check "list with limit, total" jqe '(.facts | length == 1) and .total == 2' <<<"$body"
req DELETE "/api/memory/$fid"
check "memory delete" jqe --argjson id "$fid" '.id == $id and .deleted == true' <<<"$body"
req GET "/api/memory/$fid"
expect_error 404 not_found "a deleted fact"
req DELETE "/api/memory/$fid"
expect_error 404 not_found "deleting it again"
req PATCH /api/memory/1 '{}'
expect_error 400 missing_field "an edit with nothing to change"
req POST /api/memory '{"text":"  "}'
expect_error 400 invalid_value "a fact without words"
req POST /api/memory '{"text":"x","tags":"family"}'
expect_error 400 invalid_type "tags that are not an array"

# ---- reminders ----
req POST /api/reminders '{"text":"check the oven","due":"2027-06-12T12:30:00+03:00"}'
expect_code 201 "reminder create"
rid=$(jq .reminder.id <<<"$body")
check "the reminder, due in UTC" jqe '.reminder.due == "2027-06-12T09:30:00Z" and
    .reminder.status == "pending" and .reminder.text == "check the oven"' <<<"$body"
req GET /api/reminders
check "reminders lists it" jqe --argjson id "$rid" '.reminders | map(.id) == [$id]' <<<"$body"
req POST /api/reminders '{"text":"too late","due":"2020-01-01T00:00:00Z"}'
expect_error 400 invalid_value "a reminder in the past"
req POST /api/reminders '{"text":"when?","due":"tomorrow"}'
expect_error 400 invalid_value "a due time that is not ISO 8601"
req POST /api/reminders/due '{}'
check "nothing is due yet" jqe '.reminders == []' <<<"$body"
req POST /api/reminders "{\"text\":\"call Mum\",\"due\":$(date -d 2027-06-12T10:00:00Z +%s)}"
expect_code 201 "a reminder by epoch seconds"
req DELETE "/api/reminders/$rid"
check "reminder cancel" jqe '.cancelled == true' <<<"$body"
req DELETE "/api/reminders/$rid"
expect_error 404 not_found "cancelling it again"

# ---- errors ----
req POST /v1/chat/completions '{"messages": [ {"role": "user", "content": "Hi"} '
expect_error 400 invalid_json "malformed JSON"
req POST /v1/chat/completions '[1,2]'
expect_error 400 invalid_json "JSON that is not an object"
req POST /api/memory '{"text":"a fact"} and junk'
expect_error 400 invalid_json "a body with junk after its object"
# Header and URL limits (libmicrohttpd's 32 KiB per-connection pool): refused, the server goes on.
req GET /health "" -H "X-Big: $(head -c 65536 /dev/zero | tr '\0' a)"
expect_code 431 "a 64 KiB header"
many=()
for i in $(seq 1 2000); do many+=(-H "X-H$i: v"); done
req GET /health "" "${many[@]}"
expect_code 431 "2,000 headers"
req GET "/health?$(head -c 40000 /dev/zero | tr '\0' b)"
expect_code 414 "a 40 KB URL"
req GET /health
expect_code 200 "the server answers after oversized headers"
req POST /v1/chat/completions '{"model":"x"}'
expect_error 400 missing_field "no messages"
check "the missing field is named" jqe '.error.param == "messages"' <<<"$body"
req POST /v1/chat/completions '{"messages":"Hi"}'
expect_error 400 invalid_type "messages of the wrong type"
req POST /v1/chat/completions '{"messages":[]}'
expect_error 400 invalid_value "empty messages"
req POST /v1/chat/completions '{"messages":[{"role":"wizard","content":"Hi"}]}'
expect_error 400 invalid_value "an unknown role"
req POST /v1/chat/completions '{"messages":[{"role":"user","content":"Hi"}],"temperature":"hot"}'
expect_error 400 invalid_type "temperature of the wrong type"
check "param names the field" jqe '.error.param == "temperature"' <<<"$body"
req POST /v1/chat/completions '{"messages":[{"role":"user","content":"Hi"}],"max_tokens":0}'
expect_error 400 invalid_value "max_tokens 0"
req POST /v1/chat/completions '{"messages":[{"role":"user","content":"Hi"}],"n":2}'
expect_error 400 invalid_value "n 2"
req POST /v1/chat/completions '{"messages":[{"role":"user","content":"Hi"}],"stream":"yes"}'
expect_error 400 invalid_type "stream of the wrong type"
req POST /api/chat '{"message":42}'
expect_error 400 invalid_type "/api/chat message of the wrong type"
req POST /api/chat '{}'
expect_error 400 missing_field "/api/chat without a message"
out=$(curl -s -w '\n%{http_code}' -H 'Content-Type: text/plain' --data-binary '{"messages":[]}' \
    "$URL/v1/chat/completions")
code=${out##*$'\n'}
body=${out%$'\n'*}
expect_error 400 unsupported_media_type "a body that is not JSON"
req GET /v1/nothing
expect_error 404 not_found "an unknown route"
req GET /v1/chat/completions
expect_error 405 method_not_allowed "the wrong method"
req POST /v1/embeddings '{"input":"hi"}'
expect_error 404 not_found "embeddings without --embed-model"
req GET /api/memory '' -H 'Host: evil.example.com'
expect_error 403 forbidden_host "a foreign Host without a key (DNS rebinding)"
req GET /api/memory '' -H 'Host: localhost:1234'
expect_code 200 "Host: localhost is fine"
long=$(head -c 60000 /dev/zero | tr '\0' 'a' | sed 's/a\{6\}/hello /g')
jq -nc --arg c "$long" '{messages:[{role:"user",content:$c}]}' >"$T/long.json"
req POST /v1/chat/completions "$(cat "$T/long.json")"
expect_error 400 context_length_exceeded "a prompt longer than the context"
head -c $((5 << 20)) /dev/zero | tr '\0' ' ' >"$T/big"
req POST /v1/chat/completions "@$T/big"
expect_error 413 body_too_large "a 5 MiB body"
out=$(curl -s -w '\n%{http_code}' -H 'Content-Type: application/json' -H 'Transfer-Encoding: chunked' \
    --data-binary "@$T/big" "$URL/v1/chat/completions")
code=${out##*$'\n'}
body=${out%$'\n'*}
expect_error 413 body_too_large "a 5 MiB chunked body"
req GET /health
expect_code 200 "the server is still fine after all that"

# ---- a full queue, and a client that goes away mid-stream ----
curl -sN -H 'Content-Type: application/json' --data-binary \
    "{\"messages\":$(json_msgs "Tell me a long story"),\"max_tokens\":8000,\"stream\":true}" \
    "$URL/v1/chat/completions" >"$T/long.sse" 2>/dev/null &
long_pid=$!
wait_health() { # wait_health JQ-CONDITION: poll /health until it holds (10 s)
    local i
    for i in $(seq 1 200); do
        curl -s "$URL/health" | jq -e "$1" >/dev/null && return 0
        sleep 0.05
    done
    return 1
}
check "the long generation is running" wait_health '.busy'
check "it streams" bash -c "for i in \$(seq 100); do [ -s '$T/long.sse' ] && exit 0; sleep 0.05; done; exit 1"
curl -s -w '\n%{http_code}' -H 'Content-Type: application/json' \
    --data-binary '{"messages":[{"role":"user","content":"Hi"}],"max_tokens":4}' \
    "$URL/v1/chat/completions" >"$T/queued" &
queued_pid=$!
check "the second request waits in the queue" wait_health '.queue.waiting == 1'
t0=$(date +%s%N)
req POST /v1/chat/completions '{"messages":[{"role":"user","content":"Hi"}],"max_tokens":4}'
t1=$(date +%s%N)
expect_error 503 queue_full "a third request while the queue is full"
check "the 503 comes at once (under a second)" [ $(((t1 - t0) / 1000000)) -lt 1000 ]
kill "$long_pid"
t0=$(date +%s%N)
wait "$long_pid" 2>/dev/null
cancelled='[.recent[] | select(.stop == "cancelled")]'
for i in $(seq 1 200); do
    req GET /api/stats
    jqe "$cancelled | length == 1" <<<"$body" && break
    sleep 0.02
done
t1=$(date +%s%N)
stopped_ms=$(((t1 - t0) / 1000000))
received=$(grep -c '^data: {' "$T/long.sse")
generated=$(jq "$cancelled[0].generated_tokens" <<<"$body")
echo "disconnect: the generation stopped ${stopped_ms} ms after the client left, after $generated tokens ($received received)"
check "the abandoned generation is recorded as cancelled" jqe "$cancelled | length == 1" <<<"$body"
check "it stopped within 3 s of the disconnect (${stopped_ms} ms)" [ "$stopped_ms" -lt 3000 ]
check "it stopped long before its 8000 tokens ($generated)" [ "$generated" -lt 4000 ]
check "at most 200 tokens were made after the client left ($generated made, $received received)" \
    [ $((generated - received)) -lt 200 ]
wait "$queued_pid"
check "then the queued request got its answer" [ "$(tail -n1 "$T/queued")" = 200 ]
check "the log says the client went away" grep -q "client went away" "$T/srv.err"

# ---- metrics ----
curl -s "$URL/metrics" -D "$T/metrics.head" >"$T/metrics"
check "metrics: Prometheus content type" grep -qi '^content-type: text/plain; version=0.0.4' "$T/metrics.head"
check "metrics: every line is a comment or a sample" bash -c "! grep -Ev '^(# (HELP|TYPE) [a-z_]+ .+|[a-z_]+(\{[a-z_]+=\"[^\"]*\"(,[a-z_]+=\"[^\"]*\")*\})? -?[0-9.]+(e[+-]?[0-9]+)?)\$' '$T/metrics'"
check "metrics: every sample has a TYPE" bash -c "
    for n in \$(grep -v '^#' '$T/metrics' | sed 's/[{ ].*//;s/_\(bucket\|sum\|count\)\$//' | sort -u); do
        grep -q \"^# TYPE \$n \" '$T/metrics' || exit 1; done"
check "metrics: completions counted by route and status" \
    [ "$(metric 'symbiot_http_requests_total{route="/v1/chat/completions",status="200"}')" -ge 5 ]
check "metrics: 503 and 413 counted" bash -c "[ '$(metric 'symbiot_http_requests_total{route="/v1/chat/completions",status="503"}')' = 1 ] &&
    [ '$(metric 'symbiot_http_requests_total{route="/v1/chat/completions",status="413"}')' = 2 ]"
check "metrics: tokens" bash -c "[ '$(metric symbiot_tokens_generated_total)' -gt 50 ] &&
    [ '$(metric symbiot_tokens_evaluated_total)' -lt '$(metric symbiot_tokens_prompt_total)' ]"
check "metrics: a cancelled generation and a rejected request" bash -c "
    [ '$(metric 'symbiot_generations_total{stop="cancelled"}')' = 1 ] && [ '$(metric symbiot_queue_rejected_total)' = 1 ]"
check "metrics: histograms" bash -c "[ '$(metric symbiot_time_to_first_token_seconds_count)' -ge 5 ] &&
    [ '$(metric 'symbiot_time_to_first_token_seconds_bucket{le="+Inf"}')' = '$(metric symbiot_time_to_first_token_seconds_count)' ]"
check "metrics: gauges" bash -c "[ '$(metric symbiot_facts)' = 1 ] && [ '$(metric symbiot_queue_capacity)' = 1 ] &&
    [ '$(metric symbiot_kv_cache_size_tokens)' = $CTX ] && [ '$(metric symbiot_kv_cache_used_tokens)' -gt 0 ] &&
    [ '$(metric symbiot_worker_busy)' = 0 ] && [ '$(metric symbiot_queue_waiting)' = 0 ]"

# ---- feedback: the page's thumbs and corrections, as /good /bad /correct store them ----
req POST /api/chat '{"message":"Hello there"}'
fconv=$(jq .conversation_id <<<"$body")
req POST /api/feedback "{\"conversation_id\":$fconv,\"rating\":1}"
expect_code 201 "feedback: a good rating"
check "feedback: the good rating's object" jqe --argjson c "$fconv" '.feedback.rating == 1 and
    .feedback.conversation_id == $c and (.feedback.turn_id | type == "number") and
    .feedback.reason == null and .feedback.correction == null and .feedback.fact_id == null and
    .feedback.preference == null' <<<"$body"
req POST /api/feedback "{\"conversation_id\":$fconv,\"rating\":-1,\"reason\":\"too long\"}"
expect_code 201 "feedback: a bad rating with a reason"
check "feedback: a reason naming a preference keeps it, as /bad does" jqe '.feedback.rating == -1
    and .feedback.reason == "too long" and .feedback.preference == "Keep answers short."' <<<"$body"
req POST /api/feedback "{\"conversation_id\":$fconv,\"rating\":-1,\"reason\":\"слишком длинно\"}"
check "feedback: the preference worded in the reason's language" jqe '
    .feedback.preference == "Отвечай коротко."' <<<"$body"
req POST /api/feedback "{\"conversation_id\":$fconv,\"rating\":0,\"correction\":\"The capital of Australia is Canberra\"}"
expect_code 201 "feedback: a correction"
cfact=$(jq .feedback.fact_id <<<"$body")
req GET "/api/memory/$cfact"
check "feedback: the correction became a fact tagged correction" jqe '
    .fact.text == "The capital of Australia is Canberra" and .fact.tags == ["correction"] and
    .fact.source == "feedback"' <<<"$body"
run_sym feedback export --db "$T/srv.db"
check "feedback: export has the four ratings of that answer" jq -se '
    map(select(.prompt == "Hello there")) | map(.rating) == [1, -1, -1, 0] and
    .[-1].correction == "The capital of Australia is Canberra" and .[-1].answer != ""' <<<"$out"
req POST /api/feedback "{\"conversation_id\":$fconv,\"rating\":1}"
run_sym feedback export --db "$T/srv.db"
check "a rating stored after another process used the database is kept (its WAL too)" jq -se '
    map(select(.prompt == "Hello there")) | map(.rating) == [1, -1, -1, 0, 1]' <<<"$out"
req POST /api/feedback '{"conversation_id":999999,"rating":1}'
expect_error 404 not_found "feedback on an unknown conversation"
req POST /api/feedback '{"rating":1}'
expect_error 400 missing_field "feedback without conversation_id"
req POST /api/feedback "{\"conversation_id\":$fconv}"
expect_error 400 missing_field "feedback without rating"
req POST /api/feedback "{\"conversation_id\":$fconv,\"rating\":2}"
expect_error 400 invalid_value "a rating of 2"
req POST /api/feedback "{\"conversation_id\":$fconv,\"rating\":\"good\"}"
expect_error 400 invalid_type "a rating that is not a number"
req POST /api/feedback "{\"conversation_id\":$fconv,\"rating\":0}"
expect_error 400 invalid_value "a rating of 0 without a correction"
req POST /api/feedback "{\"conversation_id\":$fconv,\"rating\":0,\"correction\":\"  \"}"
expect_error 400 invalid_value "an empty correction"

# The history chart: `symbiot stats --plot`'s SVG of the chat turns recorded in the database.
curl -s -D "$T/chart.h" -o "$T/chart.svg" "${auth[@]}" "$URL/api/stats/chart.svg?limit=3"
check "the history chart is SVG" grep -qi '^content-type: image/svg+xml' "$T/chart.h"
check "with the last 3 turns (two panels)" [ "$(grep -o '<circle' "$T/chart.svg" | wc -l)" -eq 6 ]
check "its labels in English by default" grep -q '>Generation speed (tokens/s)<' "$T/chart.svg"
curl -s -o "$T/chart-ru.svg" "${auth[@]}" "$URL/api/stats/chart.svg?limit=3&lang=ru"
check "with lang=ru, the labels are Russian" grep -q '>Скорость генерации (токенов/с)<' "$T/chart-ru.svg"
check "and no English label is left" bash -c '! grep -Eq "Generation|first token|turns?<" "$1"' _ \
    "$T/chart-ru.svg"
req GET "/api/stats/chart.svg?limit=x"
expect_error 400 invalid_value "a chart limit that is not a number"
req GET "/api/stats/chart.svg?lang=de"
expect_error 400 invalid_value "a chart language other than en or ru"
check "the error names the lang parameter" jqe '.error.param == "lang"' <<<"$body"

stop_server
check "SIGTERM stops the server with status 0" [ "$srv_rc" -eq 0 ]

# ---- an API key; the reminders that fell due; concurrent clients ----
printf 's3cret-key\n' >"$T/key"
SYMBIOT_NOW=2027-06-12T11:00:00Z start_server -m "$TINY_MODEL" -c 2048 -n 8 --temp 0 \
    --db "$T/srv.db" --api-key-file "$T/key" || { finish; exit; }
req GET /api/memory
expect_error 401 invalid_api_key "no key"
req GET /api/memory '' -H 'Authorization: Bearer wrong-key!'
expect_error 401 invalid_api_key "a wrong key"
req GET /metrics '' -H 'Authorization: Bearer s3cret-ke'
expect_error 401 invalid_api_key "a key that is a prefix of the right one"
req GET /health
expect_code 200 "/health needs no key"
req GET /
expect_code 200 "the page needs no key"
auth=(-H 'Authorization: Bearer s3cret-key')
req GET /api/memory
expect_code 200 "the right key"
req GET /api/memory '' -H 'Host: evil.example.com'
expect_code 200 "with a key, any Host"
req POST /api/reminders/due '{}'
check "the reminder that fell due is handed out" jqe '[.reminders[].text] == ["call Mum"]' <<<"$body"
req POST /api/reminders/due '{}'
check "... once" jqe '.reminders == []' <<<"$body"

pids=()
for i in 1 2 3 4 5 6 7 8; do
    curl -s "${auth[@]}" -H 'Content-Type: application/json' \
        --data-binary '{"messages":[{"role":"user","content":"Good morning"}],"temperature":0}' \
        "$URL/v1/chat/completions" >"$T/c$i" &
    pids+=($!)
done
wait "${pids[@]}"
check "8 concurrent clients all get the same complete answer" bash -c "
    for i in 1 2 3 4 5 6 7 8; do jq -r '.choices[0].message.content' '$T/c'\$i; done | sort -u | wc -l | grep -qx 1 &&
    jq -e '.usage.completion_tokens == 8' '$T'/c[1-8] >/dev/null"
stop_server
auth=()

# ---- bound to every address without a key: the loud warning ----
start_server --host 0.0.0.0 --db "$T/srv.db" --embed-model "$TINY_MODEL" || { finish; exit; }
expect_in "$(cat "$T/srv.err")" "WARNING: listening on 0.0.0.0 port $PORT WITHOUT AN API KEY" "the loud warning"
req POST /v1/chat/completions '{"messages":[{"role":"user","content":"Hi"}]}'
expect_error 503 no_model "a completion without a model"
req POST /api/chat '{"message":"what time is it"}'
check "commands work without a model" jqe '.kind == "command"' <<<"$body"
req POST /v1/embeddings '{"input":["my dog Rex","the weather"],"model":"any"}'
expect_code 200 "embeddings with --embed-model"
check "two unit vectors of one dimension" jqe '.object == "list" and .model == "tiny-spm.gguf" and
    (.data | length == 2) and .data[1].index == 1 and (.data[0].embedding | length) > 0 and
    (.data[0].embedding | length) == (.data[1].embedding | length) and
    ([.data[0].embedding[] | . * .] | add | . > 0.999 and . < 1.001)' <<<"$body"
dim=$(jq '.data[0].embedding | length' <<<"$body")
both=$(jq '.usage.prompt_tokens' <<<"$body")
check "usage counts the tokens embedded" jqe '.usage.prompt_tokens > 0 and
    .usage.total_tokens == .usage.prompt_tokens' <<<"$body"
req POST /v1/embeddings '{"input":"my dog Rex"}'
one=$(jq '.usage.prompt_tokens' <<<"$body")
req POST /v1/embeddings '{"input":"the weather"}'
two=$(jq '.usage.prompt_tokens' <<<"$body")
check "two inputs' usage is the sum of each one's ($both = $one + $two)" \
    test "$both" -eq $((one + two)) -a "$one" -gt 0 -a "$two" -gt 0
req POST /v1/embeddings '{"input":"my dog Rex","encoding_format":"base64"}'
check "base64: dim float32 values" [ "$(jq -r '.data[0].embedding' <<<"$body" | base64 -d | wc -c)" = $((dim * 4)) ]
req POST /v1/embeddings '{"input":[]}'
expect_error 400 invalid_value "embeddings of nothing"
stop_server

run_sym serve --port 99999
expect_rc 2 "a port out of range is a usage error"
run_sym serve --api-key a --api-key-file b
expect_rc 2 "--api-key and --api-key-file together"
run_sym ask --port 1 hi
expect_rc 2 "--port is for serve"
finish
