#!/usr/bin/env bash
# Symbiot's HTTP server next to llama.cpp's own llama-server, on this machine. Usage:
# bench/server.sh BUILD_DIR (`make bench-server`; `make bench` runs it too), or
# bench/server.sh --table FILE (the table of a saved run's figures). It prints a table and
# passes no judgement: exit status 0 unless something is broken (a server that does not start, a
# stream lost or corrupted).
#
# The servers are built from the same pinned llama.cpp tree (scripts/llama.sh builds
# llama-server), load the same model with the same threads and context per conversation, and get
# the same requests: streamed POST /v1/chat/completions, temperature 0, max_tokens N, stop
# "\nUser:", from 1 and 4 concurrent clients (bench/server-client.mjs, plain node). Each client
# sends its next request when its answer has ended. Figures per level:
#   rps      answers per second (complete ones only), over the wall time
#   tok/s    generated tokens per second, all clients together
#   ttft     time to first token seen by the client (p50 / p95), queueing included
#   bad      streams lost or corrupted: wrong framing, no [DONE]: must be 0
#   differs  whole streams whose text is not the reference (the first, greedy answer): batching
#            flips a choice where the logits are nearly tied (random-weight models)
# Servers: symbiot (--parallel P: a slot per client, continuous batching), llama-server -np 1
# and -np P (P = the largest level), and, when BENCH_BASELINE names another symbiot binary (the
# build before slots, say), that one with one client: "1 client: no slower than before".
# Fairness: llama-server gets a chat template (--jinja --chat-template-file) that writes exactly
# Symbiot's fallback template ("User: ...\nAssistant:"), so both evaluate the same prompt tokens
# (the table shows each side's prompt and answer token counts: they must be equal); Symbiot runs
# with --repeat-penalty 1, llama-server's default, so both answer greedily alike. llama-server
# -np P gets -c CTX*P, as Symbiot's P slots have CTX each.
# Each server is started once per model and stays up; each level runs BENCH_SERVER_REPS times,
# alternating the servers (the machine's load changes; alternating spreads it evenly); the
# median is shown, with the load average at the start and the end.
#
# Environment:
#   BENCH_THREADS        threads for every server (default: nproc)
#   BENCH_SERVER_MODELS  model paths (default: stories260K.gguf and TinyStories-656K-Q8_0.gguf in
#                        BENCH_TINY_DIR, and the random-weight Llama-3.2-1B-shaped Q8_0 model that
#                        bench/run.sh makes in $SYMBIOT_CACHE/models, made here when missing)
#   BENCH_SKIP_1B=1      leave out the 1B-shaped model (each level takes minutes with it)
#   BENCH_BASELINE       another symbiot binary, measured with one client next to this one
#   BENCH_SERVER_TOKENS  N, max_tokens per answer (default 32)
#   BENCH_SERVER_REQS    requests per client per level (default 6)
#   BENCH_SERVER_REPS    repetitions per level (default 3)
#   BENCH_SERVER_CLIENTS concurrency levels (default "1 4")
#   BENCH_TINY_DIR       where the trained tiny models live (default ../shared/models)
#   BENCH_SERVER_OUT     where each run's figures go, one JSON line each, as they come
#                        (default BUILD_DIR/bench-server.jsonl)
set -euo pipefail

