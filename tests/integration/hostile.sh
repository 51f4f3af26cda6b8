#!/usr/bin/env bash
# hostile.sh: input made to hurt, on the command line (issue 17, "Hostile input").
#   - A GGUF whose metadata (general.name, general.architecture) holds escape sequences (a window
#     title, a clipboard write): `models`, `models info` and the load error of `ask` show them on a
#     terminal (a pseudo-terminal from script(1)) with each control character as U+FFFD.
#   - Lines are limited while they are read: `memory import /dev/zero` and piped chat from
#     /dev/zero stop at the limit at once, with a clear error, in bounded memory.
#   - A NUL in an import line, raw or as \u0000, is refused naming the line and the field;
#     nothing of the file is imported.
#   - What the docs promise: /quit in a pipe, serve options in the config file, export/import.
. "$(dirname "$0")/lib.sh"
export NO_COLOR=1
VOCAB="$LLAMA_PREFIX/share/llama.cpp/models/ggml-vocab-llama-spm.gguf"
models="$XDG_DATA_HOME/symbiot/models"
mkdir -p "$models"

# ---- 1. escape sequences from a model file ----
if ! command -v script >/dev/null; then
    skip "terminal output: script(1) is missing (util-linux)"
else
    "$MKMODEL" -q --vocab "$VOCAB" --out "$models/evil.gguf" \
        --name $'evil \033]0;pwned\007 and \033]52;c;ZXZpbA==\007 \302\2332J end'
    "$MKMODEL" -q --vocab "$VOCAB" --out "$T/evilarch.gguf" --arch $'x\033]0;pwned\007'
    cp "$T/evilarch.gguf" "$models/evilarch.gguf"
    script -qec "'$SYMBIOT' models" /dev/null >"$T/list" 2>&1
    check "models lists both files on a terminal" grep -q "evilarch" "$T/list"
    check "models: no escape or BEL reaches the terminal" \
        [ "$(tr -cd '\033\007' <"$T/list" | wc -c)" = 0 ]
    check "models: the architecture's controls shown as U+FFFD" \
        grep -qF $'x\xef\xbf\xbd]0;pwned\xef\xbf\xbd' "$T/list"

    script -qec "'$SYMBIOT' models info evil" /dev/null >"$T/info" 2>&1
    check "models info prints the model name" grep -q "model name: .*evil" "$T/info"
    check "models info: no escape or BEL reaches the terminal" \
        [ "$(tr -cd '\033\007' <"$T/info" | wc -c)" = 0 ]
    check "models info: no C1 control reaches the terminal" \
        [ "$(grep -c $'\xc2\x9b' "$T/info")" = 0 ]
    check "models info: each control shown as U+FFFD" \
        grep -qF $'evil \xef\xbf\xbd]0;pwned\xef\xbf\xbd and \xef\xbf\xbd]52;c;' "$T/info"

    script -qec "'$SYMBIOT' ask -m '$T/evilarch.gguf' hello" /dev/null >"$T/load" 2>&1
    check "the load error of ask names the architecture" grep -q "unknown model architecture" \
        "$T/load"
    check "the load error: no escape or BEL reaches the terminal" \
        [ "$(tr -cd '\033\007' <"$T/load" | wc -c)" = 0 ]
    script -qec "'$SYMBIOT' chat -m '$T/evilarch.gguf' </dev/null" /dev/null >"$T/load2" 2>&1
    check "the load error of chat: no escape or BEL reaches the terminal" \
        [ "$(tr -cd '\033\007' <"$T/load2" | wc -c)" = 0 ]

    run_sym models info evil --json
    check "--json keeps the name as written (JSON escapes it)" grep -qF '\u001b]0;pwned\u0007' "$T/out"
    "$SYMBIOT" models info evil >"$T/pipe" 2>&1
    check "into a pipe the name is kept byte for byte" grep -qF $'evil \033]0;pwned\007' "$T/pipe"
fi

# ---- 2. line limits while reading ----
# At most 64 MB of address space beyond what the program maps at start is far less than a 1 GiB
# line; the limit is checked by the kernel, so a program that reads a whole line first dies.
limited() { # limited OUTFILE COMMAND...: run with RSS measured; $rc, $err, $kb, $secs
    local outf=$1
    shift
    /usr/bin/time -f "%M %e" -o "$T/time" "$@" >"$outf" 2>"$T/err"
    rc=$?
    err=$(cat "$T/err")
    read -r kb secs < <(tail -n 1 "$T/time") || true
}
if [ ! -x /usr/bin/time ]; then
    skip "line limits: /usr/bin/time is missing"
