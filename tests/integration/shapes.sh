#!/usr/bin/env bash
# shapes.sh: one JSON shape per object. A turn printed by `symbiot ask --json` and the same turn
# answered by `POST /api/chat` (and its stream's `done` event, less `type`) have the same keys,
# recursively, with values of the same JSON types: a command turn, a chat turn on the test model,
# a chat turn where the model is asked for facts (llm_extract), a chat turn on a remote backend
# without a local model (no context in either). Likewise a fact from `symbiot memory list|search
# --json` and from `GET /api/memory`, `/api/memory/search` and `/api/memory/ID`, and the mixed
# results of a search (a fact, then a conversation's turn) from `memory search --json` and from
# `/api/memory/search`'s "results"; the export line keeps its documented form.
. "$(dirname "$0")/lib.sh"

if ! command -v curl >/dev/null || ! command -v jq >/dev/null; then
    skip "curl or jq is not installed (scripts/deps.sh installs them)"
    finish
    exit
fi

export TZ=UTC SYMBIOT_NOW=2027-06-12T09:00:00Z
fake_pid=
trap 'stop_server 2>/dev/null; [ -n "$fake_pid" ] && kill "$fake_pid" 2>/dev/null; rm -rf "$T"' EXIT
mkdir -p "$XDG_CONFIG_HOME" "$XDG_DATA_HOME"
jqe() { jq -e "$@" >/dev/null; } # jq -e without printing the result

# The shape of a JSON value: every path that does not go through an array (an array is a leaf:
# its length is data), joined with dots, and the type of the value there.
SHAPE='[paths(true) as $p | select($p | all(.[]; type == "string")) |
        {key: ($p | join(".")), value: (getpath($p) | type)}] | from_entries'

# same_shape DESCRIPTION CLI_JSON SERVER_JSON: the same keys; the same type wherever neither is null.
same_shape() {
    local a b
    a=$(jq -c "$SHAPE" <<<"$2") && b=$(jq -c "$SHAPE" <<<"$3") || {
        fail "$1: not JSON: ${2:0:200} / ${3:0:200}"
        return
    }
    if jq -en --argjson a "$a" --argjson b "$b" '($a | keys) == ($b | keys) and
        ([$a | keys[] | select($a[.] != "null" and $b[.] != "null" and $a[.] != $b[.])] == [])' \
        >/dev/null; then
        pass
    else
        fail "$1: the shapes differ: CLI $a, server $b"
    fi
}

chat() { # chat BODY: POST /api/chat; the body of the answer
    curl -s -H 'Content-Type: application/json' --data-binary "$1" "$URL/api/chat"
}
# done_event BODY: the stream's done event without its "type"
done_event() {
    curl -sN -H 'Content-Type: application/json' --data-binary "$1" "$URL/api/chat" |
        sed -n 's/^data: //p' | jq -c 'select(.type == "done") | del(.type)'
}

# ---- turns on the test model ----
OPTS=(-m "$TINY_MODEL" -c 4096 -n 8 --temp 0)
start_server "${OPTS[@]}" --db "$T/srv.db" || { finish; exit; }

cli=$("$SYMBIOT" ask "${OPTS[@]}" --db "$T/cli.db" --json "what time is it" </dev/null)
srv=$(chat '{"message":"what time is it"}')
check "a command turn in both" jqe -s 'all(.kind == "command")' <<<"$cli$srv"
same_shape "a command turn" "$cli" "$srv"
same_shape "a command turn, streamed" "$cli" "$(done_event '{"message":"what time is it","stream":true}')"
check "a command turn: conversation_id null in both" jqe -s 'all(.conversation_id == null)' \
    <<<"$cli$srv"

cli=$("$SYMBIOT" ask "${OPTS[@]}" --db "$T/cli.db" --json "Hello there" </dev/null)
srv=$(chat '{"message":"Hello there"}')
check "a chat turn: the same answer and tokens" jqe -s '.[0].kind == "chat" and
    .[0].answer == .[1].answer and .[0].tokens == .[1].tokens' <<<"$cli$srv"
check "a chat turn: context and conversation_id in both, context not 0/0" jqe -s '
    all(.context.size > 0 and .context.used > 0 and (.conversation_id | type == "number"))' \
    <<<"$cli$srv"
same_shape "a chat turn" "$cli" "$srv"
same_shape "a chat turn, streamed" "$cli" "$(done_event '{"message":"Hello there","stream":true}')"
stop_server

