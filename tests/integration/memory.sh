#!/usr/bin/env bash
# memory.sh: `symbiot memory ...` through the real binary with --db in a temp dir: add, list,
# search --json, edit, pin, unpin, forget, stats; export then import into a fresh database gives the same
# export; a malformed import reports its line numbers and writes nothing; Russian text round
# trip; facts kept across a restart and seen by /memories; usage errors exit 2.
. "$(dirname "$0")/lib.sh"

export TZ=UTC
db="$T/mem/memory.db"

run_sym memory add --db "$db" My sister is Anna --tag family --time 2020-06-12T09:00:00Z
expect_rc 0 "memory add"
expect_in "$out" "#1 added" "the new id"
run_sym memory add --db "$db" "I prefer green tea" --source chat
expect_rc 0 "memory add --source"
run_sym memory --db "$db" add "Я живу в Казани"
expect_rc 0 "memory add, Russian"
run_sym memory add --db "$db" "my sister is anna"
expect_in "$out" "#1 already known" "a duplicate is not stored twice"

run_sym memory list --db "$db" --json
expect_rc 0 "memory list --json"
check "three facts, newest first" jq -e 'length == 3 and .[2].id == 1 and
    .[2].text == "My sister is Anna" and .[2].source == "user" and
    .[2].time == "2020-06-12T09:00:00+00:00"' <<<"$out"
check "the source is kept" jq -e 'map(select(.text == "I prefer green tea"))[0].source == "chat"' \
    <<<"$out"
run_sym memory list --db "$db"
expect_in "$out" "#1  2020-06-12T09:00:00+00:00  My sister is Anna  [family]" "text list"

run_sym memory search --db "$db" --json -k 2 sister
expect_rc 0 "memory search --json"
check "search finds the sister" jq -e 'length == 1 and .[0].id == 1 and .[0].score > 0' <<<"$out"
run_sym memory search --db "$db" --json Казань
check "Russian search by stem" jq -e 'length == 1 and .[0].text == "Я живу в Казани"' <<<"$out"

run_sym memory edit --db "$db" 2 "I prefer black tea"
expect_rc 0 "memory edit"
run_sym memory edit --db "$db" 99 "nothing"
expect_rc 1 "memory edit of a missing id"
run_sym memory list --db "$db" --json
check "edited text" jq -e 'map(select(.id == 2))[0].text == "I prefer black tea"' <<<"$out"

# Pinning: marked in the text list, "pinned" in --json list and search.
run_sym memory pin --db "$db" 1
expect_rc 0 "memory pin"
expect_in "$out" "#1 pinned" "pin reply"
run_sym memory list --db "$db"
expect_in "$out" "My sister is Anna  [family]  (pinned)" "a pinned fact is marked"
run_sym memory list --db "$db" --json
check "pinned in list --json" jq -e 'map(select(.id == 1))[0].pinned == true and
    map(select(.id == 2))[0].pinned == false' <<<"$out"
run_sym memory search --db "$db" --json sister
check "pinned in search --json" jq -e '.[0].pinned == true' <<<"$out"
run_sym ask --db "$db" "/memories"
expect_in "$out" "#1  My sister is Anna (pinned)" "/memories marks it too"
run_sym memory unpin --db "$db" 1
expect_in "$out" "#1 unpinned" "unpin reply"
run_sym memory list --db "$db" --json
check "unpinned" jq -e 'map(select(.id == 1))[0].pinned == false' <<<"$out"
run_sym memory pin --db "$db" 99
expect_rc 1 "pinning a missing id"
run_sym memory pin --db "$db" abc
expect_rc 2 "pin without an id"

run_sym memory add --db "$db" "temporary fact"
run_sym memory rm --db "$db" 4
expect_rc 0 "memory rm (the one verb for deleting)"
run_sym memory forget --db "$db" 4 # `forget` stays an alias
expect_rc 1 "forgetting twice"

run_sym memory stats --db "$db"
expect_rc 0 "memory stats"
expect_in "$out" "facts: 3" "the count"
expect_in "$out" "database: $db" "the path"
expect_in "$out" "size: " "the size"

