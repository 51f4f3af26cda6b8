#!/usr/bin/env bash
# models.sh: the model library without the network: `symbiot models` listing and info from the
# GGUF metadata of the test models, -m NAME, the default model (set, the only one, ambiguous),
# `models rm`, and the first-start help that names `symbiot pull`.
. "$(dirname "$0")/lib.sh"

LIB="$XDG_DATA_HOME/symbiot/models"

# Each answer compared here comes from a memory of its own: earlier conversations are recalled
# into the prompt, so "Once upon a time" asked again in a shared memory would see another prompt.
n_db=0
eval "shared_$(declare -f run_sym)"
run_sym() {
    n_db=$((n_db + 1))
    SYMBIOT_DB="$T/memory-$n_db.db" shared_run_sym "$@"
}

# ---- an empty library ----
run_sym models
expect_rc 0 "models on an empty library"
expect_in "$out" "No models in $LIB yet" "an empty library is said"
expect_in "$out" "symbiot pull qwen2.5:" "and how to get a model"
run_sym models --json
check "an empty library in JSON is []" test "$out" = "[]"
run_sym ask hello
expect_rc 1 "ask without any model"
expect_in "$err" "To chat, download the model that suits this computer" "the first-start help"
expect_in "$err" "symbiot pull qwen2.5:" "names the pull command"
run_sym -m qwen2.5:0.5b ask hello
expect_rc 1 "a catalogue name not pulled yet"
expect_in "$err" "the model 'qwen2.5:0.5b' is not downloaded yet: get it with \`symbiot pull qwen2.5:0.5b\`" \
    "says how to pull it"
run_sym -m nonesuch ask hello
expect_rc 1 "an unknown library name"
expect_in "$err" "no model file or library model called 'nonesuch'" "unknown name said"

# ---- one model: it is the default ----
mkdir -p "$LIB"
cp "$TINY_MODEL" "$LIB/tiny-spm.gguf"
want_spm=$(SYMBIOT_DB="$T/want-spm.db" "$SYMBIOT" ask -m "$TINY_MODEL" --temp 0 -n 6 \
    "Once upon a time" 2>/dev/null)
want_chat=$(SYMBIOT_DB="$T/want-chat.db" "$SYMBIOT" ask -m "$CHATML_MODEL" --temp 0 -n 6 \
    "Once upon a time" 2>/dev/null)
check "the two test models answer differently" test "$want_spm" != "$want_chat"
run_sym ask --temp 0 -n 6 "Once upon a time"
expect_rc 0 "ask with the library's only model and no -m"
check "the only model is used" test "$out" = "$want_spm"
run_sym models default
expect_in "$out" "$LIB/tiny-spm.gguf (the only model in the library)" "models default shows it"

# ---- two models: listing, info, -m NAME ----
cp "$CHATML_MODEL" "$LIB/tiny-chatml.gguf"
SECONDS=0
run_sym models
expect_rc 0 "models"
echo "(models listed in under $((SECONDS + 1)) s)"
expect_in "$out" "NAME" "a header line"
line_spm=$(grep ' tiny-spm ' <<<"$out")
line_chat=$(grep ' tiny-chatml ' <<<"$out")
expect_in "$line_spm" "llama" "architecture listed"
expect_in "$line_spm" "4M" "parameter count listed"
expect_in "$line_spm" "F32" "quantisation listed"
expect_in "$line_spm" "17.4 MB" "file size listed"
expect_in "$line_spm" "32768" "context length listed"
check "tiny-spm has no chat template" test "${line_spm##* }" = "no"
check "tiny-chatml has one" test "${line_chat##* }" = "yes"
run_sym models --json
check "JSON: two models" test "$(jq length <<<"$out")" = 2
check "JSON: fields of tiny-chatml" test "$(jq -c '.[] | select(.name == "tiny-chatml") |
    [.architecture, .quantization, .context_length, .chat_template, .size, .default]' <<<"$out")" = \
    "[\"llama\",\"F32\",2048,true,$(stat -c %s "$CHATML_MODEL"),false]"
check "JSON: a parameter count" test "$(jq '.[0].parameters > 1000000' <<<"$out")" = true
run_sym models info tiny-chatml
expect_rc 0 "models info"
expect_in "$out" "chat template:   yes" "info: template"
expect_in "$out" "context length:  2048 tokens" "info: context"
expect_in "$out" "path:            $LIB/tiny-chatml.gguf" "info: path"
run_sym models info tiny-spm --json
check "info --json" test "$(jq -c '[.name, .chat_template, .context_length]' <<<"$out")" = \
    '["tiny-spm",false,32768]'
run_sym models info "$CHATML_MODEL"
expect_rc 0 "models info on a path outside the library"
run_sym models info nonesuch
expect_rc 1 "models info on an unknown name"

run_sym ask -m tiny-chatml --temp 0 -n 6 "Once upon a time"
expect_rc 0 "-m NAME"
check "-m NAME loads the library model" test "$out" = "$want_chat"
run_sym ask -m tiny-chatml.gguf --temp 0 -n 6 "Once upon a time"
check "-m NAME.gguf too" test "$out" = "$want_chat"
SYMBIOT_MODEL=tiny-chatml run_sym ask --temp 0 -n 6 "Once upon a time"
check "SYMBIOT_MODEL=NAME" test "$out" = "$want_chat"
(cd "$T" && cp "$CHATML_MODEL" tiny-spm && SYMBIOT_DB="$T/cwd.db" "$SYMBIOT" ask -m tiny-spm \
    --temp 0 -n 6 \
    "Once upon a time" >"$T/cwd-out" 2>/dev/null)
