// page.mjs: the web page in headless Chromium (Debian's /usr/bin/chromium, driven by the pinned
// playwright-core), against a real `symbiot serve`. Run by tests/integration/web.sh with URL,
// MODEL (the model file's name), HOSTILE_CONV (a stored conversation whose answer is hostile
// markup, or "" when it could not be planted), ARTIFACTS (where the screenshots go).
//
// What a user would notice: a message gets a streamed answer; thumbs down and a correction are
// confirmed and stored; a fact can be added, edited, searched and deleted; a reminder added and
// cancelled; the stats view draws the speed chart; the page speaks Russian when the browser
// does. And what an attacker would try: a stored fact, a stored answer and a streamed answer
// carrying <img onerror> and <script> must show as text: no dialog, no such element, no error.
import {chromium} from 'playwright-core';
import fs from 'node:fs';
import {check, run} from './check.mjs';

const {URL, MODEL, HOSTILE_CONV, RICH_CONV, ARTIFACTS} = process.env;
const PAGE_SCRIPTS = ['i18n.js', 'vendor/markdown-it/markdown-it.min.js', 'vendor/texmath/texmath.js',
  'vendor/katex/katex.min.js', 'vendor/highlight/highlight.min.js', 'vendor/dompurify/purify.min.js',
  'markdown.js', 'app.js'].join(',');
const HOSTILE_FACT = '<img src=x onerror=alert(1)> <script>alert(2)</script> fact';
const T = 15000; // a generous wait: the server may run under ASan on a busy machine

async function api(method, path, body) {
  const r = await fetch(URL + path, {method, headers: body ? {'Content-Type': 'application/json'} : {},
    body: body ? JSON.stringify(body) : undefined});
  return {status: r.status, json: await r.json()};
}

// No <img> anywhere, and no <script> but the page's own files.
async function noInjectedElements(page, what) {
  const found = await page.evaluate(() => ({
    img: document.querySelectorAll('img, iframe, object, embed').length,
    scripts: [...document.scripts].map((s) => s.getAttribute('src')),
    handlers: [...document.querySelectorAll('*')].filter((e) =>
      [...e.attributes].some((a) => /^on/i.test(a.name))).length,
  }));
  check(`${what}: no injected element or handler`, found.img === 0 && found.handlers === 0 &&
    found.scripts.join(',') === PAGE_SCRIPTS, found);
}

// The page is no wider than its viewport (nothing makes it scroll sideways).
const noOverflow = (p) => p.evaluate(() => document.documentElement.scrollWidth <= innerWidth);

// The element is shown and wholly inside the viewport.
async function onScreen(p, sel) {
  const box = await p.locator(sel).boundingBox();
  const vp = p.viewportSize();
  return !!box && await p.isVisible(sel) && box.x >= 0 && box.y >= 0 &&
    box.x + box.width <= vp.width && box.y + box.height <= vp.height;
}

