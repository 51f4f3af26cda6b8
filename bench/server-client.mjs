// server-client.mjs: the load generator of bench/server.sh, plain node (its built-in fetch), no
// packages. It sends streamed OpenAI chat completions to one server from C clients at once, each
// client sending its next request as soon as its previous answer ended, until REQUESTS answers
// are in, and prints one JSON line:
//   {"clients", "requests", "ok", "bad", "differs", "wall_s", "rps", "tok_s",
//    "ttft_ms": {p50, p90, p95, max}, "tokens", "prompt_tokens", "answer"}
// ttft is measured by the client: from sending the request to the first chunk with text, so it
// includes waiting in the server's queue. Every stream is checked: SSE framing, one id, a
// finish_reason, "data: [DONE]" last; a stream that fails any of these counts as bad. Its text
// is compared with the reference answer (the first answer of a warm-up request, or REFERENCE
// when given): a whole stream with another text counts in "differs" (and in the figures): a
// server that decodes several requests in one batch can flip a greedy choice where the logits
// are nearly tied, which a random-weight model's are. Usage: node server-client.mjs URL CLIENTS REQUESTS (env: PROMPT, MAX_TOKENS, STOP).
const [url, clientsArg, requestsArg] = process.argv.slice(2);
const clients = Number(clientsArg);
const total = Number(requestsArg);
const body = JSON.stringify({
  model: 'bench',
  messages: [{role: 'user', content: process.env.PROMPT || 'Once upon a time'}],
  max_tokens: Number(process.env.MAX_TOKENS || 64),
  temperature: 0,
  stop: [process.env.STOP || '\nUser:'],
  stream: true,
  stream_options: {include_usage: true},
});

// One streamed request: {ok, why, text, ttft_ms, tokens, prompt_tokens}.
async function one() {
  const t0 = performance.now();
  let ttft = null;
  let resp;
  try {
    resp = await fetch(url + '/v1/chat/completions', {method: 'POST',
      headers: {'Content-Type': 'application/json'}, body});
  } catch (e) {
    return {ok: false, why: 'connect: ' + e.message};
  }
  if (resp.status !== 200) return {ok: false, why: 'HTTP ' + resp.status + ' ' + await resp.text()};
  const decoder = new TextDecoder();
  let raw = '';
  for await (const part of resp.body) {
    raw += decoder.decode(part, {stream: true});
    if (ttft === null && /"content":"[^"]/.test(raw)) ttft = performance.now() - t0;
  }
  const events = raw.split('\n\n');
  if (events.pop() !== '') return {ok: false, why: 'the stream does not end with a blank line'};
  if (events[events.length - 1] !== 'data: [DONE]') return {ok: false, why: 'no [DONE] last'};
  let text = '';
  let finish = null;
  let usage = null;
  const ids = new Set();
  for (const ev of events.slice(0, -1)) {
    if (!ev.startsWith('data: {')) return {ok: false, why: 'bad event: ' + ev.slice(0, 80)};
    let j;
    try {
      j = JSON.parse(ev.slice(6));
    } catch (e) {
      return {ok: false, why: 'bad JSON: ' + ev.slice(0, 80)};
    }
    ids.add(j.id);
    if (j.usage) usage = j.usage;
    for (const c of j.choices || []) {
      if (c.delta && c.delta.content) text += c.delta.content;
      if (c.finish_reason) finish = c.finish_reason;
    }
  }
  if (ids.size !== 1 || !finish || !usage) return {ok: false, why: 'ids, finish or usage'};
  return {ok: true, text: text.replace(/^\s+/, ''), ttft_ms: ttft === null ? 0 : ttft,
    tokens: usage.completion_tokens, prompt_tokens: usage.prompt_tokens};
}

function pct(sorted, p) {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] : 0;
}

const warm = await one(); // fills the caches; its answer is the reference
if (!warm.ok) {
  console.log(JSON.stringify({error: warm.why}));
  process.exit(1);
}
const reference = process.env.REFERENCE !== undefined ? process.env.REFERENCE : warm.text;
let started = 0;
const results = [];
const t0 = performance.now();
await Promise.all(Array.from({length: clients}, async () => {
  while (started < total) {
    started++;
    const r = await one();
    if (r.ok && r.text !== reference) {
      r.differs = true;
      r.why = 'a different answer: ' + JSON.stringify(r.text.slice(0, 80));
    }
    results.push(r);
  }
}));
const wall = (performance.now() - t0) / 1000;
const good = results.filter((r) => r.ok);
const ttfts = good.map((r) => r.ttft_ms).sort((a, b) => a - b);
const tokens = good.reduce((n, r) => n + r.tokens, 0);
const out = {
  clients, requests: results.length, ok: good.length, bad: results.length - good.length,
  differs: results.filter((r) => r.differs).length,
  wall_s: +wall.toFixed(3), rps: +(good.length / wall).toFixed(2), tok_s: +(tokens / wall).toFixed(1),
  ttft_ms: {p50: +pct(ttfts, 0.5).toFixed(1), p90: +pct(ttfts, 0.9).toFixed(1),
    p95: +pct(ttfts, 0.95).toFixed(1),
    max: +(ttfts[ttfts.length - 1] || 0).toFixed(1)},
  tokens: good.length ? good[0].tokens : 0, prompt_tokens: good.length ? good[0].prompt_tokens : 0,
  answer: reference,
};
const why = results.filter((r) => !r.ok || r.differs).map((r) => r.why);
if (why.length) out.why = [...new Set(why)].slice(0, 3);
console.log(JSON.stringify(out));
