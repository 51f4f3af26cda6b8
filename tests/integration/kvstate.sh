#!/usr/bin/env bash
# kvstate.sh: the KV state kept on disk (src/llm/kvstate.c) and a turn that does not pay again
# for the previous answer (llm.c's resync). Greedy answers on the tiny random-weight models:
# - a piped conversation reuses all that the previous turn left in the KV cache (fallback and
#   ChatML templates);
# - `chat --resume` after a restart loads the conversation's state: it evaluates only the new
#   tokens, and its answer is the one the same turn gets without the restart;
# - state files are 0600 in a 0700 directory; a damaged, truncated, renamed or other-model file
#   is refused and deleted (the turn is then cold, and its answer a cold run's); a save killed
#   with SIGKILL leaves nothing that is trusted later;
# - `conversations rm` deletes the conversation's state; kv-cache-size = 0 saves nothing, a small
#   cap keeps the most recently used;
# - `ask` starts warm from its system message's state, with the same answer;
# - `symbiot serve`: /api/chat saves the state of a conversation it leaves, resumes it after a
#   restart evaluating only the new tokens; DELETE /api/conversations/ID deletes the state.
. "$(dirname "$0")/lib.sh"
jqe() { jq -e "$@" >/dev/null; }

kv="$HOME/.cache/symbiot/kv"
opts=(--temp 0 -n 8 --no-extract --no-llm-extract --json)

# turns MODEL DB [ARGS...] < messages: one JSON object per turn in $T/turns
turns() {
    local model=$1 db=$2
    shift 2
    "$SYMBIOT" chat -m "$model" "${opts[@]}" --db "$db" "$@" >"$T/turns" 2>"$T/err"
    rc=$?
    err=$(cat "$T/err")
}
# field N EXPR: jq EXPR of the Nth turn (0-based) in $T/turns
field() { jq -rs ".[$1]$2" "$T/turns"; }

# --- a turn never pays again for the previous answer -----------------------------------------
for model in "$TINY_MODEL" "$CHATML_MODEL"; do
    name=$(basename "$model")
    turns "$model" "$T/warm-$name.db" < <(printf 'hello there\nwhat is up\ntell me more\nand then what\n')
    expect_rc 0 "four piped turns ($name)"
    check "four turns ($name)" test "$(jq -s length "$T/turns")" = 4
    for k in 2 3; do
        prev_prompt=$(field $((k - 1)) .tokens.prompt)
        prev_gen=$(field $((k - 1)) .tokens.generated)
        cached=$(field $k .tokens.cached)
        evaluated=$(field $k .tokens.evaluated)
        prompt=$(field $k .tokens.prompt)
        # The previous turn left its prompt and all but its last sampled token in the cache.
        check "turn $((k + 1)) reuses the previous answer ($name: cached $cached, want >= $((prev_prompt + prev_gen - 1)))" \
            test "$cached" -ge $((prev_prompt + prev_gen - 1))
        check "turn $((k + 1)) evaluates only the rest ($name)" test "$evaluated" -eq $((prompt - cached))
    done
done

# --- resume after a restart --------------------------------------------------------------------
# The reference: three turns in one process.
turns "$TINY_MODEL" "$T/ref.db" < <(printf 'hello there\nwhat is up\ntell me more\n')
expect_rc 0 "three turns in one process"
ref_answer=$(field 2 .answer)
ref_evaluated=$(field 2 .tokens.evaluated)

turns "$TINY_MODEL" "$T/resume.db" < <(printf 'hello there\nwhat is up\n')
expect_rc 0 "two turns, then exit"
check "the state is saved at exit" test -f "$kv/conv-1.kv"
check "the state file is 0600" test "$(stat -c %a "$kv/conv-1.kv")" = 600
check "the state directory is 0700" test "$(stat -c %a "$kv")" = 700
cp "$kv/conv-1.kv" "$T/conv-1.kv.good"
prev_prompt=$(field 1 .tokens.prompt)
prev_gen=$(field 1 .tokens.generated)

turns "$TINY_MODEL" "$T/resume.db" --resume < <(printf 'tell me more\n')
expect_rc 0 "chat --resume after a restart"
check "the resumed turn evaluates only its new tokens (as the warm turn: $ref_evaluated)" \
    test "$(field 0 .tokens.evaluated)" -eq "$ref_evaluated"
