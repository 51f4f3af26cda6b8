// thinking.mjs: a reasoning model's thinking on the web page, in headless Chromium, against a
// `symbiot serve` with a random-weight model whose template (DeepSeek-R1's) opens a thinking
// block. Run by tests/integration/web.sh with URL.
//
// What a user would notice: the thinking is a folded block above the answer, hidden until its
// summary is clicked, and never part of the answer's text.
import {chromium} from 'playwright-core';
import {check, run} from './check.mjs';

const {URL} = process.env;
const T = 15000;

run(async () => {
  const browser = await chromium.launch({executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu']});
  const page = await (await browser.newContext({locale: 'en-US'})).newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push('pageerror: ' + e.message));
  await page.goto(URL + '/');
  await page.fill('#chat-input', 'What is 2+2?');
  await page.press('#chat-input', 'Enter');
  await page.waitForSelector('.msg.assistant:not(.streaming) .feedback', {timeout: 4 * T});
  const block = page.locator('.msg.assistant details.reasoning');
  check('the thinking is a block of its own', await block.count() === 1);
  const text = page.locator('.msg.assistant .reasoning-text');
  check('folded by default: the thinking is hidden',
    !(await block.evaluate((d) => d.open)) && !(await text.isVisible()));
  const thought = await text.textContent();
  check('the thinking has text', thought.length > 0);
  await block.locator('summary').click();
  check('a click on its summary shows it', await text.isVisible());
  await block.locator('summary').click();
  check('and another hides it again', !(await text.isVisible()));
  const answer = await page.textContent('.msg.assistant .body');
  check('the answer does not hold the thinking', !answer.includes(thought.slice(0, 20)));
  check('no page errors', errors.length === 0, errors);
  await browser.close();
});
