#!/usr/bin/env bash
# episodic.sh: conversation history as memory, through the real binary. `memory import
# --conversations` reads JSON Lines (the dev half of the episodic test set) and ChatGPT's
# conversations.json (a branch that was regenerated is left out, as are system messages);
# importing twice adds nothing; a bad file reports FILE:LINE and writes nothing; stdin works;
# --extract stores the user's facts. Search: `memory search` finds turns (which conversation, who,
# when) next to facts, --facts and --turns filter, and /memories QUERY shows the turns.
. "$(dirname "$0")/lib.sh"

export TZ=UTC
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
DEV="$ROOT/tests/data/episodic/dev/conversations.jsonl"
db="$T/ep/memory.db"

run_sym memory import --db "$db" --conversations "$DEV"
expect_rc 0 "import the dev half"
expect_in "$out" "imported 256 turn(s) in 6 conversation(s)" "every turn and conversation"
run_sym memory import --db "$db" --conversations "$DEV"
expect_in "$out" "imported 0 turn(s) in 0 conversation(s), 6 conversation(s) already imported" \
    "importing twice adds nothing"
run_sym conversations --db "$db" --json
check "six conversations, the first turn as the title" jq -e 'length == 6 and
    (map(.title) | index("Hey Tom! Long time no see. How have you been?")) != null' <<<"$out"

# A bad file: every bad line named, nothing written.
printf '%s\n' '{"conversation":"x","speaker":"A","text":"fine","time":"2025-01-01T10:00:00Z"}' \
    '{"conversation":"x","speaker":"A"}' 'not json' \
    '{"conversation":"x","speaker":"B","text":"hi","time":"yesterday"}' >"$T/bad.jsonl"
run_sym memory import --db "$T/bad.db" --conversations "$T/bad.jsonl"
expect_rc 1 "a bad history fails"
expect_in "$err" "bad.jsonl:2: \"text\" must be a non-empty string" "line 2 named"
expect_in "$err" "bad.jsonl:3: not valid JSON" "line 3 named"
expect_in "$err" "bad.jsonl:4: \"time\" must be an ISO 8601 time" "line 4 named"
expect_in "$err" "3 bad line(s); nothing imported" "nothing imported"
run_sym conversations --db "$T/bad.db" --json
check "no conversation was written" jq -e 'length == 0' <<<"$out"
printf 'hello\n' >"$T/text.txt"
run_sym memory import --db "$T/bad.db" --conversations "$T/text.txt"
expect_rc 1 "a text file is refused"
expect_in "$err" "neither JSON Lines" "the formats are named"

# ChatGPT's export: the thread shown last, user and assistant only, titles and times kept.
cat >"$T/conversations.json" <<'JSON'
[{"title": "Trip planning", "create_time": 1700000000.5, "id": "abc-1", "current_node": "n3",
  "mapping": {
   "root": {"id": "root", "message": null, "parent": null, "children": ["n0"]},
   "n0": {"id": "n0", "message": {"author": {"role": "system"}, "content": {"content_type": "text", "parts": ["You are ChatGPT"]}, "metadata": {"is_visually_hidden_from_conversation": true}}, "parent": "root", "children": ["n1"]},
   "n1": {"id": "n1", "message": {"author": {"role": "user"}, "create_time": 1700000010, "content": {"content_type": "text", "parts": ["My sister is called Olga. She lives in Lisbon."]}}, "parent": "n0", "children": ["n2", "n2b"]},
   "n2b": {"id": "n2b", "message": {"author": {"role": "assistant"}, "create_time": 1700000015, "content": {"content_type": "text", "parts": ["an older answer, regenerated"]}}, "parent": "n1", "children": []},
   "n2": {"id": "n2", "message": {"author": {"role": "assistant"}, "create_time": 1700000020, "content": {"content_type": "text", "parts": ["Lisbon is lovely in spring."]}}, "parent": "n1", "children": ["n3"]},
   "n3": {"id": "n3", "message": {"author": {"role": "user"}, "create_time": 1700000030, "content": {"content_type": "multimodal_text", "parts": [{"asset_pointer": "file-1"}, "What should we eat there?"]}}, "parent": "n2", "children": []}
  }},
 {"title": "Empty", "id": "abc-2", "mapping": {}}]
JSON
run_sym memory import --db "$T/gpt.db" --extract --conversations "$T/conversations.json"
expect_rc 0 "import a ChatGPT export"
expect_in "$out" "imported 3 turn(s) in 1 conversation(s), 1 fact(s) extracted" "three turns, one fact"
run_sym conversations --db "$T/gpt.db" --json
check "the export's title; three turns: no system message, no regenerated branch" \
    jq -e 'length == 1 and .[0].title == "Trip planning" and .[0].turns == 3' <<<"$out"
run_sym memory list --db "$T/gpt.db" --json
check "--extract stored the user's fact" jq -e 'map(.text) | index("My sister is Olga") != null' \
    <<<"$out"
out=$("$SYMBIOT" memory import --db "$T/gpt2.db" --conversations - <"$T/conversations.json")
rc=$?
expect_rc 0 "import from stdin"
expect_in "$out" "imported 3 turn(s) in 1 conversation(s)" "stdin is read twice through a file"
printf '[{"id": "x", "mapping": {"a": {"parent": "b"}}},\n 5]' >"$T/broken.json"
run_sym memory import --db "$T/gpt3.db" --conversations "$T/broken.json"
expect_rc 1 "a broken export fails"
expect_in "$err" "broken.json:1: the conversation's thread names a message it does not have" \
    "a broken thread named"
expect_in "$err" "broken.json:2: expected a conversation object" "a stray value named"

# Search: a turn says which conversation, who said it and when.
run_sym memory add --db "$db" "My dog is a beagle"
run_sym memory search --db "$db" --json --turns beagle
expect_rc 0 "search --turns"
check "turns only, with conversation, speaker and time" jq -e 'length > 0 and
    all(.[]; .kind == "turn") and
    (map(select(.text | startswith("A beagle. We named him Biscuit")))[0] |
     .speaker == "Maya" and .time == "2025-03-08T18:34:00+00:00" and .conversation > 0 and
     .source == "conversation \(.conversation)" and .session == "maya-tom-s1" and
     .conversation_title == "Hey Tom! Long time no see. How have you been?" and .score > 0)' \
    <<<"$out"
run_sym memory search --db "$db" --json beagle
check "facts and turns together, the fact first" jq -e '.[0].kind == "fact" and
    .[0].text == "My dog is a beagle" and (map(.kind) | index("turn")) != null' <<<"$out"
run_sym memory search --db "$db" --json --facts beagle
check "--facts: facts only" jq -e 'length == 1 and .[0].kind == "fact"' <<<"$out"
run_sym memory search --db "$db" Biscuit
expect_in "$out" "[conversation 1, Maya] A beagle. We named him Biscuit" "a turn in the text list"
run_sym memory stats --db "$db"
expect_in "$out" "turns: 256" "stats counts the turns"
out=$(printf '/memories Biscuit\n' | "$SYMBIOT" --db "$db" 2>&1)
expect_in "$out" "From our conversations:" "/memories shows turns"
expect_in "$out" "Maya, 2025-03-08: A beagle. We named him Biscuit" "who and when"

# Usage.
run_sym memory list --db "$db" --turns
expect_rc 2 "--turns is for search"
run_sym memory import --db "$db" --extract
expect_rc 2 "--extract alone is a usage error"
finish
