import { Agent, request as httpRequest } from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';

import { agentEnvDefaults } from '../../../src/llm/provider-keys.js';
import { UNMATCHED_PREFIX } from '../../../src/llm/explain.js';
import { scriptedLlm, type LlmRule, type OpenAiChatMessage, type ScriptedLlmServer } from 'agent-session-test/llm';

// Loose JSON access for asserting on wire payloads.
type Json = any;

const weatherTool = { type: 'function', function: { name: 'lookup_weather', parameters: { type: 'object', properties: {} } } };

function chat(server: ScriptedLlmServer, body: Record<string, unknown>, path = '/chat/completions'): Promise<Response> {
  return fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...auth(server) },
    body: JSON.stringify(body),
  });
}

/** The header an agent sends: its OPENAI_API_KEY, the server's per-session credential. */
const auth = (server: ScriptedLlmServer) => ({ authorization: `Bearer ${server.env.OPENAI_API_KEY}` });

const user = (content: string): OpenAiChatMessage => ({ role: 'user', content });

/** The `data:` payloads of an SSE response, `[DONE]` included as a string. */
async function sseEvents(response: Response): Promise<Json[]> {
  const text = await response.text();
  expect(text.endsWith('\n\n')).toBe(true);
  return text
    .split('\n\n')
    .filter((block) => block.length > 0)
    .map((block) => {
      expect(block.startsWith('data: ')).toBe(true);
      const data = block.slice('data: '.length);
      return data === '[DONE]' ? data : JSON.parse(data);
    });
}

/** A conversation where the model called `lookup_weather` and the tool answered. */
function afterToolCall(output: string, toolName = 'lookup_weather'): OpenAiChatMessage[] {
  return [
    { role: 'system', content: 'You are a weather bot.' },
    user('weather in Paris?'),
    {
      role: 'assistant',
      content: null,
      tool_calls: [{ id: 'call_9', type: 'function', function: { name: toolName, arguments: '{"city":"Paris"}' } }],
    },
    { role: 'tool', tool_call_id: 'call_9', content: output },
  ];
}

async function serve(rules: LlmRule[]) {
  const llm = scriptedLlm(rules);
  const server = await llm.listen();
  return { llm, server };
}

