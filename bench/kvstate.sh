#!/usr/bin/env bash
# KV state on disk, measured (`make bench-kvstate`; usage: bench/kvstate.sh BUILD_DIR). Prints
# figures and passes no judgement: exit status 0 unless something is broken.
#
# On the Llama-3.2-1B-shaped random-weight model that bench/run.sh generates (Q8_0, in
# $SYMBIOT_CACHE/models; generated here too when missing), BENCH_THREADS threads (default 2),
# greedy, -n 16, each figure the median of BENCH_REPS (default 3) runs, the kinds alternated:
#
# Part 1, a resumed conversation. The same 12 messages each time:
#   warm     one process, 11 piped turns: the 11th turn (its cache holds turns 1..10). At exit
#            the conversation's state is saved.
#   resumed  a new process, `chat --resume` with the 12th message: the state is loaded and only
#            the new tokens evaluated (its history is one turn longer than warm's).
#   cold     the same resume with the state file deleted first, on a copy of the database: all of
#            the history again (what every resume cost before).
#   Columns: tokens evaluated for the 11th turn, its time to first token (timings.ttft_ms: from
#   the prompt to the first token), the load of the state at --resume (kvstate.c's --verbose
#   line; it happens before the turn, with the model's load) and `+load`: the two together,
#   the fair figure for "after a restart". Target: resumed (+load) <= 1.2x warm.
#
# Part 2, `symbiot ask` next to `llama-simple` on the same model and question:
#   ask cold   the first ask: the system prompt, the memory block and the question evaluated.
#   ask warm   the next ask: the state after the system message is loaded, and only the
#              question and the template around it evaluated.
#   simple     llama-simple's "prompt eval time" for the bare question (it has no template and
#              no system prompt), plus one token's sampling: its time to first token.
#   Target: ask warm <= 1.1x simple. llama-simple has no -t: it runs with llama.cpp's default
#   context threads (GGML_DEFAULT_N_THREADS, 4), whatever BENCH_THREADS says.
#
# The machine is shared: the load average is printed at the start and at the end.
set -euo pipefail

