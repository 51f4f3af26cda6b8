#!/usr/bin/env bash
# feedback.sh: feedback and preferences in a real piped session on the chat-template test model
# (/good, "bad answer, too long", /correct, "answer in Russian", /prefs, "no emojis"), then what a
# user sees of them: the preferences in the next prompt (-v shows the prompt), the correction as a
# fact, `symbiot feedback export` as JSON Lines, and `symbiot stats` (text, --json, --days,
# --plot FILE.svg / FILE.png) over the recorded turns (3 chat turns: the rest are commands), with
# the clock fixed.
. "$(dirname "$0")/lib.sh"

db="$T/fb/memory.db"
export SYMBIOT_NOW=1800000000
session() { "$SYMBIOT" chat -m "$CHATML_MODEL" --temp 0 -n 6 --db "$db" "$@"; }

session >"$T/out1" 2>"$T/err1" <<'IN'
What is the capital of Australia?
/good
Tell me about kangaroos
bad answer, too long
/correct The capital of Australia is Canberra
answer in Russian
no emojis
/prefs
IN
rc=$?
out=$(cat "$T/out1")
check "the session runs" [ "$rc" -eq 0 ]
expect_in "$out" "Thanks, noted: a good answer." "/good is acknowledged"
expect_in "$out" "Thanks, noted: a bad answer." "a bad answer is acknowledged"
expect_in "$out" "Preference kept: Keep answers short." "\"too long\" becomes a preference"
expect_in "$out" "I will remember: The capital of Australia is Canberra" "/correct is remembered"
expect_in "$out" "Preference kept: Answer in Russian." "a stated preference"
expect_in "$out" "  #" "/prefs lists them"
expect_in "$out" "Do not use emojis." "/prefs shows the emoji preference"

# The next session's prompt carries every preference, in the system message.
printf 'Hello\n' | session -v >/dev/null 2>"$T/err2"
err=$(cat "$T/err2")
expect_in "$err" "[Preferences: how the user wants you to answer]" "the preferences block"
expect_in "$err" "- Keep answers short." "the length preference is in the prompt"
expect_in "$err" "- Answer in Russian." "the language preference is in the prompt"
expect_in "$err" "The capital of Australia is Canberra" "the correction is recalled as a fact"

# A newer preference of the same kind replaces the older one.
printf 'answer in English\n/prefs\n' | session >"$T/out3" 2>&1
out=$(cat "$T/out3")
expect_in "$out" "Answer in English." "the new language preference"
expect_not_in "$out" "Answer in Russian." "the old one is gone"

run_sym memory list --db "$db" --json
check "the correction is a fact from feedback" jq -e \
    'map(select(.text == "The capital of Australia is Canberra" and .source == "feedback"))
     | length == 1' <<<"$out"

run_sym feedback export --db "$db"
expect_rc 0 "feedback export"
check "three rated answers, one JSON object per line" [ "$(wc -l <<<"$out")" -eq 3 ]
check "export shape: prompt, answer, rating, reason, correction, time" jq -se '
    .[0].prompt == "What is the capital of Australia?" and .[0].rating == 1 and
    .[1].prompt == "Tell me about kangaroos" and .[1].rating == -1 and
    .[1].reason == "too long" and .[2].rating == 0 and
    .[2].correction == "The capital of Australia is Canberra" and
    all(.[]; has("answer") and (.time | startswith("20")))' <<<"$out"
run_sym feedback export "$T/fb.jsonl" --db "$db"
check "export to a file" [ "$(wc -l <"$T/fb.jsonl")" -eq 3 ]

run_sym stats --db "$db" --json
expect_rc 0 "stats --json"
check "stats counts the chat turns and sums their tokens" jq -e '
    .turns == 3 and .days == 7 and .tokens.generated > 0 and .tokens.prompt > .tokens.evaluated
    and .ttft_ms.median > 0 and .ttft_ms.p95 >= .ttft_ms.median and .gen_tps.median > 0 and
    .peak_rss_kb > 0 and (.models | contains("tiny-chatml.gguf"))' <<<"$out"
run_sym stats --db "$db"
expect_in "$out" "3 chat turns" "stats in text"
expect_in "$out" "time to first token" "stats names the figures"
SYMBIOT_NOW=$((1800000000 + 8 * 86400)) run_sym stats --db "$db" --json
check "turns older than --days are left out" jq -e '.turns == 0' <<<"$out"
SYMBIOT_NOW=$((1800000000 + 8 * 86400)) run_sym stats --db "$db" --days 0 --json
check "--days 0: all kept turns" jq -e '.turns == 3' <<<"$out"

run_sym stats --db "$db" --plot "$T/speed.svg"
expect_rc 0 "stats --plot svg"
check "the SVG has one point per turn in each panel" \
    [ "$(grep -o '<circle' "$T/speed.svg" | wc -l)" -eq 6 ]
check "the SVG is complete" grep -q '</svg>' "$T/speed.svg"
run_sym stats --db "$db" --plot "$T/speed.png"
expect_rc 0 "stats --plot png"
check "a PNG, 800 x 480" [ "$(head -c 24 "$T/speed.png" | od -An -tx1 | tr -d ' \n')" = \
    "89504e470d0a1a0a0000000d49484452000003200000""01e0" ]
run_sym stats --db "$db" --plot "$T/speed.jpg"
expect_rc 1 "an unknown chart format"
expect_in "$err" ".svg or .png" "the error says which formats"

# Without an answer, or without a database, feedback says what is wrong.
printf '/good\n/correct x\n' | "$SYMBIOT" chat --db "$T/empty.db" >"$T/out4" 2>&1
out=$(cat "$T/out4")
expect_in "$out" "There is no answer to rate yet." "/good before any answer"
expect_in "$out" "There is no answer to correct yet." "/correct before any answer"
run_sym feedback --db "$db"
expect_rc 2 "feedback without export"
run_sym stats extra --db "$db"
expect_rc 2 "stats with an argument"
run_sym stats --days -1 --db "$db"
expect_rc 2 "a negative --days"
finish
