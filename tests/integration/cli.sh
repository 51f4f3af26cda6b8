#!/usr/bin/env bash
# cli.sh: the command line itself: help, version, usage errors, config file and precedence,
# commands without a model.
. "$(dirname "$0")/lib.sh"

run_sym --help
expect_rc 0 "--help"
for opt in --model --ctx-size --threads --gpu-layers --max-tokens --temp --top-k --top-p \
    --min-p --repeat-penalty --seed --system --raw --no-extract --json --config --verbose \
    --version; do
    expect_in "$out" "$opt" "--help documents $opt"
done
run_sym help
expect_rc 0 "help command"
run_sym --version
expect_rc 0 "--version"
expect_in "$out" "symbiot 0." "--version prints the version"

run_sym --no-such-option
expect_rc 2 "unknown option"
expect_in "$err" "unknown option '--no-such-option'" "unknown option is named"
run_sym frobnicate
expect_rc 2 "unknown command"
expect_in "$err" "unknown command 'frobnicate'" "unknown command is named"
expect_not_in "$err" "did you mean" "no suggestion when nothing is near"
run_sym memroy
expect_rc 2 "a mistyped command"
expect_in "$err" "did you mean \`symbiot memory\`?" "a mistyped command gets a suggestion"
run_sym memory lsit
expect_in "$err" "did you mean \`symbiot memory list\`?" "a mistyped memory subcommand too"
run_sym models catalgo
expect_in "$err" "did you mean \`symbiot models catalog\`?" "and a models subcommand"
run_sym ask --temp hot "x"
expect_rc 2 "bad number"
expect_in "$err" "not a number" "bad number explained"
run_sym ask -c
expect_rc 2 "missing value"
run_sym chat extra words
expect_rc 2 "chat with arguments"

# Commands work without a model; chat without a model explains how to get one.
run_sym ask /help
expect_rc 0 "ask /help without a model"
expect_in "$out" "/reset" "help lists /reset"
run_sym ask "hello there"
expect_rc 1 "ask without a model"
expect_in "$err" "symbiot -m" "no-model error says how to set a model"

# Config file: values are used, flags win, a bad line is reported with its line number.
mkdir -p "$XDG_CONFIG_HOME/symbiot"
printf 'model = %s\nmax-tokens = 3\ntemp = 0\n' "$TINY_MODEL" >"$XDG_CONFIG_HOME/symbiot/config"
run_sym ask --json "hi"
expect_rc 0 "model from the config file"
check "max-tokens from config" [ "$(jq -r .tokens.generated <<<"$out")" -le 3 ]
run_sym ask --json -n 5 --repeat-penalty 1 "hi"
check "flag beats config" [ "$(jq -r .tokens.generated <<<"$out")" -eq 5 ]
SYMBIOT_MODEL=/nonexistent/env.gguf run_sym ask "hi"
expect_rc 1 "SYMBIOT_MODEL beats the config file"
expect_in "$err" "/nonexistent/env.gguf" "SYMBIOT_MODEL is used"
printf 'temp = 0\nthis is wrong\n' >"$T/bad.conf"
run_sym --config "$T/bad.conf" ask hi
expect_rc 2 "bad config file"
expect_in "$err" "bad.conf:2: expected 'key = value'" "config error names file and line"
run_sym --config "$T/missing.conf" ask hi
expect_rc 2 "missing explicit config"
expect_in "$err" "missing.conf" "missing config named"
rm "$XDG_CONFIG_HOME/symbiot/config"

# Ask reads the question from stdin when none is given.
echo "/help" | "$SYMBIOT" ask >"$T/out" 2>&1
check "ask reads stdin" grep -q "/stats" "$T/out"
# No colour codes when the output is not a terminal.
run_sym ask -m "$TINY_MODEL" -n 4 "hi"
check "no escape codes in piped output" bash -c "! grep -q $'\033' '$T/out' '$T/err'"

# llama.cpp's own log is hidden unless --verbose.
run_sym ask -m "$TINY_MODEL" -n 2 "hi"
expect_not_in "$err" "llama_model_loader" "llama.cpp log hidden by default"
run_sym ask -v -m "$TINY_MODEL" -n 2 "hi"
expect_in "$err" "llama_model_loader" "llama.cpp log shown with --verbose"
finish