[ $# -eq 1 ] || { echo "usage: bench/kvstate.sh BUILD_DIR" >&2; exit 2; }
BUILD_DIR=$(cd "$1" && pwd)
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SYMBIOT="$BUILD_DIR/symbiot"
THREADS=${BENCH_THREADS:-2}
REPS=${BENCH_REPS:-3}
CACHE=${SYMBIOT_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/symbiot}
PREFIX=$("$ROOT/scripts/llama.sh")
SIMPLE="$PREFIX/bin/llama-simple"
MODEL="$CACHE/models/random-1b-q8_0.gguf"

die() { printf 'bench: error: %s\n' "$*" >&2; exit 1; }
[ -x "$SYMBIOT" ] || die "$SYMBIOT not found (run make first)"
[ -x "$SIMPLE" ] || die "$SIMPLE not found"
command -v jq >/dev/null || die "jq not found"
if [ ! -f "$MODEL" ]; then
    VOCAB="$PREFIX/share/llama.cpp/vocab/ggml-vocab-llama-bpe.gguf"
    mkdir -p "$CACHE/models"
    "$BUILD_DIR/symbiot-mkmodel" --quiet --vocab "$VOCAB" --preset 1b --out "$MODEL" ||
        { rm -f "$MODEL.tmp"; die "symbiot-mkmodel failed"; }
fi

W=$(mktemp -d "${TMPDIR:-/tmp}/bench-kv.XXXXXX")
trap 'rm -rf "$W"' EXIT
# A private home: the runs' databases and state files stay out of the user's.
export HOME="$W/home" XDG_CONFIG_HOME="$W/config" XDG_DATA_HOME="$W/data" XDG_CACHE_HOME="$W/cache"
unset SYMBIOT_MODEL SYMBIOT_DB
mkdir -p "$HOME"
KV="$XDG_CACHE_HOME/symbiot/kv"
opts=(-m "$MODEL" -t "$THREADS" --temp 0 -n 16 --no-extract --no-llm-extract --json)
msgs=("Hello, who are you?" "What can you do for me today?" "Tell me about the weather."
    "And what about tomorrow?" "Should I take an umbrella?" "What is a good book to read?"
    "Why that one?" "Who wrote it?" "When was it written?" "Thank you, that helps."
    "One more question: what is the capital of France?" "And of Germany?")

median() { sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
load() { cut -d' ' -f1-3 /proc/loadavg; }

echo "kvstate bench: $(basename "$MODEL"), $THREADS threads, $REPS reps; load average $(load)"

# chat DB ARGS... < messages: the last turn's JSON object
chat() {
    local db=$1
    shift
    "$SYMBIOT" chat "${opts[@]}" --db "$db" "$@" 2>/dev/null | tail -n 1
}

: >"$W/warm" >"$W/resumed" >"$W/cold"
for r in $(seq "$REPS"); do
    rm -rf "$XDG_DATA_HOME" "$KV"
    printf '%s\n' "${msgs[@]:0:11}" | chat "$W/warm-$r.db" >"$W/turn"
    jq -r '"\(.tokens.evaluated) \(.timings.ttft_ms)"' "$W/turn" >>"$W/warm"

    cp "$W/warm-$r.db" "$W/cold-$r.db"
    printf '%s\n' "${msgs[11]}" | "$SYMBIOT" chat "${opts[@]}" --db "$W/warm-$r.db" --resume \
        --verbose 2>"$W/err" | tail -n 1 >"$W/turn"
    ms=$(sed -n 's/.*kv state .* loaded .* in \([0-9.]*\) ms.*/\1/p' "$W/err" | head -n 1)
    [ -n "$ms" ] || die "the resumed run did not load its state"
    jq -r --arg ms "$ms" '"\(.tokens.evaluated) \(.timings.ttft_ms) \($ms)"' "$W/turn" >>"$W/resumed"

    rm -f "$KV"/conv-*.kv
    printf '%s\n' "${msgs[11]}" | chat "$W/cold-$r.db" --resume >"$W/turn"
    jq -r '"\(.tokens.evaluated) \(.timings.ttft_ms)"' "$W/turn" >>"$W/cold"
done

printf '\nPart 1: the 11th turn warm, the 12th after a restart (median of %s)\n' "$REPS"
printf '  %-8s %9s %9s %8s %9s %7s\n' kind evaluated ttft_ms load_ms "+load" "x warm"
warm_ttft=$(cut -d' ' -f2 "$W/warm" | median)
for kind in warm resumed cold; do
    ev=$(cut -d' ' -f1 "$W/$kind" | median)
    tt=$(cut -d' ' -f2 "$W/$kind" | median)
    lm=$(awk '{ print ($3 == "" ? 0 : $3) }' "$W/$kind" | median)
    all=$(awk '{ print $2 + ($3 == "" ? 0 : $3) }' "$W/$kind" | median)
    printf '  %-8s %9s %9.1f %8.1f %9.1f %7.2f\n' "$kind" "$ev" "$tt" "$lm" "$all" \
        "$(echo "$all / $warm_ttft" | bc -l)"
done

q="What is the capital of France?"
: >"$W/ask-cold" >"$W/ask-warm" >"$W/simple"
for r in $(seq "$REPS"); do
    rm -rf "$KV" "$XDG_DATA_HOME"
    "$SYMBIOT" ask "${opts[@]}" --db "$W/ask.db" "$q" 2>/dev/null |
        jq -r '"\(.tokens.evaluated) \(.timings.ttft_ms)"' >>"$W/ask-cold"
    "$SYMBIOT" ask "${opts[@]}" --db "$W/ask.db" --verbose "$q" 2>"$W/err" >"$W/turn"
    ms=$(sed -n 's/.*kv state .* loaded .* in \([0-9.]*\) ms.*/\1/p' "$W/err" | head -n 1)
    [ -n "$ms" ] || die "the second ask did not load its state"
    jq -r --arg ms "$ms" '"\(.tokens.evaluated) \(.timings.ttft_ms) \($ms)"' "$W/turn" >>"$W/ask-warm"
    "$SIMPLE" -m "$MODEL" -n 1 "$q" >"$W/simple.out" 2>&1 || die "llama-simple failed"
    awk '/prompt eval time/ { for (i = 1; i <= NF; i++) if ($i == "=") ms = $(i + 1);
                              for (i = 1; i <= NF; i++) if ($i == "/") n = $(i + 1) }
         /samplers time/ { for (i = 1; i <= NF; i++) if ($i == "=") s = $(i + 1) }
         END { printf "%d %.1f\n", n, ms + s }' "$W/simple.out" >>"$W/simple"
done

printf '\nPart 2: time to first token of one question (median of %s)\n' "$REPS"
printf '  %-9s %9s %9s %8s %9s %8s\n' kind evaluated ttft_ms load_ms "+load" "x simple"
simple_ttft=$(cut -d' ' -f2 "$W/simple" | median)
for kind in ask-cold ask-warm simple; do
    ev=$(cut -d' ' -f1 "$W/$kind" | median)
    tt=$(cut -d' ' -f2 "$W/$kind" | median)
    lm=$(awk '{ print ($3 == "" ? 0 : $3) }' "$W/$kind" | median)
    all=$(awk '{ print $2 + ($3 == "" ? 0 : $3) }' "$W/$kind" | median)
    printf '  %-9s %9s %9.1f %8.1f %9.1f %8.2f\n' "$kind" "$ev" "$tt" "$lm" "$all" \
        "$(echo "$all / $simple_ttft" | bc -l)"
done
echo "  (llama-simple has no -t: it runs with llama.cpp's default context threads, GGML_DEFAULT_N_THREADS)"
echo "load average at the end: $(load)"