# table FILE: medians per model, level and server, then the ratios the targets name.
table() {
    jq -rs '
      def median: sort | .[(length - 1) / 2 | floor];
      def fmt(x; d): (x * pow(10; d) | round) / pow(10; d) | tostring;
      group_by([.model, .clients, .server]) | map(
        . as $g
        | [$g[0].model, ($g[0].clients | tostring), $g[0].server,
           fmt($g | map(.rps) | median; 2), fmt($g | map(.tok_s) | median; 1),
           fmt($g | map(.ttft_ms.p50) | median; 0) + " / " + fmt($g | map(.ttft_ms.p95 // .ttft_ms.p90) | median; 0),
           ($g[0].prompt_tokens | tostring) + "+" + ($g[0].tokens | tostring),
           ($g | map(.bad) | add | tostring), ($g | map(.differs // 0) | add | tostring)]
      )
      | (["model", "clients", "server", "rps", "tok/s", "ttft p50 / p95 (ms)", "tokens p+g",
          "bad", "differs"] | join(" | ")),
        (map(join(" | ")) | .[])
    ' "$1" | column -t -s '|' -o '|'
    echo
    jq -rs '
      def median: sort | .[(length - 1) / 2 | floor];
      def fmt(x; d): (x * pow(10; d) | round) / pow(10; d) | tostring;
      def m(s; c; f): map(select(.server == s and .clients == c) | f) | if length > 0 then median else null end;
      group_by(.model) | map(
        . as $g | ($g | map(.clients) | max) as $p
        | ($g | m("symbiot"; $p; .tok_s)) as $st | ($g | m("llama-server-np"; $p; .tok_s)) as $lt
        | ($g | m("symbiot"; $p; .ttft_ms.p50)) as $sf | ($g | m("llama-server-np"; $p; .ttft_ms.p50)) as $lf
        | ($g | m("symbiot"; 1; .tok_s)) as $s1 | ($g | m("symbiot-baseline"; 1; .tok_s)) as $b1
        | ($g | m("llama-server"; 1; .tok_s)) as $l1
        | $g[0].model + ": " + ($p | tostring) + " clients: tok/s " +
          (if $st and $lt then fmt($st / $lt; 2) + "x llama-server -np " + ($p | tostring) else "-" end) +
          ", ttft p50 " + (if $sf and $lf then fmt($sf / $lf; 2) + "x" else "-" end) +
          "; 1 client: tok/s " + (if $s1 and $l1 then fmt($s1 / $l1; 2) + "x llama-server -np 1" else "-" end) +
          (if $s1 and $b1 then ", " + fmt($s1 / $b1; 3) + "x the baseline" else "" end)
      ) | .[]
    ' "$1"
}

if [ "${1:-}" = --table ] && [ $# -eq 2 ]; then
    table "$2"
    exit
fi
if [ $# -ne 1 ]; then
    echo "usage: bench/server.sh BUILD_DIR | bench/server.sh --table FILE" >&2
    exit 2
fi
BUILD_DIR=$(cd "$1" && pwd)
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SYMBIOT="$BUILD_DIR/symbiot"
die() { printf 'bench-server: error: %s\n' "$*" >&2; exit 1; }
progress() { printf 'bench-server: %s\n' "$*" >&2; }

for tool in node jq curl; do
    command -v "$tool" >/dev/null || die "$tool is needed"
done
[ -x "$SYMBIOT" ] || die "$SYMBIOT is missing: run make first"
LLAMA_PREFIX=$(cat "$BUILD_DIR/.llama-prefix" 2>/dev/null || "$ROOT/scripts/llama.sh")
LLAMA_SERVER="$LLAMA_PREFIX/bin/llama-server"
[ -x "$LLAMA_SERVER" ] || die "$LLAMA_SERVER is missing: scripts/llama.sh builds it (recipe 2)"

THREADS=${BENCH_THREADS:-$(nproc)}
TOKENS=${BENCH_SERVER_TOKENS:-32}
PER_CLIENT=${BENCH_SERVER_REQS:-6}
REPS=${BENCH_SERVER_REPS:-3}
LEVELS=${BENCH_SERVER_CLIENTS:-1 4}
CTX=512
TINY_DIR=${BENCH_TINY_DIR:-$ROOT/../shared/models}
RESULTS=${BENCH_SERVER_OUT:-$BUILD_DIR/bench-server.jsonl}
if [ -n "${BENCH_SERVER_MODELS:-}" ]; then
    read -r -a MODELS <<<"$BENCH_SERVER_MODELS"
else
    MODELS=()
    for m in stories260K.gguf TinyStories-656K-Q8_0.gguf; do
        if [ -f "$TINY_DIR/$m" ]; then MODELS+=("$TINY_DIR/$m"); else progress "skipping $m: not in $TINY_DIR"; fi
    done
    if [ "${BENCH_SKIP_1B:-0}" = 1 ]; then
        progress "skipping random-1b-q8_0.gguf (BENCH_SKIP_1B=1)"
    else
        # The same model as bench/run.sh's, made the same way (once, about 1.3 GB).
        m1b="${SYMBIOT_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/symbiot}/models/random-1b-q8_0.gguf"
        if [ ! -f "$m1b" ]; then
            VOCAB="$LLAMA_PREFIX/share/llama.cpp/models/ggml-vocab-llama-bpe.gguf"
            [ -f "$VOCAB" ] || die "no Llama 3 vocabulary under $LLAMA_PREFIX to make $m1b"
            progress "generating $m1b (about 1.3 GB, once)"
            mkdir -p "$(dirname "$m1b")"
            "$BUILD_DIR/symbiot-mkmodel" --quiet --vocab "$VOCAB" --preset 1b --out "$m1b" ||
                { rm -f "$m1b.tmp"; die "symbiot-mkmodel failed"; }
        fi
        MODELS+=("$m1b")
    fi
fi
BASELINE=${BENCH_BASELINE:-}
[ -z "$BASELINE" ] || [ -x "$BASELINE" ] || die "BENCH_BASELINE=$BASELINE is not a program"
[ ${#MODELS[@]} -gt 0 ] || die "no model to run (set BENCH_SERVER_MODELS)"

T=$(mktemp -d)
pids=()
cleanup() {
    local p
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null && wait "$p" 2>/dev/null; done
    rm -rf "$T"
}
trap cleanup EXIT

# Symbiot's fallback template, as Jinja for llama-server.
printf '%s' "{% for m in messages %}{% if m.role == 'system' %}{{ m.content + '\n\n' }}{% elif m.role == 'user' %}{{ 'User: ' + m.content + '\n' }}{% else %}{{ 'Assistant: ' + m.content + '\n' }}{% endif %}{% endfor %}{% if add_generation_prompt %}Assistant:{% endif %}" >"$T/fallback.jinja"

free_port() { node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }

# wait_health URL PID LOG: until GET /health answers 200 (a loading llama-server answers 503).
wait_health() {
    local i
    for i in $(seq 1 600); do
        [ "$(curl -s -o /dev/null -w '%{http_code}' "$1/health")" = 200 ] && return 0
        kill -0 "$2" 2>/dev/null || die "the server exited: $(tail -5 "$3")"
        sleep 0.1
    done
    die "the server did not become ready: $(tail -5 "$3")"
}

# start NAME MODEL SLOTS: start one server; sets SURL and SPID.
start() {
    local port
    port=$(free_port)
    if [ "$1" = symbiot ]; then
        "$SYMBIOT" serve --host 127.0.0.1 --port "$port" -m "$2" -t "$THREADS" -c "$CTX" \
            --parallel "$3" --temp 0 --repeat-penalty 1 --db "$T/symbiot.db" --queue 16 \
            >"$T/$1.log" 2>&1 </dev/null &
    elif [ "$1" = symbiot-baseline ]; then # a build from before --parallel: one worker
        "$BASELINE" serve --host 127.0.0.1 --port "$port" -m "$2" -t "$THREADS" -c "$CTX" \
            --temp 0 --repeat-penalty 1 --db "$T/baseline.db" --queue 16 >"$T/$1.log" 2>&1 </dev/null &
    else
        "$LLAMA_SERVER" --host 127.0.0.1 --port "$port" -m "$2" -t "$THREADS" -c $((CTX * $3)) \
            -np "$3" --jinja --chat-template-file "$T/fallback.jinja" --no-webui \
            >"$T/$1.log" 2>&1 </dev/null &
    fi
    SPID=$!
    pids+=("$SPID")
    SURL="http://127.0.0.1:$port"
    wait_health "$SURL" "$SPID" "$T/$1.log"
}

stop_all() {
    local p
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null && wait "$p" 2>/dev/null; done
    pids=()
}

# measure NAME URL MODEL CLIENTS: one run; appends its JSON line to $RESULTS.
measure() {
    local out
    out=$(MAX_TOKENS=$TOKENS node "$ROOT/bench/server-client.mjs" "$2" "$4" $(($4 * PER_CLIENT))) ||
        die "$1 with $4 clients: $out"
    jq -c --arg s "$1" --arg m "$(basename "$3")" '. + {server: $s, model: $m}' <<<"$out" >>"$RESULTS"
}

progress "threads $THREADS, max_tokens $TOKENS, $PER_CLIENT requests per client, $REPS reps; load: $(cut -d' ' -f1-3 /proc/loadavg)"
: >"$RESULTS"
max_c=$(printf '%s\n' $LEVELS | sort -n | tail -1)
for model in "${MODELS[@]}"; do
    # All three stay up for the model's runs, which alternate between them.
    start symbiot "$model" "$max_c"
    sym_url=$SURL
    if [ -n "$BASELINE" ]; then
        start symbiot-baseline "$model" 1
        base_url=$SURL
    fi
    start llama-server "$model" 1
    llama_url=$SURL
    start llama-server-np "$model" "$max_c"
    np_url=$SURL
    for c in $LEVELS; do
        for r in $(seq 1 "$REPS"); do
            progress "$(basename "$model"): $c clients, rep $r; load $(cut -d' ' -f1 /proc/loadavg)"
            measure symbiot "$sym_url" "$model" "$c"
            [ -n "$BASELINE" ] && [ "$c" = 1 ] && measure symbiot-baseline "$base_url" "$model" "$c"
            measure llama-server "$llama_url" "$model" "$c"
            [ "$c" -gt 1 ] && measure llama-server-np "$np_url" "$model" "$c"
        done
    done
    stop_all
done
progress "load at the end: $(cut -d' ' -f1-3 /proc/loadavg)"

table "$RESULTS"
progress "raw figures: $RESULTS"
same=$(jq -s 'group_by(.model) | map(map(.answer) | unique | length == 1) | all' "$RESULTS")
[ "$same" = true ] || progress "WARNING: the servers' answers differ (see the raw figures)"
differs=$(jq -s 'map(.differs // 0) | add' "$RESULTS")
[ "$differs" = 0 ] || progress "note: $differs whole streams had another text than the first answer (see \"why\")"
bad=$(jq -s 'map(select(.server == "symbiot") | .bad) | add' "$RESULTS")
other=$(jq -s 'map(select(.server != "symbiot") | .bad) | add' "$RESULTS")
[ "$other" = 0 ] || progress "llama-server lost $other streams (see \"why\" in the raw figures)"
[ "$bad" = 0 ] || die "symbiot serve lost or corrupted $bad streams"
