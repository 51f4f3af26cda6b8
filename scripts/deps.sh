#!/usr/bin/env bash
# Check the Debian packages Symbiot builds with, and install the missing ones.
#
# As root, missing packages are installed with apt-get (after one `apt-get update`). As another
# user, the exact command to run is printed and the script fails, so the build stops with a clear
# message instead of a compiler error three screens later. It runs on every `make`: a dpkg query
# per package, a fraction of a second.
set -euo pipefail

# package           what needs it
PACKAGES=(
    build-essential   # gcc, make
    cmake             # the build
    pkg-config        # finding the libraries below
    git               # cloning llama.cpp's bundle
    openssl           # checking the npm tarball's sha512
    npm               # `npm pack node-llama-cpp`, the pinned llama.cpp source
    libedit-dev       # line editing and history in the REPL
    libcjson-dev      # --json output
    libutf8proc-dev   # Unicode case folding in the parser
    libsqlite3-dev    # the memory database (reminders, facts)
    libstemmer-dev    # Snowball stemmers for fact search (English, Russian)
    wordnet-base      # the English thesaurus of memory search (optional at run time)
    libmicrohttpd-dev # the HTTP server (symbiot serve)
    libcurl4-openssl-dev # `symbiot pull` and the remote backend: HTTPS (src/net/http.c only)
    libssl-dev        # OpenSSL's libcrypto: the SHA-256 of downloads (src/base/sha256.c only)
    tzdata            # time zones for the time module
    clang-format      # make format
    valgrind          # the memcheck part of the test suite
    jq                # reading --json output in the tests and the benchmark
    sqlite3           # the crash test's integrity checks of the memory database
    tmux              # driving the interactive session in the tests
    time              # /usr/bin/time: the memory of the hostile-input tests
    zsh               # the zsh completion script's test
    fish              # the fish completion script's test
    curl              # driving the HTTP server in the tests
    sqlite3           # planting hostile stored answers for the web page's test
)

missing=()
for p in "${PACKAGES[@]}"; do
    case "$p" in
    npm) command -v npm >/dev/null 2>&1 && continue ;; # a non-Debian node install is fine too
    esac
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" -ne 0 ]; then
        echo "symbiot: missing Debian packages: ${missing[*]}" >&2
        echo "symbiot: install them with:" >&2
        echo "    sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
        exit 1
    fi
    echo "symbiot: installing missing Debian packages: ${missing[*]}" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q >&2 || true
    apt-get install -y -q --no-install-recommends "${missing[@]}" >&2 ||
        { echo "symbiot: apt-get install failed for: ${missing[*]}" >&2; exit 1; }
fi
