#!/usr/bin/env bash
# web.sh: the web page in headless Chromium against a real `symbiot serve` (tests/web/page.mjs,
# with playwright-core and Debian's chromium, installed by tests/web/setup.sh): a streamed
# answer, thumbs down and a correction, the memory panel, reminders, the stats chart, Russian;
# markdown as models write it (tables, highlighted code with a copy button, math, task lists);
# at 390 px the conversation list is a drawer; a long answer streams without the page jumping;
# screenshots at 1280 and 390 px, light and dark, English and Russian;
# and hostile markup in a stored fact, a stored answer and a streamed answer shown as text.
# Tool calls (tests/web/page-tools.mjs): a folded block per call, the dialog for a call that removes
# something, the blocks again in a reopened conversation; a reasoning model's thinking folded
# away until clicked (tests/web/thinking.mjs).
# Then against a server that needs a key (--api-key-file, tests/web/key.mjs): the key button
# comes with the first 401, and the entered key makes the page work.
# First, that web/vendor/ holds the pinned libraries unchanged (scripts/vendor-web.sh --check).
# Screenshots go to the build directory's test-artifacts/ (WEB_ARTIFACTS).
. "$(dirname "$0")/lib.sh"

check "web/vendor/ holds the pinned libraries, unchanged" \
    bash "$(dirname "$0")/../../scripts/vendor-web.sh" --check
node_deps browser || { finish; exit; }
fake_pid=
trap 'stop_server 2>/dev/null; [ -n "$fake_pid" ] && kill "$fake_pid" 2>/dev/null; rm -rf "$T"' EXIT
db="$T/srv.db"
start_server -m "$TINY_MODEL" -c 2048 -n 160 --temp 0 --db "$db" || { finish; exit; }

# A stored conversation whose answer is hostile markup, as a compromised model might write it.
# The server made the schema; sqlite3 adds the rows (the server's connection is WAL: it sees them).
hostile_conv=
rich_conv=
if command -v sqlite3 >/dev/null; then
    now=$(date +%s)
    sqlite3 "$db" "PRAGMA busy_timeout = 5000;
        INSERT INTO conversations (id, started, updated, title)
            VALUES (9000, $now, $now, '<img src=x onerror=alert(8)> hostile');
        INSERT INTO turns (conversation_id, role, text, created)
            VALUES (9000, 'user', 'Show me some HTML', $now),
                   (9000, 'assistant', 'Here: <img src=x onerror=alert(5)> and <script>alert(6)</script>
**bold**, \`<b>code</b>\` and [click](javascript:alert(7))', $now);" >/dev/null &&
        hostile_conv=9000
    check "a hostile stored answer is planted" [ -n "$hostile_conv" ]
    # An answer in the markdown models write, with hostile parts: the page must render the
    # table, code, math and task list, and keep the HTML, javascript: links and images as text.
    cat >"$T/rich.md" <<'MD'
Here is a summary table:

| Name | Score | Note |
|:-----|------:|:----:|
| Ann  | 42    | <img src=x onerror=alert(20)> |
| Bob  | 7     | `x < y` |

```python
def greet(name):
    return "Hello, " + name  # a comment
```

```html
<img src=x onerror=alert(9)><script>alert(10)</script>
```

Euler: $e^{i\pi} + 1 = 0$ and a display formula:

$$\int_0^1 x^2\,dx = \frac{1}{3}$$

- [x] write the tests
- [ ] ship it

Links: [safe](https://example.org/docs), [bad](javascript:alert(11)), ![pic](javascript:alert(12)), $\href{javascript:alert(13)}{x}$ and <svg onload=alert(14)>.
MD
    sqlite3 "$db" "PRAGMA busy_timeout = 5000;
        INSERT INTO conversations (id, started, updated, title)
            VALUES (9001, $now, $now, 'Markdown as models write it');
        INSERT INTO turns (conversation_id, role, text, created)
            VALUES (9001, 'user', 'Show me everything', $now),
                   (9001, 'assistant', CAST(readfile('$T/rich.md') AS TEXT), $now);" >/dev/null &&
        rich_conv=9001
    check "a markdown answer is planted" [ -n "$rich_conv" ]
else
    skip "sqlite3 is not installed: no hostile stored answer (scripts/deps.sh installs it)"
fi

artifacts=${WEB_ARTIFACTS:-$T/artifacts}
URL=$URL MODEL=$(basename "$TINY_MODEL") HOSTILE_CONV=$hostile_conv RICH_CONV=$rich_conv \
    ARTIFACTS=$artifacts \
    run_node page.mjs
check "a screenshot is saved" [ -s "$artifacts/web-stats.png" ]
echo "screenshots: $artifacts/web-{answer,stats,chat}.png"

# What the page's thumbs and correction stored, as `symbiot feedback export` sees it.
run_sym feedback export --db "$db"
check "the page's thumbs down and correction are stored with the answer" jq -se >/dev/null '
    map(select(.prompt == "Hello there")) | map(.rating) == [-1, 0] and .[0].reason == "too long"
    and .[1].correction == "The answer is forty-two"' <<<"$out"
stop_server
check "the server stops with status 0" [ "$srv_rc" -eq 0 ]

# Tool calls on the page: the answers come from the fake endpoint, scripted to call remember,
# then forget (which asks: the page's dialog), then answer.
TAB=$'\t'
printf '%s\n' "call${TAB}remember${TAB}{\"text\": \"my train leaves at nine\"}" \
    "call${TAB}forget${TAB}{\"fact\": \"1\"}" "text${TAB}All done." >"$T/script"
rm -f "$T/fport"
"$FAKEAI" --port-file "$T/fport" --script "$T/script" >/dev/null 2>&1 &
fake_pid=$!
for _ in $(seq 100); do [ -s "$T/fport" ] && break; sleep 0.05; done
start_server --backend remote --endpoint "http://127.0.0.1:$(cat "$T/fport")/v1" \
    --db "$T/tools.db" || { kill "$fake_pid"; finish; exit; }
run_sym --db "$T/tools.db" memory add "my bike is blue"
URL=$URL run_node page-tools.mjs
stop_server
kill "$fake_pid" 2>/dev/null
wait "$fake_pid" 2>/dev/null

# A reasoning model's thinking: folded away (tests/web/thinking.mjs).
start_server -m "$R1_MODEL" -c 2048 -n 24 --temp 0 --db "$T/r1.db" || { finish; exit; }
URL=$URL run_node thinking.mjs
stop_server

# A server that needs a key, read from an owner-only file.
key="web-key-$RANDOM$RANDOM"
(umask 077 && printf '%s\n' "$key" >"$T/key")
start_server -m "$TINY_MODEL" -c 2048 -n 16 --temp 0 --db "$T/key.db" --api-key-file "$T/key" ||
    { finish; exit; }
check "no warning about the key file (it is owner-only)" \
    bash -c '! grep -q "API key file" "$1"' _ "$T/srv.err"
URL=$URL KEY=$key run_node key.mjs
stop_server
check "the keyed server stops with status 0" [ "$srv_rc" -eq 0 ]
finish
