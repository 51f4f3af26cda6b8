#!/usr/bin/env bash
# e2e_llama.sh: end to end on the trained tiny models in ../shared/models: Symbiot's greedy
# output for a fixed prompt equals llama.cpp's own llama-simple, built from the same pinned tree.
. "$(dirname "$0")/lib.sh"

simple="$LLAMA_PREFIX/bin/llama-simple"
prompt="Once upon a time"
n=48
compare() { # compare MODEL
    local model=$1 name
    name=$(basename "$model")
    # llama-simple prints the prompt's tokens (BOS included) and then the generated text.
    "$simple" -m "$model" -n "$n" "$prompt" 2>/dev/null >"$T/simple"
    "$SYMBIOT" ask -m "$model" --raw --temp 0 --repeat-penalty 1 -n "$n" "$prompt" \
        >"$T/sym" 2>"$T/err"
    rc=$?
    expect_rc 0 "symbiot on $name"
    want=$(sed -e '1s/^.*Once upon a time//' "$T/simple")
    got=$(cat "$T/sym")
    if [ "$got" = "$want" ]; then pass; else
        fail "$name: greedy output differs from llama-simple:
  llama-simple: $want
  symbiot:      $got"
    fi
    check "$name: output is not empty" [ -n "$got" ]
}

for m in stories260K.gguf TinyStories-656K-Q8_0.gguf; do
    if [ -f "$SHARED_MODELS/$m" ]; then
        compare "$SHARED_MODELS/$m"
    else
        skip "$m not found in $SHARED_MODELS (the trained test models are optional)"
    fi
done
# The project's own model runs everywhere.
compare "$TINY_MODEL"

# The known answer from the models' README: a coherent story sentence.
if [ -f "$SHARED_MODELS/stories260K.gguf" ]; then
    "$SYMBIOT" ask -m "$SHARED_MODELS/stories260K.gguf" --raw --temp 0 --repeat-penalty 1 \
        -n 40 "$prompt" >"$T/sym" 2>/dev/null
    expect_in "$(cat "$T/sym")" "there was a little girl named Lily" "stories260K story"
fi
# TinyStories-656K has a SentencePiece vocabulary without byte tokens: characters it lacks (an
# emoji, Cyrillic, a zero-width space) must not crash the tokenizer (llama.cpp throws there).
if [ -f "$SHARED_MODELS/TinyStories-656K-Q8_0.gguf" ]; then
    run_sym ask -m "$SHARED_MODELS/TinyStories-656K-Q8_0.gguf" -n 4 "hello 🙂 привет"$'\xe2\x80\x8b'
    expect_rc 0 "characters outside a byte-less vocabulary"
    printf 'hi 🙂\nand again ✓\n' | "$SYMBIOT" chat -m "$SHARED_MODELS/TinyStories-656K-Q8_0.gguf" \
        -n 8 --json >"$T/out" 2>"$T/err"
    rc=$?
    expect_rc 0 "piped turns with such characters"
    check "both turns answered" [ "$(wc -l <"$T/out")" -eq 2 ]
fi
finish
