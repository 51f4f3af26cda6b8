#!/usr/bin/env bash
# pull.sh: `symbiot pull` against a real HTTP server on loopback (tests/httpd.c, $HTTPD) serving
# the test models: a full download byte for byte, automatic and manual resume (Range), a server
# that ignores Range, digests (X-Linked-Etag, --sha256, wrong ones), 404, a server that is down,
# TLS to a plain server, DNS failure, plain http refused, a full disk (tmpfs, as root), and the
# progress bar on a terminal only.
. "$(dirname "$0")/lib.sh"

SRV="$T/srv"
LIB="$XDG_DATA_HOME/symbiot/models"
mkdir -p "$SRV"
cp "$TINY_MODEL" "$SRV/tiny.gguf"
cp "$CHATML_MODEL" "$SRV/chat.gguf"
for n in resume resume2 norange wrong wrong2 right full spaced sigint; do
    cp "$TINY_MODEL" "$SRV/$n.gguf"
done
echo "<html>not a model</html>" >"$SRV/page.gguf"
srv_pid=

# start_server [HTTPD OPTIONS...]: a fresh server on a free port ($PORT), requests logged to $LOG.
start_server() {
    stop_server
    rm -f "$T/port"
    LOG="$T/log.$RANDOM"
    "$HTTPD" --root "$SRV" --port-file "$T/port" --log "$LOG" "$@" &
    srv_pid=$!
    for _ in $(seq 1 50); do [ -s "$T/port" ] && break; sleep 0.1; done
    PORT=$(cat "$T/port")
    URL="http://127.0.0.1:$PORT"
    touch "$LOG"
}
stop_server() {
    if [ -n "$srv_pid" ]; then
        kill "$srv_pid" 2>/dev/null
        wait "$srv_pid" 2>/dev/null
        srv_pid=
    fi
}
unmount_small() { mountpoint -q "$T/small" 2>/dev/null && umount "$T/small"; }
trap 'stop_server; unmount_small; rm -rf "$T"' EXIT

same() { cmp -s "$1" "$2"; }
requests() { wc -l <"$LOG" | tr -d ' '; }

# ---- a full download, byte for byte; a second pull finds it and asks nothing ----
start_server
run_sym pull "$URL/tiny.gguf"
expect_rc 0 "pull over loopback"
check "the downloaded file equals the served one" same "$SRV/tiny.gguf" "$LIB/tiny.gguf"
check "no .part is left behind" test ! -e "$LIB/tiny.gguf.part"
expect_in "$out" "saved tiny" "pull says what it saved"
expect_in "$err" "from $URL/tiny.gguf" "pull names the address it downloads from"
expect_in "$err" "NOT verified" "pull says when no digest was known"
expect_not_in "$err" "%" "no progress bar when stderr is not a terminal"
expect_in "$err" "it is the only model in the library, so it is the default" "first model: default"
check "one request, without a Range" grep -qx "GET /tiny.gguf 200" "$LOG"
run_sym pull "$URL/tiny.gguf"
expect_rc 0 "pulling a model that is there"
expect_in "$out" "already in the library" "a second pull says the model is there"
check "a second pull sends no request" test "$(requests)" = 1

# ---- digests: X-Linked-Etag (Hugging Face), --sha256, and wrong ones ----
sum_tiny=$(sha256sum "$TINY_MODEL" | cut -d' ' -f1)
sum_chat=$(sha256sum "$CHATML_MODEL" | cut -d' ' -f1)
start_server --etag "$sum_chat"
run_sym pull "$URL/chat.gguf"
expect_rc 0 "pull with an X-Linked-Etag"
expect_in "$err" "sha256 $sum_chat verified (against the X-Linked-Etag header" "etag checked"
check "the etag-checked file is identical" same "$SRV/chat.gguf" "$LIB/chat.gguf"

start_server --etag "$sum_chat"
run_sym pull "$URL/wrong.gguf"
expect_rc 1 "a file that does not match its X-Linked-Etag"
expect_in "$err" "sha256 mismatch: expected $sum_chat (from the server's X-Linked-Etag), got $sum_tiny" \
    "the mismatch names both digests"
check "a mismatched download is not kept" test ! -e "$LIB/wrong.gguf"
check "nor its .part" test ! -e "$LIB/wrong.gguf.part"

