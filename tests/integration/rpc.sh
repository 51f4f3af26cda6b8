#!/usr/bin/env bash
# rpc.sh: distributed inference over llama.cpp's RPC backend. Two ggml-rpc-server processes on
# loopback take the model's layers (--rpc HOST:PORT,HOST:PORT); the greedy answer must be the
# same as the local one, and both servers must have been used. A server that is not there is one
# clear error, not an abort. Skips when llama.cpp was built without its RPC server.
. "$(dirname "$0")/lib.sh"

RPC_SERVER="$LLAMA_PREFIX/bin/ggml-rpc-server"
if [ ! -x "$RPC_SERVER" ]; then
    skip "ggml-rpc-server is not in $LLAMA_PREFIX/bin (scripts/llama.sh builds it with GGML_RPC)"
    finish
    exit
fi
# ggml's RPC backend keeps its registrations until exit: not leaks of ours (see the file).
export LSAN_OPTIONS="${LSAN_OPTIONS:+$LSAN_OPTIONS:}suppressions=$(cd "$(dirname "$0")/.." && pwd)/lsan-ggml-rpc.supp"
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done; rm -rf "$T"' EXIT

# start_rpc N: an rpc-server on a free port; sets port_N. Retries a taken port.
start_rpc() {
    local n=$1 p pid _
    for _ in 1 2 3 4 5; do
        p=$((20000 + RANDOM % 30000))
        "$RPC_SERVER" -H 127.0.0.1 -p "$p" -t 1 >"$T/rpc$n.log" 2>&1 &
        pid=$!
        for _ in $(seq 200); do # until it accepts a connection (its stdout is buffered)
            (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null && break
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.05
        done
        if kill -0 "$pid" 2>/dev/null && (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
            pids+=("$pid")
            eval "port_$n=$p"
            return 0
        fi
    done
    return 1
}
start_rpc 1 || fail "the first rpc-server did not start: $(tail -2 "$T/rpc1.log")"
start_rpc 2 || fail "the second rpc-server did not start: $(tail -2 "$T/rpc2.log")"

prompt="Once upon a time"
run_sym ask --json --raw -m "$TINY_MODEL" --temp 0 -n 24 "$prompt"
expect_rc 0 "the local greedy answer"
local_answer=$(jq -r .answer <<<"$out")
run_sym ask --json --raw -m "$TINY_MODEL" --temp 0 -n 24 \
    --rpc "127.0.0.1:${port_1:-1},127.0.0.1:${port_2:-1}" "$prompt"
expect_rc 0 "the answer over RPC"
rpc_answer=$(jq -r .answer <<<"$out")
check "the RPC answer equals the local greedy answer" [ -n "$local_answer" ] && \
    [ "$rpc_answer" = "$local_answer" ]
check "both servers did work" grep -q "Accepted client connection" "$T/rpc1.log"
check "(the second one too)" grep -q "Accepted client connection" "$T/rpc2.log"

# Each run has a memory of its own: with a shared one, the second would recall the first's
# "Hello there" (earlier conversations are recalled) and see another prompt.
run_sym ask --json -m "$CHATML_MODEL" --temp 0 -n 16 --db "$T/local.db" "Hello there"
local_chat=$(jq -r .answer <<<"$out")
run_sym ask --json -m "$CHATML_MODEL" --temp 0 -n 16 --db "$T/rpc.db" --rpc "127.0.0.1:${port_1:-1}" \
    "Hello there"
expect_rc 0 "a chat turn over one RPC server"
check "one server: the same greedy chat answer" [ "$(jq -r .answer <<<"$out")" = "$local_chat" ]

run_sym ask -m "$TINY_MODEL" --rpc "127.0.0.1:1" "hi"
expect_rc 1 "an RPC server that is not there"
expect_in "$err" "cannot reach the RPC server 127.0.0.1:1: connection refused" "one clear line"
run_sym ask -m "$TINY_MODEL" --rpc "no-port-here" "hi"
expect_rc 1 "a malformed --rpc"
expect_in "$err" "'no-port-here' is not HOST:PORT" "says what is wrong"
printf 'rpc = 127.0.0.1:1\n' >"$T/cfg"
run_sym ask --config "$T/cfg" -m "$TINY_MODEL" "hi"
expect_in "$err" "cannot reach the RPC server 127.0.0.1:1" "rpc = in the config"

finish
