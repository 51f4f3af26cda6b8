#!/usr/bin/env bash
# setup.sh: install what the node-driven tests need, once, outside the checkout, and say where.
#
#   tests/web/setup.sh openai    the `openai` and `ajv` npm packages (tests/integration/openai.sh)
#   tests/web/setup.sh browser   that and playwright-core, plus Debian's chromium (web.sh)
#
# The npm packages are pinned by tests/web/package-lock.json (versions and sha512 integrity) and
# installed with `npm ci` into ${SYMBIOT_CACHE:-~/.cache/symbiot}/npm/web-<hash of the lock>/, so
# a changed lock installs afresh and an unchanged one costs nothing. Chromium comes from Debian
# (`apt-get install chromium`, as root; `apt-get update` first when the package is not known).
# Parallel tests share one lock file, so only one of them installs.
#
# Output: the node_modules directory on the last line of stdout (exit 0). When something is truly
# unavailable (no node or npm, the registry unreachable, not root and no chromium) the reason is
# printed and the exit status is 77, which the callers turn into a clear SKIP line.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
want=${1:-openai}
cache="${SYMBIOT_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/symbiot}"
say() { printf 'setup: %s\n' "$*" >&2; }
unavailable() { printf '%s\n' "$*"; exit 77; }
. "$here/../npm-ci.sh"
npm_ci web "openai, ajv and playwright-core"

if [ "$want" = browser ] && [ ! -x /usr/bin/chromium ]; then
    [ "$(id -u)" -eq 0 ] ||
        unavailable "chromium is not installed; as root: apt-get install chromium"
    command -v apt-get >/dev/null || unavailable "chromium is not installed and there is no apt-get"
    say "installing Debian's chromium"
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -q --no-install-recommends chromium >&2 ||
        { apt-get update -q >&2 && apt-get install -y -q --no-install-recommends chromium >&2; } ||
        unavailable "apt-get install chromium failed"
fi
echo "$dir/node_modules"
