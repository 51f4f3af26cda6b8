#!/usr/bin/env bash
# repl.sh: the interactive session in a real terminal (tmux): banner and help without a model,
# Ctrl-C stops an answer and the prompt comes back, Ctrl-C twice at the prompt leaves, Ctrl-D
# leaves, the history file is private and lives in $XDG_STATE_HOME (moved there once from its old
# place in $XDG_DATA_HOME).
. "$(dirname "$0")/lib.sh"

if ! use_tmux repl; then
    skip "tmux is not installed"
    finish
    exit
fi
start() { # start COMMAND: run it in a fresh tmux session, then echo its exit status to a file
    rm -f "$T/rc"
    tm_start "env HOME='$HOME' XDG_DATA_HOME='$XDG_DATA_HOME' XDG_CONFIG_HOME='$XDG_CONFIG_HOME' XDG_STATE_HOME='$XDG_STATE_HOME' $1; echo \$? > '$T/rc'; sleep 600"
}
exited() { # exited WANT_RC
    local i
    for i in $(seq 1 200); do
        [ -f "$T/rc" ] && [ "$(cat "$T/rc")" = "$1" ] && return 0
        sleep 0.1
    done
    return 1
}

# A history file at the old place (before XDG_STATE_HOME) is moved, not lost.
mkdir -p "$XDG_DATA_HOME/symbiot"
printf '_HiStOrY_V2_\n/privacy\n' >"$XDG_DATA_HOME/symbiot/history" # libedit's format
# Without a model: the banner says how to get one; /help works; Ctrl-D leaves with status 0.
start "'$SYMBIOT'"
check "no-model banner" wait_for "symbiot -m /path/to/model.gguf"
tm send-keys -t s Up
check "the old history file's lines are there" wait_for "> /privacy"
tm send-keys -t s C-u
tm send-keys -t s "/help" Enter
check "/help in the REPL" wait_for "forget this conversation"
tm send-keys -t s "hello" Enter
check "chat without a model explains" wait_for "only commands work"
tm send-keys -t s "/remmber" Enter
check "a mistyped /command gets a suggestion" wait_for "Did you mean /remember?"
# A pasted block (bracketed paste) is one message: its newlines are marked while it is edited.
tm set-buffer $'/remember pasted one\npasted two\tand a tab'
tm paste-buffer -p -t s
check "a pasted block waits at the prompt as one line" wait_for "> /remember pasted one↵pasted two"
tm send-keys -t s Enter
check "the pasted block is one message" wait_for "Remembered (#1): Pasted one"
# """ opens and closes a multi-line message.
tm send-keys -t s '"""' Enter "/remember quoted one" Enter 'quoted two"""' Enter
check "a continuation prompt inside \"\"\"" wait_for "... quoted two"
check "the lines between \"\"\" are one message" wait_for "Remembered (#2): Quoted one"
tm send-keys -t s C-d
check "Ctrl-D leaves" exited 0
run_sym memory list --json
check "the pasted message kept its newline and tab" \
    jq -e 'any(.[]; .text == "Pasted one\npasted two\tand a tab")' <<<"$out"
check "the quoted message kept its newline" jq -e 'any(.[]; .text == "Quoted one\nquoted two")' <<<"$out"
check "history file is owner-only" [ "$(stat -c %a "$XDG_STATE_HOME/symbiot/history")" = 600 ]
check "history kept the lines" grep -q "/help" "$XDG_STATE_HOME/symbiot/history"
check "history kept the old file's lines" grep -q "/privacy" "$XDG_STATE_HOME/symbiot/history"
check "the old history file is gone" [ ! -e "$XDG_DATA_HOME/symbiot/history" ]

