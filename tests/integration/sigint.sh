#!/usr/bin/env bash
# sigint.sh: a real SIGINT stops a running answer: `ask` prints what it had and exits 130;
# piped chat stops too. Neither crashes nor hangs. The signal is sent once the answer is under
# way (its first text on stdout, or the prompt in the -v log), not after a guessed delay: on a
# loaded machine, or under ASan, loading the model alone can take seconds.
. "$(dirname "$0")/lib.sh"

# wait_file FILE TEXT [SECONDS]: wait up to 60 s until FILE contains TEXT ("" = anything), then
# SECONDS more (default 0.3) so that generation is well on its way. After the prompt shows in the
# -v log, the prompt is still to be evaluated: a signal before the first token stops the turn
# with an empty answer instead of a partial one, so those waits are longer.
wait_file() {
    local i
    for i in $(seq 1 600); do
        if [ -z "$2" ] && [ -s "$1" ] || [ -n "$2" ] && grep -qF -- "$2" "$1" 2>/dev/null; then
            sleep "${3:-0.3}"
            return 0
        fi
        sleep 0.1
    done
    return 1
}

# A long answer: no token limit, a big context, and the greedy random model never stops.
"$SYMBIOT" ask -m "$TINY_MODEL" -c 32768 -n -1 --temp 0 --repeat-penalty 1 "Tell me everything" \
    >"$T/out" 2>"$T/err" </dev/null &
pid=$!
check "the answer starts" wait_file "$T/out" ""
kill -INT "$pid"
start=$(date +%s%N)
wait "$pid"
rc=$?
ms=$((($(date +%s%N) - start) / 1000000))
expect_rc 130 "ask after SIGINT"
check "stopped promptly (${ms} ms)" [ "$ms" -lt 2000 ]
check "partial answer printed" [ -s "$T/out" ]
expect_in "$(cat "$T/err")" "stopped" "stop notice"

# --json: the object is still printed, with stop = interrupted.
"$SYMBIOT" ask -v -m "$TINY_MODEL" -c 32768 -n -1 --temp 0 --json "Tell me everything" \
    >"$T/out" 2>"$T/err" </dev/null &
pid=$!
check "the --json answer starts" wait_file "$T/err" "prompt (" 1.5
kill -INT "$pid"
wait "$pid"
rc=$?
expect_rc 130 "ask --json after SIGINT"
check "json says interrupted" jq -e '.stop == "interrupted"' "$T/out"

# Piped chat: SIGINT ends the current answer and the session.
# A fifo held open by this script: the session waits for more input after the first line.
mkfifo "$T/fifo"
"$SYMBIOT" chat -v -m "$TINY_MODEL" -c 32768 -n -1 --temp 0 --json <"$T/fifo" >"$T/out" \
    2>"$T/err" &
pid=$!
exec 4>"$T/fifo"
printf 'first\n' >&4
check "the piped answer starts" wait_file "$T/err" "prompt (" 1.5
kill -INT "$pid"
wait "$pid"
rc=$?
exec 4>&-
expect_rc 130 "piped chat after SIGINT"
check "piped turn reported as interrupted" jq -e '.stop == "interrupted"' <(head -1 "$T/out")

# Ctrl-C before the first token (a long prompt still being evaluated) stops the turn as Ctrl-C
# during the answer does: "[stopped]" and status 130, not an error; with --json a turn object
# with stop = interrupted and no error.
python3 -c "print(' '.join(['apple banana'] * 6000))" >"$T/long"
"$SYMBIOT" ask -v -m "$TINY_MODEL" -c 32768 -n 8 --temp 0 <"$T/long" >"$T/out" 2>"$T/err" &
pid=$!
check "the long prompt is being evaluated" wait_file "$T/err" "prompt (" 1
kill -INT "$pid"
wait "$pid"
rc=$?
expect_rc 130 "ask stopped before its first token"
expect_in "$(cat "$T/err")" "[stopped]" "stopped before the first token says [stopped]"
expect_not_in "$(cat "$T/err")" "symbiot: error" "and no error"
check "nothing was answered" [ ! -s "$T/out" ]
"$SYMBIOT" ask -v --json -m "$TINY_MODEL" -c 32768 -n 8 --temp 0 <"$T/long" >"$T/out" 2>"$T/err" &
pid=$!
check "the long --json prompt is being evaluated" wait_file "$T/err" "prompt (" 1
kill -INT "$pid"
wait "$pid"
rc=$?
expect_rc 130 "ask --json stopped before its first token"
check "--json: a stopped turn, not an error" \
    jq -e '.stop == "interrupted" and .answer == "" and (has("error") | not)' "$T/out"
finish