# Export, import into a fresh database, export again: the same facts.
run_sym memory export --db "$db" "$T/a.jsonl"
expect_rc 0 "memory export FILE"
check "three lines" [ "$(wc -l <"$T/a.jsonl")" = 3 ]
check "the export is owner-only" [ "$(stat -c %a "$T/a.jsonl")" = 600 ]
check "Russian text kept as UTF-8" grep -q '"text":"Я живу в Казани"' "$T/a.jsonl"
check "tags as an array" jq -se '.[0].tags == ["family"] and .[0].pinned == false' "$T/a.jsonl"
run_sym memory import --db "$T/fresh.db" "$T/a.jsonl"
expect_rc 0 "memory import"
expect_in "$out" "imported 3 fact(s)" "import count"
run_sym memory export --db "$T/fresh.db"
printf '%s\n' "$out" >"$T/b.jsonl"
# `updated` is not carried back (an imported fact is updated when it was created).
check "export -> import -> export gives the same facts" \
    cmp -s <(jq -c 'del(.updated)' "$T/a.jsonl") <(jq -c 'del(.updated)' "$T/b.jsonl")
run_sym memory import --db "$T/fresh.db" "$T/a.jsonl"
expect_in "$out" "imported 0 fact(s), 3 already known" "importing twice adds nothing"

# A malformed file: every bad line reported with its number, nothing written.
cat >"$T/bad.jsonl" <<'JSONL'
{"text": "A good fact"}

{"source": "user"}
not json
{"text": "Another good fact", "time": "yesterday"}
{"text": "Tagged", "tags": "x"}
JSONL
run_sym memory import --db "$T/fresh.db" "$T/bad.jsonl"
expect_rc 1 "a malformed import fails"
expect_in "$err" "bad.jsonl:3: missing \"text\"" "line 3 reported"
expect_in "$err" "bad.jsonl:4: not valid JSON" "line 4 reported"
expect_in "$err" "bad.jsonl:5: \"time\" must be an ISO 8601 time" "line 5 reported"
expect_in "$err" "bad.jsonl:6: \"tags\"" "line 6 reported"
expect_not_in "$err" "bad.jsonl:1:" "good lines are not reported"
run_sym memory stats --db "$T/fresh.db"
expect_in "$out" "facts: 3" "nothing was written"

# A large import holds one line at a time: 40,000 facts cost about what 2,000 do (all of them
# held before writing cost 14 MB more), and a bad last line still leaves nothing written.
if [ ! -x /usr/bin/time ]; then
    skip "import memory: /usr/bin/time is missing"
else
    facts() { seq 1 "$1" | awk '{printf "{\"text\": \"Generated fact %d about the garden and the river\"}\n", $1}'; }
    facts 2000 >"$T/small.jsonl"
    facts 40000 >"$T/large.jsonl"
    # Under ASan, freed memory waits in its quarantine (256 MB) before reuse: measured without it.
    asan="${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=0"
    ASAN_OPTIONS=$asan /usr/bin/time -f %M -o "$T/small.kb" "$SYMBIOT" memory import \
        --db "$T/small.db" "$T/small.jsonl" >/dev/null
    ASAN_OPTIONS=$asan /usr/bin/time -f %M -o "$T/large.kb" "$SYMBIOT" memory import \
        --db "$T/large.db" "$T/large.jsonl" >"$T/large.out"
    small_kb=$(tail -n 1 "$T/small.kb")
    large_kb=$(tail -n 1 "$T/large.kb")
    expect_in "$(cat "$T/large.out")" "imported 40000 fact(s)" "a 40,000-line import"
    check "40,000 facts import in bounded memory ($large_kb KB, 2,000: $small_kb KB)" \
        [ "$large_kb" -lt $((small_kb + 8192)) ]
    echo 'not json' >>"$T/large.jsonl"
    run_sym memory import --db "$T/streamed.db" "$T/large.jsonl"
    expect_rc 1 "a bad last line fails the import"
    expect_in "$err" "large.jsonl:40001: not valid JSON" "the last line is named"
    run_sym memory stats --db "$T/streamed.db"
    expect_in "$out" "facts: 0" "the 40,000 lines written before it were rolled back"
fi

# A restart: the facts are there for the assistant too.
run_sym ask --db "$db" "/memories"
expect_rc 0 "ask /memories"
expect_in "$out" "My sister is Anna" "a fact from the CLI"
run_sym ask --db "$db" "/remember my cat is Tom"
expect_in "$out" "Remembered (#4): My cat is Tom." "remember through ask"
run_sym memory search --db "$db" --json cat
check "seen by the CLI after the restart" jq -e '.[0].text == "My cat is Tom"' <<<"$out"

