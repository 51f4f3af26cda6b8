#!/usr/bin/env bash
# errors.sh: bad model files and impossible settings give a clear error, exit 1, no crash.
. "$(dirname "$0")/lib.sh"

model_error() { # model_error FILE MESSAGE [ARGS...]
    local file=$1 msg=$2
    shift 2
    run_sym ask -m "$file" "$@" "hello"
    expect_rc 1 "model error for $file"
    expect_in "$err" "$msg" "message for $file"
}

model_error "$T/missing.gguf" "No such file or directory"
model_error "$T" "is a directory"
echo "just text" >"$T/text.gguf"
model_error "$T/text.gguf" "is not a GGUF model file"
: >"$T/empty.gguf"
model_error "$T/empty.gguf" "is not a GGUF model file"
head -c 2000 "$TINY_MODEL" >"$T/trunc1.gguf"
model_error "$T/trunc1.gguf" "truncated"
size=$(stat -c %s "$TINY_MODEL")
head -c $((size - 4096)) "$TINY_MODEL" >"$T/trunc2.gguf"
model_error "$T/trunc2.gguf" "truncated"
model_error "$BAD_ARCH_MODEL" "unsupported model architecture"
model_error "$TINY_MODEL" "larger than the model's training context" -c 1000000
# The same errors in the interactive command and in piped chat.
echo "hi" | "$SYMBIOT" chat -m "$T/text.gguf" >"$T/out" 2>"$T/err"
rc=$?
expect_rc 1 "piped chat with a bad model"
expect_in "$(cat "$T/err")" "not a GGUF" "piped chat error message"

# A prompt that cannot fit the context.
long=$(printf 'word %.0s' $(seq 1 400))
run_sym ask -m "$TINY_MODEL" -c 128 "$long"
expect_rc 1 "message longer than the context"
expect_in "$err" "too long" "too-long message explained"
finish
