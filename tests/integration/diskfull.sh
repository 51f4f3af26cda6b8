#!/usr/bin/env bash
# diskfull.sh: write errors during memory writes, through the real binary.
#   - I/O errors (any user): the file-size limit (ulimit -f, SIGXFSZ ignored) makes the
#     database's writes fail with EFBIG in the middle of an import and of a `memory add`.
#   - A full disk: a small tmpfs mounted by the test (root), else an ext2 loop file (root, mkfs),
#     else skipped with the reason. The disk is filled, facts are added until one fails, then an
#     import and a chat turn run on the full disk, and the space is freed again.
# Each failure must be a clear error (exit 1, the reason named), the database must pass
# PRAGMA integrity_check, and every fact acknowledged before keeps its place.
. "$(dirname "$0")/lib.sh"

if ! command -v sqlite3 >/dev/null; then
    skip "write errors: the sqlite3 program is missing (apt-get install sqlite3)"
    finish
    exit
fi

integrity() { sqlite3 "$1" "PRAGMA integrity_check" 2>&1; }
count() { sqlite3 "$1" "SELECT count(*) FROM facts"; }
# A file of N import lines of about 250 bytes each.
big_import() {
    awk -v n="$1" 'BEGIN { for (i = 1; i <= n; i++) { s = ""; for (j = 0; j < 15; j++)
        s = s "the orchard "; printf "{\"text\":\"imported fact %d about the long orchard by " \
        "the river, %s\"}\n", i, s } }'
}
big_import 3000 >"$T/big.jsonl"

# ---- I/O errors: the file-size limit ----
db="$T/io/memory.db"
run_sym memory add --db "$db" "My sister is Anna"
expect_rc 0 "the first fact"
limited() { # limited KIB COMMAND...: run with writes past KIB KiB failing (EFBIG)
    local kib=$1
    shift
    bash -c "trap '' XFSZ; ulimit -f $kib; exec \"\$@\"" limited "$@" >"$T/out" 2>"$T/err" \
        </dev/null
    rc=$?
    out=$(cat "$T/out")
    err=$(cat "$T/err")
}
limited 300 "$SYMBIOT" memory import --db "$db" "$T/big.jsonl"
expect_rc 1 "an import that hits an I/O error fails"
expect_in "$err" "disk I/O error; nothing imported" "the import names the error"
check "the database is intact after the failed import" [ "$(integrity "$db")" = ok ]
check "nothing of the failed import was written" [ "$(count "$db")" = 1 ]
# Writes go to the -wal file first: an 80 KB fact cannot fit in 40 KiB of it (the -shm file
# needs 32 KiB, so the limit is above that and the database opens).
limited 40 "$SYMBIOT" memory add --db "$db" "$(printf 'long fact %.0s' $(seq 1 8000))"
expect_rc 1 "a memory add that hits an I/O error fails"
expect_in "$err" "cannot save the fact" "memory add names the error"
check "the database is intact after the failed add" [ "$(integrity "$db")" = ok ]
run_sym memory list --db "$db"
expect_in "$out" "My sister is Anna" "the earlier fact is kept"

# ---- a full disk ----
mnt="$T/full"
mkdir -p "$mnt"
how=
if [ "$(id -u)" -eq 0 ] && mount -t tmpfs -o size=2m tmpfs "$mnt" 2>/dev/null; then
    how="a 2 MiB tmpfs"
elif [ "$(id -u)" -eq 0 ] && command -v mkfs.ext2 >/dev/null &&
    truncate -s 4M "$T/disk.img" && mkfs.ext2 -q -F "$T/disk.img" >/dev/null 2>&1 &&
    mount -o loop "$T/disk.img" "$mnt" 2>/dev/null; then
    how="a 4 MiB ext2 loop file"
fi
if [ -z "$how" ]; then
    skip "full disk: needs root to mount a small tmpfs or loop file (I/O errors were tested)"
    finish
    exit
fi
trap 'umount "$mnt" 2>/dev/null; rm -rf "$T"' EXIT
echo "full disk: $how"
db="$mnt/memory.db"
run_sym memory add --db "$db" "My sister is Anna"
expect_rc 0 "the first fact on the small disk"
# Fill the disk, then leave about 100 KiB free.
dd if=/dev/zero of="$mnt/filler" bs=4k 2>/dev/null
truncate -s "-100K" "$mnt/filler"
acked=1
full_err=
for i in $(seq 1 400); do
    run_sym memory add --db "$db" "fact $i: $(printf 'the weather by the sea %.0s' $(seq 1 40))"
    if [ "$rc" -ne 0 ]; then
        full_err=$err
        break
    fi
    case "$out" in "#"*" added") acked=$((acked + 1)) ;; esac
done
echo "full disk: $acked facts acknowledged before the disk was full"
check "the disk filled up before 400 facts" [ -n "$full_err" ]
expect_rc 1 "memory add on a full disk fails"
expect_in "$full_err" "is full" "the error says the disk is full"
check "the database is intact on the full disk" [ "$(integrity "$db")" = ok ]
check "every acknowledged fact is there" [ "$(count "$db")" = "$acked" ]

run_sym memory import --db "$db" "$T/big.jsonl"
expect_rc 1 "an import on a full disk fails"
expect_in "$err" "is full; nothing imported" "the import says the disk is full"
check "nothing of the import was written" [ "$(count "$db")" = "$acked" ]

printf 'hello there\n' >"$T/in"
"$SYMBIOT" --db "$db" -m "$TINY_MODEL" -n 4 -t 1 <"$T/in" >"$T/out" 2>"$T/err"
rc=$?
err=$(cat "$T/err")
expect_rc 0 "a chat turn on a full disk is still answered"
check "the answer was printed" [ -s "$T/out" ]
expect_in "$err" "not being saved" "the chat says the conversation is not saved"
check "the database is intact after the chat" [ "$(integrity "$db")" = ok ]

rm -f "$mnt/filler"
run_sym memory add --db "$db" "I prefer green tea"
expect_rc 0 "with space freed, memory add works again"
check "the database is intact at the end" [ "$(integrity "$db")" = ok ]
check "all facts are there at the end" [ "$(count "$db")" = $((acked + 1)) ]
finish