check "the resumed turn reuses all the saved state" \
    test "$(field 0 .tokens.cached)" -ge $((prev_prompt + prev_gen - 1))
check "the resumed answer is the one without a restart" test "$(field 0 .answer)" = "$ref_answer"

# A fresh database with the same two turns, and the saved state back.
reset_db() {
    rm -f "$T/resume.db"*
    turns "$TINY_MODEL" "$T/resume.db" --max-tokens 8 < <(printf 'hello there\nwhat is up\n')
    cp "$T/conv-1.kv.good" "$kv/conv-1.kv"
}
# A cold resume (no state) for the answer a refused state must give.
reset_db
rm -f "$kv/conv-1.kv"
turns "$TINY_MODEL" "$T/resume.db" --resume < <(printf 'tell me more\n')
cold_answer=$(field 0 .answer)
check "a cold resume evaluates everything" test "$(field 0 .tokens.cached)" -eq 0

# resume_refused WHAT: the damaged state in $kv/conv-1.kv is refused, deleted and rebuilt.
resume_refused() {
    turns "$TINY_MODEL" "$T/resume.db" --resume --verbose < <(printf 'tell me more\n')
    expect_rc 0 "resume with $1"
    check "$1: nothing was reused" test "$(field 0 .tokens.cached)" -eq 0
    check "$1: the answer is a cold run's" test "$(field 0 .answer)" = "$cold_answer"
    expect_in "$err" "conv-1.kv refused" "$1: refused"
}
size=$(stat -c %s "$T/conv-1.kv.good")

reset_db
printf '\xff' | dd of="$kv/conv-1.kv" bs=1 seek=$((size / 2)) conv=notrunc 2>/dev/null
resume_refused "a flipped byte in the state"
reset_db
truncate -s $((size - 100)) "$kv/conv-1.kv"
resume_refused "a truncated state"
reset_db
printf 'X' | dd of="$kv/conv-1.kv" bs=1 seek=20 conv=notrunc 2>/dev/null
resume_refused "a state with another key"
# Another model: the same file under another name is another model file.
reset_db
cp "$TINY_MODEL" "$T/other.gguf"
turns "$T/other.gguf" "$T/resume.db" --resume --verbose < <(printf 'tell me more\n')
expect_rc 0 "resume with another model"
check "another model's state: nothing reused" test "$(field 0 .tokens.cached)" -eq 0
expect_in "$err" "refused (another model" "another model's state is refused"
check "and rebuilt for this model" test -f "$kv/conv-1.kv"

