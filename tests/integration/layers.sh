#!/usr/bin/env bash
# layers.sh: the house rules of docs/ARCHITECTURE.md ("Rooms and owners"), checked on the code.
#   1. Dependencies run one way: a room (a folder of src/) includes headers only from the rooms
#      below it in the table here, and, in the built objects, calls and reads only what those
#      rooms (or its own) define. A new room must be added to the table.
#   2. One wrapper per external library: each library's header is included where the table of
#      wrappers says, and nowhere else.
#   3. No two files of one room of the library depend on each other both ways (calls or data, from
#      the objects).
# Rules 1 (includes) and 2 read the sources; rule 1 (symbols) and rule 3 read the object files of
# the build that $SYMBIOT belongs to, so they check what is really linked, not what is declared.
. "$(dirname "$0")/lib.sh"

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=$(dirname "$SYMBIOT")

# Each room and the rooms it may use, lowest first (ARCHITECTURE.md's order).
declare -A MAY=(
    [base]=""
    [nlp]="base"
    [net]="base"
    [llm]="base net"
    [memory]="base nlp"
    [models]="base net llm"
    [core]="base nlp llm memory"
    [stats]="base memory"
    [modules]="base nlp llm memory models core stats"
    [tools]="base nlp net llm memory models core stats modules"
    [server]="base nlp net llm memory models core stats modules tools"
    [cli]="base nlp net llm memory models core stats modules tools server"
)

may_use() { # may_use ROOM OTHER: true when ROOM may depend on OTHER
    [ "$1" = "$2" ] && return 0
    case " ${MAY[$1]} " in *" $2 "*) return 0 ;; esac
    return 1
}