describe('scripted LLM server', () => {
  const opened: ScriptedLlmServer[] = [];
  const start = async (rules: LlmRule[]) => {
    const started = await serve(rules);
    opened.push(started.server);
    return started;
  };
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((s) => s.close()));
  });

  test('listens on loopback and exposes env for OpenAI and LiveKit inference clients', async () => {
    const { server } = await start([]);
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/v1`);
    expect(server.env).toEqual({
      ...agentEnvDefaults(),
      OPENAI_BASE_URL: server.url,
      OPENAI_API_KEY: server.credential,
      LIVEKIT_INFERENCE_URL: server.url,
      LIVEKIT_API_KEY: expect.stringMatching(/^dummy/),
      LIVEKIT_API_SECRET: server.credential,
      LIVEKIT_INFERENCE_API_KEY: expect.stringMatching(/^dummy/),
      LIVEKIT_INFERENCE_API_SECRET: server.credential,
    });
    expect(server.credential).toMatch(/^ast_[\w-]{43}$/);
  });

  test('answers a non-streaming request with a chat.completion object', async () => {
    const { server, llm } = await start([{ name: 'greet', when: { user: 'hello' }, reply: { text: 'Hi there!' } }]);
    const response = await chat(server, { model: 'gpt-4o-mini', messages: [user('well hello you')] });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    const body: Json = await response.json();
    expect(body).toMatchObject({
      id: expect.stringMatching(/^chatcmpl-/),
      object: 'chat.completion',
      created: expect.any(Number),
      model: 'gpt-4o-mini',
      choices: [{ index: 0, message: { role: 'assistant', content: 'Hi there!' }, finish_reason: 'stop' }],
      usage: { prompt_tokens: expect.any(Number), completion_tokens: expect.any(Number), total_tokens: expect.any(Number) },
    });
    expect(body.choices[0].message.tool_calls).toBeUndefined();
    expect(body.usage.total_tokens).toBe(body.usage.prompt_tokens + body.usage.completion_tokens);
    expect(Math.abs(body.created - Date.now() / 1000)).toBeLessThan(5);

    expect(llm.requests).toHaveLength(1);
    expect(llm.requests[0]).toMatchObject({
      path: '/v1/chat/completions',
      model: 'gpt-4o-mini',
      stream: false,
      tools: [],
      rule: 'greet',
      ruleIndex: 0,
      response: { status: 200, text: 'Hi there!', finishReason: 'stop' },
    });
    expect(llm.requests[0]!.at).toBeGreaterThan(Date.now() - 5000);
  });

  test('returns tool calls with JSON string arguments and deterministic ids', async () => {
    const { server, llm } = await start([
      {
        when: { user: /weather in (\w+)/i },
        reply: ({ match }) => ({
          toolCalls: [
            { name: 'lookup_weather', args: { city: match![1] } },
            { name: 'lookup_time', args: '{"tz":"CET"' },
            { name: 'custom', id: 'my-id' },
          ],
        }),
      },
    ]);
    const body: Json = await (
      await chat(server, { model: 'm', messages: [user('What is the Weather in Paris?')], tools: [weatherTool] })
    ).json();
    const choice = body.choices[0];
    expect(choice.finish_reason).toBe('tool_calls');
    expect(choice.message.content).toBeNull();
    expect(choice.message.tool_calls).toEqual([
      { id: 'call_1', type: 'function', function: { name: 'lookup_weather', arguments: '{"city":"Paris"}' } },
      { id: 'call_2', type: 'function', function: { name: 'lookup_time', arguments: '{"tz":"CET"' } },
      { id: 'my-id', type: 'function', function: { name: 'custom', arguments: '{}' } },
    ]);
    expect(llm.requests[0]!.tools).toEqual(['lookup_weather']);
    expect(llm.requests[0]!.response?.toolCalls?.map((c) => c.id)).toEqual(['call_1', 'call_2', 'my-id']);
    expect(llm.requests[0]!.rule).toBe(0);
  });

  test('streams text as SSE chunks, ending with finish_reason, usage and [DONE]', async () => {
    const { server } = await start([{ reply: { text: 'Hello world!', chunkSize: 5 } }]);
    const response = await chat(server, { model: 'gpt-4o', stream: true, stream_options: { include_usage: true }, messages: [user('hi')] });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const events = await sseEvents(response);
    expect(events.at(-1)).toBe('[DONE]');
    const chunks = events.slice(0, -1);
    for (const chunk of chunks) {
      expect(chunk).toMatchObject({ id: chunks[0].id, object: 'chat.completion.chunk', created: expect.any(Number), model: 'gpt-4o' });
    }
    expect(chunks[0].choices).toEqual([{ index: 0, delta: { role: 'assistant' }, logprobs: null, finish_reason: null }]);
    const contents = chunks.slice(1, -2).map((c) => c.choices[0].delta.content);
    expect(contents).toEqual(['Hello', ' worl', 'd!']);
    expect(chunks.at(-2).choices).toEqual([{ index: 0, delta: {}, logprobs: null, finish_reason: 'stop' }]);
    const usage = chunks.at(-1);
    expect(usage.choices).toEqual([]);
    expect(usage.usage).toMatchObject({
      prompt_tokens: expect.any(Number),
      completion_tokens: expect.any(Number),
      total_tokens: expect.any(Number),
    });
    // Before the usage chunk, `usage` is present but null, as OpenAI sends it.
    expect(chunks.slice(0, -1).every((c) => c.usage === null)).toBe(true);
  });

  test('sends no usage chunk unless stream_options.include_usage is set', async () => {
    const { server } = await start([{ reply: { text: 'ok', usage: { promptTokens: 7, completionTokens: 3 } } }]);
    const events = await sseEvents(await chat(server, { model: 'm', stream: true, messages: [user('hi')] }));
    expect(events.at(-1)).toBe('[DONE]');
    const chunks = events.slice(0, -1);
    expect(chunks.every((c) => c.choices.length === 1 && !('usage' in c))).toBe(true);
    expect(chunks.at(-1).choices[0].finish_reason).toBe('stop');

    const body: Json = await (await chat(server, { model: 'm', messages: [user('hi')] })).json();
    expect(body.usage).toMatchObject({ prompt_tokens: 7, completion_tokens: 3, total_tokens: 10 });
  });

  test('streams each tool call in its own chunk, with arguments split by chunkSize', async () => {
    const { server } = await start([
      {
        reply: {
          text: 'Checking.',
          toolCalls: [
            { name: 'lookup_weather', args: { city: 'Paris' } },
            { name: 'lookup_time', args: { tz: 'CET' } },
          ],
          chunkSize: 4,
        },
      },
    ]);
    const events = await sseEvents(await chat(server, { model: 'm', stream: true, messages: [user('hi')], tools: [weatherTool] }));
    const deltas = events.slice(0, -1).map((c) => c.choices[0]);
    expect(deltas.every((d) => (d.delta.tool_calls?.length ?? 0) <= 1)).toBe(true);
    expect(deltas.map((d) => d.delta.content ?? '').join('')).toBe('Checking.');

    // Reassemble the tool calls the way OpenAI clients do: by index.
    const calls: { id?: string; type?: string; name?: string; arguments: string }[] = [];
    for (const { delta } of deltas) {
      for (const part of delta.tool_calls ?? []) {
        const call = (calls[part.index] ??= { arguments: '' });
        if (part.id) call.id = part.id;
        if (part.type) call.type = part.type;
        if (part.function?.name) call.name = part.function.name;
        call.arguments += part.function?.arguments ?? '';
      }
    }
    expect(calls).toEqual([
      { id: 'call_1', type: 'function', name: 'lookup_weather', arguments: '{"city":"Paris"}' },
      { id: 'call_2', type: 'function', name: 'lookup_time', arguments: '{"tz":"CET"}' },
    ]);
    // The first chunk of each call names it; continuation chunks carry only index and arguments.
    const starts = deltas.filter((d) => d.delta.tool_calls?.[0]?.id);
    expect(starts.map((d) => d.delta.tool_calls[0].function.arguments)).toEqual(['', '']);
    expect(deltas.at(-1).finish_reason).toBe('tool_calls');
  });

  test('tries rules in order and honours times', async () => {
    const { server, llm } = await start([
      { name: 'first hello', when: { user: 'hello' }, reply: { text: 'Hi there!' }, times: 1 },
      { name: 'later hello', when: { user: 'hello' }, reply: { text: 'Hello again.' } },
      { name: 'fallback', reply: { text: 'Sorry?' } },
    ]);
    const texts: string[] = [];
    for (const said of ['hello', 'hello', 'something else']) {
      const body: Json = await (await chat(server, { model: 'm', messages: [user(said)] })).json();
      texts.push(body.choices[0].message.content);
    }
    expect(texts).toEqual(['Hi there!', 'Hello again.', 'Sorry?']);
    expect(llm.requests.map((r) => r.rule)).toEqual(['first hello', 'later hello', 'fallback']);
  });

  test('accepts function conditions, function text matchers and async replies', async () => {
    const { server } = await start([
      {
        when: (request) => request.tools.includes('lookup_weather') && request.lastUserText === 'tools?',
        reply: { text: 'weather tool offered' },
      },
      { when: { user: (text) => text.length > 20 }, reply: async ({ request }) => ({ text: `long: ${request.lastUserText!.length}` }) },
      { when: { system: /pirate/, model: 'gpt' }, reply: { text: 'Arr' } },
    ]);
    const ask = async (body: Record<string, unknown>) => ((await (await chat(server, body)).json()) as Json).choices[0].message.content;
    expect(await ask({ model: 'm', messages: [user('tools?')], tools: [weatherTool] })).toBe('weather tool offered');
    expect(await ask({ model: 'm', messages: [user('a rather long message here')] })).toBe('long: 26');
    expect(await ask({ model: 'gpt-4o', messages: [{ role: 'system', content: 'Talk like a pirate.' }, user('hi')] })).toBe('Arr');
    // `system` and `model` must both match.
    expect((await chat(server, { model: 'claude', messages: [{ role: 'system', content: 'pirate' }, user('hi')] })).status).toBe(400);
  });

  test('matches tool outputs and the tool name found through tool_call_id', async () => {
    const { server, llm } = await start([
      { name: 'ask weather', when: { user: /weather/ }, reply: { toolCalls: [{ name: 'lookup_weather' }] } },
      { name: 'rainy', when: { tool: 'lookup_time', toolOutput: /rain/ }, reply: { text: 'wrong tool' } },
      {
        name: 'sunny',
        when: { tool: 'lookup_weather', toolOutput: /(sunny|rainy)/ },
        reply: ({ match, request }) => ({ text: `It is ${match![1]} (${request.lastToolName}).` }),
      },
    ]);
    // Latest message is the tool output, so the `user` rule does not fire again.
    const body: Json = await (await chat(server, { model: 'm', messages: afterToolCall('rainy, 12C') })).json();
    expect(body.choices[0].message.content).toBe('It is rainy (lookup_weather).');
    expect(llm.requests[0]!.rule).toBe('sunny');

    // A content-part array counts as text too.
    const parts: OpenAiChatMessage[] = [
      {
        role: 'user',
        content: [
          { type: 'text', text: 'the weather' },
          { type: 'image_url', image_url: { url: 'x' } },
        ],
      },
    ];
    const second: Json = await (await chat(server, { model: 'm', messages: parts })).json();
    expect(second.choices[0].message.tool_calls[0].function.name).toBe('lookup_weather');
  });

  test('RegExp matchers with the g flag match every time', async () => {
    const { server } = await start([{ when: { user: /hello/g }, reply: { text: 'hi' } }]);
    for (let i = 0; i < 3; i++) expect((await chat(server, { model: 'm', messages: [user('hello')] })).status).toBe(200);
  });

  test('answers an unmatched request with HTTP 400 and a readable explanation', async () => {
    const { server, llm } = await start([
      { name: 'greet', when: { user: 'hello' }, reply: { text: 'Hi' }, times: 1 },
      { when: { toolOutput: /sunny/ }, reply: { text: 'Sunny' } },
      {
        when: function isGoodbye(request) {
          return request.lastUserText === 'bye';
        },
        reply: { text: 'Bye' },
      },
      { when: () => false, reply: { text: 'never' } },
      { when: { user: (text) => text === 'x' }, reply: { text: 'never' } },
    ]);
    await chat(server, { model: 'm', messages: [user('hello')] });
    const messages = [...afterToolCall('cloudy').slice(0, 3), { role: 'tool', tool_call_id: 'call_9', content: 'cloudy' }];
    const response = await chat(server, { model: 'gpt-4o-mini', stream: true, messages, tools: [weatherTool] });
    expect(response.status).toBe(400);
    const body: Json = await response.json();
    expect(body.error).toMatchObject({ type: 'invalid_request_error', code: 'no_rule_matched' });
    const message: string = body.error.message;
    expect(message.startsWith('agent-session-test: no scripted LLM rule matched')).toBe(true);
    expect(message.startsWith(UNMATCHED_PREFIX)).toBe(true);
    expect(message).toContain('model "gpt-4o-mini", streaming');
    expect(message).toContain('Latest message: tool output of lookup_weather (call_9): "cloudy"');
    expect(message).toContain('[1] user: "weather in Paris?"');
    expect(message).toContain('[2] assistant: tool call lookup_weather({"city":"Paris"}) (call_9)');
    expect(message).toContain('Tools offered: lookup_weather');
    expect(message).toContain('#0 "greet": when { user: "hello" } (used 1 of 1: used up)');
    expect(message).toContain('#1: when { toolOutput: /sunny/ }');
    expect(message).toContain('#2: when <function isGoodbye>');
    // Inline arrows only carry their property's name, which would mislead.
    expect(message).toContain('#3: when <function>');
    expect(message).toContain('#4: when { user: <function> }');

    expect(llm.unmatched).toHaveLength(1);
    expect(llm.unmatched[0]).toMatchObject({ model: 'gpt-4o-mini', stream: true, response: { status: 400, error: message } });
    expect(llm.unmatched[0]!.rule).toBeUndefined();
    expect(llm.requests).toHaveLength(2);
  });

  test('shortens long conversations in the explanation', async () => {
    const { server } = await start([]);
    const messages = Array.from({ length: 10 }, (_, i) => user(`message ${i} ${'x'.repeat(300)}`));
    const body: Json = await (await chat(server, { model: 'm', messages })).json();
    const message: string = body.error.message;
    expect(message).toContain('Conversation (last 6 of 10 messages)');
    expect(message).not.toContain('[3] user');
    expect(message).toContain('[9] user');
    expect(message).toContain('Rules tried (0):\n  (none)');
    expect(message.length).toBeLessThan(4000);
  });

  test('an error reply returns its status with an OpenAI-style body', async () => {
    const { server, llm } = await start([
      { when: { user: 'limit' }, reply: { error: { status: 429, message: 'slow down' } } },
      {
        when: { user: 'boom' },
        reply: () => {
          throw new Error('kaboom');
        },
      },
      { when: { user: 'bad' }, reply: { toolCalls: [{ name: '' }] } },
    ]);
    const limited = await chat(server, { model: 'm', messages: [user('limit')] });
    expect(limited.status).toBe(429);
    expect(await limited.json()).toEqual({ error: { message: 'slow down', type: 'rate_limit_error', param: null, code: null } });

    const boom = await chat(server, { model: 'm', messages: [user('boom')] });
    expect(boom.status).toBe(400);
    expect(((await boom.json()) as Json).error.message).toBe('agent-session-test: scripted LLM rule #1 failed: kaboom');

    const bad = await chat(server, { model: 'm', messages: [user('bad')] });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as Json).error.message).toContain('toolCalls[0] needs a `name`');
    expect(llm.requests.map((r) => r.response?.status)).toEqual([429, 400, 400]);
    // A failing rule is listed with the unmatched requests (the turn reports both); an error reply on purpose is not.
    expect(llm.unmatched.map((r) => [r.rule, r.response?.error])).toEqual([
      [1, 'agent-session-test: scripted LLM rule #1 failed: kaboom'],
      [2, expect.stringContaining('toolCalls[0] needs a `name`')],
    ]);
  });

  test('rejects bad requests clearly and keeps serving', async () => {
    const { server } = await start([{ reply: { text: 'fine' } }]);
    const post = (path: string, body: string) =>
      fetch(`${server.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...auth(server) }, body });

    const notJson = await post('/chat/completions', '{"model": ');
    expect(notJson.status).toBe(400);
    expect(((await notJson.json()) as Json).error.message).toMatch(/^agent-session-test: the request body is not valid JSON/);

    const noMessages = await post('/chat/completions', '{"model":"m"}');
    expect(noMessages.status).toBe(400);
    expect(((await noMessages.json()) as Json).error.message).toContain('"messages" array');

    const badMessage = await post('/chat/completions', '{"messages":[42]}');
    expect(badMessage.status).toBe(400);
    expect(((await badMessage.json()) as Json).error.message).toContain('messages[0]');

    const unknown = await post('/embeddings', '{}');
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as Json).error.message).toContain('got POST /v1/embeddings');

    const wrongMethod = await fetch(`${server.url}/chat/completions`, { headers: auth(server) });
    expect(wrongMethod.status).toBe(405);

    expect((await chat(server, { model: 'm', messages: [user('hi')] })).status).toBe(200);
  });

  test('serves /chat/completions and /models without the /v1 prefix too', async () => {
    const { server } = await start([{ reply: { text: 'fine' } }]);
    const origin = server.url.replace(/\/v1$/, '');
    const response = await fetch(`${origin}/chat/completions`, {
      method: 'POST',
      headers: auth(server),
      body: JSON.stringify({ model: 'm', messages: [user('hi')] }),
    });
    expect(response.status).toBe(200);
    expect((await fetch(`${origin}/models`, { headers: auth(server) })).status).toBe(200);
  });

  test('lists the default model and the models requested', async () => {
    const { server } = await start([{ reply: { text: 'ok' } }]);
    await chat(server, { model: 'gpt-4o-mini', messages: [user('hi')] });
    await chat(server, { model: 'openai/gpt-4.1-mini', messages: [user('hi')] });
    const list: Json = await (await fetch(`${server.url}/models`, { headers: auth(server) })).json();
    expect(list.object).toBe('list');
    expect(list.data.map((m: Json) => m.id)).toEqual(['scripted', 'gpt-4o-mini', 'openai/gpt-4.1-mini']);
    expect(list.data[0]).toEqual({ id: 'scripted', object: 'model', created: expect.any(Number), owned_by: expect.any(String) });
    const one: Json = await (await fetch(`${server.url}/models/gpt-4o-mini`, { headers: auth(server) })).json();
    expect(one).toMatchObject({ id: 'gpt-4o-mini', object: 'model' });
  });

  test('waits delayMs before answering', async () => {
    const { server } = await start([{ reply: { text: 'late', delayMs: 150 } }]);
    const started = Date.now();
    expect((await chat(server, { model: 'm', messages: [user('hi')] })).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });

  test('reset clears records, restores times and removes added rules', async () => {
    const { server, llm } = await start([
      { name: 'once', when: { user: 'hi' }, reply: { text: 'first' }, times: 1 },
      { name: 'fallback', reply: { text: 'fallback' } },
    ]);
    const say = async (text: string) =>
      ((await (await chat(server, { model: 'm', messages: [user(text)] })).json()) as Json).choices[0].message.content;

    expect(await say('hi')).toBe('first');
    expect(await say('hi')).toBe('fallback');
    llm.add({ name: 'added', when: { user: 'hi' }, reply: { text: 'added' } });
    // Added rules are tried before the ones given at creation.
    expect(await say('hi')).toBe('added');
    expect(llm.requests.map((r) => [r.rule, r.ruleIndex])).toEqual([
      ['once', 0],
      ['fallback', 1],
      ['added', 2],
    ]);

    llm.reset();
    expect(llm.requests).toEqual([]);
    expect(llm.unmatched).toEqual([]);
    expect(await say('hi')).toBe('first');
    expect(await say('hi')).toBe('fallback');
  });

  test('rejects malformed rules when they are given', () => {
    expect(() => scriptedLlm([{ when: { user: 'x' } } as unknown as LlmRule])).toThrow(/rule #0 needs a `reply`/);
    expect(() => scriptedLlm([{ reply: { text: 'x' }, times: -1 }])).toThrow(/`times` must be a non-negative integer/);
    expect(() => scriptedLlm([]).add({ name: 'n', reply: { text: 'x' }, when: 3 as unknown as LlmRule['when'] })).toThrow(/rule #0 "n"/);
  });

  test('close ends promptly with an idle keep-alive connection open', async () => {
    const { server } = await serve([{ reply: { text: 'ok' } }]);
    const agent = new Agent({ keepAlive: true });
    const status = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(
        `${server.url}/chat/completions`,
        { method: 'POST', agent, headers: { 'content-type': 'application/json', ...auth(server) } },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        },
      );
      req.on('error', reject);
      req.end(JSON.stringify({ model: 'm', messages: [user('hi')] }));
    });
    expect(status).toBe(200);
    expect(Object.values(agent.freeSockets).flat()).toHaveLength(1);

    const started = Date.now();
    await server.close();
    expect(Date.now() - started).toBeLessThan(1000);
    await server.close(); // a second close is harmless
    agent.destroy();
  });

  test('close ends promptly while a slow answer is in flight', async () => {
    const { server } = await serve([{ reply: { text: 'never', delayMs: 30_000 } }]);
    const pending = chat(server, { model: 'm', stream: true, messages: [user('hi')] });
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = Date.now();
    await server.close();
    expect(Date.now() - started).toBeLessThan(1000);
    await expect(pending).rejects.toThrow();
  });

  test('llm.close closes every server it started', async () => {
    const llm = scriptedLlm([{ reply: { text: 'ok' } }]);
    const a = await llm.listen();
    const b = await llm.listen();
    expect(a.port).not.toBe(b.port);
    await llm.close();
    await expect(fetch(`${a.url}/models`)).rejects.toThrow();
    await expect(fetch(`${b.url}/models`)).rejects.toThrow();
  });
});

describe('one server shared by a file', () => {
  const llm = scriptedLlm([{ name: 'fallback', reply: { text: 'default answer' } }]);
  let server: ScriptedLlmServer;
  beforeAll(async () => {
    server = await llm.listen();
  });
  afterEach(() => llm.reset());
  afterAll(() => llm.close());

  test('a test adds its own rule', async () => {
    llm.add({ when: { user: 'special' }, reply: { text: 'special answer' } });
    const body: Json = await (await chat(server, { model: 'm', messages: [user('special')] })).json();
    expect(body.choices[0].message.content).toBe('special answer');
  });

  test('the next test starts from the shared rules only', async () => {
    const body: Json = await (await chat(server, { model: 'm', messages: [user('special')] })).json();
    expect(body.choices[0].message.content).toBe('default answer');
    expect(llm.requests).toHaveLength(1);
  });
});
