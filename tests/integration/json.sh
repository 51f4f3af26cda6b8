#!/usr/bin/env bash
# json.sh: --json is dependable. Every command that takes --json prints JSON on stdout (parsed
# here by jq) when it works, and when it fails prints one object {"error": {"message", "type"}}
# on stdout too (besides the message on stderr), with the type docs/USAGE.md lists: usage,
# not_found, model, database, error.
. "$(dirname "$0")/lib.sh"

command -v jq >/dev/null || { skip "jq is not installed"; finish; exit; }

LIB="$XDG_DATA_HOME/symbiot/models"
DB="$T/memory.db"

# expect_json DESCRIPTION: it worked, stdout is one or more lines of JSON, and none is an error.
expect_json() {
    expect_rc 0 "$1"
    if [ -n "$out" ] && printf '%s\n' "$out" | jq -e -s 'length > 0' >/dev/null 2>&1; then
        pass
    else
        fail "$1: stdout is not JSON: $out"
    fi
    if printf '%s\n' "$out" | jq -e -s 'any(.[]; type == "object" and (.error | type) == "object")' \
        >/dev/null 2>&1; then
        fail "$1: an error object on success: $out"
    else
        pass
    fi
}

# expect_json_error TYPE DESCRIPTION: it failed, and the last line of stdout is the one error
# object (or a failed turn's object), of that type, with a message that is also on stderr.
expect_json_error() {
    local last msg
    if [ "$rc" -ne 0 ]; then pass; else fail "$2: exit status 0 (stdout: $out)"; fi
    last=$(printf '%s\n' "$out" | tail -n 1)
    if printf '%s\n' "$last" | jq -e --arg t "$1" \
        '(.error.type == $t) and (.error.message | type == "string" and length > 0)' \
        >/dev/null 2>&1; then
        pass
    else
        fail "$2: no {\"error\":{\"type\":\"$1\",...}} on stdout: '$out' (stderr: $err)"
        return
    fi
    msg=$(printf '%s\n' "$last" | jq -r .error.message)
    # A failed command says it on stderr too; a failed turn keeps stderr quiet as --json turns do.
    if ! printf '%s\n' "$last" | jq -e 'has("kind")' >/dev/null; then
        expect_in "$err" "$msg" "$2: the message is on stderr too"
    fi
    check "$2: one error object" test "$(printf '%s\n' "$out" | grep -c '"error":{')" -eq 1
}

# ---- the command line itself ----
run_sym --json --nonesuch
expect_rc 2 "an unknown option"
expect_json_error usage "an unknown option with --json"
run_sym frobnicate --json
expect_json_error usage "an unknown command with --json"
run_sym bench --json
expect_json_error usage "bench --json without a model"
run_sym --json stats --days x
expect_json_error usage "a bad --days"
run_sym --nonesuch
check "without --json, stdout stays empty on an error" test -z "$out"

# ---- ask and chat ----
run_sym ask --json -m "$TINY_MODEL" --db "$DB" --temp 0 -n 4 "Once upon a time"
expect_json "ask --json"
check "ask --json has the answer" test "$(printf '%s' "$out" | jq -r '.answer | type')" = string
run_sym ask --json --db "$DB" hello
expect_json_error model "ask --json without any model"
check "a failed turn is still a turn object" test "$(printf '%s' "$out" | jq -r .kind)" = chat
run_sym ask --json -m nonesuch --db "$DB" hello
expect_json_error not_found "ask --json with an unknown model"
run_sym ask --json -m "$BAD_ARCH_MODEL" --db "$DB" hello
expect_json_error model "ask --json with a model that does not load"
run_sym ask --json -m "$TINY_MODEL" --db "$DB"
expect_json_error usage "ask --json without a question"
printf 'Hi\nOnce upon a time\n' | "$SYMBIOT" chat --json -m "$TINY_MODEL" --db "$DB" --temp 0 -n 4 \
    >"$T/out" 2>"$T/err"
rc=$?
out=$(cat "$T/out")
err=$(cat "$T/err")
expect_json "piped chat --json"
check "one object per line" test "$(printf '%s\n' "$out" | wc -l)" -eq 2
printf 'Hi\n' | "$SYMBIOT" chat --json -m "$BAD_ARCH_MODEL" --db "$DB" >"$T/out" 2>"$T/err"
rc=$?
out=$(cat "$T/out")
err=$(cat "$T/err")
expect_json_error model "chat --json with a model that does not load"

# ---- memory ----
run_sym memory add --json --db "$DB" --tag home I live in Kazan
expect_json "memory add --json"
check "memory add --json: id and status" \
    test "$(printf '%s' "$out" | jq -r '"\(.id|type) \(.status)"')" = "number added"
