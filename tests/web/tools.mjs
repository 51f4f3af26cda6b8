// tools.mjs: tools and structured output through the real `openai` npm client against `symbiot
// serve` with a random-weight model that carries a real tool-calling template (Qwen 2.5's or
// Llama 3.1's). The grammar makes even random weights produce a valid call or valid JSON, so
// everything here is what a client would rely on: a forced call to the named function whose
// arguments validate against its schema (ajv), plain and streamed in OpenAI's shape; a tool round
// trip; a json_schema answer that validates; a 400 naming each unsupported field.
// Run by tests/integration/openai.sh with URL, MODEL and LABEL (the template's name).
import Ajv from 'ajv';
import OpenAI from 'openai';
import {check, run} from './check.mjs';

const {URL, MODEL, LABEL} = process.env;
const ajv = new Ajv({strict: false});
const weatherParams = {
  type: 'object',
  properties: {
    city: {type: 'string', maxLength: 12},
    days: {type: 'integer', minimum: 1, maximum: 9},
  },
  required: ['city', 'days'],
  additionalProperties: false,
};
const tools = [
  {type: 'function', function: {name: 'get_weather', description: 'The weather in a city',
    parameters: weatherParams}},
  {type: 'function', function: {name: 'get_time', description: 'The time in a place',
    parameters: {type: 'object', properties: {place: {type: 'string', maxLength: 12}},
      required: ['place']}}},
];
const question = [{role: 'user', content: 'What is the weather in Paris for the next 3 days?'}];
const forced = {type: 'function', function: {name: 'get_weather'}};
const validArgs = ajv.compile(weatherParams);
const t = (name) => `${LABEL}: ${name}`;

function argsValid(text) {
  try {
    return validArgs(JSON.parse(text));
  } catch {
    return false;
  }
}

async function refused(client, name, body, param) {
  try {
    await client.chat.completions.create({model: MODEL, messages: question, ...body});
    check(t(`${name} is refused`), false, 'no error');
  } catch (e) {
    check(t(`${name}: BadRequestError 400 naming "${param}"`),
      e instanceof OpenAI.BadRequestError && e.status === 400 && e.param === param,
      {name: e.name, status: e.status, param: e.param, message: e.message});
  }
}

