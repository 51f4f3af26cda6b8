#!/usr/bin/env bash
# The same prompts through the three ways Symbiot can get an answer, side by side:
#   local   the model in this process (`symbiot ask -m MODEL`)
#   remote  the remote backend against llama.cpp's llama-server on loopback serving the same
#           model (`--backend remote --endpoint http://127.0.0.1:PORT/v1`): HTTP, JSON and SSE
#           on top of the same kind of generation, in another process
#   rpc     the local backend with the model's layers on two ggml-rpc-server processes on
#           loopback (`--rpc 127.0.0.1:P1,127.0.0.1:P2`): every layer's tensors cross a socket
# Per prompt and backend: time to first token (ms, as Symbiot measures it: from the request to
# the first piece of text) and generation speed (tokens/s after the first token), the median of
# REPS warm runs (one `symbiot chat` per backend, greedy, -n TOKENS); then the time to the last
# token (total ms) and tokens/s over it (e2e). Read e2e for the remote backend on a busy machine:
# its pieces can reach the client in bursts when the client waits for a CPU, which shortens the
# measured first-to-last span and inflates "gen tok/s", while the total is not fooled. Figures, not a test: on a loopback
# the network costs almost nothing, so the differences are the protocols' own overheads; across
# real machines add the round trips.
#
# Usage: bench/backends.sh BUILD_DIR [MODEL]   (`make bench-backends`; MODEL defaults to the
# trained ../shared/models/stories260K.gguf when there, else the test model build/test-models/tiny-chatml.gguf).
# Environment: REPS (default 3), TOKENS (default 64), THREADS (default 2).
set -u
BUILD=${1:-build}
SYMBIOT="$BUILD/symbiot"
PREFIX=$(cat "$BUILD/.llama-prefix" 2>/dev/null)
MODEL=${2:-}
REPS=${REPS:-3}
TOKENS=${TOKENS:-64}
THREADS=${THREADS:-2}
if [ -z "$MODEL" ]; then
    for m in "$(dirname "$0")"/../../shared/models/stories260K.gguf "$BUILD/test-models/tiny-chatml.gguf"; do
        [ -f "$m" ] && MODEL=$m && break
    done
fi
for f in "$SYMBIOT" "$PREFIX/bin/llama-server" "$PREFIX/bin/ggml-rpc-server" "$MODEL"; do
    [ -e "$f" ] || { echo "backends.sh: missing $f (make; make test builds the test models)" >&2; exit 1; }
done
T=$(mktemp -d)
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done; rm -rf "$T"' EXIT
export XDG_CONFIG_HOME="$T/c" XDG_DATA_HOME="$T/d"

free_port() { echo $((20000 + RANDOM % 30000)); }
wait_for() { # wait_for CMD...: up to 30 s
    local i
    for i in $(seq 300); do "$@" >/dev/null 2>&1 && return 0; sleep 0.1; done
    return 1
}

sport=$(free_port)
"$PREFIX/bin/llama-server" -m "$MODEL" --host 127.0.0.1 --port "$sport" -t "$THREADS" -c 2048 \
    -np 1 >"$T/server.log" 2>&1 &
pids+=($!)
rports=()
for n in 1 2; do
    p=$(free_port)
    "$PREFIX/bin/ggml-rpc-server" -H 127.0.0.1 -p "$p" -t "$THREADS" >"$T/rpc$n.log" 2>&1 &
    pids+=($!)
    rports+=("127.0.0.1:$p")
done
wait_for curl -sf "http://127.0.0.1:$sport/health" || { echo "llama-server did not start" >&2; exit 1; }
tcp_open() { (exec 3<>"/dev/tcp/${1%:*}/${1##*:}") 2>/dev/null; }
for p in "${rports[@]}"; do wait_for tcp_open "$p" || { echo "rpc-server $p did not start" >&2; exit 1; }; done
rpc=$(IFS=,; echo "${rports[*]}")

prompts=("Once upon a time" "Tell me a story about a little dog who found a red ball in the park."
         "Write three sentences about the sea.")
declare -A args=(
    [local]="-m $MODEL -t $THREADS"
    [remote]="--backend remote --endpoint http://127.0.0.1:$sport/v1"
    [rpc]="-m $MODEL -t $THREADS --rpc $rpc"
)
median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }

# One process per backend, warm: REPS+1 rounds of the prompts, each after /reset (a fresh
# conversation; the system prompt stays cached, on every backend alike); round 1 is the warm-up.
: >"$T/in"
for _ in $(seq $((REPS + 1))); do
    for p in "${prompts[@]}"; do printf '/reset\n%s\n' "$p" >>"$T/in"; done
done
np=${#prompts[@]}
for b in local remote rpc; do
    # shellcheck disable=SC2086
    "$SYMBIOT" chat --json --temp 0 -n "$TOKENS" ${args[$b]} <"$T/in" 2>"$T/err.$b" |
        jq -r 'select(.kind == "chat") | [.timings.ttft_ms, .timings.gen_tps, .tokens.generated,
               .timings.ttft_ms + .timings.gen_ms] | @tsv' >"$T/runs.$b"
    [ "$(wc -l <"$T/runs.$b")" -eq $(((REPS + 1) * np)) ] ||
        { echo "$b failed: $(tail -2 "$T/err.$b")" >&2; exit 1; }
done

echo "model: $MODEL, $TOKENS tokens greedy, median of $REPS warm runs, $THREADS threads;" \
    "load average $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
printf '%-7s %-32s %9s %10s %10s %11s %6s\n' backend prompt "ttft ms" "gen tok/s" "total ms" \
    "e2e tok/s" tokens
for i in "${!prompts[@]}"; do
    for b in local remote rpc; do
        awk -v np="$np" -v i="$i" 'NR > np && (NR - 1) % np == i' "$T/runs.$b" >"$T/sel"
        total=$(cut -f4 "$T/sel" | median)
        ntok=$(cut -f3 "$T/sel" | median)
        printf '%-7s %-32.32s %9.1f %10.1f %10.1f %11.1f %6d\n' "$b" "${prompts[$i]}" \
            "$(cut -f1 "$T/sel" | median)" "$(cut -f2 "$T/sel" | median)" "$total" \
            "$(awk -v n="$ntok" -v t="$total" 'BEGIN { print (t > 0 ? n * 1000 / t : 0) }')" "$ntok"
    done
done
