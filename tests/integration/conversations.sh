#!/usr/bin/env bash
# conversations.sh: every chat turn is stored. Two piped turns with --db, then `chat --resume`
# with a third: one conversation of 6 turns; a fresh `chat` starts a second one; --resume with
# no conversation says so and starts one; `symbiot conversations` lists them; `conversations
# rm ID` (and its alias `delete`) and `rm --all` delete them.
. "$(dirname "$0")/lib.sh"

db="$T/conv/memory.db"
chat() { "$SYMBIOT" chat -m "$TINY_MODEL" --temp 0 -n 4 --db "$db" "$@"; }

run_sym conversations --db "$db" --json
expect_rc 0 "conversations on a new database"
check "no conversations yet" jq -e 'length == 0' <<<"$out"

printf 'Hello, I am Ann\nWhat is my name?\n' | chat >"$T/out" 2>"$T/err"
rc=$?
expect_rc 0 "two piped turns"
printf 'And again?\n' | chat --resume >"$T/out" 2>"$T/err"
rc=$?
err=$(cat "$T/err")
expect_rc 0 "chat --resume"
expect_in "$err" "resumed conversation 1 (2 earlier turns)" "resume says which"

run_sym conversations --db "$db" --json
expect_rc 0 "conversations --json"
check "one conversation of 6 turns" jq -e 'length == 1 and .[0].id == 1 and .[0].turns == 6 and
    .[0].title == "Hello, I am Ann" and (.[0].started | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T"))' \
    <<<"$out"

printf 'A new topic\n' | chat >"$T/out" 2>"$T/err"
rc=$?
expect_rc 0 "a fresh chat"
run_sym conversations --db "$db" --json
check "a second conversation, newest first" jq -e 'length == 2 and .[0].turns == 2 and
    .[0].title == "A new topic" and .[1].turns == 6' <<<"$out"
run_sym conversations --db "$db"
expect_rc 0 "conversations (text)"
expect_in "$out" "6 turns  Hello, I am Ann" "the text listing"

# `symbiot --resume` (no subcommand) with no earlier conversation: says so, starts one.
printf 'First words\n' | "$SYMBIOT" --resume -m "$TINY_MODEL" --temp 0 -n 4 --db "$T/other.db" \
    >"$T/out" 2>"$T/err"
rc=$?
err=$(cat "$T/err")
expect_rc 0 "--resume with nothing to resume"
expect_in "$err" "no previous conversation" "says there is none"
run_sym conversations --db "$T/other.db" --json
check "it started one" jq -e 'length == 1 and .[0].turns == 2' <<<"$out"

# Deleting: one by id, then all at once (asking nothing, saying how many).
run_sym conversations rm --db "$db" 1
expect_rc 0 "conversations rm ID (the one verb for deleting)"
expect_in "$out" "#1 deleted" "delete reply"
run_sym conversations --db "$db" --json
check "one conversation left" jq -e 'length == 1 and .[0].id == 2' <<<"$out"
run_sym conversations rm --db "$db" 1
expect_rc 1 "deleting a missing conversation"
run_sym conversations delete --db "$db" abc
expect_rc 2 "delete without an id"
run_sym conversations delete --db "$db"
expect_rc 2 "delete without an id or --all"
run_sym conversations --all --db "$db"
expect_rc 2 "--all without delete"
printf 'One more\n' | chat >"$T/out" 2>"$T/err"
run_sym conversations delete --all --db "$db" </dev/null # `delete` stays an alias of `rm`
expect_rc 0 "conversations delete --all"
expect_in "$out" "deleted 2 conversations" "how many were deleted"
run_sym conversations --db "$db" --json
check "none left" jq -e 'length == 0' <<<"$out"
run_sym conversations delete --all --db "$db"
expect_in "$out" "deleted 0 conversations" "deleting all of none"

run_sym ask --resume -m "$TINY_MODEL" --db "$db" hi
expect_rc 2 "--resume is for chat"
run_sym conversations extra --db "$db"
expect_rc 2 "conversations takes no arguments"

finish
