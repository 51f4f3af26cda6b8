#!/usr/bin/env bash
# sigint.sh: a real SIGINT stops a running answer: `ask` prints what it had and exits 130;
# piped chat stops too. Neither crashes nor hangs.
. "$(dirname "$0")/lib.sh"

# A long answer: no token limit, a big context, and the greedy random model never stops.
"$SYMBIOT" ask -m "$TINY_MODEL" -c 32768 -n -1 --temp 0 --repeat-penalty 1 "Tell me everything" \
    >"$T/out" 2>"$T/err" </dev/null &
pid=$!
sleep 1.5
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
"$SYMBIOT" ask -m "$TINY_MODEL" -c 32768 -n -1 --temp 0 --json "Tell me everything" \
    >"$T/out" 2>"$T/err" </dev/null &
pid=$!
sleep 1.5
kill -INT "$pid"
wait "$pid"
rc=$?
expect_rc 130 "ask --json after SIGINT"
check "json says interrupted" jq -e '.stop == "interrupted"' "$T/out"

# Piped chat: SIGINT ends the current answer and the session.
(printf 'first\n'; sleep 5; printf 'second\n') |
    "$SYMBIOT" chat -m "$TINY_MODEL" -c 32768 -n -1 --temp 0 --json >"$T/out" 2>"$T/err" &
sleep 1.5
pkill -INT -f "$SYMBIOT chat -m $TINY_MODEL -c 32768"
wait %1
rc=$?
expect_rc 130 "piped chat after SIGINT"
check "piped turn reported as interrupted" jq -e '.stop == "interrupted"' <(head -1 "$T/out")
finish
