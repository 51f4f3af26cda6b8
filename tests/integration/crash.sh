#!/usr/bin/env bash
# crash.sh: crash safety of the memory database. Symbiot is killed with SIGKILL at a random
# moment, CRASH_CYCLES times (default 30; `make crash-long` runs more), while it writes:
#   - odd cycles: `symbiot memory import` of a file of 2,000 new facts (one transaction);
#   - even cycles: piped chat with the tiny test model, --json, alternating `/remember` commands
#     (a fact each) and chat turns (each stored with its answer as a conversation turn).
# After each kill the database must open again (`symbiot memory stats`), pass SQLite's
# `PRAGMA integrity_check` and FTS5's integrity-check of the facts index, and hold everything
# whose write was acknowledged before the kill: every fact printed as "Remembered (#N): ...",
# every chat turn printed as a JSON line (both sides stored), and an import printed as
# "imported N fact(s)" whole. An import is all or nothing even when not acknowledged.
# The summary line gives cycles, acknowledged writes checked and facts lost (must be 0).
. "$(dirname "$0")/lib.sh"

cycles=${CRASH_CYCLES:-30}
if ! command -v sqlite3 >/dev/null; then
    skip "crash safety: the sqlite3 program is missing (apt-get install sqlite3)"
    finish
    exit
fi
db="$T/crash/memory.db"
mkdir -p "$T/crash"
import_n=2000
acked_facts=0 acked_turns=0 acked_imports=0 lost=0 kills_mid_write=0

# The stream of one chat cycle: /remember and chat turns, alternating.
stream() { # stream CYCLE
    local i
    for i in $(seq 1 300); do
        echo "/remember fact c$1n$i is about the garden"
        echo "tell me about the garden number $i"
    done
}

# The complete lines of a file (a kill can leave the last one half-written).
complete_lines() { head -n "$(wc -l <"$1")" "$1"; }

import_file() { # import_file CYCLE: import_n new facts
    local i
    for i in $(seq 1 $import_n); do
        printf '{"text":"imported c%dn%d about the orchard","tags":["crash"]}\n' "$1" "$i"
    done >"$T/import.jsonl"
}
ms_now() { echo $(($(date +%s%N) / 1000000)); }

# Calibration, so that the kills land before, during and after the writes on a fast machine, a
# loaded one or under ASan alike: how long a whole import takes, and how long the chat takes to
# load the model and answer its first lines.
import_file 0
t0=$(ms_now)
"$SYMBIOT" memory import --db "$db" "$T/import.jsonl" >/dev/null 2>&1 </dev/null
import_ms=$(($(ms_now) - t0))
t0=$(ms_now)
printf '/remember fact c0n1 is about the garden\ntell me about the garden\n' |
    "$SYMBIOT" --db "$db" -m "$TINY_MODEL" --json -n 8 --temp 0 -c 512 -t 1 --no-llm-extract \
        >/dev/null 2>&1
chat_ms=$(($(ms_now) - t0))
echo "crash: an import takes $import_ms ms, the chat's start $chat_ms ms"
# random_ms LOW HIGH
random_ms() { echo $(($1 + (RANDOM * 32768 + RANDOM) % ($2 - $1 + 1))); }

