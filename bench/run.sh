#!/usr/bin/env bash
# Symbiot speed figures next to llama.cpp's own, on this machine. Usage: bench/run.sh BUILD_DIR
# (`make bench` runs it on ./build). It prints figures and passes no judgement: exit status 0
# unless something is broken (a program missing or failing).
#
# Part 1, generation speed. For each model, with the same thread count, in one run:
#   llama-bench tg   `llama-bench -p 0 -n N -d P -r R`: tokens/s of plain decoding, one token per
#                    llama_decode, no sampling (mean of R runs after its warm-up run). It runs
#                    once before and once after Symbiot; the column is the mean of the two.
#   symbiot          `symbiot chat --raw --temp 0 --repeat-penalty 1 -n N -c C --json` with the
#                    same prompt piped R+1 times; the median of timings.gen_tps over turns 2..R+1
#                    (turn 1 is the warm-up). gen_tps = (generated-1)/gen_ms: everything the
#                    assistant does per token (decode, sampling, detokenizing, output).
#   ratio            symbiot / llama-bench: 1.00 means no overhead; the target is >= 0.97.
#   P, C, gen        Symbiot's prompt tokens, its context, the fewest tokens it generated in a
#                    measured turn (below N: the model stopped early, reason in `note`; the rate
#                    is still per generated token, over a shorter stretch of context).
# Fairness: on tiny models attention is most of the work, and a token's cost grows with its
# position (about 4% at N=64 for a 5-token shift on stories260K) and with the number of KV cells
# attended: max(256, used cells rounded up to 256), capped at the context, which llama.cpp pads to
# a multiple of 256. So llama-bench decodes at the same positions as Symbiot (-d P: it first fills
# P cells, as Symbiot's prompt does), and Symbiot gets C = P+N rounded up to 256 (capped at the
# model's training context): the same attended KV size on both sides, and room for all N tokens.
# A probe turn of N tokens first measures P and checks the answer reaches N; the trained tiny
# models can end their story early, so a second, longer-running prompt is tried if it does not.
#
# Part 2, a 10-turn piped conversation through the chat template (not --raw), --temp 0, -n 32
# (-n 16 on models over 256 MiB, to keep the time down). Per turn: prompt = tokens of the whole
# rendered conversation, evaluated = tokens actually decoded for it, cached = tokens reused from
# the KV cache, ttft_ms = time to first token. What to look for: `evaluated` stays near the size
# of one user line plus the template around it (it must not grow with the conversation), `cached`
# grows, and ttft_ms stays roughly flat. ttft_ms does grow slowly with the conversation on tiny
# models because each new token attends over a longer KV cache; for those models a reference line
# gives llama-bench's time for the same number of tokens at the same depth (-p E -d D).
# Turn 1 also pays the first-use warm-up. dropped = older turns dropped to fit the context.
#
# Figures are wall-clock rates on a shared machine. With as many threads as cores, llama.cpp's
# spinning thread barrier makes any other busy process (a compiler, another benchmark) cost far
# more than its share: rates can drop several-fold. The note `unsteady` flags a row where the two
# llama-bench runs differ by more than 5% (Symbiot's slowest..fastest turn is shown with it): its
# ratio is then not to be trusted. On the tiny models a turn lasts a few milliseconds, so their
# ratios move by several percent from run to run even on a quiet machine; raise BENCH_REPS (and
# BENCH_TOKENS) for steadier figures. The load average is printed at the start and the end.
#
# Part 3, the memory store: `bench_memory` (bench/memory.c) with 10,000 and 100,000 facts:
# recall@1/5/10 and MRR of fact search on tests/data/retrieval.tsv (the set the search was tuned
# on) and on tests/data/retrieval-holdout.tsv (written apart from the search code, never tuned
# on) next to plain SQLite FTS5, insert rates, search latency p50/p99/max and the database size
# (`make bench-memory-1m`: 1M; `bench_memory --no-speed --distractors 100000`: quality among
# 100,000 generated facts). Then `bench_episodic` (bench/episodic.c): recall@1/5/10 per kind of
# question of the turn search on the episodic test set (tests/data/episodic: the dev half, tuned
# on, and the held-out half, written blind and never tuned on) next to Okapi BM25 with dates over
# the same turns; the same questions asked of the turns stored as facts (--as-facts), and with
# the random-weight test model as embedding model (a weak model, which must not hurt); the import
# rate of 100,000 turns; search p50/p99 at 100,000 facts+turns (`make bench-memory-1m`:
# 1,000,000).
#
# Models: the trained tiny models in BENCH_TINY_DIR (stories260K.gguf, TinyStories-656K-Q8_0.gguf;
# skipped with a line if absent) and a random-weight model of the Llama-3.2-1B shape in Q8_0,
# generated once by symbiot-mkmodel into $SYMBIOT_CACHE/models (about 1.3 GB; same cost per token
# as a trained model).
#
# Environment:
#   BENCH_THREADS   threads for both sides (default: nproc)
#   BENCH_TOKENS    N, tokens to generate in part 1 (default 128)
#   BENCH_REPS      R, measured repetitions in part 1 (default 3)
#   BENCH_MODELS    space-separated model paths, replacing the default list
#   BENCH_SKIP_1B=1 leave out the 1B-shaped model
#   BENCH_TINY_DIR  where the trained tiny models live (default ../shared/models beside the repo)
#   SYMBIOT_CACHE   cache root (default ${XDG_CACHE_HOME:-$HOME/.cache}/symbiot)
set -euo pipefail

