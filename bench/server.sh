#!/usr/bin/env bash
# Symbiot's HTTP server next to llama.cpp's own llama-server, on this machine. Usage:
# bench/server.sh BUILD_DIR (`make bench-server`; `make bench` runs it too), or
# bench/server.sh --table FILE (the table of a saved run's figures). It prints a table and
# passes no judgement: exit status 0 unless something is broken (a server that does not start, a
# stream lost or corrupted).
#
# Both servers are built from the same pinned llama.cpp tree (scripts/llama.sh builds
# llama-server), load the same model with the same threads and context, and get the same
# requests: streamed POST /v1/chat/completions, temperature 0, max_tokens N, stop "\nUser:",
# from 1, 4 and 8 concurrent clients (bench/server-client.mjs, plain node). Each client sends its
# next request when its answer has ended. Figures per level:
#   rps      answers per second (complete and correct ones only), over the wall time
#   tok/s    generated tokens per second, all clients together
#   ttft     time to first token seen by the client (p50 / p90), queueing included
#   bad      streams lost or corrupted: wrong framing, no [DONE], or an answer that differs from
#            the reference (the same greedy answer every time): must be 0
# Fairness: llama-server gets a chat template (--jinja --chat-template-file) that writes exactly
# Symbiot's fallback template ("User: ...\nAssistant:"), so both evaluate the same prompt tokens
# (the table shows each side's prompt and answer token counts: they must be equal); Symbiot runs
# with --repeat-penalty 1, llama-server's default, so both answer greedily alike. Symbiot has one
# inference worker (one sequence: concurrent requests queue), so the like-for-like comparison is
# llama-server with one slot (-np 1). llama-server with a slot per client (continuous
# batching: it decodes several answers in one batch; -np 8, the largest level) is shown for
# information: that is a different design, which Symbiot does not attempt (one private user, one
# conversation at a time).
# Each server is started once per model and stays up; each level runs BENCH_SERVER_REPS times,
# alternating the servers; the median is shown.
#
# Environment:
#   BENCH_THREADS        threads for both servers (default: nproc)
#   BENCH_SERVER_MODELS  model paths (default: stories260K.gguf and TinyStories-656K-Q8_0.gguf in
#                        BENCH_TINY_DIR; a 1B model makes each level take many minutes)
#   BENCH_SERVER_TOKENS  N, max_tokens per answer (default 64)
#   BENCH_SERVER_REQS    requests per client per level (default 6)
#   BENCH_SERVER_REPS    repetitions per level (default 3)
#   BENCH_SERVER_CLIENTS concurrency levels (default "1 4 8")
#   BENCH_TINY_DIR       where the trained tiny models live (default ../shared/models)
#   BENCH_SERVER_OUT     where each run's figures go, one JSON line each, as they come
#                        (default BUILD_DIR/bench-server.jsonl)
set -euo pipefail

# table FILE: medians per model, level and server.
table() {
    jq -rs '
      def median: sort | .[(length - 1) / 2 | floor];
      def fmt(x; d): (x * pow(10; d) | round) / pow(10; d) | tostring;
      group_by([.model, .clients]) | map(
        . as $g
        | ($g | map(select(.server == "symbiot"))) as $s
        | ($g | map(select(.server == "llama-server"))) as $l
        | ($g | map(select(.server == "llama-server-np"))) as $n
        | select(($s | length) > 0 and ($l | length) > 0)
        | ($s | map(.rps) | median) as $srps | ($l | map(.rps) | median) as $lrps
        | [$g[0].model, ($g[0].clients | tostring),
           fmt($srps; 2), fmt($lrps; 2), fmt($srps / $lrps; 3),
           (if ($n | length) > 0 then fmt($n | map(.rps) | median; 2) else "-" end),
           fmt($s | map(.tok_s) | median; 0), fmt($l | map(.tok_s) | median; 0),
           (fmt($s | map(.ttft_ms.p50) | median; 1) + " / " + fmt($s | map(.ttft_ms.p90) | median; 1)),
           (fmt($l | map(.ttft_ms.p50) | median; 1) + " / " + fmt($l | map(.ttft_ms.p90) | median; 1)),
           ($s[0].prompt_tokens | tostring) + "+" + ($s[0].tokens | tostring) + " / " +
             ($l[0].prompt_tokens | tostring) + "+" + ($l[0].tokens | tostring),
           ([$s, $l, $n] | map(map(.bad) | add // 0 | tostring) | join("/"))]
      )
      | (["model", "clients", "rps sym", "rps llama", "ratio", "rps llama -np 8", "tok/s sym",
          "tok/s llama", "ttft p50/p90 sym (ms)", "ttft p50/p90 llama (ms)",
          "tokens p+g sym / llama", "bad sym/llama/-np"] | join(" | ")),
        (map(join(" | ")) | .[])
    ' "$1" | column -t -s '|' -o '|'
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
TOKENS=${BENCH_SERVER_TOKENS:-64}
PER_CLIENT=${BENCH_SERVER_REQS:-6}
REPS=${BENCH_SERVER_REPS:-3}
LEVELS=${BENCH_SERVER_CLIENTS:-1 4 8}
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
fi
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
            --temp 0 --repeat-penalty 1 --db "$T/symbiot.db" --queue 16 >"$T/$1.log" 2>&1 </dev/null &
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
    start symbiot "$model" 1
    sym_url=$SURL
    start llama-server "$model" 1
    llama_url=$SURL
    start llama-server-np "$model" "$max_c"
    np_url=$SURL
    for c in $LEVELS; do
        for r in $(seq 1 "$REPS"); do
            progress "$(basename "$model"): $c clients, rep $r"
            measure symbiot "$sym_url" "$model" "$c"
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
bad=$(jq -s 'map(select(.server == "symbiot") | .bad) | add' "$RESULTS")
other=$(jq -s 'map(select(.server != "symbiot") | .bad) | add' "$RESULTS")
[ "$other" = 0 ] || progress "llama-server lost $other streams (see \"why\" in the raw figures)"
[ "$bad" = 0 ] || die "symbiot serve lost or corrupted $bad streams"
