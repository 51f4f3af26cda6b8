#!/usr/bin/env bash
# tools.sh: `symbiot tools` and `symbiot tools call` on the real binary and a real database:
# the list (text and --json with full schemas), module tools giving the slash commands' answers,
# clear usage errors naming the argument (exit 2), a tool that removes something refused without
# a terminal (nothing removed), allowed by `tools-allow`, and asked on a real terminal (tmux):
# "n" keeps the fact, "y" forgets it.
. "$(dirname "$0")/lib.sh"

# --- the list ---
run_sym tools
expect_rc 0 "tools"
expect_in "$out" "remember" "tools lists remember"
expect_in "$out" "forget" "tools lists forget"
expect_in "$out" "place?: string" "tools shows the argument summary"
expect_in "$(grep '^forget' <<<"$out")" "[asks first]" "forget is marked as asking first"
expect_not_in "$out" "quit" "quit is no tool"
run_sym tools --json
expect_rc 0 "tools --json"
check "tools --json is an array of tools with schemas" \
    jq -e 'length > 9 and all(.[]; .input_schema.type == "object" and (.name | length) > 0)' <<<"$out"
check "remind's schema has when and text, both required" \
    jq -e '.[] | select(.name == "remind") | .input_schema.required == ["when", "text"]
        and .input_schema.properties.when.type == "string"' <<<"$out"
check "forget is destructive and asks" \
    jq -e '.[] | select(.name == "forget") | .destructive and .asks and (.read_only | not)' <<<"$out"

# --- calls ---
run_sym tools call time '{"place": "Tokyo"}'
expect_rc 0 "tools call time"
expect_in "$out" "in Tokyo" "time in Tokyo"
run_sym tools call remember '{"text": "my sister is Anna"}'
expect_rc 0 "tools call remember"
expect_in "$out" "Remembered" "remember answers as /remember does"
run_sym --json tools call memories '{"query": "sister"}'
expect_rc 0 "tools call memories --json"
check "memories --json gives the tool, its source and the text" \
    jq -e '.tool == "memories" and .source == "memory" and (.text | contains("Anna"))
        and .is_error == false' <<<"$out"
run_sym memory list
expect_in "$out" "My sister is Anna" "the remembered fact is in the database"

# --- usage errors ---
run_sym tools call nonesuch
expect_rc 2 "an unknown tool"
expect_in "$err" 'no tool called "nonesuch"' "an unknown tool is named"
run_sym tools call time '{"place": '
expect_rc 2 "invalid JSON"
expect_in "$err" "not a JSON object" "invalid JSON is said"
run_sym tools call time '{"city": "Oslo"}'
expect_rc 2 "an unknown argument"
expect_in "$err" '"city"' "the unknown argument is named"
run_sym tools call cancel '{"id": "one"}'
expect_rc 2 "a string for an integer"
expect_in "$err" '"id" must be an integer' "the wrong type is named"
run_sym tools call until
expect_rc 2 "a missing required argument"
expect_in "$err" '"date"' "the missing argument is named"
run_sym tools list
expect_rc 2 "an unknown subcommand"

# --- confirmation ---
run_sym tools call forget '{"fact": "1"}'
expect_rc 1 "forget without a terminal"
expect_in "$err" "tools-allow = forget" "the refusal says how to allow it"
run_sym memory list
expect_in "$out" "My sister is Anna" "a refused forget removes nothing"

if use_tmux tools; then
    tm_start "$SYMBIOT tools call forget '{\"fact\": \"1\"}'; echo EXIT=\$?; sleep 30"
    check "forget asks on a terminal" wait_for "[y/N]"
    tm send-keys -t s n Enter
    check "no: exit status 1" wait_for "EXIT=1"
    run_sym memory list
    expect_in "$out" "My sister is Anna" "no keeps the fact"
    tm_start "$SYMBIOT tools call forget '{\"fact\": \"1\"}'; echo EXIT=\$?; sleep 30"
    check "forget asks again" wait_for "[y/N]"
    tm send-keys -t s y Enter
    check "yes: exit status 0" wait_for "EXIT=0"
    run_sym memory list
    expect_not_in "$out" "My sister is Anna" "yes forgets the fact"
else
    skip "tmux is not installed: the terminal prompt is not tested"
fi

mkdir -p "$XDG_CONFIG_HOME/symbiot"
printf 'tools-allow = forget, cancel\n' >"$XDG_CONFIG_HOME/symbiot/config"
run_sym tools call remind '{"when": "in 10 minutes", "text": "call Mum"}'
expect_rc 0 "tools call remind"
run_sym tools call cancel '{"id": 1}'
expect_rc 0 "cancel allowed by tools-allow"
expect_in "$out" "call Mum" "the cancelled reminder is named"
run_sym reminders
expect_not_in "$out" "call Mum" "the reminder is gone"

# --no-tools and tools = off concern the model; a call by hand still runs.
run_sym --no-tools tools call time '{"place": "UTC"}'
expect_rc 0 "tools call with --no-tools"
printf 'tools = off\n' >"$XDG_CONFIG_HOME/symbiot/config"
run_sym tools
expect_rc 0 "tools with tools = off"
printf 'tools = maybe\n' >"$XDG_CONFIG_HOME/symbiot/config"
run_sym tools
expect_rc 2 "a bad tools value"
expect_in "$err" "tools" "the bad key is named"

finish