if [ $# -ne 1 ]; then
    echo "usage: bench/run.sh BUILD_DIR" >&2
    exit 2
fi
BUILD_DIR=$1
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SYMBIOT="$BUILD_DIR/symbiot"
MKMODEL="$BUILD_DIR/symbiot-mkmodel"

die() { printf 'bench: error: %s\n' "$*" >&2; exit 1; }
progress() { printf 'bench: %s\n' "$*" >&2; }

for tool in jq awk; do
    command -v "$tool" >/dev/null || die "$tool is needed (apt-get install $tool)"
done
[ -x "$SYMBIOT" ] || die "$SYMBIOT not found or not executable (run make first)"

THREADS=${BENCH_THREADS:-$(nproc)}
N=${BENCH_TOKENS:-128}
R=${BENCH_REPS:-3}
TINY_DIR=${BENCH_TINY_DIR:-$(cd "$(dirname "$0")/../.." && pwd)/shared/models}
CACHE=${SYMBIOT_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/symbiot}
# Symbiot's conversations and memory go to a scratch database, not the user's (the turns still
# pay for recall and for storing, as they do in real use).
BENCH_DATA=$(mktemp -d)
trap 'rm -rf "$BENCH_DATA"' EXIT
export XDG_DATA_HOME="$BENCH_DATA" SYMBIOT_DB="$BENCH_DATA/memory.db"
positive() { [[ $2 =~ ^[1-9][0-9]*$ ]] || die "$1 must be a positive integer (got '$2')"; }
positive BENCH_THREADS "$THREADS"
positive BENCH_TOKENS "$N"
positive BENCH_REPS "$R"
if [ -n "${BENCH_MODELS:-}" ]; then
    for m in $BENCH_MODELS; do [ -f "$m" ] || die "BENCH_MODELS: $m not found"; done
fi

PREFIX=$("$ROOT/scripts/llama.sh" | tail -n 1)
LLAMA_BENCH="$PREFIX/bin/llama-bench"
VOCAB="$PREFIX/share/llama.cpp/models/ggml-vocab-llama-bpe.gguf"
[ -x "$LLAMA_BENCH" ] || die "$LLAMA_BENCH not found"

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
BROKEN=0

# ---- machine -------------------------------------------------------------------------------
cpu=$(awk -F': *' '/^model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null || true)
commit=$("$LLAMA_BENCH" --version 2>&1 | sed -n 's/.*commit \([0-9a-f]*\).*/\1/p' | head -n 1)
echo "Symbiot benchmark, $(date '+%Y-%m-%d %H:%M:%S %z')"
echo "machine:   $(nproc) cores, ${cpu:-unknown CPU}"
echo "llama.cpp: commit ${commit:-unknown} ($PREFIX)"
echo "symbiot:   $("$SYMBIOT" --version 2>/dev/null || echo '?') ($SYMBIOT)"
echo "settings:  threads $THREADS, tokens $N, repetitions $R"
echo "load:      $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?') (1, 5, 15 min)"
echo

# ---- models --------------------------------------------------------------------------------
MODELS=()
if [ -n "${BENCH_MODELS:-}" ]; then
    read -r -a MODELS <<<"$BENCH_MODELS"
else
    for name in stories260K.gguf TinyStories-656K-Q8_0.gguf; do
        if [ -f "$TINY_DIR/$name" ]; then
            MODELS+=("$TINY_DIR/$name")
        else
            echo "skipped:   $name (not in $TINY_DIR)"
        fi
    done
    if [ "${BENCH_SKIP_1B:-0}" = 1 ]; then
        echo "skipped:   random-1b-q8_0.gguf (BENCH_SKIP_1B=1)"
    else
        m1b="$CACHE/models/random-1b-q8_0.gguf"
        if [ ! -f "$m1b" ]; then
            [ -x "$MKMODEL" ] || die "$MKMODEL not found (run make first)"
            [ -f "$VOCAB" ] || die "$VOCAB not found"
            progress "generating $m1b (about 1.3 GB, once)"
            mkdir -p "$CACHE/models"
            # mkmodel writes OUT.tmp and renames it when complete, so an interrupted run never
            # leaves a half-written file under the final name.
            "$MKMODEL" --quiet --vocab "$VOCAB" --preset 1b --out "$m1b" ||
                { rm -f "$m1b.tmp"; die "symbiot-mkmodel failed"; }
        fi
        MODELS+=("$m1b")
    fi
fi
[ ${#MODELS[@]} -gt 0 ] || { echo "no models to measure"; exit 0; }

model_bytes() { stat -c %s "$1"; }

# llama-bench's tg figure for model $1 at depth $2: prints "avg_ts stddev_ts build_commit".
llama_bench_tg() {
    if ! "$LLAMA_BENCH" -m "$1" -t "$THREADS" -p 0 -n "$N" -d "$2" -r "$R" -o json \
        >"$TMP/lb.json" 2>"$TMP/lb.err"; then
        tail -n 5 "$TMP/lb.err" >&2
        return 1
    fi
    jq -r '.[0] | "\(.avg_ts) \(.stddev_ts) \(.build_commit)"' "$TMP/lb.json"
}

# One raw turn of N tokens for model $1, prompt $2, with the model's own context (-c 0: at most
# 4096): prints "prompt_tokens generated context_size stop".
probe() {
    printf '%s\n' "$2" |
        "$SYMBIOT" chat -m "$1" --raw --temp 0 --repeat-penalty 1 -n "$N" -c 0 -t "$THREADS" \
            --json 2>"$TMP/probe.err" |
        jq -r 'select(.kind == "chat") |
            "\(.tokens.prompt) \(.tokens.generated) \(.context.size) \(.stop)"' | head -n 1
}

# A table row for a model that could not be measured (uses $name); marks the run broken.
fail() {
    printf '%-28s %7s  %s\n' "$name" "$THREADS" "$1"
    BROKEN=1
}

# ---- part 1 --------------------------------------------------------------------------------
echo "Part 1: generation speed, tokens/s (llama-bench: mean of a run before and one after"
echo "Symbiot, each over $R repetitions; symbiot: median of $R turns after a warm-up turn)"
printf '%-28s %7s %5s %4s %5s %14s %11s %6s %5s  %s\n' \
    model threads n P C "llama-bench tg" symbiot ratio gen note
PROMPTS=("Once upon a time" "Once upon a time, there was a big dog")
json_commit=""
for m in "${MODELS[@]}"; do
    name=$(basename "$m" .gguf)
    progress "part 1: $name"
    note=""

    # Pick the prompt; learn its length P and the model's context.
    pr=""
    for prompt in "${PROMPTS[@]}"; do
        pr=$(probe "$m" "$prompt" || true)
        [ -n "$pr" ] || break
        read -r P pgen train _ <<<"$pr"
        [ "$pgen" -ge "$N" ] && break
    done
    if [ -z "$pr" ]; then
        tail -n 5 "$TMP/probe.err" >&2
        fail "symbiot failed"
        continue
    fi
    [ "$prompt" != "${PROMPTS[0]}" ] && note="prompt \"$prompt\";"
    ctx=$(((P + N + 255) / 256 * 256))
    if [ "$ctx" -gt "$train" ]; then
        ctx=$train
        note="$note ctx capped at the model's $train;"
    fi

    if ! llama_bench_tg "$m" "$P" >"$TMP/lb1"; then
        fail "llama-bench failed"
        continue
    fi
    read -r lb1 _ lb_commit <"$TMP/lb1"
    json_commit=${json_commit:-$lb_commit}

    for _ in $(seq $((R + 1))); do printf '%s\n' "$prompt"; done >"$TMP/in.txt"
    if ! "$SYMBIOT" chat -m "$m" --raw --temp 0 --repeat-penalty 1 -n "$N" -t "$THREADS" \
        -c "$ctx" --json <"$TMP/in.txt" >"$TMP/sy.json" 2>"$TMP/sy.err"; then
        tail -n 5 "$TMP/sy.err" >&2
        fail "symbiot failed"
        continue
    fi
    turns=$(jq -s '[.[] | select(.kind == "chat")] | length' "$TMP/sy.json")
    if [ "$turns" -ne $((R + 1)) ]; then
        fail "symbiot answered $turns turns, expected $((R + 1))"
        continue
    fi
    read -r sy_ts sy_lo sy_hi gen stops < <(jq -rs '
        [.[] | select(.kind == "chat")][1:] as $t
        | ([$t[].timings.gen_tps // 0] | sort) as $s
        | ($s | length) as $k
        | (if $k % 2 == 1 then $s[($k - 1) / 2] else ($s[$k / 2 - 1] + $s[$k / 2]) / 2 end) as $med
        | "\($med) \($s[0]) \($s[-1]) \([$t[].tokens.generated] | min) \([$t[].stop] | unique | join(","))"' \
        "$TMP/sy.json")

    if ! llama_bench_tg "$m" "$P" >"$TMP/lb2"; then
        fail "llama-bench failed"
        continue
    fi
    read -r lb2 _ _ <"$TMP/lb2"

    lb_ts=$(awk -v a="$lb1" -v b="$lb2" 'BEGIN { printf "%.6f", (a + b) / 2 }')
    unsteady=$(awk -v a="$lb1" -v b="$lb2" 'BEGIN {
        d = a > b ? a - b : b - a
        print (d > 0.05 * (a + b) / 2) ? 1 : 0 }')
    [ "$gen" -lt "$N" ] && note="$note stopped early (stop: $stops);"
    if [ "$unsteady" = 1 ]; then
        note="$note unsteady: llama-bench $(printf '%.1f' "$lb1") before, $(printf '%.1f' "$lb2")"
        note="$note after, symbiot turns $(printf '%.1f' "$sy_lo")..$(printf '%.1f' "$sy_hi");"
    fi
    ratio=$(awk -v a="$sy_ts" -v b="$lb_ts" 'BEGIN { if (b > 0) printf "%.3f", a / b; else print "-" }')
    printf '%-28s %7s %5s %4s %5s %14.1f %11.1f %6s %5s  %s\n' "$name" "$THREADS" "$N" "$P" \
        "$ctx" "$lb_ts" "$sy_ts" "$ratio" "$gen" "${note# }"
done
if [ -n "$json_commit" ] && [ -n "$commit" ] && [ "$json_commit" != "$commit" ]; then
    echo "note: llama-bench json build_commit $json_commit differs from --version's $commit"
fi
echo

# ---- part 2 --------------------------------------------------------------------------------
LINES=(
    "Tell me about the sea."
    "What lives in the forest?"
    "Why is the sky blue?"
    "Can you tell me a story about a cat?"
    "What did the cat eat?"
    "Where do birds sleep at night?"
    "How do you make a cake?"
    "What is your favourite colour?"
    "Tell me about a big red ball."
    "Say goodbye to Lily."
)
echo "Part 2: 10-turn conversation (chat template, --temp 0)"
for m in "${MODELS[@]}"; do
    name=$(basename "$m" .gguf)
    progress "part 2: $name"
    bytes=$(model_bytes "$m")
    ntok=32
    [ "$bytes" -gt $((256 * 1024 * 1024)) ] && ntok=16
    echo
    echo "$name (-n $ntok, -t $THREADS, context: the model's own, at most 4096)"
    if ! printf '%s\n' "${LINES[@]}" | "$SYMBIOT" chat -m "$m" --temp 0 -n "$ntok" -t "$THREADS" \
        --json >"$TMP/conv.json" 2>"$TMP/conv.err"; then
        tail -n 5 "$TMP/conv.err" >&2
        echo "  symbiot failed"
        BROKEN=1
        continue
    fi
    printf '  %4s %7s %9s %7s %9s %9s %5s %7s %7s  %s\n' \
        turn prompt evaluated cached generated ttft_ms used ctx dropped stop
    jq -rs '[.[] | select(.kind == "chat")] | to_entries[] |
        "\(.key + 1) \(.value.tokens.prompt) \(.value.tokens.evaluated) \(.value.tokens.cached) \(.value.tokens.generated) \(.value.timings.ttft_ms) \(.value.context.used) \(.value.context.size) \(.value.dropped_turns) \(.value.stop)"' \
        "$TMP/conv.json" |
        while read -r t p e c g ttft u s d st; do
            printf '  %4s %7s %9s %7s %9s %9.1f %5s %7s %7s  %s\n' "$t" "$p" "$e" "$c" "$g" "$ttft" "$u" "$s" "$d" "$st"
        done
    jq -r 'select(.kind == "chat") | .notices[]? | "  notice: \(.)"' "$TMP/conv.json" | sort -u
    turns=$(jq -s '[.[] | select(.kind == "chat")] | length' "$TMP/conv.json")
    [ "$turns" -eq ${#LINES[@]} ] || { echo "  expected ${#LINES[@]} turns, got $turns"; BROKEN=1; }

    # Reference for the last turn on small models: llama-bench's prompt time for the same
    # number of tokens at the same depth (cheap there; on big models the depth fill is slow).
    if [ "$bytes" -lt $((64 * 1024 * 1024)) ]; then
        read -r e c < <(jq -rs '[.[] | select(.kind == "chat")] | last |
            "\(.tokens.evaluated) \(.tokens.cached)"' "$TMP/conv.json")
        if [ "$e" -gt 0 ] && "$LLAMA_BENCH" -m "$m" -t "$THREADS" -p "$e" -n 0 -d "$c" -r "$R" \
            -o json >"$TMP/lbd.json" 2>"$TMP/lbd.err"; then
            ms=$(jq -r '.[0].avg_ns / 1e6' "$TMP/lbd.json")
            printf '  reference: llama-bench -p %s -d %s (last turn): %.1f ms\n' "$e" "$c" "$ms"
        fi
    fi
done

# ---- part 3 --------------------------------------------------------------------------------
echo
echo "Part 3: memory store (bench_memory)"
progress "part 3: bench_memory"
if [ -x "$BUILD_DIR/bench_memory" ]; then
    "$BUILD_DIR/bench_memory" --no-speed --data "$ROOT/tests/data/retrieval-holdout.tsv" ||
        { echo "  bench_memory failed"; BROKEN=1; }
    "$BUILD_DIR/bench_memory" || { echo "  bench_memory failed"; BROKEN=1; }
else
    echo "  $BUILD_DIR/bench_memory not built"
    BROKEN=1
fi
echo
echo "Part 3b: episodic memory (bench_episodic)"
progress "part 3: bench_episodic"
if [ -x "$BUILD_DIR/bench_episodic" ]; then
    "$BUILD_DIR/bench_episodic" || { echo "  bench_episodic failed"; BROKEN=1; }
    "$BUILD_DIR/bench_episodic" --as-facts || { echo "  bench_episodic failed"; BROKEN=1; }
    if [ -f "$BUILD_DIR/test-models/tiny-spm.gguf" ]; then # a weak model must not hurt
        "$BUILD_DIR/bench_episodic" --embed-model "$BUILD_DIR/test-models/tiny-spm.gguf" ||
            { echo "  bench_episodic failed"; BROKEN=1; }
    fi
    "$BUILD_DIR/bench_episodic" --import 100000 || { echo "  bench_episodic failed"; BROKEN=1; }
    "$BUILD_DIR/bench_episodic" --speed 100000 || { echo "  bench_episodic failed"; BROKEN=1; }
else
    echo "  $BUILD_DIR/bench_episodic not built"
    BROKEN=1
fi

echo
echo "load at the end: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?') (1, 5, 15 min)"
exit "$BROKEN"