for c in $(seq 1 "$cycles"); do
    : >"$T/cout"
    : >"$T/cerr"
    if [ $((c % 2)) -eq 1 ]; then
        mode=import
        import_file "$c"
        "$SYMBIOT" memory import --db "$db" "$T/import.jsonl" >"$T/cout" 2>"$T/cerr" </dev/null &
    else
        mode=chat
        stream "$c" >"$T/in"
        "$SYMBIOT" --db "$db" -m "$TINY_MODEL" --json -n 8 --temp 0 -c 512 -t 1 --no-llm-extract \
            <"$T/in" >"$T/cout" 2>"$T/cerr" &
    fi
    pid=$!
    # A random moment: an import anywhere in 1.3 times its expected length (so some finish), the
    # chat from half its start-up to its start-up plus a second of answering.
    if [ "$mode" = import ]; then
        ms=$(random_ms 5 $((import_ms * 13 / 10 + 10)))
    else
        ms=$(random_ms $((chat_ms / 2)) $((chat_ms + 1000)))
    fi
    sleep "$((ms / 1000)).$(printf '%03d' $((ms % 1000)))"
    if kill -KILL "$pid" 2>/dev/null; then kills_mid_write=$((kills_mid_write + 1)); fi
    wait "$pid" 2>/dev/null

    # The restart: the database opens (WAL recovery, migrations) and says how many facts it has.
    run_sym memory stats --db "$db"
    if [ "$rc" -ne 0 ]; then
        fail "cycle $c ($mode): the database does not open after the kill: $err"
        continue
    fi
    integrity=$(sqlite3 "$db" "PRAGMA integrity_check;
        INSERT INTO facts_fts(facts_fts) VALUES('integrity-check'); SELECT 'fts ok';" 2>&1)
    if [ "$integrity" != $'ok\nfts ok' ]; then
        fail "cycle $c ($mode): integrity check: $integrity"
        continue
    fi

    if [ "$mode" = import ]; then
        have=$(sqlite3 "$db" "SELECT count(*) FROM facts WHERE text LIKE 'imported c${c}n%'")
        if grep -q "^imported $import_n fact(s)" "$T/cout"; then
            # It finished before the kill: aim the next kills a little earlier (the machine's
            # speed changes under load; this keeps about a third of the imports finishing).
            import_ms=$((import_ms * 9 / 10 + 1))
            acked_imports=$((acked_imports + 1))
            acked_facts=$((acked_facts + import_n))
            if [ "$have" -ne "$import_n" ]; then
                fail "cycle $c: import acknowledged, but $have of $import_n facts are there"
                lost=$((lost + import_n - have))
            fi
        else
            import_ms=$((import_ms * 21 / 20 + 1))
            if [ "$have" -ne 0 ] && [ "$have" -ne "$import_n" ]; then
                fail "cycle $c: a killed import left $have of $import_n facts (all or nothing)"
            fi
        fi
        pass
        continue
    fi

    # Chat cycle: the acknowledged /remember facts, by id and their unique word cNnM.
    values=$(complete_lines "$T/cout" |
        sed -n 's/.*"answer":"Remembered (#\([0-9]*\)): Fact \(c[0-9]*n[0-9]*\) .*/(\1,'"'"'\2'"'"')/p' |
        paste -sd, -)
    n=$(complete_lines "$T/cout" | grep -c '"answer":"Remembered (#')
    acked_facts=$((acked_facts + n))
    if [ "$n" -gt 0 ]; then
        missing=$(sqlite3 "$db" "WITH acked(id, tok) AS (VALUES $values)
            SELECT count(*) FROM acked a WHERE NOT EXISTS (SELECT 1 FROM facts f
            WHERE f.id = a.id AND instr(f.text, ' ' || a.tok || ' ') > 0)")
        if [ "$missing" != 0 ]; then
            fail "cycle $c: $missing of $n acknowledged facts are missing"
            lost=$((lost + missing))
        fi
    fi
    # The acknowledged chat turns: this cycle's conversation holds both sides of each.
    turns=$(complete_lines "$T/cout" | grep -c '"kind":"chat","answer"')
    acked_turns=$((acked_turns + turns))
    if [ "$turns" -gt 0 ]; then
        stored=$(sqlite3 "$db" "SELECT count(*) FROM turns
            WHERE conversation_id = (SELECT max(id) FROM conversations)")
        if [ "$stored" -lt $((2 * turns)) ]; then
            fail "cycle $c: $turns chat turns acknowledged, $stored messages stored"
        fi
    fi
    pass
done

echo "crash: $cycles cycles ($kills_mid_write killed while running), acknowledged: $acked_facts facts" \
    "($acked_imports whole imports), $acked_turns chat turns; facts lost: $lost"
check "no acknowledged fact lost" [ "$lost" -eq 0 ]
# Kills that all land after the process ended would test nothing.
check "most kills hit a running process" [ "$kills_mid_write" -ge $((cycles / 2)) ]
check "some writes were acknowledged before a kill" [ "$acked_facts" -gt 0 ]
finish
