#!/usr/bin/env bash
# files.sh: the permissions of what Symbiot keeps about its user. The memory database (and its
# -wal and -shm files) and an export are created owner-only, in an owner-only directory; a
# database other users can read gets a warning naming the fix, every time it is opened; a config
# file that holds a secret (a key such as api-key) and that others can read gets a warning too,
# and the same file made owner-only, or a readable file without a secret, gets none; so does the
# server's --api-key-file.
. "$(dirname "$0")/lib.sh"

umask 022 # what most users have: files the program does not restrict come out 0644
mode() { stat -c %a "$1"; }

db="$XDG_DATA_HOME/symbiot/memory.db"
run_sym memory add "My sister is Anna"
expect_rc 0 "memory add with the default database"
check "the database is created 0600" [ "$(mode "$db")" = 600 ]
# The -wal and -shm files exist while the database is open (a session waiting for input).
sleep 3 | "$SYMBIOT" >/dev/null 2>&1 &
for i in $(seq 1 50); do [ -e "$db-shm" ] && break; sleep 0.1; done
check "its -wal file is 0600" [ "$(mode "$db-wal")" = 600 ]
check "its -shm file is 0600" [ "$(mode "$db-shm")" = 600 ]
wait
check "the data directory is created 0700" [ "$(mode "$XDG_DATA_HOME/symbiot")" = 700 ]
expect_not_in "$err" "warning" "no warning for an owner-only database"

run_sym memory export "$T/facts.jsonl"
expect_rc 0 "memory export"
check "an export is created 0600" [ "$(mode "$T/facts.jsonl")" = 600 ]

chmod 644 "$db"
run_sym memory list
expect_rc 0 "a readable database still opens"
expect_in "$err" "the memory database $db can be read by other users (mode 0644): run chmod 600" \
    "a warning for a database others can read"
expect_in "$out" "My sister is Anna" "the facts are still listed"
chmod 640 "$db"
run_sym memory list
expect_in "$err" "can be read by other users (mode 0640)" "group-readable counts too"
chmod 600 "$db"
run_sym memory list
expect_not_in "$err" "warning" "no warning once it is 0600 again"

# The config file: Symbiot never creates it; a secret in a readable one is a warning. (Whether
# the key is known is not this test's business: an unknown key is an error after the warning.)
cfg="$XDG_CONFIG_HOME/symbiot/config"
mkdir -p "$(dirname "$cfg")"
printf 'temp = 0.5\napi-key = sk-very-secret\n' >"$cfg"
chmod 644 "$cfg"
run_sym memory stats
expect_in "$err" "$cfg holds a secret (line 2) and other users can read it (mode 0644): run chmod 600" \
    "a warning for a secret in a readable config file"
printf 'remote_auth_token = abc\n' >"$cfg"
run_sym memory stats
expect_in "$err" "holds a secret (line 1)" "a token key counts as a secret"
printf 'temp = 0.5\napi-key = sk-very-secret\n' >"$cfg"
chmod 600 "$cfg"
run_sym memory stats
expect_not_in "$err" "holds a secret" "no warning for an owner-only config file"
printf 'temp = 0.5\nmax-tokens = 100\n' >"$cfg"
chmod 644 "$cfg"
run_sym memory stats
expect_rc 0 "a readable config without secrets is fine"
expect_not_in "$err" "warning" "no warning for a readable config without secrets"

# The server's API key file: a warning when others can read it, none when it is 0600.
serve_warns() { # serve_warns MODE: start `serve` with a key file of MODE; sets $err
    local pid i
    printf 'k3y-secret\n' >"$T/key"
    chmod "$1" "$T/key"
    "$SYMBIOT" serve --port 0 --api-key-file "$T/key" --db "$T/srv.db" >"$T/srv.out" \
        2>"$T/srv.err" </dev/null &
    pid=$!
    for i in $(seq 1 100); do
        grep -q "listening on" "$T/srv.out" && break
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    kill -TERM "$pid" 2>/dev/null
    wait "$pid"
    err=$(cat "$T/srv.err")
}
serve_warns 644
expect_in "$err" "the API key file $T/key can be read by other users (mode 0644): run chmod 600" \
    "a warning for a readable API key file"
serve_warns 600
expect_not_in "$err" "API key file" "no warning for an owner-only API key file"
finish
