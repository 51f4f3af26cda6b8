#!/usr/bin/env bash
# help.sh: every command in the command table answers --help with its own usage (on stdout, its
# name in the first line, exit 0, nothing on stderr), `symbiot help COMMAND` prints the same, and
# the help texts and the man page (docs/symbiot.1) agree: every command has its entry under
# COMMANDS, every option a help text lists is in the man page, and every option the man page
# describes is in a help text.
. "$(dirname "$0")/lib.sh"
MAN="$(dirname "$0")/../../docs/symbiot.1"

# The man page as plain text: \- is a dash, font changes go.
man_plain=$(sed -e 's/\\-/-/g' -e 's/\\f[BIRP]//g' "$MAN")

# The options a text names: words that start with one or two dashes and a letter, after a space,
# a bracket, a comma, a bar or a quote.
options_in() {
    grep -oE -- "(^|[][ ,(|\"'\`])--?[a-zA-Z][a-zA-Z0-9-]*" <<<"$1" | sed -E 's/^[^-]*//' | sort -u
}

run_sym --help
expect_rc 0 "--help"
global_help=$out
commands=$(awk '/^Commands:/ { on = 1; next } on && /^$/ { exit } on { print $1 }' <<<"$out")
check "--help lists the commands" test -n "$commands"
for c in chat ask serve memory pull models help version; do
    expect_in "$commands" "$c" "--help lists $c"
done

# The commands' entries in the man page: the items under COMMANDS, by their first word.
man_commands=$(awk '/^\.SH COMMANDS/ { on = 1; next } /^\.SH/ { on = 0 }
    on && prev == ".TP" { w = $2; gsub(/"/, "", w); print w } { prev = $0 }' "$MAN")

all_help=$global_help
for c in $commands; do
    run_sym "$c" --help
    expect_rc 0 "$c --help"
    check "$c --help writes nothing on stderr" test -z "$err"
    expect_in "$(head -n1 <<<"$out")" "$c" "$c --help names $c in its first line"
    check "$c --help is its own usage, not the global help" test "$out" != "$global_help"
    own=$out
    run_sym help "$c"
    expect_rc 0 "help $c"
    check "help $c prints what $c --help prints" test "$out" = "$own"
    all_help+=$'\n'"$own"
    check "docs/symbiot.1 describes $c under COMMANDS" grep -qx -- "$c" <<<"$man_commands"
    for opt in $(options_in "$own"); do
        check "docs/symbiot.1 documents $opt (from $c --help)" \
            grep -qE -- "(^|[^a-zA-Z0-9-])$opt([^a-zA-Z0-9-]|$)" <<<"$man_plain"
    done
done
for opt in $(options_in "$global_help"); do
    check "docs/symbiot.1 documents $opt (from --help)" \
        grep -qE -- "(^|[^a-zA-Z0-9-])$opt([^a-zA-Z0-9-]|$)" <<<"$man_plain"
done

# The other way round: each option the man page describes in an item of its own (a .TP whose
# first word is an option) is in --help or in a command's help.
man_options=$(awk 'prev == ".TP" && $2 ~ /^-/ { print } { prev = $0 }' <<<"$man_plain")
for opt in $(options_in "$man_options"); do
    check "$opt (docs/symbiot.1) is in a --help" \
        grep -qE -- "(^|[^a-zA-Z0-9-])$opt([^a-zA-Z0-9-]|$)" <<<"$all_help"
done

# Help that is not there, and a usage error that stays one.
run_sym help frobnicate
expect_rc 2 "help for an unknown command"
expect_in "$err" "unknown command 'frobnicate'" "help names the unknown command"
run_sym serve --bogus
expect_rc 2 "an unknown option after a command"
expect_in "$err" "unknown option '--bogus'" "the unknown option is named"
finish