// Relative luminance (0 black, 1 white) of a CSS rgb() colour.
function luminance(rgb) {
  const [r, g, b] = rgb.match(/[\d.]+/g).map(Number).slice(0, 3).map((v) => {
    v /= 255;
    return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

// Latin words in the page's own texts (not in answers, titles, facts or the model's name), for
// the Russian page: run in the page.
function englishLeft() {
  const skip = '.body, .conv .title, #status, .code-lang, .fact-text, .reminder-text, .notice, ' +
    '#lang, .edit-form, script, style';
  const allowed = new Set(['Symbiot', 'API', 'Markdown', 'Enter', 'Shift', 'Esc']); // keys' names
  const found = new Set();
  const add = (text) => (text.match(/[A-Za-z]{2,}/g) || []).forEach((w) => {
    if (!allowed.has(w)) found.add(w);
  });
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n; (n = walker.nextNode());) {
    const e = n.parentElement;
    if (!e.closest(skip) && e.getClientRects().length) add(n.textContent);
  }
  document.querySelectorAll('[placeholder], [title], [aria-label], [alt]').forEach((e) => {
    if (e.closest(skip) || !e.getClientRects().length) return;
    for (const a of ['placeholder', 'title', 'aria-label', 'alt']) add(e.getAttribute(a) || '');
  });
  return [...found];
}

// The same for the history chart, an <img> the page made from the server's SVG: the words of its
// <text> and <title> elements, read from the image's own data: URL. Run in the page.
function chartEnglishLeft() {
  const src = document.getElementById('history-chart').src;
  const doc = new DOMParser().parseFromString(decodeURIComponent(src.slice(src.indexOf(',') + 1)),
    'image/svg+xml');
  const texts = [...doc.querySelectorAll('text, title')].map((e) => e.textContent);
  const words = texts.join(' ').match(/[A-Za-z]{2,}/g) || [];
  return {english: words.filter((w) => w !== 'Symbiot'), cyrillic: /[а-яё]/i.test(texts.join(' '))};
}

const dialogs = [];
const errors = [];
// Count dialogs, script errors and CSP violations of page p.
function watch(p) {
  p.on('dialog', (d) => { dialogs.push(d.message()); d.dismiss().catch(() => {}); });
  p.on('pageerror', (e) => errors.push('pageerror: ' + e.message));
  p.on('console', (m) => { if (m.type() === 'error') errors.push('console: ' + m.text()); });
}

run(async () => {
  fs.mkdirSync(ARTIFACTS, {recursive: true});
  const browser = await chromium.launch({executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu']});
  const context = await browser.newContext({locale: 'en-US', viewport: {width: 1200, height: 800}});
  const page = await context.newPage();
  watch(page);

  // A hostile fact, stored before the page loads.
  const planted = await api('POST', '/api/memory', {text: HOSTILE_FACT});
  check('a hostile fact is stored through the API', planted.status === 201, planted);
  const keyed = await api('POST', '/api/memory', {text: 'I live in Lisbon', tags: ['key:home',
    'place']});
  check('a fact with an internal key tag is stored', keyed.status === 201, keyed);

  await page.goto(URL + '/');
  await page.waitForFunction((m) => document.getElementById('status').textContent === m, MODEL,
    {timeout: T});
  check('the page loads and names the model', true);
  check('English from navigator.language', await page.textContent('.tab[data-view=memory]') === 'Memory');

  // ---- chat: a streamed answer ----
  const chatResp = page.waitForResponse((r) => r.url().endsWith('/api/chat'), {timeout: T});
  await page.fill('#chat-input', 'Hello there');
  await page.press('#chat-input', 'Enter');
  const resp = await chatResp;
  check('the message goes to /api/chat as a stream', resp.headers()['content-type']
    .startsWith('text/event-stream'), resp.headers());
  await page.waitForSelector('.msg.assistant:not(.streaming) .feedback', {timeout: 4 * T});
  const events = (await resp.text()).split('\n\n').filter((b) => b.startsWith('data: '))
    .map((b) => JSON.parse(b.slice(6)));
  const texts = events.filter((e) => e.type === 'text');
  const done = events[events.length - 1];
  check('the answer streamed in several text events, then done', texts.length > 1 &&
    done.type === 'done' && texts.map((e) => e.text).join('') === done.answer,
    {n: texts.length, done});
  const shown = await page.textContent('.msg.assistant .body');
  const rendered = await page.evaluate((a) => window.SymMarkdown.render(a).textContent, done.answer);
  check('the page shows the whole streamed answer', shown.trim().length > 0 && shown === rendered,
    {shown, answer: done.answer});
  check('the user\'s message is shown', await page.textContent('.msg.user .body') === 'Hello there');
  const figures = await page.textContent('.msg.assistant .meta');
  check('the turn\'s figures under the answer', /tok\/s/.test(figures), figures);
  check('the answer says which backend made it', await page.textContent(
    '.msg.assistant .meta .badge.backend-local') === 'local');
  await page.waitForSelector('#conv-list li.conv.current', {timeout: T});
  check('the new conversation is listed and current', true);

  // ---- thumbs down with a reason, then a correction ----
  await page.click('.msg.assistant .fb-bad');
  await page.fill('.msg.assistant .fb-form input', 'too long');
  await page.click('.msg.assistant .fb-form button[type=submit]');
  await page.waitForFunction(() => /bad answer/.test(
    document.querySelector('.msg.assistant .fb-status').textContent), null, {timeout: T});
  const status = await page.textContent('.msg.assistant .fb-status');
  check('thumbs down is confirmed, with the preference it named', /Keep answers short/.test(status),
    status);
  check('the thumbs-down button shows it was chosen',
    await page.getAttribute('.msg.assistant .fb-bad', 'aria-pressed') === 'true');
  await page.click('.msg.assistant .fb-correct');
  await page.fill('.msg.assistant .fb-form input', 'The answer is forty-two');
  await page.click('.msg.assistant .fb-form button[type=submit]');
  await page.waitForFunction(() => /corrected/.test(
    document.querySelector('.msg.assistant .fb-status').textContent), null, {timeout: T});
  check('the correction is confirmed', true);
  await page.screenshot({path: `${ARTIFACTS}/web-answer.png`});

  // ---- a hostile answer streamed into the chat: a command echoes it back ----
  await page.fill('#chat-input', '/remember <img src=x onerror=alert(3)> and <script>alert(4)</script>');
  await page.press('#chat-input', 'Enter');
  await page.waitForFunction(() => {
    const m = document.querySelectorAll('.msg.assistant');
    return m.length === 2 && !m[1].classList.contains('streaming');
  }, null, {timeout: 4 * T});
  const echoed = await page.locator('.msg.assistant .body').nth(1).textContent();
  check('a hostile streamed answer shows as text', echoed.includes('<img src=x onerror=alert(3)>') &&
    echoed.includes('<script>alert(4)</script>'), echoed);
  await noInjectedElements(page, 'after a hostile streamed answer');

  // ---- a hostile stored answer: open its conversation ----
  if (HOSTILE_CONV) {
    await page.click(`#conv-list li[data-id="${HOSTILE_CONV}"] button`);
    await page.waitForFunction(() => /onerror/.test(
      document.querySelector('.msg.assistant .body')?.textContent || ''), null, {timeout: T});
    const body = await page.textContent('.msg.assistant .body');
    check('a hostile stored answer shows as text', body.includes('<img src=x onerror=alert(5)>') &&
      body.includes('<script>alert(6)</script>'), body);
    check('markdown still works in it: bold, code', await page.textContent('.msg.assistant strong') ===
      'bold' && await page.textContent('.msg.assistant code') === '<b>code</b>');
    check('a javascript: link is not a link', await page.locator('.msg.assistant a').count() === 0 &&
      body.includes('[click](javascript:alert(7))'), body);
    check('the hostile title is text too', (await page.textContent(
      `#conv-list li[data-id="${HOSTILE_CONV}"] .title`)).includes('<img src=x onerror=alert(8)>'));
    await noInjectedElements(page, 'after a hostile stored answer');
  }

  // ---- markdown as models write it: a stored answer with a table, code, math, a task list ----
  if (RICH_CONV) {
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], {origin: URL});
    await page.click(`#conv-list li[data-id="${RICH_CONV}"] button`);
    await page.waitForSelector('.msg.assistant table', {timeout: T});
    const a = page.locator('.msg.assistant').last();
    const cells = await a.locator('td').allTextContents();
    check('a table renders with its header and cells', await a.locator('th').count() === 3 &&
      cells[0] === 'Ann' && cells[1] === '42' && cells[5] === 'x < y', cells);
    check('a column\'s alignment is kept', await a.locator('td').nth(1).getAttribute('class') ===
      'align-right');
    check('HTML in a table cell is text', cells[2] === '<img src=x onerror=alert(20)>', cells);
    check('fenced code gets its language label', JSON.stringify(await a.locator('.code-lang')
      .allTextContents()) === '["python","html"]');
    check('python is highlighted (keyword, string, comment)', await a.locator(
      '.codeblock code.hljs .hljs-keyword').first().textContent() === 'def' &&
      await a.locator('.codeblock code.hljs .hljs-string').count() >= 1 &&
      await a.locator('.codeblock code.hljs .hljs-comment').count() === 1);
    const kw = await a.locator('.hljs-keyword').first().evaluate((e) => getComputedStyle(e).color);
    const plain = await a.locator('.codeblock code.hljs').first().evaluate((e) =>
      getComputedStyle(e).color);
    check('highlighted keywords have their own colour', kw !== plain, {kw, plain});
    const htmlCode = await a.locator('.codeblock code').nth(1).textContent();
    check('HTML in a code fence shows as the characters it is', htmlCode ===
      '<img src=x onerror=alert(9)><script>alert(10)</script>', htmlCode);
    await a.locator('.codeblock .copy').first().click();
    await page.waitForFunction(() => document.querySelector('.codeblock .copy').textContent ===
      'Copied', null, {timeout: T});
    const clip = await page.evaluate(() => navigator.clipboard.readText());
    check('the copy button copies the code exactly', clip ===
      'def greet(name):\n    return "Hello, " + name  # a comment', clip);
    check('inline math is typeset by KaTeX', await a.locator('span.math .katex').count() === 2 &&
      await a.locator('span.math annotation').first().textContent() === 'e^{i\\pi} + 1 = 0');
    check('display math is typeset as a block', await a.locator('.math-display .katex-display')
      .count() === 1 && await a.locator('.math-display annotation').textContent() ===
      '\\int_0^1 x^2\\,dx = \\frac{1}{3}');
    await page.waitForFunction(() => document.fonts.check('16px KaTeX_Main'), null, {timeout: T});
    check('KaTeX\'s fonts are served by the server and load', true);
    const boxes = await a.locator('li.task input[type=checkbox]').evaluateAll((els) =>
      els.map((e) => ({checked: e.checked, disabled: e.disabled})));
    const taskText = await a.locator('li.task').allTextContents();
    check('a task list shows its boxes, ticked and not', JSON.stringify(boxes) ===
      '[{"checked":true,"disabled":true},{"checked":false,"disabled":true}]' &&
      taskText.join('|') === 'write the tests|ship it', {boxes, taskText});
    const links = await a.locator('a').evaluateAll((els) => els.map((e) => [e.textContent,
      e.getAttribute('href'), e.getAttribute('rel')]));
    check('only the https link is a link, opened without an opener', JSON.stringify(links) ===
      '[["safe","https://example.org/docs","noopener noreferrer"]]', links);
    const last = await a.locator('.body p').last().textContent();
    check('javascript: links and images and hostile HTML stay text', last.includes(
      '[bad](javascript:alert(11))') && last.includes('<svg onload=alert(14)>') &&
      last.includes('javascript:alert(12)'), last);
    await noInjectedElements(page, 'after rich hostile markdown');
    await page.screenshot({path: `${ARTIFACTS}/web-markdown.png`, fullPage: true});
  }

  // ---- regenerate an answer, edit a message, stop an answer, export as Markdown ----
  const stored = async (id) => (await api('GET', '/api/conversations/' + id)).json.messages;
  // Mark the answers shown now, so that answered() waits for a new one, however fast it came.
  const markOld = () => page.evaluate(() => document.querySelectorAll('.msg.assistant').forEach(
    (m) => m.setAttribute('data-old', '')));
  const answered = (n) => page.waitForFunction((k) => {
    const a = document.querySelectorAll('.msg.assistant');
    return a.length === k && !a[k - 1].classList.contains('streaming') &&
      !a[k - 1].hasAttribute('data-old') && document.querySelector('.msg.user[data-index="0"]') &&
      a[k - 1].hasAttribute('data-index');
  }, n, {timeout: 4 * T});
  await page.click('#new-conv');
  await page.fill('#chat-input', 'What is two plus two?');
  await page.press('#chat-input', 'Enter');
  await answered(1);
  const convId = await page.evaluate(() => Number(document.querySelector('#conv-list li.current')
    ?.dataset.id));
  check('a new conversation is current', convId > 0, convId);
  await markOld();
  await page.click('.msg.assistant .fb-regen');
  await answered(1);
  let msgs = await stored(convId);
  check('regenerate replaces the answer, in the page and stored', msgs.length === 2 &&
    msgs[0].text === 'What is two plus two?' && await page.locator('.msg').count() === 2,
  msgs.map((m) => m.text));
  await page.fill('#chat-input', 'And three plus three?');
  await page.press('#chat-input', 'Enter');
  await answered(2);
  check('a second question is stored', (await stored(convId)).length === 4);
  await page.locator('.msg.user').first().locator('.msg-edit').click();
  await page.fill('.msg.user .edit-form textarea', 'What is five plus five?');
  await markOld();
  await page.click('.msg.user .edit-form button[type=submit]');
  await answered(1);
  msgs = await stored(convId);
  check('an edited message replaces it and what followed, in the page and stored',
    msgs.length === 2 && msgs[0].text === 'What is five plus five?' &&
    await page.locator('.msg').count() === 2 &&
    await page.textContent('.msg.user .body') === 'What is five plus five?', msgs.map((m) => m.text));
  const bad1 = await api('POST', '/api/chat', {message: 'x', conversation_id: convId, from: 1});
  const bad2 = await api('POST', '/api/chat', {message: 'x', from: 0});
  check('"from" must name a user message of the conversation it cuts (400 on param from)',
    bad1.status === 400 && bad1.json.error.param === 'from' && bad2.status === 400 &&
    bad2.json.error.param === 'from' && (await stored(convId)).length === 2, {bad1, bad2});

  // A slow line (2 kB/s), so the answer is still streaming when Stop is clicked on any machine.
  const cdp = await context.newCDPSession(page);
  const line = (kBps) => cdp.send('Network.emulateNetworkConditions', {offline: false, latency: 0,
    downloadThroughput: kBps * 1024, uploadThroughput: -1});
  await line(2);
  await page.fill('#chat-input', 'Tell me a long story');
  await page.press('#chat-input', 'Enter');
  await page.waitForFunction(() => (document.querySelector('.msg.streaming .body')?.textContent ||
    '').length > 0, null, {timeout: 2 * T});
  await page.click('#stop');
  await line(-1 / 1024);
  await page.waitForSelector('.msg.assistant.streaming', {state: 'detached', timeout: T});
  const stopMeta = await page.locator('.msg.assistant').last().locator('.meta').textContent();
  check('Stop ends a streaming answer: "(stopped)", Send is back', stopMeta.includes('(stopped)') &&
    await page.isEnabled('#send') && !(await page.isVisible('#stop')), stopMeta);
  let idle = false;
  for (let i = 0; i < 50 && !idle; i++) {
    idle = (await api('GET', '/health')).json.busy === false;
    if (!idle) await page.waitForTimeout(100);
  }
  check('and the server stops generating', idle);

  const [download] = await Promise.all([page.waitForEvent('download', {timeout: T}),
    page.click('#export')]);
  const md = fs.readFileSync(await download.path(), 'utf8');
  check('Export as Markdown downloads the conversation', download.suggestedFilename() ===
    `symbiot-conversation-${convId}.md` && md.startsWith('# What is five plus five?\n') &&
    /^## You · .+\n\nWhat is five plus five\?$/m.test(md) && /^## Symbiot · /m.test(md),
  {name: download.suggestedFilename(), md: md.slice(0, 300)});

  // ---- search conversations: words said in them, case and punctuation aside ----
  await page.fill('#conv-search', 'FIVE plus');
  await page.waitForFunction((id) => {
    const li = [...document.querySelectorAll('#conv-list li.conv')];
    return li.length === 1 && li[0].dataset.id === String(id);
  }, convId, {timeout: T});
  check('searching the conversations finds the one that says it', true);
  const viaApi = (await api('GET', '/api/conversations?q=' + encodeURIComponent('five PLUS five?')))
    .json.conversations;
  check('GET /api/conversations?q= lists only matching conversations', viaApi.length === 1 &&
    viaApi[0].id === convId, viaApi);
  const badQ = await fetch(URL + '/api/conversations?q=%FF');
  check('a query that is not UTF-8 is a 400', badQ.status === 400);
  await page.fill('#conv-search', 'words nobody said');
  await page.waitForFunction(() => document.querySelector('#conv-list li.muted')?.textContent ===
    'No conversation matches.', null, {timeout: T});
  check('a search that finds nothing says so', true);
  await page.fill('#conv-search', '');
  await page.waitForFunction(() => document.querySelectorAll('#conv-list li.conv').length > 2,
    null, {timeout: T});
  check('clearing the search lists them all again', true);

  // ---- memory: list (with the hostile fact as text), add, edit, search, delete ----
  await page.click('.tab[data-view=memory]');
  await page.waitForSelector('#memory-list li.fact', {timeout: T});
  const factTexts = await page.$$eval('#memory-list .fact-text', (els) => els.map((e) => e.textContent));
  check('the hostile fact is listed as text', factTexts.includes(HOSTILE_FACT), factTexts);
  const lisbonTags = await page.locator('#memory-list li.fact', {hasText: 'I live in Lisbon'})
    .locator('.tag').allTextContents();
  check('internal tags (key:home) are hidden, the user\'s shown', JSON.stringify(lisbonTags) ===
    '["place"]', lisbonTags);
  check('the correction is in memory', factTexts.includes('The answer is forty-two'), factTexts);
  await noInjectedElements(page, 'the memory panel with a hostile fact');
  await page.fill('#memory-text', 'My sister is Anna');
  await page.click('#memory-add button[type=submit]');
  const anna = page.locator('#memory-list li.fact', {hasText: 'My sister is Anna'});
  await anna.waitFor({timeout: T});
  const annaId = await anna.getAttribute('data-id');
  check('a fact added in the page is stored', (await api('GET', '/api/memory/' + annaId)).json.fact
    ?.text === 'My sister is Anna');
  const annaItem = page.locator(`#memory-list li[data-id="${annaId}"]`); // its text becomes an input
  await anna.locator('.fact-edit').click();
  await annaItem.locator('input').fill('My sister is Maria');
  await annaItem.locator('button[type=submit]').click();
  const maria = page.locator('#memory-list li.fact', {hasText: 'My sister is Maria'});
  await maria.waitFor({timeout: T});
  check('a fact edited in the page is stored', (await api('GET', '/api/memory/' + annaId)).json.fact
    ?.text === 'My sister is Maria');
  await page.fill('#memory-q', 'sister');
  await page.click('#memory-search button[type=submit]');
  await page.waitForFunction(() => /found/.test(document.getElementById('memory-summary').textContent),
    null, {timeout: T});
  const found = await page.$$eval('#memory-list .fact-text', (els) => els.map((e) => e.textContent));
  check('search finds it', found.length === 1 && found[0] === 'My sister is Maria', found);
  await maria.locator('.fact-delete').click();
  check('delete asks for a second click', await maria.locator('.fact-delete').textContent() ===
    'Delete for good?');
  await maria.locator('.fact-delete').click();
  await maria.waitFor({state: 'detached', timeout: T});
  check('a fact deleted in the page is gone', (await api('GET', '/api/memory/' + annaId)).status === 404);
  // The search finds the conversations' turns too; a turn's conversation opens in the chat.
  await page.fill('#memory-q', 'five');
  await page.click('#memory-search button[type=submit]');
  // (the answer may repeat the question, so the first: the question ranks first)
  const turn = page.locator('#memory-list li.turn', {hasText: 'What is five plus five?'}).first();
  await turn.waitFor({timeout: T});
  check('search finds a turn of a conversation, with who said it', await turn.locator('.speaker')
    .textContent() === 'user' && await turn.locator('.turn-open').count() === 1);
  await turn.locator('.turn-open').click();
  await page.waitForFunction(() => document.querySelector('#view-chat.active') &&
    [...document.querySelectorAll('.msg.user .body')].some((b) => b.textContent ===
      'What is five plus five?'), null, {timeout: T});
  check('the turn\'s conversation opens in the chat', await page.evaluate(() =>
    Number(document.querySelector('#conv-list li.current')?.dataset.id)) === convId);

  // ---- reminders: add and cancel ----
  await page.click('.tab[data-view=reminders]');
  await page.fill('#reminder-text', 'water the plants');
  const due = new Date(Date.now() + 3 * 86400e3);
  const local = new Date(due.getTime() - due.getTimezoneOffset() * 60e3).toISOString().slice(0, 16);
  await page.fill('#reminder-due', local);
  await page.click('#reminder-add button[type=submit]');
  const rem = page.locator('#reminder-list li.reminder', {hasText: 'water the plants'});
  await rem.waitFor({timeout: T});
  const listed = (await api('GET', '/api/reminders')).json.reminders;
  check('a reminder added in the page is stored', listed.length === 1 &&
    listed[0].text === 'water the plants', listed);
  await rem.locator('.reminder-cancel').click();
  await rem.waitFor({state: 'detached', timeout: T});
  check('a reminder cancelled in the page is gone', (await api('GET', '/api/reminders')).json
    .reminders.length === 0);

  // ---- stats: the speed chart ----
  await page.click('.tab[data-view=stats]');
  await page.waitForSelector('#speed-chart rect.bar', {timeout: T});
  const stats = (await api('GET', '/api/stats')).json;
  const bars = await page.locator('#speed-chart rect.bar').count();
  check('the chart has a bar per recent generation', bars === stats.recent.length && bars >= 1,
    {bars, recent: stats.recent.length});
  check('and the line of time to first token', await page.locator('#speed-chart polyline.ttft-line')
    .count() === 1);
  await page.waitForSelector('#history-chart', {timeout: T});
  const hist = await page.$eval('#history-chart', (img) => img.decode().then(() =>
    ({w: img.naturalWidth, h: img.naturalHeight, src: img.src.slice(0, 26)})));
  check('the history chart (the server\'s SVG of recorded turns) is shown', hist.w === 800 &&
    hist.h === 480 && hist.src === 'data:image/svg+xml;charset', hist);
  await page.screenshot({path: `${ARTIFACTS}/web-stats.png`});

  // ---- Russian: switched in the page, and from the browser's language ----
  await page.selectOption('#lang', 'ru');
  check('switching to Russian', await page.textContent('.tab[data-view=memory]') === 'Память' &&
    await page.textContent('#view-stats h2') === 'Скорость последних ответов');
  await page.click('.tab[data-view=chat]');
  await page.screenshot({path: `${ARTIFACTS}/web-chat.png`});
  const ru = await browser.newContext({locale: 'ru-RU'});
  const rpage = await ru.newPage();
  await rpage.goto(URL + '/');
  check('Russian from navigator.language', await rpage.textContent('.tab[data-view=chat]') === 'Чат');
  await ru.close();

  // ---- phone width: the conversation list is a drawer ----
  const phoneCtx = await browser.newContext({locale: 'en-US', viewport: {width: 390, height: 844},
    hasTouch: true});
  const phone = await phoneCtx.newPage();
  watch(phone);
  await phone.goto(URL + '/');
  await phone.waitForSelector('#conv-list li.conv', {state: 'attached', timeout: T});
  check('390 px: the page is no wider than the screen', await noOverflow(phone));
  check('390 px: the list is a closed drawer, the composer is on screen',
    !(await phone.isVisible('#new-conv')) && await onScreen(phone, '#send') &&
    await onScreen(phone, '#chat-input'));
  await phone.click('#menu-button');
  await phone.waitForFunction(() => document.body.classList.contains('drawer-open'));
  await phone.waitForTimeout(300); // the slide-in
  check('390 px: the menu opens the drawer with New conversation on screen',
    await onScreen(phone, '#new-conv') && await phone.getAttribute('#menu-button',
      'aria-expanded') === 'true');
  await phone.screenshot({path: `${ARTIFACTS}/web-390-drawer.png`});
  if (RICH_CONV) {
    await phone.click(`#conv-list li[data-id="${RICH_CONV}"] button`);
    await phone.waitForSelector('.msg.assistant table', {timeout: T});
    check('390 px: a conversation chosen in the drawer opens and the drawer closes',
      !(await phone.evaluate(() => document.body.classList.contains('drawer-open'))));
    check('390 px: a wide answer does not widen the page', await noOverflow(phone));
  }
  await phone.click('#menu-button');
  await phone.click('#new-conv');
  check('390 px: New conversation in the drawer starts one', await phone.locator('.msg').count() === 0 &&
    !(await phone.evaluate(() => document.body.classList.contains('drawer-open'))));
  await phone.click('#menu-button');
  await phone.keyboard.press('Escape');
  check('390 px: Escape closes the drawer',
    !(await phone.evaluate(() => document.body.classList.contains('drawer-open'))));

  // ---- a long answer streams without the page jumping ----
  if (RICH_CONV) {
    await phone.click('#menu-button');
    await phone.click(`#conv-list li[data-id="${RICH_CONV}"] button`);
    await phone.waitForSelector('.msg.assistant table', {timeout: T});
    // Sample every frame while the answer streams: the page's own scroll, the composer's place,
    // and how far the messages are from their bottom; and the layout shifts Chromium records.
    const startSampling = () => phone.evaluate(() => {
      window.__shift = 0;
      window.__shifts = [];
      new PerformanceObserver((l) => {
        for (const e of l.getEntries()) {
          if (e.hadRecentInput) continue;
          window.__shift += e.value;
          window.__shifts.push({value: +e.value.toFixed(4), what: e.sources.map((s) =>
            `${s.node?.className || s.node?.nodeName} ${s.previousRect.y}->${s.currentRect.y}` +
            ` h${s.previousRect.height}->${s.currentRect.height}`)});
        }
      }).observe({type: 'layout-shift', buffered: false});
      window.__samples = [];
      const m = document.getElementById('messages');
      const tick = () => {
        window.__samples.push({page: document.scrollingElement.scrollTop + window.scrollY,
          composer: document.getElementById('chat-form').getBoundingClientRect().top,
          gap: m.scrollHeight - m.scrollTop - m.clientHeight, top: m.scrollTop,
          streaming: !!document.querySelector('.msg.streaming')});
        if (!window.__stop) requestAnimationFrame(tick);
      };
      window.__stop = false;
      requestAnimationFrame(tick);
    });
    const stopSampling = () => phone.evaluate(() => {
      window.__stop = true;
      return {samples: window.__samples, shift: window.__shift, shifts: window.__shifts};
    });
    const streamed = async (n) => phone.waitForFunction((k) => {
      const a = document.querySelectorAll('.msg.assistant');
      return a.length === k && !a[k - 1].classList.contains('streaming');
    }, n, {timeout: 4 * T});
    const before = await phone.locator('.msg.assistant').count();
    await startSampling();
    await phone.fill('#chat-input', 'Tell me a long story');
    await phone.press('#chat-input', 'Enter');
    await streamed(before + 1);
    await phone.waitForTimeout(100);
    let r = await stopSampling();
    const during = r.samples.filter((s) => s.streaming);
    const last = r.samples[r.samples.length - 1];
    const range = (k) => Math.max(...r.samples.map((s) => s[k])) - Math.min(...r.samples.map((s) => s[k]));
    const grew = (await phone.locator('.msg.assistant').last().boundingBox()).height;
    check('a long answer: it grew taller than the screen\'s messages area', grew > 300, {grew});
    check('a long answer streams with the page itself never scrolling and the composer still',
      range('page') === 0 && range('composer') <= 1, {page: range('page'),
        composer: range('composer')});
    check('a long answer: the view follows its end while it streams, and at the end',
      during.length > 5 && Math.max(...during.map((s) => s.gap)) <= 2 && last.gap <= 2,
      {frames: during.length, maxGap: Math.max(...during.map((s) => s.gap)), last: last.gap});
    // 0.02: a fifth of the cumulative layout shift web.dev calls "good" (0.1); a line that
    // appears above the answer while it streams is about 0.05.
    check(`a long answer: layout shift under 0.02 (measured ${r.shift.toFixed(4)} over ` +
      `${during.length} frames, the end at most ${Math.max(...during.map((s) => s.gap))} px ` +
      'out of view)', r.shift < 0.02, {shift: r.shift, shifts: r.shifts.slice(0, 8)});

    // One who scrolls up to read while it streams stays where they are (on a slow line, so it is
    // still streaming when they scroll, on any machine).
    const pcdp = await phoneCtx.newCDPSession(phone);
    await pcdp.send('Network.emulateNetworkConditions', {offline: false, latency: 0,
      downloadThroughput: 2048, uploadThroughput: -1});
    await startSampling();
    await phone.fill('#chat-input', 'And another one');
    await phone.press('#chat-input', 'Enter');
    await phone.waitForSelector('.msg.assistant.streaming', {timeout: T});
    await phone.waitForFunction(() => (document.querySelector('.msg.streaming .body')
      ?.textContent || '').length > 0, null, {timeout: 2 * T});
    await phone.mouse.move(195, 400);
    await phone.mouse.wheel(0, -400);
    await phone.waitForTimeout(150);
    const heldAt = await phone.$eval('#messages', (m) => m.scrollTop);
    const stillStreaming = await phone.locator('.msg.assistant.streaming').count() === 1;
    await streamed(before + 2);
    r = await stopSampling();
    const after = await phone.$eval('#messages', (m) => m.scrollTop);
    check('scrolled up while it streams: the reader stays where they are',
      stillStreaming && heldAt > 0 && Math.abs(after - heldAt) <= 1 && r.shift < 0.02,
      {heldAt, after, shift: r.shift, stillStreaming});
  }
  await phoneCtx.close();

  // ---- 1280 and 390 px, light and dark, English and Russian: screenshots ----
  for (const width of [1280, 390]) {
    for (const scheme of ['light', 'dark']) {
      for (const locale of ['en-US', 'ru-RU']) {
        const name = `${width}-${scheme}-${locale.slice(0, 2)}`;
        const ctx = await browser.newContext({locale, colorScheme: scheme,
          viewport: {width, height: width > 500 ? 800 : 844}});
        const p = await ctx.newPage();
        watch(p);
        await p.goto(URL + '/');
        await p.waitForSelector('#conv-list li.conv', {state: 'attached', timeout: T});
        if (RICH_CONV) {
          if (width < 500) await p.click('#menu-button');
          await p.click(`#conv-list li[data-id="${RICH_CONV}"] button`);
          await p.waitForSelector('.msg.assistant .katex', {timeout: T});
        }
        const bg = await p.evaluate(() => getComputedStyle(document.body).backgroundColor);
        const lum = luminance(bg);
        check(`${name}: the page is ${scheme}`, scheme === 'dark' ? lum < 0.2 : lum > 0.8, bg);
        check(`${name}: in its language`, await p.textContent('.tab[data-view=chat]') ===
          (locale === 'ru-RU' ? 'Чат' : 'Chat'));
        check(`${name}: no wider than the screen`, await noOverflow(p));
        check(`${name}: no API key button (this server needs none)`,
          !(await p.isVisible('#key-button')));
        if (locale === 'ru-RU') {
          const english = await p.evaluate(englishLeft);
          check(`${name}: nothing of the page's own is left in English`, english.length === 0,
            english);
        }
        await p.screenshot({path: `${ARTIFACTS}/web-${name}.png`});
        // An error toast does not cover the composer.
        await p.click('.tab[data-view=reminders]');
        await p.fill('#reminder-text', 'no date given');
        await p.click('#reminder-add button[type=submit]');
        await p.waitForSelector('.toast.error', {timeout: T});
        await p.click('.tab[data-view=chat]');
        const toastBox = await p.locator('.toast.error').boundingBox();
        const covered = [];
        for (const sel of ['#send', '#chat-input']) {
          const b = await p.locator(sel).boundingBox();
          if (toastBox.x < b.x + b.width && b.x < toastBox.x + toastBox.width &&
            toastBox.y < b.y + b.height && b.y < toastBox.y + toastBox.height) covered.push(sel);
        }
        check(`${name}: an error toast leaves Send and the message box uncovered`,
          covered.length === 0, {covered, toastBox});
        if (width > 500 && locale === 'en-US') { // the history chart follows the theme
          await p.click('.tab[data-view=stats]');
          await p.waitForSelector('#history-chart', {timeout: T});
          const px = await p.$eval('#history-chart', async (img) => {
            await img.decode();
            const c = document.createElement('canvas');
            c.width = img.naturalWidth;
            c.height = img.naturalHeight;
            const g = c.getContext('2d');
            g.drawImage(img, 0, 0);
            return `rgb(${[...g.getImageData(3, 3, 1, 1).data].slice(0, 3).join(',')})`;
          });
          const l = luminance(px);
          check(`${name}: the history chart is ${scheme} too`, scheme === 'dark' ? l < 0.2 : l > 0.8,
            px);
          await p.screenshot({path: `${ARTIFACTS}/web-${name}-stats.png`});
        }
        if (width > 500 && locale === 'ru-RU') { // the history chart speaks the page's language
          await p.click('.tab[data-view=stats]');
          await p.waitForSelector('#history-chart', {timeout: T});
          const chart = await p.evaluate(chartEnglishLeft);
          check(`${name}: the history chart's labels are Russian, none left in English`,
            chart.cyrillic && chart.english.length === 0, chart);
        }
        await ctx.close();
      }
    }
  }

  check('no dialog ever opened', dialogs.length === 0, dialogs);
  check('no script error and no CSP violation', errors.length === 0, errors);
  await browser.close();
});
