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
. "$here/../npm-ci.sh"
npm_ci mcp "the MCP SDK"
echo "$dir/node_modules"
