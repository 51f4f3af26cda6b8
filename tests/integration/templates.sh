#!/usr/bin/env bash
# templates.sh: real chat templates through llama.cpp's chat library, as a user meets them.
#   - A model with Gemma 4's template (llama.cpp's models/templates/, Gemma 4's real vocabulary)
#     gets its own template: no fallback, no warning.
#   - A reasoning model (DeepSeek-R1's template on Qwen's vocabulary, random weights): its
#     template opens "<think>", so everything the model writes before "</think>" is thinking.
#     The CLI hides it by default and shows it with --show-thinking (or `show-thinking = on`);
#     --json has it as "reasoning"; /v1/chat/completions sends it as reasoning_content (message
#     and streamed delta) and /api/chat as "reasoning" events and key. The answer never holds it.
. "$(dirname "$0")/lib.sh"

# ---- Gemma 4: its own template ----
run_sym ask -m "$GEMMA4_MODEL" --temp 0 -n 4 --db "$T/g.db" "hi"
expect_rc 0 "ask with Gemma 4's template"
expect_not_in "$err" "fallback" "Gemma 4's template: no fallback warning"
expect_not_in "$err" "template" "Gemma 4's template: no template warning at all"
run_sym ask -m "$GEMMA4_MODEL" --temp 0 -n 4 --db "$T/g.db" -v "hi"
expect_in "$err" "<|turn>user" "the prompt is Gemma 4's turn format (seen with -v)"

# ---- a reasoning model in the CLI ----
# Each run a memory of its own: the thinking is compared across runs, and a shared memory would
# recall the earlier runs' turns into the prompt.
n_r1=0
r1() {
    n_r1=$((n_r1 + 1))
    run_sym ask -m "$R1_MODEL" --temp 0 -n 8 --db "$T/r1-$n_r1.db" "$@"
}
r1 --json "What is 2+2?"
expect_rc 0 "ask --json with a reasoning model"
check "--json: the thinking is \"reasoning\", apart from the answer" jq -e '
    (.reasoning | type == "string" and length > 0) and (.answer | type == "string") and
    (.answer | contains("<think>") | not)' <<<"$out"
thinking=$(jq -r .reasoning <<<"$out")
r1 "What is 2+2?"
expect_rc 0 "ask with a reasoning model"
expect_not_in "$out" "$thinking" "by default the thinking is not printed"
r1 --show-thinking "What is 2+2?"
expect_rc 0 "ask --show-thinking"
expect_in "$out" "$thinking" "--show-thinking prints the thinking"
mkdir -p "$XDG_CONFIG_HOME/symbiot"
echo "show-thinking = on" >"$XDG_CONFIG_HOME/symbiot/config"
r1 "What is 2+2?"
expect_in "$out" "$thinking" "show-thinking = on in the config prints it too"
rm "$XDG_CONFIG_HOME/symbiot/config"
run_sym ask -m "$TINY_MODEL" --temp 0 -n 4 --db "$T/t.db" --json "hi"
check "a model without a thinking template: reasoning is null" jq -e '.reasoning == null' <<<"$out"

# ---- a reasoning model behind the server ----
start_server -m "$R1_MODEL" -n 8 --temp 0 --db "$T/srv.db" || { finish; exit; }
body=$(curl -s -H 'Content-Type: application/json' --data-binary \
    '{"messages":[{"role":"user","content":"What is 2+2?"}]}' "$URL/v1/chat/completions")
check "/v1: the thinking is message.reasoning_content, the answer content" jq -e '
    (.choices[0].message.reasoning_content | type == "string" and length > 0) and
    (.choices[0].message.content | type == "string")' <<<"$body"
thinking=$(jq -r '.choices[0].message.reasoning_content' <<<"$body")
curl -s -N -H 'Content-Type: application/json' --data-binary \
    '{"messages":[{"role":"user","content":"What is 2+2?"}],"stream":true}' \
    "$URL/v1/chat/completions" >"$T/stream"
check "/v1 stream: the role first, then reasoning_content deltas" bash -c "
    sed -n 's/^data: //p' '$T/stream' | grep -v '^\[DONE\]' | jq -s -e '
        (.[0].choices[0].delta.role == \"assistant\") and
        ([.[] | .choices[0].delta.reasoning_content // empty] | add) == \$t' --arg t \"\$1\" >/dev/null" _ "$thinking"
check "/v1 stream: ends with [DONE]" grep -q '^data: \[DONE\]' "$T/stream"
curl -s -N -H 'Content-Type: application/json' --data-binary \
    '{"message":"What is 2+2?","stream":true}' "$URL/api/chat" >"$T/chat"
check "/api/chat stream: reasoning events, and the done event's \"reasoning\"" bash -c "
    sed -n 's/^data: //p' '$T/chat' | jq -s -e '
        ([.[] | select(.type == \"reasoning\") | .text] | add | length > 0) and
        (.[-1].type == \"done\" and (.[-1].reasoning | length > 0))' >/dev/null"
stop_server
finish
