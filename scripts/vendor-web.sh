#!/usr/bin/env bash
# vendor-web.sh: the JavaScript libraries of the web page, fetched at pinned versions and checked.
#
#   scripts/vendor-web.sh          fetch the pinned packages with `npm pack`, check each tarball's
#                                  sha512 against the pin below, copy the files the page uses (and
#                                  their licences) into web/vendor/, write web/vendor/SHA256SUMS.txt
#   scripts/vendor-web.sh --check  offline: check that web/vendor/ holds exactly those files, unchanged
#
# The files are committed: the build embeds them into the binary like the rest of web/
# (cmake/embed_assets.cmake), so the page needs no CDN and no network. To upgrade a library, change
# its version and integrity here (`npm view NAME@VERSION dist.integrity`), run this, look at the
# diff, and run it_web.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
vendor="$root/web/vendor"

# name@version  sha512 integrity as the npm registry publishes it
pins=(
    "markdown-it@15.0.3 sha512-+Az7Ojz3iRGu8KYMvJ6xVhvrxP3eE+vEtJX75Ow88XBpcQNV/0lGX5ZynIIBftREo4DC2jsveAMDaeltmm8QvQ=="
    "markdown-it-texmath@1.0.0 sha512-4hhkiX8/gus+6e53PLCUmUrsa6ZWGgJW2XCW6O0ASvZUiezIK900ZicinTDtG3kAO2kon7oUA/ReWmpW2FByxg=="
    "katex@0.19.1 sha512-jG8uKntjSEcm2EpQOh0XturpPuuC9r3Sq5HLHdsFdWZT27E672SF19QEi+of0/YeOy15lDgRhKvr5614uRrEfA=="
    "@highlightjs/cdn-assets@11.12.0 sha512-KvOKXODaiFmId9xaq3xc5xCL66wVLUuOngDbO9B/kewbFTqdGbn2nJxNhN3H5R1cgDTVj6R8vH0zgiNDEGjpDw=="
    "dompurify@3.5.0 sha512-LYC0ZkE8P1V42JsRYTwMdme/2ET8SpOc5AA2eOFjP/IadvRd2fwiT4TVz5vkfy0XUx12aS2UaRkTnfVPNOv9vw=="
)

# package name, then "source:destination" pairs, paths relative to the package and to web/vendor/
files() {
    case $1 in
    markdown-it) echo "dist/browser/markdown-it.umd.min.js:markdown-it/markdown-it.min.js LICENSE:markdown-it/LICENSE.txt" ;;
    markdown-it-texmath) echo "texmath.js:texmath/texmath.js license.txt:texmath/LICENSE.txt" ;;
    katex)
        echo "dist/katex.min.js:katex/katex.min.js dist/katex.min.css:katex/katex.min.css LICENSE:katex/LICENSE.txt"
        for f in "$2"/dist/fonts/*.woff2; do echo "dist/fonts/${f##*/}:katex/fonts/${f##*/}"; done ;;
    @highlightjs/cdn-assets) echo "highlight.min.js:highlight/highlight.min.js LICENSE:highlight/LICENSE.txt" ;;
    dompurify) echo "dist/purify.min.js:dompurify/purify.min.js LICENSE:dompurify/LICENSE.txt" ;;
    esac
}

if [ "${1:-}" = --check ]; then
    cd "$vendor"
    sha256sum --quiet -c SHA256SUMS.txt || { echo "web/vendor/ differs from SHA256SUMS.txt" >&2; exit 1; }
    listed=$(awk '{print $2}' SHA256SUMS.txt | sort)
    present=$(find . -type f ! -name SHA256SUMS.txt | sed 's|^\./||' | sort)
    [ "$listed" = "$present" ] || { echo "web/vendor/ holds files SHA256SUMS.txt does not list" >&2; exit 1; }
    echo "web/vendor/: $(wc -l <SHA256SUMS.txt) files as pinned"
    exit 0
fi

command -v npm >/dev/null || { echo "vendor-web.sh: npm is needed (apt-get install npm)" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
rm -rf "$vendor"
mkdir -p "$vendor"
for pin in "${pins[@]}"; do
    spec=${pin%% *}
    want=${pin#* }
    name=${spec%@*}
    (cd "$tmp" && npm pack "$spec" --silent >pack.out)
    tgz="$tmp/$(tail -1 "$tmp/pack.out")"
    got="sha512-$(openssl dgst -sha512 -binary "$tgz" | base64 -w0)"
    if [ "$got" != "$want" ]; then
        echo "vendor-web.sh: $spec: integrity $got, pinned $want" >&2
        exit 1
    fi
    mkdir -p "$tmp/x/$name"
    tar xzf "$tgz" -C "$tmp/x/$name"
    pkg="$tmp/x/$name/package"
    for pair in $(files "$name" "$pkg"); do
        mkdir -p "$vendor/$(dirname "${pair#*:}")"
        cp "$pkg/${pair%%:*}" "$vendor/${pair#*:}"
    done
    echo "vendored $spec"
done
(cd "$vendor" && find . -type f ! -name SHA256SUMS.txt | sed 's|^\./||' | sort | xargs sha256sum >SHA256SUMS.txt)
echo "web/vendor/: $(wc -l <"$vendor/SHA256SUMS.txt") files; commit them with this script"
