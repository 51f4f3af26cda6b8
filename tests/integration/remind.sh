#!/usr/bin/env bash
# remind.sh: reminders through the real binary with a fixed clock (SYMBIOT_NOW) and --db in a temp
# dir: /remind via ask, `symbiot reminders` (text and --json), SYMBIOT_DB, the overdue reminder
# announced once on stderr after a restart, a database that cannot be used (the rest still works,
# `symbiot reminders` fails), and a reminder falling due while the user sits at the REPL prompt.
. "$(dirname "$0")/lib.sh"

export TZ=UTC
db="$T/mem/memory.db"
export SYMBIOT_NOW=2027-06-12T09:00:00Z

run_sym ask --db "$db" "/remind in 10 minutes check the oven"
expect_rc 0 "ask /remind"
expect_in "$out" "I'll remind you today at 09:10: check the oven." "the confirmation"
check "the database is owner-only" [ "$(stat -c %a "$db")" = 600 ]
check "its directory is owner-only" [ "$(stat -c %a "$T/mem")" = 700 ]

run_sym reminders --db "$db" --json
expect_rc 0 "reminders --json"
check "one pending reminder in JSON" jq -e 'length == 1 and .[0].id == 1 and
    .[0].text == "check the oven" and .[0].due == "2027-06-12T09:10:00+00:00" and
    .[0].status == "pending"' <<<"$out"
run_sym reminders --db "$db"
expect_rc 0 "reminders"
expect_in "$out" "#1  today at 09:10  check the oven" "the text list"
SYMBIOT_DB="$db" run_sym reminders --json
check "SYMBIOT_DB picks the database" jq -e 'length == 1' <<<"$out"
run_sym ask --db "$db" /stats
expect_in "$out" "0 fact(s), 1 pending reminder(s)" "/stats counts facts and pending reminders"

# A restart 11 minutes later: piped chat announces the overdue reminder on stderr, once.
export SYMBIOT_NOW=2027-06-12T09:11:00Z
printf '/reminders\n' | "$SYMBIOT" chat --db "$db" >"$T/out" 2>"$T/err"
rc=$?
expect_rc 0 "piped chat after the restart"
expect_in "$(cat "$T/err")" \
    "⏰ Reminder (missed while Symbiot was closed, due today at 09:10): check the oven" \
    "overdue announcement on stderr"
expect_not_in "$(cat "$T/out")" "⏰" "stdout keeps the answers alone"
expect_in "$(cat "$T/out")" "No reminders" "announced means done"
printf '/reminders\n' | "$SYMBIOT" chat --db "$db" >"$T/out" 2>"$T/err"
check "announced only once" [ ! -s "$T/err" ]

# ask announces too; Russian reminders are announced in Russian.
run_sym ask --db "$db" "/remind через 5 минут проверить духовку"
expect_in "$out" "Напомню сегодня в 09:16: проверить духовку." "Russian confirmation"
SYMBIOT_NOW=2027-06-12T09:20:00Z run_sym ask --db "$db" "/help"
expect_in "$err" "⏰ Напоминание (пропущено" "announcement before ask's answer"

# A file that is not a database: left alone, reminders off, the rest works.
printf 'not a database at all\n' >"$T/bad.db"
cp "$T/bad.db" "$T/bad.orig"
run_sym reminders --db "$T/bad.db"
expect_rc 1 "symbiot reminders with a bad database"
expect_in "$err" "not a Symbiot memory database" "clear message"
run_sym ask --db "$T/bad.db" "/remind in 10 minutes x"
expect_rc 0 "ask goes on without the database"
expect_in "$err" "memory is off" "the store error is shown"
expect_in "$out" "Reminders are unavailable" "the command explains"
check "the bad file is untouched" cmp -s "$T/bad.db" "$T/bad.orig"

# The default place: $XDG_DATA_HOME/symbiot/memory.db.
run_sym ask "/reminders"
expect_rc 0 "default database"
check "default database created 0600" [ "$(stat -c %a "$XDG_DATA_HOME/symbiot/memory.db")" = 600 ]
run_sym reminders --db
expect_rc 2 "--db needs a value"

# In the REPL, on the real clock: a reminder that falls due while the user sits at the prompt.
unset SYMBIOT_NOW
if ! use_tmux remind; then
    skip "tmux is not installed"
    finish
    exit
fi
tm_start "env -u SYMBIOT_NOW HOME='$HOME' TZ=UTC '$SYMBIOT' --db '$T/repl.db'; sleep 600"
check "REPL starts" wait_for "Type /help"
tm send-keys -t s "/remind in 2 seconds stretch" Enter
check "REPL confirms" wait_for "I'll remind you"
check "announced at the prompt" wait_for "⏰ Reminder: stretch" 8
tm send-keys -t s "/reminders" Enter
check "the REPL still works after the alarm" wait_for "No reminders"
# One that falls due while the user is typing: announced, and the half-typed line is drawn again
# and kept (typing goes on where it was).
tm send-keys -t s "/remind in 2 seconds drink water" Enter
check "the second reminder is set" wait_for "drink water."
tm send-keys -t s "/remin"
check "announced while typing" wait_for "⏰ Reminder: drink water" 8
check "the half-typed line is drawn again below it" \
    bash -c "tmux -L '$sock' capture-pane -p -t s | grep -v '^\$' | tail -n 1 | grep -qx '> /remin'"
tm send-keys -t s "ders" Enter
check "the half-typed line was kept" wait_for "No reminders" 5
tm send-keys -t s C-d
finish
