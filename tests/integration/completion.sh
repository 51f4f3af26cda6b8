#!/usr/bin/env bash
# completion.sh: `symbiot completion bash|zsh|fish` prints scripts generated from the command
# table; each names every command; Tab in a real bash and zsh (tmux) and fish's own `complete -C`
# complete commands, subcommands, options and catalogue names; `make install` puts the scripts
# where the shells look and `make uninstall` takes everything away again.
. "$(dirname "$0")/lib.sh"

SRC=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=$(dirname "$SYMBIOT")
export PATH="$BUILD:$PATH"

run_sym completion tcsh
expect_rc 2 "an unknown shell"
expect_in "$err" "usage: symbiot completion bash|zsh|fish" "the usage is said"
run_sym --help
commands=$(awk '/^Commands:/ { on = 1; next } on && /^$/ { exit } on { print $1 }' <<<"$out")
for shell in bash zsh fish; do
    run_sym completion "$shell"
    expect_rc 0 "completion $shell"
    printf '%s\n' "$out" >"$T/symbiot.$shell"
    for c in $commands; do
        expect_in "$out" "$c" "the $shell script knows the command $c"
    done
done
check "the bash script parses" bash -n "$T/symbiot.bash"

# Real Tab presses in bash and zsh, in a terminal.
if use_tmux completion; then
    # tab SESSION TYPED WANT: after TYPED and Tab the line ends with WANT (the pane drops
    # trailing spaces).
    tab() {
        local i
        tm send-keys -t "$1" C-u "$2" Tab
        for i in $(seq 1 50); do
            tm capture-pane -p -t "$1" | grep -v '^$' | tail -n 1 | grep -qF -- "$3" && return 0
            sleep 0.1
        done
        echo "--- $1: after '$2' Tab: '$(tm capture-pane -p -t "$1" | grep -v '^$' | tail -n 1)'" >&2
        return 1
    }
    touch "$T/model-file.gguf"
    tm_start "cd '$T' && PS1='$ ' bash --norc --noprofile"
    tm send-keys -t s "source '$T/symbiot.bash'" Enter
    check "bash: a command" tab s "symbiot mem" "symbiot memory"
    check "bash: a subcommand" tab s "symbiot memory r" "symbiot memory rm"
    check "bash: an option" tab s "symbiot --js" "symbiot --json"
    check "bash: a file after -m" tab s "symbiot -m model-f" "symbiot -m model-file.gguf"
    check "bash: a catalogue name with a colon" tab s "symbiot pull qwen2.5:0.5b-" \
        "symbiot pull qwen2.5:0.5b-q8"
    check "bash: help's commands" tab s "symbiot help ser" "symbiot help serve"
    check "bash: run's catalogue names" tab s "symbiot run llama3.2:3b-" "symbiot run llama3.2:3b-q8"
    if command -v zsh >/dev/null; then
        mkdir -p "$T/zfunc"
        cp "$T/symbiot.zsh" "$T/zfunc/_symbiot"
        tm new-session -d -s z -x 100 -y 20 "cd '$T' && PS1='$ ' zsh -f"
        tm send-keys -t z "fpath=('$T/zfunc' \$fpath); autoload -U compinit && compinit -u -d '$T/zcd'" Enter
        sleep 1
        check "zsh: a command" tab z "symbiot mem" "symbiot memory"
        check "zsh: a subcommand" tab z "symbiot memory r" "symbiot memory rm"
        check "zsh: an option" tab z "symbiot --js" "symbiot --json"
        check "zsh: a catalogue name with a colon" tab z "symbiot pull qwen2.5:0.5b-" \
            "symbiot pull qwen2.5:0.5b-q8"
    else
        skip "zsh is not installed"
    fi
else
    skip "tmux is not installed"
fi

if command -v fish >/dev/null; then
    check "the fish script parses" fish -n "$T/symbiot.fish"
    fish_complete() { fish --no-config -c "source '$T/symbiot.fish'; complete -C '$1'"; }
    check "fish: a command" bash -c "$(declare -f fish_complete); T='$T' fish_complete 'symbiot mem' | grep -q '^memory'"
    check "fish: a subcommand" bash -c "$(declare -f fish_complete); T='$T' fish_complete 'symbiot memory ' | grep -qx rm"
    check "fish: an option" bash -c "$(declare -f fish_complete); T='$T' fish_complete 'symbiot --js' | grep -q '^--json'"
    check "fish: a catalogue name" bash -c "$(declare -f fish_complete); T='$T' fish_complete 'symbiot pull qwen2.5:0.5b-' | grep -qx 'qwen2.5:0.5b-q8'"
else
    skip "fish is not installed"
fi

# make install puts the scripts where the shells look; make uninstall removes all it installed.
P="$T/prefix"
if cmake --install "$BUILD" --prefix "$P" >"$T/install.log" 2>&1; then
    pass
    check "installed: the program" test -x "$P/bin/symbiot"
    check "installed: the man page" test -f "$P/share/man/man1/symbiot.1"
    check "installed: bash completion" cmp -s "$P/share/bash-completion/completions/symbiot" "$T/symbiot.bash"
    check "installed: zsh completion" cmp -s "$P/share/zsh/site-functions/_symbiot" "$T/symbiot.zsh"
    check "installed: fish completion" cmp -s "$P/share/fish/vendor_completions.d/symbiot.fish" "$T/symbiot.fish"
    make -s -C "$SRC" uninstall BUILD_DIR="$BUILD" >"$T/uninstall.log" 2>&1
    rc=$?
    expect_rc 0 "make uninstall"
    check "uninstalled: no file is left" test -z "$(find "$P" -type f)"
    make -s -C "$SRC" uninstall BUILD_DIR="$BUILD" >"$T/uninstall.log" 2>&1
    rc=$?
    expect_rc 2 "make uninstall with nothing installed fails"
    expect_in "$(cat "$T/uninstall.log")" "nothing installed" "and says why"
else
    fail "cmake --install: $(cat "$T/install.log")"
fi
finish
