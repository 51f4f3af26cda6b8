// page-tools.mjs: the model's tool calls on the web page, in headless Chromium (Debian's chromium,
// driven by the pinned playwright-core), against a `symbiot serve` whose answers come from
// tests/fakeai.c scripted to call `remember`, then `forget` (which asks first), then answer. Run by
// tests/integration/web.sh with URL.
//
// What a user would notice: each call is a folded block above the answer (name and status in
// its summary; the arguments and the result inside, hidden until opened); the call that removes
// something asks in a dialog with Deny focused, and Deny keeps the fact (the block says "not
// allowed"); the remembered fact is really stored; reopening the conversation shows the blocks
// again; a reasoning model's thinking (a planted stored answer is not needed: the done event's
// "reasoning" is what the stream gives) stays folded away.
import {chromium} from 'playwright-core';
import {check, run} from './check.mjs';

const {URL} = process.env;
const T = 15000;

run(async () => {
  const browser = await chromium.launch({executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu']});
  const context = await browser.newContext({locale: 'en-US', viewport: {width: 1200, height: 800}});
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push('pageerror: ' + e.message));
  await page.goto(URL + '/');

  await page.fill('#chat-input', 'zq: keep my train in mind, then drop my bike');
  await page.press('#chat-input', 'Enter');
  // forget asks: the dialog, with the call's arguments, Deny focused.
  const dialog = page.locator('dialog.confirm');
  await dialog.waitFor({state: 'visible', timeout: 4 * T});
  check('a tool that removes something asks in a dialog',
    (await dialog.locator('.confirm-title').textContent()).includes('forget'));
  check('the dialog shows the arguments',
    (await dialog.locator('pre').textContent()).includes('"fact"'));
  check('Deny is focused: no is the default',
    await page.evaluate(() => document.activeElement?.className === 'confirm-deny'));
  await dialog.locator('.confirm-deny').click();
  await page.waitForSelector('.msg.assistant:not(.streaming) .feedback', {timeout: 4 * T});

  const blocks = page.locator('.msg.assistant details.tool');
  check('one block per call', await blocks.count() === 2, await blocks.count());
  const first = blocks.nth(0);
  const second = blocks.nth(1);
  check('the first block names remember, done',
    (await first.locator('summary').textContent()).includes('remember') &&
    (await first.locator('.tool-status').textContent()) === 'done');
  check('the second names forget, not allowed',
    (await second.locator('summary').textContent()).includes('forget') &&
    (await second.locator('.tool-status').textContent()) === 'not allowed');
  check('the blocks are folded: the result is hidden',
    !(await first.evaluate((d) => d.open)) && !(await first.locator('.tool-result').isVisible()));
  await first.locator('summary').click();
  check('opened, the block shows the arguments and the result',
    (await first.locator('.tool-args').textContent()).includes('train') &&
    (await first.locator('.tool-result').isVisible()) &&
    (await first.locator('.tool-result').textContent()).length > 0);
  check('the answer after the calls is shown',
    (await page.textContent('.msg.assistant .body')).includes('All done.'));

  const facts = await (await fetch(URL + '/api/memory')).json();
  const texts = JSON.stringify(facts);
  check('the remembered fact is stored', texts.includes('train leaves at nine'), texts);
  check('the denied forget kept the bike', texts.includes('bike is blue'), texts);

  // The conversation again, from the list: the blocks come back from the stored answer.
  await page.click('#new-conv');
  await page.click('#conv-list li.conv >> nth=0');
  await page.waitForSelector('.msg.assistant details.tool', {timeout: T});
  check('a reopened conversation shows its calls',
    await page.locator('.msg.assistant details.tool').count() === 2);

  // In Russian the statuses are Russian.
  await page.selectOption('#lang', 'ru');
  await page.click('#new-conv');
  await page.click('#conv-list li.conv >> nth=0');
  await page.waitForSelector('.msg.assistant details.tool', {timeout: T});
  check('the statuses in Russian', (await page.locator('.tool-status').first().textContent()) ===
    'готово');
  check('no page errors', errors.length === 0, errors);
  await browser.close();
});
