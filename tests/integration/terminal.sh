#!/usr/bin/env bash
# terminal.sh: untrusted text never reaches a terminal as control characters. A fact imported
# with escape sequences in it (a window title, a clipboard write, a screen clear) is listed on a
# terminal (a pseudo-terminal from script(1)) with each control character shown as U+FFFD; the
# same list into a pipe keeps the text byte for byte, for programs that read it.
. "$(dirname "$0")/lib.sh"

if ! command -v script >/dev/null; then
    skip "terminal output: script(1) is missing (util-linux)"
    finish
    exit
fi
export NO_COLOR=1
db="$T/term.db"
printf '%s\n' '{"text":"I like tea \u001b]0;pwned\u0007 and \u001b]52;c;ZXZpbA==\u0007 and \u001b[2J\u009b31m"}' \
    >"$T/hostile.jsonl"
run_sym memory import --db "$db" "$T/hostile.jsonl"
expect_rc 0 "a fact with control characters can be imported (it is the user's text)"

script -qec "'$SYMBIOT' memory list --db '$db'" /dev/null >"$T/tty" 2>&1
check "memory list on a terminal prints the fact" grep -q "I like tea" "$T/tty"
check "no escape character reaches the terminal" [ "$(tr -cd '\033\007' <"$T/tty" | wc -c)" = 0 ]
check "no C1 control reaches the terminal" [ "$(grep -c $'\xc2\x9b' "$T/tty")" = 0 ]
check "each control is shown as U+FFFD" grep -qF $'tea \xef\xbf\xbd]0;pwned\xef\xbf\xbd and' "$T/tty"

"$SYMBIOT" memory list --db "$db" >"$T/pipe" 2>/dev/null
check "into a pipe the text is kept as stored" grep -qF $'tea \033]0;pwned\007' "$T/pipe"
finish
