#!/usr/bin/env bash
# Fetch, verify, build and cache the pinned llama.cpp that Symbiot links against.
#
# llama.cpp comes from the npm package node-llama-cpp@3.22.1, which carries the full llama.cpp
# source tree as a git bundle (package/llama/gitRelease.bundle). This script:
#   1. fetches the tarball with `npm pack` (once; kept in the cache),
#   2. checks its sha512 against the integrity pinned below (never trusting the registry's word),
#   3. clones the bundle and checks the commit,
#   4. builds the static library (CPU backend, native optimisations, or CUDA with GGML_CUDA=1) and
#      the few llama.cpp programs our tests and benchmarks compare against (llama-simple,
#      llama-bench, llama-server, ggml-rpc-server), with the RPC backend (GGML_RPC) for --rpc,
#      and llama.cpp's common library (libllama-common: the chat library common/chat.h, Jinja
#      templates, tool-call and reasoning parsing, json-schema-to-grammar) with its headers and
#      the vendored nlohmann json under include/llama-common/,
#   5. installs all of it into a cache directory keyed by version and build options.
# A second run with the same key finds the stamp file and does nothing. The last line printed on
# stdout is the install prefix; everything else goes to stderr.
#
# Environment:
#   LLAMA_CPP_DIR     an existing llama.cpp checkout to build instead of the pinned one
#   GGML_CUDA=1       build the CUDA backend (needs nvcc)
#   SYMBIOT_CACHE     cache root (default ${XDG_CACHE_HOME:-$HOME/.cache}/symbiot)
#   JOBS              parallel build jobs (default: nproc)
set -euo pipefail

NPM_PKG="node-llama-cpp"
NPM_VERSION="3.22.1"
NPM_INTEGRITY="sha512-bltIipuWmc123H7tMIgDGKSsSrhmhlQYeVUC48XTjVW7XGJJiJJyCdlTMzQ/LiWoPkGDpcL4FviDpgw7qfTiDw=="
LLAMA_COMMIT="de3ff81"
# Bump when the build recipe below changes, so old caches are not reused.
RECIPE=4
# llama.cpp programs we compare against (tests and bench): llama-server is the remote backend's
# loopback endpoint, ggml-rpc-server (rpc-server) the far end of --rpc.
TOOLS=(llama-simple llama-bench llama-server ggml-rpc-server)

say() { printf 'llama.sh: %s\n' "$*" >&2; }
die() { printf 'llama.sh: error: %s\n' "$*" >&2; exit 1; }

CACHE="${SYMBIOT_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/symbiot}"
JOBS="${JOBS:-$(nproc 2>/dev/null || echo 2)}"
CUDA="${GGML_CUDA:-0}"
[ "$CUDA" = "0" ] || [ "$CUDA" = "OFF" ] && CUDA=0 || CUDA=1

if [ -n "${LLAMA_CPP_DIR:-}" ]; then
    [ -f "$LLAMA_CPP_DIR/include/llama.h" ] ||
        die "LLAMA_CPP_DIR=$LLAMA_CPP_DIR is not a llama.cpp checkout (no include/llama.h)"
    src_id="dir-$(printf '%s' "$(cd "$LLAMA_CPP_DIR" && pwd)" | sha256sum | cut -c1-12)"
else
    src_id="$NPM_VERSION-$LLAMA_COMMIT"
fi
# A native build runs only on CPUs with the same instruction set: key it by the CPU's flags.
cpu_id="$(grep -m1 '^flags' /proc/cpuinfo 2>/dev/null | sha256sum | cut -c1-8)"
key="llama.cpp-$src_id-cuda$CUDA-native$cpu_id-r$RECIPE"
root="$CACHE/$key"
prefix="$root/prefix"

if [ -f "$root/stamp" ] && [ -z "${LLAMA_CPP_DIR:-}" ]; then
    echo "$prefix"
    exit 0
fi

