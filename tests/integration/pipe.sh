#!/usr/bin/env bash
# pipe.sh: piped chat, one line per turn of one conversation: JSON fields, KV-cache reuse across
# turns, plain text output, odd input (empty, invalid UTF-8, a huge line).
. "$(dirname "$0")/lib.sh"

printf 'My name is Ann.\n\nWhat is my name?\n/stats\nAnd what did I say first?\n' |
    "$SYMBIOT" chat -m "$TINY_MODEL" --json --temp 0 -n 12 >"$T/out" 2>"$T/err"
rc=$?
expect_rc 0 "piped --json chat"
check "one JSON object per non-empty line" [ "$(wc -l <"$T/out")" -eq 4 ]
check "every line is JSON" jq -e . "$T/out" >/dev/null
for f in .answer .tokens.prompt .tokens.evaluated .tokens.generated .timings.ttft_ms \
    .timings.prompt_tps .timings.gen_tps .stop .context.size; do
    check "turn 1 has $f" jq -e "select(.kind==\"chat\") | $f != null" <(head -1 "$T/out")
done
p1=$(sed -n 1p "$T/out" | jq .tokens.prompt)
e1=$(sed -n 1p "$T/out" | jq .tokens.evaluated)
p2=$(sed -n 2p "$T/out" | jq .tokens.prompt)
e2=$(sed -n 2p "$T/out" | jq .tokens.evaluated)
check "turn 1 evaluates its whole prompt ($e1 of $p1)" [ "$e1" -eq "$p1" ]
check "turn 2 prompt is longer ($p2 > $p1)" [ "$p2" -gt "$p1" ]
check "turn 2 evaluates well below its prompt ($e2 of $p2)" [ "$((e2 * 3))" -lt "$p2" ]
check "the command line is a command" jq -e 'select(.kind=="command") | .answer | contains("evaluated")' <(sed -n 3p "$T/out")
e4=$(sed -n 4p "$T/out" | jq .tokens.evaluated)
p4=$(sed -n 4p "$T/out" | jq .tokens.prompt)
check "turn 3 reuses the cache too ($e4 of $p4)" [ "$((e4 * 3))" -lt "$p4" ]

# Plain text: one answer per line of input, nothing on stderr.
printf 'Hello\nAgain\n' | "$SYMBIOT" chat -m "$TINY_MODEL" --temp 0 -n 6 --repeat-penalty 1 \
    >"$T/out" 2>"$T/err"
rc=$?
expect_rc 0 "piped text chat"
check "answers on stdout" [ -s "$T/out" ]
check "stderr quiet" [ ! -s "$T/err" ]

# Invalid UTF-8 and a huge line: clear handling, the session goes on.
{
    printf 'bad \xff\xfe bytes \xd0\n'
    head -c 1100000 /dev/zero | tr '\0' 'a'
    printf '\nstill here?\n'
} | "$SYMBIOT" chat -m "$TINY_MODEL" --json --temp 0 -n 4 >"$T/out" 2>"$T/err"
rc=$?
expect_rc 1 "a skipped line makes the exit status 1"
expect_in "$(cat "$T/err")" "longer than" "huge line reported"
check "invalid UTF-8 line answered" jq -e 'select(.answer != null)' <(sed -n 1p "$T/out")
check "the huge line is an error object in its place" \
    jq -e '.error.message | test("longer than")' <(sed -n 2p "$T/out")
check "the turn after the huge line answered" jq -e '.answer != null' <(sed -n 3p "$T/out")
check "output is valid UTF-8" iconv -f UTF-8 -t UTF-8 "$T/out" -o /dev/null

# --raw: plain completion, no template; each line is its own prompt.
echo "Once upon a time" | "$SYMBIOT" chat --raw -m "$TINY_MODEL" --json --temp 0 -n 5 \
    --repeat-penalty 1 >"$T/out" 2>&1
check "raw prompt is just the text plus BOS" [ "$(jq .tokens.prompt "$T/out")" -le 8 ]
finish
