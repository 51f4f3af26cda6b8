// key.mjs: the web page against a `symbiot serve` that needs an API key (--api-key-file), in
// headless Chromium (Debian's /usr/bin/chromium, driven by the pinned playwright-core). Run by
// tests/integration/web.sh with URL and KEY (the key in the server's file).
//
// What a user would notice: the page loads with no key button; the first request the server
// refuses (401) brings the button and the key form; a wrong key is still refused; the right key
// makes the page work (the conversation list loads, a fact added in the page is stored); and the
// saved key is sent from the start on the next visit, so nothing is refused and the button stays
// to change it.
import {chromium} from 'playwright-core';
import {check, run} from './check.mjs';

const {URL, KEY} = process.env;
const T = 15000; // a generous wait: the server may run under ASan on a busy machine

// Every /api/ answer the page p gets, as "STATUS PATH", in order.
function answers(p) {
  const seen = [];
  p.on('response', (r) => {
    const u = new globalThis.URL(r.url());
    if (u.pathname.startsWith('/api/')) seen.push(`${r.status()} ${u.pathname}`);
  });
  return seen;
}

run(async () => {
  const browser = await chromium.launch({executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu']});
  const context = await browser.newContext({locale: 'en-US', viewport: {width: 1200, height: 800}});
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push('pageerror: ' + e.message));
  const seen = answers(page);

  // Without a key the server refuses the API (the page itself and /health need none).
  const refused = await fetch(URL + '/api/conversations');
  check('the server refuses the API without the key', refused.status === 401, refused.status);

  // Before the page has asked anything, no button (its calls are held until it is checked);
  // the page's first call brings it.
  let release;
  const gate = new Promise((resolve) => { release = resolve; });
  await page.route('**/api/**', (r) => gate.then(() => r.continue()));
  await page.goto(URL + '/');
  check('no API key button before a request is refused', !(await page.isVisible('#key-button')));
  release();
  await page.waitForSelector('#key-button', {state: 'visible', timeout: T});
  check('the API key button shows after the first 401', seen.some((s) => s.startsWith('401 ')),
    seen);
  check('with the form to enter the key', await page.isVisible('#key-form'));
  check('nothing is listed while the key is missing',
    await page.locator('#conv-list li.conv').count() === 0);

  // A wrong key is refused: the form comes back.
  await page.fill('#key-input', 'not-the-key');
  const wrong = page.waitForResponse((r) => r.url().includes('/api/conversations'), {timeout: T});
  await page.click('#key-form button[type=submit]');
  check('a wrong key is refused (401)', (await wrong).status() === 401);
  await page.waitForSelector('#key-form', {state: 'visible', timeout: T});
  check('and the key form shows again', true);

  // The right key: the same request now succeeds.
  await page.fill('#key-input', KEY);
  const right = page.waitForResponse((r) => r.url().includes('/api/conversations'), {timeout: T});
  await page.click('#key-form button[type=submit]');
  check('with the right key, the conversation list loads (200)', (await right).status() === 200);
  check('the key form closes', await page.locator('#key-form').isHidden());

  // A fact added in the page is stored (read back through the API with the key).
  await page.click('.tab[data-view=memory]');
  await page.fill('#memory-text', 'My cat is called Tom');
  await page.click('#memory-add button[type=submit]');
  const fact = page.locator('#memory-list li.fact', {hasText: 'My cat is called Tom'});
  await fact.waitFor({timeout: T});
  const id = await fact.getAttribute('data-id');
  const stored = await fetch(`${URL}/api/memory/${id}`, {headers: {Authorization: 'Bearer ' + KEY}});
  check('a fact added with the key is stored', stored.status === 200 &&
    (await stored.json()).fact?.text === 'My cat is called Tom');

  // The next visit sends the saved key from the start: nothing is refused, the button stays.
  const again = await context.newPage();
  const seenAgain = answers(again);
  await again.goto(URL + '/');
  await again.click('.tab[data-view=memory]');
  await again.locator('#memory-list li.fact', {hasText: 'My cat is called Tom'})
    .waitFor({timeout: T});
  check('with the saved key, the next visit is never refused',
    seenAgain.length > 0 && !seenAgain.some((s) => s.startsWith('401 ')), seenAgain);
  check('and shows the API key button (to change the key)', await again.isVisible('#key-button'));
  check('but not the key form', await again.locator('#key-form').isHidden());

  check('no script error', errors.length === 0, errors);
  await browser.close();
});
