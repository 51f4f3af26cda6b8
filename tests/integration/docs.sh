#!/usr/bin/env bash
# docs.sh: the documentation stays readable and its links work. README.md is for users and stays
# at most 500 lines; every relative link in README.md and docs/*.md points to a file that exists,
# and to a heading of that file when it names one (#anchor, made from the heading as GitHub makes
# it); every `make TARGET` they mention is a target of the Makefile. Needs no build and no model:
# `bash tests/integration/docs.sh` runs it alone.
. "$(dirname "$0")/lib.sh"

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
export LC_ALL=C.UTF-8

# --- README length -------------------------------------------------------------------------
lines=$(wc -l <"$ROOT/README.md")
if [ "$lines" -le 500 ]; then pass; else
    fail "README.md has $lines lines; keep it at most 500 (move detail to docs/)"
fi

# md_lines FILE: the file without fenced code blocks (``` ... ```), each line as "LINENO:TEXT".
md_lines() {
    awk '/^[[:space:]]*```/ { fence = !fence; next } !fence { print NR ":" $0 }' "$1"
}

# anchors FILE: the anchors GitHub makes for the file's headings, one a line: the heading text
# lower-cased, without markdown and punctuation, spaces turned into hyphens; a repeated anchor
# gets -1, -2 ...
anchors() {
    md_lines "$1" | sed -n 's/^[0-9]*:#\{1,6\}[[:space:]]\{1,\}//p' |
        sed -E 's/[[:space:]]+#+[[:space:]]*$//; s/.*/\L&/; s/[^[:alnum:] _-]//g; s/ /-/g' |
        awk '{ n = seen[$0]++; print (n ? $0 "-" n : $0) }'
}

# --- links ---------------------------------------------------------------------------------
links=0
for doc in "$ROOT/README.md" "$ROOT"/docs/*.md; do
    rel=${doc#"$ROOT"/}
    dir=$(dirname "$doc")
    while IFS= read -r hit; do
        line=${hit%%:*}
        target=${hit#*:}
        target=${target#\](}
        target=${target%)}
        target=${target%% *} # a link title ("...") after the address
        case $target in
        http://* | https://* | mailto:*) continue ;;
        esac
        links=$((links + 1))
        file=${target%%#*}
        anchor=
        [ "$file" != "$target" ] && anchor=${target#*#}
        if [ -z "$file" ]; then
            path=$doc
        else
            path=$dir/$file
        fi
        if [ ! -e "$path" ]; then
            fail "$rel:$line: link to $target: no file $file"
            continue
        fi
        if [ -n "$anchor" ]; then
            case $path in
            *.md)
                if anchors "$path" | grep -qxF -- "$anchor"; then pass; else
                    fail "$rel:$line: link to $target: no heading #$anchor in ${file:-$(basename "$doc")}"
                fi
                ;;
            *) pass ;;
            esac
        else
            pass
        fi
    done < <(md_lines "$doc" | grep -o '^[0-9]*:\|\]([^)]*)' |
        awk '/^[0-9]+:$/ { n = $0; next } { print n $0 }')
done
if [ "$links" -ge 20 ]; then pass; else fail "found only $links relative links: is the parser broken?"; fi

# --- make targets --------------------------------------------------------------------------
targets=$(sed -n 's/^\([a-z][a-z0-9-]*\):.*/\1/p' "$ROOT/Makefile" | sort -u)
for doc in "$ROOT/README.md" "$ROOT"/docs/*.md "$ROOT/docs/symbiot.1"; do
    rel=${doc#"$ROOT"/}
    for t in $(grep -oE '`make( [A-Z_]+=[^ `]*)* [a-z][a-z0-9-]*' "$doc" | awk '{ print $NF }' | sort -u); do
        if grep -qxF -- "$t" <<<"$targets"; then pass; else
            fail "$rel mentions \`make $t\`, which the Makefile does not have"
        fi
    done
done

finish
