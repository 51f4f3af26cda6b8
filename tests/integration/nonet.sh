#!/usr/bin/env bash
# nonet.sh: no command but `symbiot pull` touches the network (`symbiot serve` listens, and is
# tested in server.sh). Every command runs with
# tests/netguard.c preloaded, which logs (and refuses) each IPv4/IPv6 socket, connect and
# getaddrinfo; the log must stay empty. A pull to a loopback address is the control: the guard
# must see it.
. "$(dirname "$0")/lib.sh"

export NETGUARD_LOG="$T/net.log"
# ASan insists on coming first among the libraries; the shim is not instrumented, so let it be.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"
LIB="$XDG_DATA_HOME/symbiot/models"
mkdir -p "$LIB"
cp "$TINY_MODEL" "$LIB/tiny-spm.gguf"
touch "$NETGUARD_LOG"

guarded() { # guarded DESCRIPTION ARGS...: run symbiot under the guard; no network call allowed
    local what=$1
    shift
    : >"$NETGUARD_LOG"
    LD_PRELOAD="$NETGUARD" "$SYMBIOT" "$@" >"$T/out" 2>"$T/err" <"${STDIN:-/dev/null}"
    rc=$?
    if [ -s "$NETGUARD_LOG" ]; then
        fail "$what: network calls: $(tr '\n' ';' <"$NETGUARD_LOG")"
    else
        pass
    fi
}

guarded "help" --help
guarded "version" version
guarded "models" models
guarded "models --json" models --json
guarded "models info" models info tiny-spm
guarded "models default" models default tiny-spm
guarded "models catalog" models catalog
guarded "ask" ask --temp 0 -n 4 "hello there"
expect_rc 0 "ask under the guard answers"
printf 'hello\n/stats\n' >"$T/in"
STDIN="$T/in" guarded "piped chat" --temp 0 -n 4
expect_rc 0 "piped chat under the guard answers"
printf 'I live in Kazan\n/good\nanswer shorter\n' >"$T/in"
STDIN="$T/in" guarded "feedback and preferences in chat" --temp 0 -n 4
# An endpoint in the config changes nothing until a remote backend is chosen by name.
printf 'endpoint = http://127.0.0.1:9/v1\nshare-memory = on\n' >"$T/cfg"
printf 'hello\n/privacy hello\n/cloud hello\n' >"$T/in"
STDIN="$T/in" guarded "chat, /privacy and /cloud with an endpoint configured" --config "$T/cfg" \
    --temp 0 -n 4
expect_in "$(cat "$T/out" "$T/err")" "no remote backend is configured" "/cloud refuses without --backend"
guarded "stats" stats
guarded "stats --plot" stats --plot "$T/s.svg"
guarded "feedback export" feedback export
guarded "bench" bench --pp 16 --tg 4 --reps 1 --turns 1 --facts 50
expect_rc 0 "bench under the guard runs"
guarded "reminders" reminders
guarded "conversations" conversations
guarded "memory add" memory add "my sister is Anna"
guarded "memory search" memory search sister
guarded "pull --help" pull --help
guarded "plain http refused before any connection" pull http://example.com/m.gguf
expect_rc 2 "plain http refused"
guarded "a malformed pull" pull hf:nothing
guarded "models rm" models rm tiny-spm

# The control: pull does reach for the network, and the guard sees it; so does a remote backend.
: >"$NETGUARD_LOG"
LD_PRELOAD="$NETGUARD" "$SYMBIOT" ask --backend remote --endpoint "http://127.0.0.1:9/v1" hi \
    >/dev/null 2>&1
check "the guard sees the remote backend's connection" test -s "$NETGUARD_LOG"
# The guard refuses name lookups, which the remote backend must report as a DNS failure.
LD_PRELOAD="$NETGUARD" "$SYMBIOT" ask --backend remote --endpoint "https://api.example.com/v1" hi \
    >/dev/null 2>"$T/err"
expect_in "$(cat "$T/err")" "cannot resolve api.example.com (DNS failure)" "a DNS failure is one line"
: >"$NETGUARD_LOG"
LD_PRELOAD="$NETGUARD" "$SYMBIOT" pull "http://127.0.0.1:9/m.gguf" >/dev/null 2>&1
check "the guard sees pull's connection" test -s "$NETGUARD_LOG"

finish