# ---- a turn where the model is asked for facts (a chat-template model) ----
OPTS=(-m "$CHATML_MODEL" -c 2048 -n 8 --temp 0)
start_server "${OPTS[@]}" --db "$T/srv2.db" || { finish; exit; }
cli=$("$SYMBIOT" ask "${OPTS[@]}" --db "$T/cli2.db" --json "We adopted a grey kitten called Tom" </dev/null)
srv=$(chat '{"message":"We adopted a grey kitten called Tom"}')
check "llm_extract in both" jqe -s 'length == 2 and all(.llm_extract.ms > 0)' <<<"$cli$srv"
same_shape "a chat turn with llm_extract" "$cli" "$srv"
stop_server

# ---- a remote backend, no local model: no context in either ----
"$FAKEAI" --port-file "$T/port" --log "$T/req.log" &
fake_pid=$!
for _ in $(seq 100); do [ -s "$T/port" ] && break; sleep 0.05; done
endpoint="http://127.0.0.1:$(cat "$T/port")/v1"
start_server --backend remote --endpoint "$endpoint" --db "$T/srv3.db" || { finish; exit; }
cli=$("$SYMBIOT" ask --backend remote --endpoint "$endpoint" --db "$T/cli3.db" --json "hello" </dev/null)
srv=$(chat '{"message":"hello"}')
check "remote: answered remotely, no context in either" jqe -s 'length == 2 and
    all(.backend == "remote" and (has("context") | not))' <<<"$cli$srv"
same_shape "a remote chat turn" "$cli" "$srv"
stop_server

# ---- facts: the CLI and the server over one database ----
db="$T/facts.db"
printf '%s\n' \
    '{"text":"My sister is Anna","source":"user","time":"2027-06-10T09:00:00Z","tags":["family","people"],"pinned":true}' \
    '{"text":"The dentist appointment is on Friday","time":"2027-06-11T09:00:00Z","event_time":"2027-06-18T10:00:00Z"}' \
    >"$T/in.jsonl"
run_sym memory import --db "$db" "$T/in.jsonl"
expect_rc 0 "import two facts"
printf '%s\n' '{"conversation":"c1","speaker":"Olga","text":"My sister moved to Kazan","time":"2027-06-09T09:00:00Z"}' \
    >"$T/turns.jsonl"
run_sym memory import --db "$db" --conversations "$T/turns.jsonl"
expect_rc 0 "import a conversation"
start_server --db "$db" || { finish; exit; }
run_sym memory list --db "$db" --json
cli=$out
curl -s "$URL/api/memory" >"$T/list.json"
for i in 0 1; do
    same_shape "a fact from list, #$i" "$(jq -c ".[$i]" <<<"$cli")" "$(jq -c ".facts[$i]" "$T/list.json")"
    same_shape "a fact from GET /api/memory/ID, #$i" "$(jq -c ".[$i]" <<<"$cli")" \
        "$(curl -s "$URL/api/memory/$(jq ".[$i].id" <<<"$cli")" | jq -c .fact)"
done
check "list: the same facts, the same values but the times' zone notation" jqe -ns \
    --argjson c "$cli" --slurpfile s "$T/list.json" '
    def plain: del(.time, .updated, .event_time);
    ($c | map(plain)) == ($s[0].facts | map(plain)) and ($c | length == 2) and
    ($c[1].tags == ["family", "people"]) and ($c[0].event_time | startswith("2027-06-18T10:00:00"))
    and ($c[1].event_time == null)'
run_sym memory search --db "$db" --json sister
cli=$out
srv=$(curl -s "$URL/api/memory/search?q=sister")
check "search: a score in both" jqe -s '.[0][0].score > 0 and .[1].facts[0].score > 0' <<<"$cli$srv"
same_shape "a fact from search" "$(jq -c '.[0]' <<<"$cli")" "$(jq -c '.facts[0]' <<<"$srv")"
check "search: the same results, facts and turns, in the same order" jqe -s '
    def plain: del(.time, .updated, .event_time);
    (.[0] | map(plain)) == (.[1].results | map(plain)) and (.[0] | map(.kind)) == ["fact", "turn"]' \
    <<<"$cli$srv"
same_shape "a turn from search" "$(jq -c '.[1]' <<<"$cli")" "$(jq -c '.results[1]' <<<"$srv")"
stop_server

run_sym memory export --db "$db"
check "export: the documented keys, event_time only when set, no score" jqe -s '
    (.[0] | keys_unsorted) == ["id","text","source","time","updated","tags","pinned"] and
    (.[1] | keys_unsorted) == ["id","text","source","time","updated","event_time","tags","pinned"]' \
    <<<"$out"

finish