run(async () => {
  const client = new OpenAI({baseURL: `${URL}/v1`, apiKey: 'none', maxRetries: 0,
    timeout: 300000});

  // A forced call, not streamed. One call: with parallel calls allowed, a random-weight model
  // may go on calling until max_tokens cuts the last call short.
  const r = await client.chat.completions.create({model: MODEL, messages: question, tools,
    tool_choice: forced, parallel_tool_calls: false, temperature: 0, max_tokens: 200});
  const msg = r.choices[0].message;
  const calls = msg.tool_calls || [];
  check(t('a forced call: finish_reason tool_calls, content null, one call'),
    r.choices[0].finish_reason === 'tool_calls' && msg.content === null && calls.length === 1,
    r.choices[0]);
  check(t('each call: its own id, type function, the named function'),
    calls.every((c) => /^call_[A-Za-z0-9]{24}$/.test(c.id) && c.type === 'function' &&
      c.function.name === 'get_weather') && new Set(calls.map((c) => c.id)).size === calls.length,
    calls);
  check(t('their arguments validate against the function\'s schema'),
    calls.every((c) => argsValid(c.function.arguments)), {calls, errors: validArgs.errors});

  // The same, streamed: the first delta of the call has index, id, type, name and arguments "",
  // the others only argument pieces; they add up to arguments that validate.
  const stream = await client.chat.completions.create({model: MODEL, messages: question, tools,
    tool_choice: 'required', parallel_tool_calls: false, temperature: 0, max_tokens: 200,
    stream: true});
  const deltas = [];
  let finish = null; let text = '';
  for await (const chunk of stream) {
    for (const c of chunk.choices) {
      if (c.delta.tool_calls) deltas.push(...c.delta.tool_calls);
      if (c.delta.content) text += c.delta.content;
      if (c.finish_reason) finish = c.finish_reason;
    }
  }
  const first = deltas[0] || {};
  const rest = deltas.slice(1);
  const args = deltas.map((d) => d.function.arguments).join('');
  check(t('stream: the first delta names the call (index, id, type, name, arguments "")'),
    first.index === 0 && /^call_/.test(first.id) && first.type === 'function' &&
    ['get_weather', 'get_time'].includes(first.function.name) && first.function.arguments === '',
    first);
  check(t('stream: then argument pieces only, in more than one delta'),
    rest.length > 1 && rest.every((d) => d.index === 0 && d.id === undefined &&
      d.function.name === undefined && typeof d.function.arguments === 'string'),
    rest.slice(0, 3));
  check(t('stream: the pieces make arguments that validate; finish_reason tool_calls; no text'),
    (first.function && first.function.name === 'get_time' ? JSON.parse(args).place !== undefined :
      argsValid(args)) && finish === 'tool_calls' && text === '', {args, finish, text});

  // A round trip: the call and its result in the history, then an answer.
  const history = [...question, {role: 'assistant', content: null, tool_calls: calls},
    ...calls.map((c) => ({role: 'tool', tool_call_id: c.id,
      content: '{"forecast": "sunny", "high_c": 24}'}))];
  const back = await client.chat.completions.create({model: MODEL, messages: history, tools,
    tool_choice: 'none', temperature: 0, max_tokens: 12});
  check(t('a tool round trip: an answer, no call'),
    ['stop', 'length'].includes(back.choices[0].finish_reason) &&
    typeof back.choices[0].message.content === 'string' && !back.choices[0].message.tool_calls &&
    back.usage.prompt_tokens > r.usage.prompt_tokens, back);

  // Structured output.
  const schema = {type: 'object', properties: {name: {type: 'string', maxLength: 16},
    tags: {type: 'array', items: {type: 'string', maxLength: 8}, maxItems: 3}},
  required: ['name', 'tags'], additionalProperties: false};
  const js = await client.chat.completions.create({model: MODEL, temperature: 0, max_tokens: 300,
    messages: [{role: 'user', content: 'Describe a cat.'}],
    response_format: {type: 'json_schema', json_schema: {name: 'cat', strict: true, schema}}});
  let parsed = null;
  try {
    parsed = JSON.parse(js.choices[0].message.content);
  } catch {}
  check(t('response_format json_schema: the answer validates'),
    parsed !== null && ajv.validate(schema, parsed) && js.choices[0].finish_reason === 'stop',
    {content: js.choices[0].message.content, errors: ajv.errors});
  const jo = await client.chat.completions.create({model: MODEL, temperature: 0, max_tokens: 400,
    messages: [{role: 'user', content: 'Describe a cat.'}],
    response_format: {type: 'json_object'}});
  let obj = null;
  try {
    obj = JSON.parse(jo.choices[0].message.content);
  } catch {}
  // json_object bounds nothing: a random-weight model may write one string until max_tokens, so
  // the answer is an object from its first character, and a whole one when it ended by itself.
  const joText = jo.choices[0].message.content;
  check(t('response_format json_object: an object from the first character, whole when ended'),
    joText.startsWith('{') && (jo.choices[0].finish_reason === 'length' ||
      (obj !== null && typeof obj === 'object' && !Array.isArray(obj))), jo.choices[0]);

  // What is not supported is refused by name.
  await refused(client, 'logprobs', {logprobs: true}, 'logprobs');
  await refused(client, 'n: 2', {n: 2}, 'n');
  await refused(client, 'logit_bias', {logit_bias: {'42': 5}}, 'logit_bias');
  await refused(client, 'a tool_choice naming no tool', {tools,
    tool_choice: {type: 'function', function: {name: 'get_nothing'}}}, 'tool_choice');
  await refused(client, 'a malformed tool', {tools: [{type: 'function', function: {}}]}, 'tools');
  await refused(client, 'a schema that is not one', {response_format: {type: 'json_schema',
    json_schema: {name: 'x', schema: {type: 'object', properties: {a: {$ref: '#/nowhere'}}}}}},
  'response_format');
});
