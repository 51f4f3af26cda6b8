// openai.mjs: the real `openai` npm client (pinned in package-lock.json) against `symbiot serve`.
// Run by tests/integration/openai.sh with URL (the server), KEY (its API key), MODEL (the model
// file's name) and WANT (the `symbiot ask --temp 0 --json` object for the same prompt).
import OpenAI from 'openai';
import {check, run} from './check.mjs';

const {URL, KEY, MODEL, SYSTEM, PROMPT} = process.env;
const want = JSON.parse(process.env.WANT);
const messages = [{role: 'system', content: SYSTEM}, {role: 'user', content: PROMPT}];

async function streamed(client, extra) {
  const stream = await client.chat.completions.create({
    model: MODEL, messages, temperature: 0, stream: true, ...extra});
  const out = {text: '', chunks: 0, finish: null, usage: null, role: null, ids: new Set()};
  for await (const chunk of stream) {
    out.chunks++;
    out.ids.add(chunk.id);
    if (chunk.usage) out.usage = chunk.usage;
    for (const c of chunk.choices) {
      if (c.delta.role) out.role = c.delta.role;
      if (c.delta.content) out.text += c.delta.content;
      if (c.finish_reason) out.finish = c.finish_reason;
    }
  }
  return out;
}

run(async () => {
  const client = new OpenAI({baseURL: `${URL}/v1`, apiKey: KEY, maxRetries: 0, timeout: 60000});

  const models = await client.models.list();
  const ids = [];
  for await (const m of models) ids.push(m.id);
  check('models.list() names the model', ids.length === 1 && ids[0] === MODEL, ids);

  const r = await client.chat.completions.create({model: MODEL, messages, temperature: 0});
  const answer = r.choices[0].message.content;
  check('a non-empty answer', answer.length > 0, r);
  check('the greedy answer equals symbiot ask --temp 0', answer === want.answer,
    {got: answer, want: want.answer});
  check('usage equals the CLI\'s token counts',
    r.usage.prompt_tokens === want.tokens.prompt &&
    r.usage.completion_tokens === want.tokens.generated &&
    r.usage.total_tokens === want.tokens.prompt + want.tokens.generated, {usage: r.usage, want});
  check('response shape: object, role, model', r.object === 'chat.completion' &&
    r.choices[0].message.role === 'assistant' && r.model === MODEL, r);

  const short = await client.chat.completions.create({model: MODEL, messages, temperature: 0,
    max_tokens: 3});
  check('max_tokens: 3 tokens, finish_reason length', short.usage.completion_tokens === 3 &&
    short.choices[0].finish_reason === 'length', short);

  const s = await streamed(client, {stream_options: {include_usage: true}});
  check('stream: the pieces concatenate to the same answer', s.text === want.answer,
    {got: s.text, want: want.answer});
  check('stream: more than one chunk, one id, the role first', s.chunks > 2 && s.ids.size === 1 &&
    s.role === 'assistant', {chunks: s.chunks, ids: [...s.ids], role: s.role});
  check('stream: a finish_reason and the usage chunk', s.finish !== null && s.usage &&
    s.usage.completion_tokens === want.tokens.generated, {finish: s.finish, usage: s.usage});

  const all = await Promise.all([0, 1, 2, 3].map(() => streamed(client, {})));
  check('4 concurrent streams all get the whole answer', all.every((x) => x.text === want.answer),
    all.map((x) => x.text));

  try {
    await client.chat.completions.create({model: MODEL, messages: [], temperature: 0});
    check('an empty messages array is refused', false, 'no error');
  } catch (e) {
    check('an empty messages array is refused: BadRequestError 400',
      e instanceof OpenAI.BadRequestError && e.status === 400 && e.param === 'messages',
      {name: e.name, status: e.status, param: e.param});
  }
  try {
    await client.chat.completions.create({model: MODEL, messages, temperature: 0,
      tools: [{type: 'function', function: {name: 'f', parameters: {type: 'object'}}}]});
    check('tools for a model without a chat template are refused', false, 'no error');
  } catch (e) {
    check('tools for a model without a chat template: 400 naming "tools", saying why',
      e instanceof OpenAI.BadRequestError && e.status === 400 && e.param === 'tools' &&
      /chat template/.test(e.message), {name: e.name, status: e.status, param: e.param,
        message: e.message});
  }
  const wrong = new OpenAI({baseURL: `${URL}/v1`, apiKey: 'wrong-key', maxRetries: 0});
  try {
    await wrong.models.list();
    check('a wrong key is refused', false, 'no error');
  } catch (e) {
    check('a wrong key is refused: AuthenticationError 401',
      e instanceof OpenAI.AuthenticationError && e.status === 401 && e.code === 'invalid_api_key',
      {name: e.name, status: e.status, code: e.code});
  }
});
