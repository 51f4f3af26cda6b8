# npm-ci.sh (sourced by tests/web/setup.sh and tests/mcp/setup.sh): pinned npm packages installed
# once, outside the checkout. The caller defines $here (the folder with package.json and
# package-lock.json), $cache, say() and unavailable() (prints a reason, exits 77).
#
# npm_ci NAME WHAT: `npm ci` of $here's lock into $cache/npm/NAME-<hash of the lock>/ (a changed
# lock installs afresh, an unchanged one costs nothing), under a lock file that parallel tests
# share, so only one of them installs; WHAT says what needs node 20. Sets $dir.
npm_ci() {
    local hash major
    command -v node >/dev/null || unavailable "node is not installed (apt-get install nodejs npm)"
    command -v npm >/dev/null || unavailable "npm is not installed (apt-get install npm)"
    major=$(node -p 'process.versions.node.split(".")[0]')
    [ "$major" -ge 20 ] || unavailable "node $major is too old for $2 (20 or later)"
    hash=$(cat "$here/package.json" "$here/package-lock.json" | sha256sum | cut -c1-12)
    dir="$cache/npm/$1-$hash"
    mkdir -p "$cache/npm" || unavailable "cannot create $cache/npm"
    exec 9>"$cache/npm/$1.lock"
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
}
