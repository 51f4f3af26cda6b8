#!/usr/bin/env bash
# setup.sh: install what the MCP tests need, once, outside the checkout, and say where.
#
#   tests/mcp/setup.sh    the official MCP TypeScript SDK (@modelcontextprotocol/sdk: the client
#                         that drives `symbiot mcp`) and the reference server
#                         @modelcontextprotocol/server-everything (a server for `symbiot tools`)
#
# The npm packages are pinned by tests/mcp/package-lock.json (versions and sha512 integrity) and
# installed with `npm ci` into ${SYMBIOT_CACHE:-~/.cache/symbiot}/npm/mcp-<hash of the lock>/, so a
# changed lock installs afresh and an unchanged one costs nothing. Parallel tests share one lock
# file, so only one of them installs. The same way as tests/web/setup.sh, in a folder of its own.
#
# Output: the node_modules directory on the last line of stdout (exit 0). When something is truly
# unavailable (no node or npm, the registry unreachable) the reason is printed and the exit
# status is 77, which the callers turn into a clear SKIP line.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
cache="${SYMBIOT_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/symbiot}"
say() { printf 'setup: %s\n' "$*" >&2; }
unavailable() { printf '%s\n' "$*"; exit 77; }

command -v node >/dev/null || unavailable "node is not installed (apt-get install nodejs npm)"
command -v npm >/dev/null || unavailable "npm is not installed (apt-get install npm)"
major=$(node -p 'process.versions.node.split(".")[0]')
[ "$major" -ge 20 ] || unavailable "node $major is too old for the MCP SDK (20 or later)"

hash=$(cat "$here/package.json" "$here/package-lock.json" | sha256sum | cut -c1-12)
dir="$cache/npm/mcp-$hash"
mkdir -p "$cache/npm" || unavailable "cannot create $cache/npm"
exec 9>"$cache/npm/mcp.lock"
flock 9

if [ ! -f "$dir/stamp" ]; then
    say "installing the pinned npm packages into $dir"
    rm -rf "$dir"
    mkdir -p "$dir"
    cp "$here/package.json" "$here/package-lock.json" "$dir/"
    if ! (cd "$dir" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >&2); then
        rm -rf "$dir"
        unavailable "npm ci failed (is the npm registry reachable?)"
    fi
    touch "$dir/stamp"
fi
echo "$dir/node_modules"