id=$(printf '%s' "$out" | jq -r .id)
run_sym memory add --json --db "$DB" --tag home I live in Kazan
check "a known fact says so" test "$(printf '%s' "$out" | jq -r .status)" = "already known"
run_sym memory list --json --db "$DB"
expect_json "memory list --json"
check "memory list --json has the tags" test "$(printf '%s' "$out" | jq -r '.[0].tags[0]')" = home
run_sym memory search --json --db "$DB" Kazan
expect_json "memory search --json"
run_sym memory stats --json --db "$DB"
expect_json "memory stats --json"
check "memory stats --json: facts, database, size" \
    test "$(printf '%s' "$out" | jq -r '"\(.facts) \(.database) \(.size|type)"')" = "1 $DB number"
run_sym memory pin --json --db "$DB" "$id"
expect_json "memory pin --json"
run_sym memory unpin --json --db "$DB" "$id"
expect_json "memory unpin --json"
run_sym memory edit --json --db "$DB" "$id" I live in Moscow
expect_json "memory edit --json"
run_sym memory export --json --db "$DB" "$T/facts.jsonl"
expect_rc 0 "memory export to a file"
run_sym memory import --json --db "$T/other.db" "$T/facts.jsonl"
expect_json "memory import --json"
check "memory import --json counts" test "$(printf '%s' "$out" | jq -c .)" = '{"imported":1,"known":0}'
run_sym memory forget --json --db "$DB" "$id"
expect_json "memory forget --json"
check "memory forget --json: forgotten" test "$(printf '%s' "$out" | jq -r .status)" = forgotten
run_sym memory forget --json --db "$DB" 999
expect_json_error not_found "memory forget --json of no such fact"
run_sym memory frobnicate --json --db "$DB"
expect_json_error usage "memory --json with an unknown subcommand"
run_sym memory import --json --db "$DB" "$T/nonesuch.jsonl"
expect_json_error not_found "memory import --json of a missing file"
echo "not a database, just text" >"$T/text.db"
run_sym memory list --json --db "$T/text.db"
expect_json_error database "memory list --json on a database that cannot be opened"

# ---- reminders, conversations, stats ----
run_sym reminders --json --db "$DB"
expect_json "reminders --json"
run_sym reminders --json --db "$T/text.db"
expect_json_error database "reminders --json without a database"
run_sym conversations --json --db "$DB"
expect_json "conversations --json"
cid=$(printf '%s' "$out" | jq -r '.[0].id')
run_sym conversations rm "$cid" --json --db "$DB"
expect_json "conversations rm --json"
check "conversations delete --json says what" test "$(printf '%s' "$out" | jq -r .deleted)" = 1
run_sym conversations delete 999 --json --db "$DB"
expect_json_error not_found "conversations delete --json of no such conversation"
run_sym conversations delete --all --json --db "$DB"
expect_json "conversations delete --all --json"
run_sym stats --json --db "$DB"
expect_json "stats --json"
run_sym stats --json --db "$DB" --plot "$T/speed.svg"
expect_json "stats --plot --json"
run_sym stats --json --db "$T/empty.db" --plot "$T/none.svg"
expect_json_error error "stats --plot --json with nothing to plot"

# ---- models ----
run_sym models catalog --json
expect_json "models catalog --json"
check "models catalog --json: names and urls" \
    test "$(printf '%s' "$out" | jq -r '[.[] | select(.name and (.url | startswith("https://")))] | length > 0')" = true
run_sym models --json
expect_json "models --json on an empty library"
run_sym models default --json
expect_json "models default --json with no model"
check "models default --json: null and why" \
    test "$(printf '%s' "$out" | jq -r '"\(.default) \(.reason | type)"')" = "null string"
mkdir -p "$LIB"
cp "$TINY_MODEL" "$LIB/tiny-spm.gguf"
cp "$CHATML_MODEL" "$LIB/chat.gguf"
run_sym models default tiny-spm --json
expect_json "models default NAME --json"
check "models default NAME --json names it" test "$(printf '%s' "$out" | jq -r .default)" = tiny-spm
run_sym models default --json
check "models default --json shows it" test "$(printf '%s' "$out" | jq -r .path)" = "$LIB/tiny-spm.gguf"
run_sym models default nonesuch --json
expect_json_error not_found "models default --json of no such model"
run_sym models info tiny-spm --json
expect_json "models info --json"
run_sym models info nonesuch --json
expect_json_error not_found "models info --json of no such model"
run_sym models rm chat --json
expect_json "models rm --json"
check "models rm --json: the path" test "$(printf '%s' "$out" | jq -r .removed)" = "$LIB/chat.gguf"
run_sym models rm chat --json
expect_json_error not_found "models rm --json of no such model"
run_sym models frobnicate --json
expect_json_error usage "models --json with an unknown subcommand"
run_sym pull --json nonesuch:1b
expect_json_error usage "pull --json of a name not in the catalogue"

# ---- bench and serve ----
run_sym bench --json -m "$TINY_MODEL" --pp 8 --tg 4 --reps 1 --turns 1 --facts 10
expect_json "bench --json"
run_sym bench --json -m nonesuch
expect_json_error not_found "bench --json with no such model"
run_sym serve --json --port 99999
expect_json_error usage "serve --json with a bad port"

finish