# With a model: Ctrl-C stops a never-ending answer and the prompt returns.
start "'$SYMBIOT' -m '$TINY_MODEL' -c 32768 -n -1 --temp 0 --repeat-penalty 1"
check "banner names the model" wait_for "tiny-spm.gguf"
check "banner shows the parameter count, not ?B" wait_for "with llama 4M all F32"
tm send-keys -t s "Tell me everything" Enter
sleep 1
tm send-keys -t s C-c
check "Ctrl-C stops the answer" wait_for "[stopped]"
tm send-keys -t s "/stats" Enter
check "the session goes on after Ctrl-C" wait_for "generated"
# Ctrl-C once at the prompt: a hint; twice: leave.
tm send-keys -t s C-c
check "first Ctrl-C at the prompt gives a hint" wait_for "Ctrl-C again"
tm send-keys -t s C-c
check "second Ctrl-C leaves" exited 0
# History from the first session is there in the second (Up arrow).
start "'$SYMBIOT'"
wait_for "Type /help" >/dev/null
tm send-keys -t s Up
check "history is loaded (Up shows the last line)" wait_for "> /stats"
tm send-keys -t s C-u "/quit" Enter
check "/quit leaves" exited 0
# While a long prompt is evaluated: a spinner with the seconds on a terminal (stderr), wiped
# before the answer; never into a pipe, never with --json.
python3 -c "print(' '.join(['apple banana'] * 2000))" >"$T/long"
spun() { # spun SECONDS: a spinner frame and its seconds ("⠹ 1.2s") showed within SECONDS
    local i
    for i in $(seq 1 $(($1 * 20))); do
        screen | grep -qE '^[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] [0-9]+\.[0-9]s$' && return 0
        [ -f "$T/rc" ] && return 1
        sleep 0.05
    done
    return 1
}
start "'$SYMBIOT' ask -m '$TINY_MODEL' -c 32768 -n 2 --temp 0 --db '$T/spin.db' <'$T/long'"
check "a spinner and the seconds while the prompt is evaluated" spun 60
check "the ask ends" exited 0
check "the spinner is wiped" bash -c "! tmux -L '$sock' capture-pane -p -t s | grep -qE '[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏]'"
start "'$SYMBIOT' ask --json -m '$TINY_MODEL' -c 32768 -n 2 --temp 0 --db '$T/spin.db' <'$T/long'"
if spun 60; then fail "a spinner with --json"; else pass; fi
check "the ask --json ends" exited 0
"$SYMBIOT" ask -m "$TINY_MODEL" -c 32768 -n 2 --temp 0 --db "$T/spin.db" <"$T/long" >/dev/null 2>"$T/err"
check "no spinner into a pipe" bash -c "! grep -qE $'\r|[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏]' '$T/err'"
# NO_COLOR: no colour codes even on a terminal.
start "NO_COLOR=1 '$SYMBIOT'"
wait_for "Type /help" >/dev/null
check "NO_COLOR: no escape codes on screen" bash -c "! tmux -L '$sock' capture-pane -e -p -t s | grep -q $'\\033\\['"
tm send-keys -t s C-d
start "'$SYMBIOT'"
wait_for "Type /help" >/dev/null
check "colours on a terminal" bash -c "tmux -L '$sock' capture-pane -e -p -t s | grep -q $'\\033\\['"
tm send-keys -t s C-d
# Tab completes /commands, /model's library names and /help's topics; never chat text.
mkdir -p "$XDG_DATA_HOME/symbiot/models"
cp "$CHATML_MODEL" "$XDG_DATA_HOME/symbiot/models/tiny-chatml.gguf"
touch "$T/worldly-file" # a file name that chat text must not complete to
cd "$T" || exit 1 # the session runs in the directory that has that file
start "NO_COLOR=1 '$SYMBIOT' -m '$TINY_MODEL'"
cd - >/dev/null || exit 1
wait_for "Type /help" >/dev/null
last_line() { screen | grep -v '^$' | tail -n 1; }
completes() { # completes TYPED WANT: Tab after TYPED leaves WANT on the prompt line (the pane
    # drops trailing spaces)
    local i
    tm send-keys -t s C-u "$1" Tab
    for i in $(seq 1 50); do
        [ "$(last_line)" = "> $2" ] && return 0
        sleep 0.1
    done
    echo "--- after '$1' Tab: '$(last_line)', expected '> $2'" >&2
    return 1
}
check "Tab completes a /command" completes "/remem" "/remember"
check "Tab completes /model's library names" completes "/model tiny-c" "/model tiny-chatml"
check "Tab completes /help's topics" completes "/help sta" "/help stats"
check "Tab completes a Russian alias" completes "/запо" "/запомни"
check "Tab leaves chat text alone" completes "hello wor" "hello wor"
tm send-keys -t s C-u "/re" Tab Tab
check "Tab twice lists the choices" wait_for "/reminders"
tm send-keys -t s C-u C-d
check "the completing session leaves" exited 0
finish
