# lib.sh: helpers for the integration tests (sourced). Each test script calls `check` and
# `expect_*` and ends with `finish`, which prints "N passed, N failed" and sets the exit status.
# The environment comes from tests/CMakeLists.txt: SYMBIOT, MKMODEL, TINY_MODEL, BAD_ARCH_MODEL,
# LLAMA_PREFIX, SHARED_MODELS, SCRATCH.
set -u
passed=0
failed=0
skipped=0
T=$(mktemp -d "${SCRATCH:-/tmp}/it.XXXXXX")
# The user's cache (npm packages for the node-driven tests), before HOME moves below.
SYM_CACHE="${SYMBIOT_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/symbiot}"
trap 'rm -rf "$T"' EXIT
# Keep the user's real config, history and models out of the tests.
export XDG_CONFIG_HOME="$T/config" XDG_DATA_HOME="$T/data" XDG_STATE_HOME="$T/state" HOME="$T/home"
unset SYMBIOT_MODEL SYMBIOT_DB SYMBIOT_NOW NO_COLOR LC_ALL LC_MESSAGES
# Answers come in the user's language (LANG): the tests expect English unless they say otherwise.
export LANG=C.UTF-8
mkdir -p "$HOME"

pass() { passed=$((passed + 1)); }
fail() { failed=$((failed + 1)); echo "FAIL: $*" >&2; }
skip() { skipped=$((skipped + 1)); echo "SKIP: $*"; }

# check DESCRIPTION COMMAND...: the command must succeed.
check() {
    local what=$1
    shift
    if "$@"; then pass; else fail "$what"; fi
}

# run_sym ARGS...: run symbiot with stdin from /dev/null unless redirected by the caller;
# sets $out, $err, $rc.
run_sym() {
    "$SYMBIOT" "$@" >"$T/out" 2>"$T/err" </dev/null
    rc=$?
    out=$(cat "$T/out")
    err=$(cat "$T/err")
}

expect_rc() { # expect_rc WANT DESCRIPTION
    if [ "$rc" -eq "$1" ]; then pass; else fail "$2: exit status $rc, expected $1 (stderr: $err)"; fi
}

expect_in() { # expect_in HAYSTACK NEEDLE DESCRIPTION
    case "$1" in
    *"$2"*) pass ;;
    *) fail "$3: '$2' not found in: $1" ;;
    esac
}

expect_not_in() {
    case "$1" in
    *"$2"*) fail "$3: '$2' unexpectedly found in: $1" ;;
    *) pass ;;
    esac
}

# use_tmux NAME: drive the program in a real terminal through tmux on private sockets; defines
# tm (tmux on the current socket), tm_start COMMAND (a fresh server and session "s" running
# COMMAND), screen (the pane's text) and wait_for TEXT [SECONDS]. Returns 1 when tmux is missing
# (the caller skips). Each tm_start uses a new socket: a server told to quit may still hold its
# old socket for a moment, and a session started on it would die with it.
use_tmux() {
    command -v tmux >/dev/null || return 1
    export TMUX_TMPDIR="$T"
    sock_base="symbiot-$1-$$"
    sock_n=0
    sock="$sock_base-0"
    trap 'tmux_kill_all; rm -rf "$T"' EXIT
}
tm() { tmux -L "$sock" "$@"; }
tmux_kill_all() {
    local n
    for n in $(seq 0 "$sock_n"); do tmux -L "$sock_base-$n" kill-server 2>/dev/null; done
}
tm_start() {
    tm kill-server 2>/dev/null
    sock_n=$((sock_n + 1))
    sock="$sock_base-$sock_n"
    tm new-session -d -s s -x 100 -y 40 "$1" || fail "tmux could not start a session"
}
screen() { tm capture-pane -p -t s -S -200 2>/dev/null; }
wait_for() {
    local i
    for i in $(seq 1 $((${2:-30} * 10))); do
        screen | grep -qF -- "$1" && return 0
        if ! tm has-session -t s 2>/dev/null; then
            echo "--- the terminal session ended before '$1' showed up ---" >&2
            return 1
        fi
        sleep 0.1
    done
    echo "--- screen (waited for '$1') ---" >&2
    screen >&2
    return 1
}

# start_server ARGS...: run `symbiot serve --port 0 ARGS` in the background; sets URL, PORT and
# srv_pid. Its stdout and stderr go to $T/srv.out and $T/srv.err.
start_server() {
    rm -f "$T/srv.out" "$T/srv.err" # never read the previous server's port
    : >"$T/srv.out"
    "$SYMBIOT" serve --port 0 "$@" >>"$T/srv.out" 2>"$T/srv.err" </dev/null &
    srv_pid=$!
    local i
    for i in $(seq 1 300); do
        PORT=$(sed -n 's|^symbiot: listening on http://.*:\([0-9]*\)$|\1|p' "$T/srv.out")
        [ -n "$PORT" ] && break
        kill -0 "$srv_pid" 2>/dev/null || break
        sleep 0.1
    done
    URL="http://127.0.0.1:$PORT"
    [ -n "$PORT" ] || { fail "the server did not start: $(cat "$T/srv.err")"; return 1; }
}

# stop_server: SIGTERM; its exit status goes to $srv_rc.
stop_server() {
    [ -n "${srv_pid:-}" ] || return 0
    kill -TERM "$srv_pid"
    wait "$srv_pid"
    srv_rc=$?
    srv_pid=
}

# node_deps openai|browser: install (once, outside the checkout) what the node-driven tests need
# and set NODE_MODULES; returns 1 with a SKIP line when that is truly unavailable.
node_deps() {
    local out rc
    out=$(SYMBIOT_CACHE="$SYM_CACHE" bash "$(dirname "${BASH_SOURCE[0]}")/../web/setup.sh" "$1")
    rc=$?
    if [ $rc -ne 0 ]; then
        skip "${out:-tests/web/setup.sh $1 failed (status $rc)}"
        return 1
    fi
    NODE_MODULES=${out##*$'\n'}
}

# run_node SCRIPT: run tests/web/SCRIPT with node (next to the installed node_modules); each
# "ok - ..." line it prints is a pass, each "not ok - ..." a failure.
run_node() {
    local dir="$T/node" line status
    mkdir -p "$dir"
    cp "$(dirname "${BASH_SOURCE[0]}")"/../web/*.mjs "$dir/"
    ln -sfn "$NODE_MODULES" "$dir/node_modules"
    node "$dir/$1" >"$T/node.out" 2>"$T/node.err"
    status=$?
    while IFS= read -r line; do
        case "$line" in
        "ok - "*) pass && echo "$line" ;;
        "not ok - "*) fail "${line#not ok - }" ;;
        esac
    done <"$T/node.out"
    if [ $status -ne 0 ] && ! grep -q '^not ok - ' "$T/node.out"; then
        fail "node $1 exited with status $status: $(tail -c 2000 "$T/node.err")"
    fi
}

finish() {
    echo "$passed passed, $failed failed, $skipped skipped"
    [ "$failed" -eq 0 ]
}