else
    limited "$T/out" timeout 20 "$SYMBIOT" memory import --db "$T/m.db" /dev/zero
    expect_rc 1 "memory import /dev/zero fails"
    expect_in "$err" "/dev/zero:1: line longer than 2 MiB" "import /dev/zero says which line is too long"
    check "memory import /dev/zero stays under 64 MB (was ${kb:-?} KB)" [ "${kb:-999999}" -lt 65536 ]
    run_sym memory list --db "$T/m.db"
    check "nothing was imported" [ -z "$out" ]

    head -c $((64 * 1024 * 1024)) /dev/zero | tr '\0' 'a' >"$T/big"
    limited "$T/out" timeout 20 "$SYMBIOT" memory import --db "$T/m.db" "$T/big"
    expect_rc 1 "a 64 MiB line without a newline is refused"
    expect_in "$err" "big:1: line longer than 2 MiB" "a file without a newline: the error names it"
    check "that file costs under 64 MB (was ${kb:-?} KB)" [ "${kb:-999999}" -lt 65536 ]

    limited "$T/out" timeout 20 "$SYMBIOT" --db "$T/m.db" chat </dev/zero
    expect_rc 1 "chat < /dev/zero fails"
    expect_in "$err" "stdin:1: line longer than 1 MiB" "chat < /dev/zero says the line is too long"
    check "chat < /dev/zero stays under 64 MB (was ${kb:-?} KB)" [ "${kb:-999999}" -lt 65536 ]

    # A line of exactly the limit is still a line; one byte more is not.
    # (escapes make the line long and the text short: a fact's text is limited to 1 MiB)
    { printf '{"text":"'; for _ in $(seq 349523); do printf '\\u0062'; done; printf 'bbb"}\n'; } \
        >"$T/edge.jsonl"
    check "the edge line is 2 MiB long" [ "$(head -n1 "$T/edge.jsonl" | wc -c)" = $((2 * 1024 * 1024 + 1)) ]
    run_sym memory import --db "$T/edge.db" "$T/edge.jsonl"
    expect_rc 0 "a line of exactly 2 MiB is imported"
    printf '/help\n/quit\n' | "$SYMBIOT" --db "$T/m.db" chat >"$T/out" 2>"$T/err"
    rc=$?
    expect_rc 0 "ordinary piped lines still work"
fi

# ---- 3. NUL bytes in an import file ----
printf '%s\n' '{"text":"kept fact"}' '{"text":"before\u0000after"}' >"$T/nul1.jsonl"
printf '{"text":"raw\0nul"}\n' >"$T/nul2.jsonl"
printf '%s\n' '{"text":"ok","tags":["a\u0000b"]}' >"$T/nul3.jsonl"
run_sym memory import --db "$T/n.db" "$T/nul1.jsonl"
expect_rc 1 "a \\u0000 escape is refused"
expect_in "$err" 'nul1.jsonl:2: "text" holds a NUL character' "the error names the line and the field"
run_sym memory list --db "$T/n.db"
check "nothing of that file was imported (not even the good line)" [ -z "$out" ]
run_sym memory import --db "$T/n.db" "$T/nul2.jsonl"
expect_rc 1 "a raw NUL byte is refused"
expect_in "$err" "nul2.jsonl:1: a NUL byte at byte" "the raw NUL: line and byte"
run_sym memory import --db "$T/n.db" "$T/nul3.jsonl"
expect_rc 1 "a NUL in a tag is refused"
expect_in "$err" '"tags" holds a NUL character' "the error names the tags"
run_sym memory list --db "$T/n.db"
check "nothing was stored cut short" [ -z "$out" ]
# ---- 8. what the docs promise ----
# The man page: /quit in piped input ends the session before the end of the input.
printf '/help\n/quit\n/nonesuch-after-quit\n' | "$SYMBIOT" --db "$T/q.db" chat >"$T/out" 2>"$T/err"
rc=$?
expect_rc 0 "/quit in a pipe ends the session cleanly"
expect_not_in "$(cat "$T/out" "$T/err")" "nonesuch-after-quit" "the lines after /quit are not read"
# USAGE.md: the serve options, the key among them, are not config settings, and saying so is
# the error (after the warning about a readable secret, which is true either way).
cfg="$XDG_CONFIG_HOME/symbiot/config"
mkdir -p "$(dirname "$cfg")"
printf 'api-key = sk-very-secret\n' >"$cfg"
chmod 600 "$cfg"
run_sym memory stats --db "$T/q.db"
expect_rc 2 "api-key in the config file is a config error"
expect_in "$err" "--api-key-file FILE" "the error says where the server's key goes"
expect_not_in "$err" "unknown setting" "api-key is not called unknown"
printf 'port = 8081\n' >"$cfg"
run_sym memory stats --db "$T/q.db"
expect_in "$err" "an option of \`symbiot serve\`, given on its command line (--port)" \
    "port in the config says it is a serve option"
rm -f "$cfg"
# USAGE.md: export then import into an empty database gives the same facts in the same order,
# numbered afresh (ids are not kept).
for f in "first fact about tea" "second fact about cats" "third fact about rain"; do
    "$SYMBIOT" memory add --db "$T/e.db" "$f" >/dev/null 2>&1
done
"$SYMBIOT" memory forget --db "$T/e.db" 2 >/dev/null 2>&1 </dev/null
"$SYMBIOT" memory export --db "$T/e.db" "$T/e.jsonl" >/dev/null 2>&1
check "the export holds the two facts left" [ "$(wc -l <"$T/e.jsonl")" = 2 ]
run_sym memory import --db "$T/e2.db" "$T/e.jsonl"
expect_rc 0 "the export imports into an empty database"
"$SYMBIOT" memory list --db "$T/e2.db" --json >"$T/e2.json" 2>/dev/null
check "the same texts in the same order" \
    [ "$(jq -r 'sort_by(.id) | map(.text) | join("|")' "$T/e2.json")" = "first fact about tea|third fact about rain" ]
check "numbered afresh: 1 and 2, not 1 and 3" [ "$(jq -r '[.[].id] | sort | join(",")' "$T/e2.json")" = "1,2" ]
finish