check "an existing path comes before a library name" test "$(cat "$T/cwd-out")" = "$want_chat"

# ---- the default among several ----
run_sym ask --temp 0 -n 6 "Once upon a time"
expect_rc 1 "two models and no default"
expect_in "$err" "2 models are in the library and none is the default" "ambiguity said"
run_sym models default tiny-chatml
expect_rc 0 "models default NAME"
expect_in "$out" "the default model is now tiny-chatml" "default set"
run_sym ask --temp 0 -n 6 "Once upon a time"
check "the default model is used" test "$out" = "$want_chat"
run_sym models
expect_in "$(grep ' tiny-chatml ' <<<"$out")" "* tiny-chatml" "the listing marks the default"
run_sym -m tiny-spm ask --temp 0 -n 6 "Once upon a time"
check "-m beats the default" test "$out" = "$want_spm"
run_sym models default nonesuch
expect_rc 1 "an unknown default"
run_sym models default "$CHATML_MODEL"
expect_rc 1 "a path outside the library cannot be the default"

# ---- rm ----
run_sym models rm tiny-chatml
expect_rc 0 "models rm"
expect_in "$out" "removed $LIB/tiny-chatml.gguf" "rm says what it removed"
check "the file is gone" test ! -e "$LIB/tiny-chatml.gguf"
run_sym ask --temp 0 -n 6 "Once upon a time"
check "with the default removed, the only model left is used" test "$out" = "$want_spm"
run_sym models rm tiny-chatml
expect_rc 1 "rm of a model that is not there"
run_sym models rm ../models/tiny-spm
expect_rc 1 "rm never goes outside the library by name"
check "the library model is still there" test -e "$LIB/tiny-spm.gguf"
head -c 1000 "$TINY_MODEL" >"$LIB/half.gguf.part"
run_sym models rm half
expect_in "$out" "removed the partial download $LIB/half.gguf.part" "rm removes a partial download"
run_sym models frobnicate
expect_rc 2 "an unknown models subcommand"
run_sym models catalog
expect_in "$out" "llama3.2:3b-q8" "models catalog"

# ---- symbiot run MODEL [TEXT]: chat or answer with that model ----
run_sym run "$TINY_MODEL" --temp 0 -n 6 "Once upon a time"
expect_rc 0 "run MODEL TEXT answers"
check "run MODEL TEXT answers as ask -m MODEL does" test "$out" = "$want_spm"
printf 'Once upon a time\n' | SYMBIOT_DB="$T/run-json.db" "$SYMBIOT" run "$TINY_MODEL" --temp 0 -n 6 \
    --json >"$T/out" 2>"$T/err"
check "run MODEL with piped lines chats" jq -e '.answer != null' "$T/out"
run_sym run
expect_rc 2 "run without a model"
run_sym run -m "$TINY_MODEL" "$TINY_MODEL"
expect_rc 2 "run with -m too"
expect_in "$err" "give it once" "run with -m says why"
# A catalogue model not downloaded yet: in a pipe, an error naming the pull; no network.
export NETGUARD_LOG="$T/net.log"
# Under ASan the preloaded guard comes before ASan's runtime: allowed, as in nonet.sh.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"
: >"$NETGUARD_LOG"
LD_PRELOAD="$NETGUARD" "$SYMBIOT" run qwen2.5:0.5b hello >"$T/out" 2>"$T/err" </dev/null
rc=$?
expect_rc 1 "run of a catalogue model not pulled, in a pipe"
expect_in "$(cat "$T/err")" "get it with \`symbiot pull qwen2.5:0.5b\`" "the error names the pull"
expect_not_in "$(cat "$T/err")" "Pull it now" "nothing is asked in a pipe"
check "no network in a pipe" test ! -s "$NETGUARD_LOG"
# On a terminal it asks: no leaves it be, yes (Enter) pulls (refused here by the network guard).
if use_tmux models; then
    tm_start "ASAN_OPTIONS='$ASAN_OPTIONS' LD_PRELOAD='$NETGUARD' NETGUARD_LOG='$NETGUARD_LOG' HOME='$HOME' XDG_DATA_HOME='$XDG_DATA_HOME' '$SYMBIOT' run qwen2.5:0.5b; echo EXIT=\$?; sleep 60"
    check "run asks to pull a catalogue model" wait_for "Pull it now? [Y/n]"
    check "and says what it is" wait_for "qwen2.5:0.5b is not downloaded yet (Qwen/Qwen2.5-0.5B"
    tm send-keys -t s n Enter
    check "no: the error names the pull" wait_for "get it with \`symbiot pull qwen2.5:0."
    check "no: exit status 1" wait_for "EXIT=1"
    check "no: nothing was fetched" test ! -s "$NETGUARD_LOG"
    tm_start "ASAN_OPTIONS='$ASAN_OPTIONS' LD_PRELOAD='$NETGUARD' NETGUARD_LOG='$NETGUARD_LOG' HOME='$HOME' XDG_DATA_HOME='$XDG_DATA_HOME' '$SYMBIOT' -m qwen2.5:0.5b; echo EXIT=\$?; sleep 60"
    check "-m NAME asks too" wait_for "Pull it now? [Y/n]"
    tm send-keys -t s Enter
    check "yes: the pull starts from Hugging Face" wait_for "from https://huggingface.co/Qwen/"
    check "yes: and fails here without a network" wait_for "EXIT=1"
    check "yes: the download was tried" grep -q "huggingface.co" "$NETGUARD_LOG"
else
    skip "run on a terminal: tmux is missing"
fi

finish