fetch_pinned_source() {
    local tgz="$CACHE/npm/$NPM_PKG-$NPM_VERSION.tgz"
    mkdir -p "$CACHE/npm"
    if [ ! -f "$tgz" ]; then
        command -v npm >/dev/null || die "npm is needed to fetch llama.cpp (apt-get install npm)"
        say "fetching $NPM_PKG@$NPM_VERSION with npm pack"
        (cd "$CACHE/npm" && npm pack --silent "$NPM_PKG@$NPM_VERSION" >/dev/null) ||
            die "npm pack $NPM_PKG@$NPM_VERSION failed (is the npm registry reachable?)"
    fi
    local got="sha512-$(openssl dgst -sha512 -binary "$tgz" | base64 -w0)"
    if [ "$got" != "$NPM_INTEGRITY" ]; then
        rm -f "$tgz"
        die "integrity mismatch for $NPM_PKG-$NPM_VERSION.tgz (got $got); removed it, run again"
    fi
    say "integrity ok: $NPM_INTEGRITY"
    rm -rf "$root/src" "$root/pkg"
    mkdir -p "$root/pkg"
    tar -xzf "$tgz" -C "$root/pkg" package/llama/gitRelease.bundle
    git clone -q "$root/pkg/package/llama/gitRelease.bundle" "$root/src" 2>/dev/null ||
        die "git clone of the bundle failed"
    rm -rf "$root/pkg"
    local head
    head="$(git -C "$root/src" rev-parse --short=7 HEAD)"
    [ "$head" = "$LLAMA_COMMIT" ] || die "bundle commit is $head, expected $LLAMA_COMMIT"
    echo "$root/src"
}

if [ -n "${LLAMA_CPP_DIR:-}" ]; then
    src="$(cd "$LLAMA_CPP_DIR" && pwd)"
    rm -f "$root/stamp"
else
    src="$(fetch_pinned_source)"
fi

common=(-DCMAKE_BUILD_TYPE=Release -DBUILD_SHARED_LIBS=OFF -DGGML_NATIVE=ON
        -DLLAMA_CURL=OFF -DLLAMA_OPENSSL=OFF -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_SERVER=OFF
        -DLLAMA_BUILD_APP=OFF -DLLAMA_TOOLS_INSTALL=OFF -DGGML_RPC=ON
        -DCMAKE_INSTALL_PREFIX="$prefix")
[ "$CUDA" = 1 ] && common+=(-DGGML_CUDA=ON)

build="$root/build"
say "building llama.cpp ($key) with $JOBS jobs; this takes a few minutes once"
# Phase 1: the library alone, installed with its headers and CMake package files.
cmake -S "$src" -B "$build" "${common[@]}" -DLLAMA_BUILD_COMMON=OFF -DLLAMA_BUILD_TOOLS=OFF \
    -DLLAMA_BUILD_EXAMPLES=OFF >&2
cmake --build "$build" -j "$JOBS" >&2
# A pinned build installs into a fresh prefix; a user's checkout is rebuilt and installed
# incrementally on every build, so unchanged files keep their times and nothing relinks.
[ -n "${LLAMA_CPP_DIR:-}" ] || rm -rf "$prefix"
cmake --install "$build" >&2
# Phase 2: the comparison programs (same flags, so the library objects are reused).
cmake -S "$src" -B "$build" "${common[@]}" -DLLAMA_BUILD_COMMON=ON -DLLAMA_BUILD_TOOLS=ON \
    -DLLAMA_BUILD_EXAMPLES=ON -DLLAMA_BUILD_SERVER=ON >&2
cmake --build "$build" -j "$JOBS" --target "${TOOLS[@]}" llama-common >&2
mkdir -p "$prefix/bin"
for t in "${TOOLS[@]}"; do cp -u "$build/bin/$t" "$prefix/bin/"; done
# The common library (src/llm/chat.cpp uses its chat part) and the static libraries it needs,
# with its headers in include/llama-common/ (#include "chat.h" with that directory on the path).
mkdir -p "$prefix/lib" "$prefix/include/llama-common/jinja" "$prefix/include/llama-common/parsers" \
    "$prefix/include/llama-common/nlohmann" "$prefix/include/llama-common/sheredom"
cp -u "$build/common/libllama-common.a" "$build/common/libllama-common-base.a" \
    "$build/vendor/cpp-httplib/libcpp-httplib.a" "$build/vendor/hash/libvendor-hash.a" "$prefix/lib/"
cp -u "$src"/common/*.h "$src"/common/*.hpp "$prefix/include/llama-common/"
cp -u "$src"/common/jinja/*.h "$prefix/include/llama-common/jinja/"
cp -u "$src"/common/parsers/*.h "$prefix/include/llama-common/parsers/"
cp -u "$src"/vendor/nlohmann/*.hpp "$prefix/include/llama-common/nlohmann/"
cp -u "$src"/vendor/sheredom/*.h "$prefix/include/llama-common/sheredom/"
# The chat templates of the pinned tree: the template tests render every one of them.
mkdir -p "$prefix/share/llama.cpp/templates"
cp -u "$src"/models/templates/*.jinja "$prefix/share/llama.cpp/templates/"
# Vocabulary-only GGUFs, used by the test-model generator.
mkdir -p "$prefix/share/llama.cpp/models"
cp -u "$src"/models/ggml-vocab-*.gguf "$prefix/share/llama.cpp/models/"
printf '%s\n' "$key" > "$root/stamp"
say "llama.cpp installed in $prefix"
echo "$prefix"