start_server
run_sym pull "$URL/wrong2.gguf" --sha256 "$sum_chat"
expect_rc 1 "a file that does not match --sha256"
expect_in "$err" "sha256 mismatch: expected $sum_chat (as given)" "--sha256 mismatch"
check "the partial file is removed" test ! -e "$LIB/wrong2.gguf.part"
check "and nothing is installed" test ! -e "$LIB/wrong2.gguf"
run_sym pull "$URL/right.gguf" --sha256 "${sum_tiny^^}"
expect_rc 0 "a file that matches --sha256 (upper case)"
expect_in "$err" "verified (against --sha256)" "--sha256 checked"
run_sym pull "$URL/right.gguf" --sha256 1234
expect_rc 2 "--sha256 that is not 64 hex digits"
run_sym models --sha256 "$sum_tiny"
expect_rc 2 "--sha256 outside pull"

# ---- not a model, 404 ----
run_sym pull "$URL/page.gguf"
expect_rc 1 "a file that is not GGUF"
expect_in "$err" "did not send a GGUF model file" "not GGUF said"
check "the non-GGUF file is not kept" test ! -e "$LIB/page.gguf.part"
run_sym pull "$URL/missing.gguf"
expect_rc 1 "404"
expect_in "$err" "not found (HTTP 404): $URL/missing.gguf" "404 in one line"
check "a 404 leaves no file" test ! -e "$LIB/missing.gguf.part"

# ---- a connection cut once: resumed in the same run with a Range request ----
cut=3000000
start_server --drop-after $cut --drop-times 1
run_sym pull "$URL/resume.gguf"
expect_rc 0 "a download cut once completes"
expect_in "$err" "the connection was cut after 3.0 MB of 17.4 MB; resuming (retry 1 of 3)" "the cut is said"
check "the second request asks for the rest" grep -qx "GET /resume.gguf range=$cut- 206" "$LOG"
check "two requests" test "$(requests)" = 2
check "the resumed file equals the served one" same "$SRV/resume.gguf" "$LIB/resume.gguf"

# ---- cut every time: the .part is kept, and the next run resumes it ----
start_server --drop-after 1000000
run_sym pull "$URL/resume2.gguf"
expect_rc 1 "a download cut every time fails"
expect_in "$err" "the partial download is kept in $LIB/resume2.gguf.part: run the same command to resume" \
    "the failure says the partial file is kept"
check "1 + 3 requests" test "$(requests)" = 4
have=$(stat -c %s "$LIB/resume2.gguf.part" 2>/dev/null || echo 0)
check "the .part holds what arrived (4 x 1 MB)" test "$have" = 4000000
start_server
run_sym pull "$URL/resume2.gguf"
expect_rc 0 "the next run completes the download"
check "it asks only for the missing bytes" grep -qx "GET /resume2.gguf range=4000000- 206" "$LOG"
expect_in "$err" "resumed after the 4.0 MB already there" "the resume is said"
check "the resumed file is identical" same "$SRV/resume2.gguf" "$LIB/resume2.gguf"
check "the .part is gone" test ! -e "$LIB/resume2.gguf.part"

# ---- Ctrl-C: the download stops at once, the .part stays, and the next run resumes it ----
start_server --rate 2000000
"$SYMBIOT" pull "$URL/sigint.gguf" >"$T/out" 2>"$T/err" </dev/null &
pid=$!
sleep 1.5
kill -INT "$pid"
wait "$pid"
rc=$?
err=$(cat "$T/err")
expect_rc 130 "pull after Ctrl-C"
expect_in "$err" "interrupted after" "the interruption is said"
expect_in "$err" "the partial download is kept in $LIB/sigint.gguf.part" "and the .part kept"
check "the .part holds some bytes" test -s "$LIB/sigint.gguf.part"
start_server
run_sym pull "$URL/sigint.gguf"
expect_rc 0 "the pull after Ctrl-C resumes"
check "with a Range request" grep -q "GET /sigint.gguf range=" "$LOG"
check "the file after Ctrl-C and resume is identical" same "$SRV/sigint.gguf" "$LIB/sigint.gguf"

