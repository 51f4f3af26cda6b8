#!/usr/bin/env bash
# openai.sh: a real OpenAI client library against `symbiot serve`: the `openai` npm package
# (pinned in tests/web/package-lock.json, installed by tests/web/setup.sh), run with node:
# models.list(), a greedy completion equal to `symbiot ask --temp 0` with its token counts,
# max_tokens, a stream whose pieces make the same answer (with the usage chunk), four streams at
# once, and the client's own error classes for a 400 and a wrong key (tests/web/openai.mjs).
# Then tools and structured output (tests/web/tools.mjs) with random-weight models carrying real
# tool-calling templates, Qwen 2.5's and Llama 3.1's: a forced tool call plain and streamed, a
# tool round trip, a json_schema answer that validates (ajv), unsupported fields refused.
. "$(dirname "$0")/lib.sh"

node_deps openai || { finish; exit; }
SYSTEM="You are Symbiot, a helpful assistant running privately on the user's own computer. Answer clearly and briefly, in the language of the question."
PROMPT="Hello there"
trap 'stop_server 2>/dev/null; rm -rf "$T"' EXIT

want=$("$SYMBIOT" ask -m "$TINY_MODEL" -c 4096 -n 24 --temp 0 --db "$T/ask.db" --json "$PROMPT" </dev/null)
check "symbiot ask --json answers" jq -e '.answer != ""' <<<"$want" >/dev/null
start_server -m "$TINY_MODEL" -c 4096 -n 24 --temp 0 --db "$T/srv.db" --api-key sekret || { finish; exit; }

URL=$URL KEY=sekret MODEL=$(basename "$TINY_MODEL") SYSTEM=$SYSTEM PROMPT=$PROMPT WANT=$want \
    run_node openai.mjs
stop_server
check "the server stops with status 0" [ "$srv_rc" -eq 0 ]

for pair in "Qwen 2.5:$QWEN25_MODEL" "Llama 3.1:$LLAMA31_MODEL"; do
    start_server -m "${pair#*:}" -c 2048 --temp 0 --db "$T/tools.db" || continue
    URL=$URL MODEL=$(basename "${pair#*:}") LABEL=${pair%%:*} run_node tools.mjs
    stop_server
    check "the server (${pair%%:*}) stops with status 0" [ "$srv_rc" -eq 0 ]
done
finish
