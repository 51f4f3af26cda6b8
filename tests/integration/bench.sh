#!/usr/bin/env bash
# bench.sh: `symbiot bench` on the test model, kept small: its table in llama-bench's layout, the
# JSON report with every part measured, the user's memory database left alone, usage errors.
. "$(dirname "$0")/lib.sh"

run_sym bench -m "$TINY_MODEL" --pp 32 --tg 8 --reps 2 --turns 2 --facts 200
expect_rc 0 "bench"
expect_in "$out" "| model | size | params | backend | threads | test | t/s |" "llama-bench's header"
expect_in "$out" "| pp32 |" "the prompt-processing row"
expect_in "$out" "| tg8 |" "the generation row"
expect_in "$out" "chat, 2 turns" "the multi-turn part"
expect_in "$out" "memory search, 200 facts" "the memory part"
mkdir -p "$T/tmp"
TMPDIR="$T/tmp" run_sym bench -m "$TINY_MODEL" --pp 32 --tg 8 --reps 1 --turns 3 --facts 100 --json
expect_rc 0 "bench --json"
check "the scratch databases are removed" [ -z "$(ls -A "$T/tmp")" ]
check "every figure measured" jq -e '.pp_tps > 0 and .tg_tps > 0 and .pp_tokens == 32 and
    .tg_tokens == 8 and .chat_turns == 3 and .chat_ttft_ms_median > 0 and
    .chat_evaluated_median > 0 and .search_facts == 100 and .search_ms_p99 >= .search_ms_p50 and
    .params > 0 and .size_bytes > 0' <<<"$out"
check "the user's memory database is not touched" [ ! -e "$XDG_DATA_HOME/symbiot/memory.db" ]

run_sym bench
expect_rc 2 "bench without a model"
expect_in "$err" "bench needs a model" "says what is missing"
run_sym bench -m "$TINY_MODEL" --pp 0
expect_rc 2 "a bad --pp"
expect_in "$err" "--pp" "names the option"
run_sym bench -m "$TINY_MODEL" --pp 5000 --tg 8 --reps 1
expect_rc 1 "a prompt larger than the context"
expect_in "$err" "do not fit the context" "says why"
finish