# ---- a server that ignores Range: the file starts over ----
head -c 1000000 "$SRV/norange.gguf" >"$LIB/norange.gguf.part"
start_server --no-range
run_sym pull "$URL/norange.gguf"
expect_rc 0 "a server without Range support"
check "the range was asked" grep -qx "GET /norange.gguf range=1000000- 200" "$LOG"
check "and the whole file taken again, identical" same "$SRV/norange.gguf" "$LIB/norange.gguf"

# ---- a server that is down, TLS to a plain http server, DNS, plain http elsewhere ----
port=$PORT
stop_server
run_sym pull "http://127.0.0.1:$port/tiny2.gguf"
expect_rc 1 "server down"
expect_in "$err" "connection refused by 127.0.0.1" "connection refused in one line"
start_server
run_sym pull "https://127.0.0.1:$PORT/tiny2.gguf"
expect_rc 1 "TLS to a plain server"
expect_in "$err" "TLS failure with 127.0.0.1" "TLS failure in one line"
check "a TLS failure leaves no file" test ! -e "$LIB/tiny2.gguf.part"
SECONDS=0
run_sym pull "https://symbiot-test.invalid/m.gguf"
expect_rc 1 "a name that does not resolve"
expect_in "$err" "cannot resolve symbiot-test.invalid (DNS failure)" "DNS failure in one line"
echo "(DNS failure reported after $SECONDS s)"
run_sym pull "http://example.com/m.gguf"
expect_rc 2 "plain http to another machine is refused before any connection"
expect_in "$err" "refusing plain http to example.com" "plain http refusal said"
run_sym pull "ftp://127.0.0.1/m.gguf"
expect_rc 2 "ftp refused"
run_sym pull "https://127.0.0.1/folder/"
expect_rc 2 "an address without a .gguf file"
run_sym pull "hf:owner-only.gguf"
expect_rc 2 "a malformed hf: name"
run_sym pull "qwen2.5:70b"
expect_rc 2 "a name the catalogue does not have"
expect_in "$err" "not in the catalogue" "unknown name said"
run_sym pull --help
expect_rc 0 "pull --help"
expect_in "$out" "qwen2.5:1.5b-q8" "pull --help lists the catalogue"

# ---- a full disk: refused before writing when the size is known; ENOSPC keeps the .part ----
mkdir -p "$T/small"
if [ "$(id -u)" -ne 0 ] || ! mount -t tmpfs -o size=4m tmpfs "$T/small" 2>/dev/null; then
    skip "disk full: needs root to mount a small tmpfs"
else
    start_server
    XDG_DATA_HOME="$T/small" run_sym pull "$URL/full.gguf"
    expect_rc 1 "not enough space"
    expect_in "$err" "not enough disk space in $T/small/symbiot/models: the download needs 17.4 MB more" \
        "the space check names what is needed"
    check "nothing was written" test ! -e "$T/small/symbiot/models/full.gguf.part"
    start_server --no-length
    XDG_DATA_HOME="$T/small" run_sym pull "$URL/full.gguf"
    expect_rc 1 "disk full while writing"
    expect_in "$err" "disk full after" "ENOSPC said"
    expect_in "$err" "the partial download is kept in $T/small/symbiot/models/full.gguf.part" \
        "ENOSPC keeps the partial file"
    check "the .part is there" test -s "$T/small/symbiot/models/full.gguf.part"
    unmount_small
fi

# ---- the progress bar on a terminal ----
if ! use_tmux pull; then
    skip "progress bar: tmux is missing"
else
    trap 'tmux_kill_all; stop_server; unmount_small; rm -rf "$T"' EXIT
    start_server --rate 6000000
    tm_start "'$SYMBIOT' pull '$URL/spaced.gguf'; echo EXIT=\$?; sleep 60"
    check "the bar shows an ETA while downloading" wait_for "ETA" 20
    check "the pull finishes on the terminal" wait_for "EXIT=0" 30
    s=$(screen)
    expect_in "$s" "100% [============================] 17.4 MB / 17.4 MB" "the bar reaches 100%"
    expect_in "$s" "MB/s" "the bar shows the speed"
    check "the file from the terminal run is identical" same "$SRV/spaced.gguf" "$LIB/spaced.gguf"
fi

finish