# Facts said in chat are remembered even without a model; a move supersedes; --no-extract.
db2="$T/mem/said.db"
said=$(printf 'My name is Ann\nI live in Moscow\nI moved to Kazan\n' |
    env -u SYMBIOT_MODEL "$SYMBIOT" chat --db "$db2" 2>&1)
expect_in "$said" "remembered: My name is Ann" "a name said in chat is remembered"
expect_in "$said" "updated: I live in Kazan" "a move supersedes the home"
printf 'I love jazz\n' | env -u SYMBIOT_MODEL "$SYMBIOT" chat --no-extract --db "$db2" >/dev/null 2>&1
run_sym memory list --db "$db2" --json
expect_rc 0 "memory list of extracted facts"
check "two extracted facts, the home superseded" \
    jq -e 'length == 2 and (map(.text) | index("I live in Kazan")) != null' <<<"$out"

# A plan's time is stored as its event time: listed and exported (Saturday -> next Friday).
db3="$T/mem/plan.db"
printf "I'm flying to Paris on Friday\n" |
    env -u SYMBIOT_MODEL SYMBIOT_NOW=2027-06-12T09:00:00Z "$SYMBIOT" chat --db "$db3" >/dev/null 2>&1
run_sym memory list --db "$db3"
expect_in "$out" "Paris on Friday (on 2027-06-18)" "the event date in the list"
run_sym memory export --db "$db3"
check "event_time exported" jq -e '.event_time == "2027-06-18T09:00:00+00:00"' <<<"$out"

# Search by meaning: --embed-model (the random-weight test model stands in for an embedding
# model) embeds the stored facts once (-v reports it), fuses the two rankings, and a missing
# embedding model is a clear error.
edb="$T/mem/embed.db"
run_sym memory add --db "$edb" "My sister is Anna"
run_sym memory add --db "$edb" "I live in Kazan"
run_sym memory add --db "$edb" "My dog is called Rex"
run_sym memory search -v --db "$edb" --embed-model "$TINY_MODEL" --json -k 3 "My dog is called Rex"
expect_rc 0 "memory search --embed-model"
expect_in "$err" "embedded 3 facts" "the facts are embedded once"
check "fused search puts the exact fact first" jq -e 'length == 3 and
    .[0].text == "My dog is called Rex" and .[0].score > .[1].score' <<<"$out"
run_sym memory search -v --db "$edb" --embed-model "$TINY_MODEL" --json xylophone
expect_rc 0 "memory search --embed-model, no shared word"
expect_not_in "$err" "embedded" "vectors are computed only once"
check "neighbours by meaning without a shared word" jq -e 'length == 3' <<<"$out"
run_sym memory add --db "$edb" --embed-model "$TINY_MODEL" "My cat is called Tom"
expect_rc 0 "memory add --embed-model"
run_sym memory search --db "$edb" --json xylophone
check "without --embed-model: words only" jq -e 'length == 0' <<<"$out"
run_sym memory search --db "$edb" --embed-model "$T/nonexistent.gguf" Rex
expect_rc 1 "a missing embedding model"
expect_in "$err" "embedding model" "the error names the embedding model"

# The model's pass of fact extraction: asked after a first-person statement by a chat-template
# model (what the random-weight model replies is not grounded, so nothing is added).
run_sym ask --db "$T/learn.db" -m "$CHATML_MODEL" --json --temp 0 -n 8 \
    "We adopted a grey kitten called Tom"
expect_rc 0 "ask with a chat-template model"
check "the model was asked for facts" jq -e '.llm_extract.ms > 0 and .llm_extract.added == 0' \
    <<<"$out"
run_sym ask --db "$T/learn.db" -m "$CHATML_MODEL" --json --temp 0 -n 8 --no-llm-extract \
    "We adopted a grey kitten called Tom"
check "--no-llm-extract: not asked" jq -e 'has("llm_extract") | not' <<<"$out"
run_sym ask --db "$T/learn.db" -m "$CHATML_MODEL" --json --temp 0 -n 8 "What is its name?"
check "a question: not asked" jq -e 'has("llm_extract") | not' <<<"$out"

# Usage errors.
run_sym memory --db "$db"
expect_rc 2 "memory without a subcommand"
run_sym memory frobnicate --db "$db"
expect_rc 2 "an unknown subcommand"
run_sym memory forget --db "$db" abc
expect_rc 2 "forget without an id"
run_sym memory add --db "$db" x --time tomorrow
expect_rc 2 "a bad --time"
run_sym memory --help
expect_rc 0 "memory --help"
expect_in "$out" "all or nothing" "the import choice is documented"
finish