# --- kill -9 during a save ------------------------------------------------------------------
rm -f "$kv"/*.kv "$T/kill.db"*
printf 'hello there\nwhat is up\n' | SYMBIOT_TEST_KV_SAVE_PAUSE=30 "$SYMBIOT" chat -m "$TINY_MODEL" \
    "${opts[@]}" --db "$T/kill.db" >/dev/null 2>&1 &
pid=$!
for _ in $(seq 300); do
    compgen -G "$kv/conv-1.kv.tmp.*" >/dev/null && break
    sleep 0.1
done
check "the save is under way" compgen -G "$kv/conv-1.kv.tmp.*"
kill -9 "$pid"
wait "$pid" 2>/dev/null
check "a killed save leaves no state" test ! -e "$kv/conv-1.kv"
turns "$TINY_MODEL" "$T/kill.db" --resume < <(printf 'tell me more\n')
expect_rc 0 "resume after a killed save"
check "after a killed save: nothing reused" test "$(field 0 .tokens.cached)" -eq 0
check "after a killed save: a cold run's answer" test "$(field 0 .answer)" = "$cold_answer"
check "the killed save's temporary file is cleaned up" \
    test -z "$(compgen -G "$kv/conv-1.kv.tmp.*")"

# --- deleting a conversation deletes its state --------------------------------------------
check "the state exists before rm" test -f "$kv/conv-1.kv"
run_sym conversations rm 1 --db "$T/kill.db"
expect_rc 0 "conversations rm 1"
check "conversations rm deletes the state file" test ! -e "$kv/conv-1.kv"

# --- kv-cache-size ----------------------------------------------------------------------------
mkdir -p "$XDG_CONFIG_HOME/symbiot"
rm -f "$kv"/*.kv
printf 'kv-cache-size = 0\n' >"$XDG_CONFIG_HOME/symbiot/config"
turns "$TINY_MODEL" "$T/off.db" < <(printf 'hello there\n')
expect_rc 0 "a turn with kv-cache-size = 0"
check "kv-cache-size = 0 saves nothing" test -z "$(ls -A "$kv")"
rm "$XDG_CONFIG_HOME/symbiot/config"
turns "$TINY_MODEL" "$T/cap.db" < <(printf 'hello there\n')
one=$(stat -c %s "$kv/conv-1.kv")
printf 'kv-cache-size = %s\n' $((one * 3 / 2)) >"$XDG_CONFIG_HOME/symbiot/config"
turns "$TINY_MODEL" "$T/cap.db" < <(printf 'another one\n')
check "a cap for one file keeps only the newest" \
    test "$(ls "$kv")" = "conv-2.kv"
printf 'kv-cache-size = 2x\n' >"$XDG_CONFIG_HOME/symbiot/config"
run_sym chat -m "$TINY_MODEL" </dev/null
expect_rc 2 "a bad kv-cache-size"
expect_in "$err" "kv-cache-size: '2x' is not a size" "the bad size is named"
rm "$XDG_CONFIG_HOME/symbiot/config"

# --- ask starts warm ----------------------------------------------------------------------
rm -f "$kv"/*
"$SYMBIOT" ask -m "$TINY_MODEL" "${opts[@]}" --no-recall-conversations --db "$T/ask.db" 'what is up' >"$T/a1" 2>"$T/err"
rc=$?
expect_rc 0 "a first ask"
check "the first ask is cold" test "$(jq -r .tokens.cached "$T/a1")" -eq 0
check "ask saves its system message's state" compgen -G "$kv/ask-*.kv"
"$SYMBIOT" ask -m "$TINY_MODEL" "${opts[@]}" --no-recall-conversations --db "$T/ask.db" 'what is up' >"$T/a2" 2>"$T/err"
rc=$?
expect_rc 0 "a second ask"
check "the second ask starts warm" test "$(jq -r .tokens.cached "$T/a2")" -gt 0
check "with the same answer" test "$(jq -r .answer "$T/a1")" = "$(jq -r .answer "$T/a2")"
check "ask keeps no conversation state" test -z "$(compgen -G "$kv/conv-*.kv")"

# --- the server ---------------------------------------------------------------------------
if command -v curl >/dev/null; then
    srv_pid=
    trap 'stop_server 2>/dev/null; rm -rf "$T"' EXIT
    # chat_api BODY: POST /api/chat; the answer's JSON in $body
    chat_api() {
        body=$(curl -s -H 'Content-Type: application/json' --data-binary "$1" "$URL/api/chat")
    }
    rm -rf "$kv"
    serve_opts=(-m "$TINY_MODEL" --parallel 1 -n 8 --temp 0 --no-extract --no-llm-extract --db "$T/srv.db")
    start_server "${serve_opts[@]}" || { finish; exit; }
    chat_api '{"message":"hello there"}'
    id=$(jq -r .conversation_id <<<"$body")
    chat_api "{\"message\":\"what is up\",\"conversation_id\":$id}"
    prev_prompt=$(jq -r .tokens.prompt <<<"$body")
    prev_gen=$(jq -r .tokens.generated <<<"$body")
    chat_api '{"message":"another conversation"}'
    check "the server saves the conversation it leaves" test -f "$kv/conv-$id.kv"
    stop_server
    start_server "${serve_opts[@]}" || { finish; exit; }
    chat_api "{\"message\":\"tell me more\",\"conversation_id\":$id}"
    check "/api/chat resumes after a restart from the saved state ($body)" \
        jqe --argjson want $((prev_prompt + prev_gen - 1)) \
        '.tokens.cached >= $want and .tokens.evaluated == .tokens.prompt - .tokens.cached' <<<"$body"
    out=$(curl -s -X DELETE "$URL/api/conversations/$id")
    check "DELETE /api/conversations/ID answers" jqe .deleted <<<"$out"
    check "DELETE /api/conversations/ID deletes the state" test ! -e "$kv/conv-$id.kv"
    stop_server
    check "the deleted conversation is not saved again at exit" test ! -e "$kv/conv-$id.kv"
else
    skip "curl is not installed: the server part"
fi

finish