room_of() { # room_of src/ROOM/file.c -> ROOM
    local p=${1#src/}
    echo "${p%%/*}"
}

# --- 1a. includes between rooms ---------------------------------------------------------------
cd "$ROOT" || exit 1
bad=0
for dir in src/*/; do
    room=$(basename "$dir")
    [ -n "${MAY[$room]+set}" ] || { fail "src/$room/ is not in the layer table of layers.sh"; bad=1; }
done
while IFS=: read -r file line text; do
    room=$(room_of "$file")
    [ -n "${MAY[$room]+set}" ] || continue
    target=$(sed -E 's/.*#include "([a-z_]+)\/.*/\1/' <<<"$text")
    [ -d "src/$target" ] || continue
    if ! may_use "$room" "$target"; then
        fail "$file:$line: $room includes $target (${text#*#include }); $room may use: ${MAY[$room]:-nothing}"
        bad=1
    fi
done < <(grep -rnE '^[[:space:]]*#[[:space:]]*include "[a-z_]+/' src --include='*.c' --include='*.h' --include='*.cpp')
[ "$bad" = 0 ] && pass

# --- 2. one wrapper per external library ------------------------------------------------------
# wrapper HEADER_REGEX ALLOWED_FILES_REGEX DESCRIPTION
wrapper() {
    local files others
    files=$(grep -rlE "^[[:space:]]*#[[:space:]]*include [<\"]($1)" src || true)
    others=$(grep -vE "^($2)$" <<<"$files" | grep . || true)
    if [ -n "$others" ]; then
        fail "$3 is included outside its wrapper: $(tr '\n' ' ' <<<"$others")"
    elif [ -z "$files" ]; then
        fail "$3: no file includes it any more; update layers.sh"
    else
        pass
    fi
}
wrapper 'curl/' 'src/net/http\.c' "libcurl (<curl/curl.h>)"
wrapper 'sqlite3\.h' 'src/memory/[a-z_]+\.c' "SQLite (<sqlite3.h>)"
wrapper 'microhttpd\.h' 'src/server/server\.c' "libmicrohttpd (<microhttpd.h>)"
# llama.cpp's common library (<chat.h>, <common.h>, <json.h>, <log.h>...) counts as llama.cpp.
wrapper 'llama\.h|ggml[a-z-]*\.h|gguf\.h|(chat|common|json|log|sampling|json-schema-to-grammar)\.h>' \
    'src/llm/[a-z_]+\.(c|cpp|h)' "llama.cpp and ggml (<llama.h>, <ggml*.h>, <gguf.h>, common/*.h)"
wrapper 'openssl/' 'src/base/sha256\.c' "OpenSSL (<openssl/*.h>)"
wrapper 'libstemmer\.h' 'src/memory/[a-z_]+\.c' "the Snowball stemmer (<libstemmer.h>)"
wrapper 'histedit\.h|editline/' 'src/cli/repl\.c' "libedit"
# WordNet has no header: its files are read by one wrapper, the only source that names them.
wn=$(grep -rlE 'index\.noun|data\.noun|/usr/share/wordnet' src | grep -vE '^src/nlp/thesaurus\.[ch]$' || true)
check "WordNet's files are read only by src/nlp/thesaurus.c${wn:+ (also: $(tr '\n' ' ' <<<"$wn"))}" \
    [ -z "$wn" ]
c=$(grep -rlE '^[[:space:]]*#[[:space:]]*include [<"]curl/' src | wc -l)
check "exactly one file under src/ includes <curl/curl.h> (found $c)" [ "$c" = 1 ]

# --- 1b and 3. what the objects really use ----------------------------------------------------
objdir="$BUILD/CMakeFiles"
if ! command -v nm >/dev/null || [ ! -d "$objdir/symbiot_core.dir/src" ]; then
    skip "no object files under $objdir (symbol checks need the CMake build of \$SYMBIOT)"
    finish
    exit
fi
# One line per (object, kind, symbol): D for a global it defines, U for one it needs.
syms="$T/syms"
for o in $(find "$objdir/symbiot_core.dir/src" "$objdir/symbiot_server.dir/src" "$objdir/symbiot.dir/src" \
    -name '*.o' 2>/dev/null | sort); do
    f=${o#*.dir/}
    f=${f%.o}
    nm -g "$o" 2>/dev/null | awk -v f="$f" '$1 == "U" { print f, "U", $2; next }
        NF == 3 && $2 ~ /[TDBRVWC]/ { print f, "D", $3 }'
done >"$syms"
# Edges "A B": file A uses a symbol that file B defines.
awk '$2 == "D" { def[$3] = $1 } $2 == "U" { use[NR] = $1 " " $3 }
     END { for (i in use) { split(use[i], u, " "); if (u[2] in def && def[u[2]] != u[1]) print u[1], def[u[2]] } }' \
    "$syms" "$syms" | sort -u >"$T/edges"
shared() { # shared A B: up to three symbols A takes from B
    awk -v a="$1" -v b="$2" 'FNR == NR { if ($1 == a && $2 == "U") u[$3] = 1; next }
        $1 == b && $2 == "D" && ($3 in u) { print $3 }' "$syms" "$syms" | head -3 | paste -sd ' '
}
check "the objects define symbols (nm read $(wc -l <"$syms") lines)" [ -s "$T/edges" ]
bad=0
while read -r a b; do
    ra=$(room_of "$a")
    rb=$(room_of "$b")
    [ -n "${MAY[$ra]+set}" ] && [ -n "${MAY[$rb]+set}" ] || continue
    if ! may_use "$ra" "$rb"; then
        fail "$a uses $b ($(shared "$a" "$b")): $ra may use: ${MAY[$ra]:-nothing}"
        bad=1
    fi
done <"$T/edges"
[ "$bad" = 0 ] && pass
bad=0
# The front ends (server, cli) are programs wired together by callbacks; the rule is for the rooms
# of the library below them.
while read -r a b; do
    [ "$(room_of "$a")" = "$(room_of "$b")" ] || continue
    case $(room_of "$a") in server | cli) continue ;; esac
    if [[ "$a" < "$b" ]] && grep -qx "$b $a" "$T/edges"; then
        fail "$a and $b depend on each other ($(shared "$a" "$b") / $(shared "$b" "$a"))"
        bad=1
    fi
done <"$T/edges"
[ "$bad" = 0 ] && pass
finish
