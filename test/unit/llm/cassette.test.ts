import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';

import { resolveCassetteMode } from '../../../src/llm/cassette-options.js';
import { cassetteLlm, scriptedLlm, type CassetteEntry, type CassetteLlmServer, type LlmRule } from 'agent-session-test/llm';
import { agentEnvDefaults } from '../../../src/llm/provider-keys.js';

// Loose JSON access for asserting on wire payloads.
type Json = any;

let dir: string;
const closers: (() => Promise<void>)[] = [];
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'cassette-'));
});
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
  await rm(dir, { recursive: true, force: true });
});

/** A scripted model standing in for the cloud one; `upstream` reaches it with its key. */
async function fakeCloud(rules: LlmRule[], apiKey?: string) {
  const llm = scriptedLlm(rules);
  const server = await llm.listen(apiKey === undefined ? {} : { credential: apiKey });
  closers.push(() => server.close());
  return { llm, server, upstream: { baseUrl: server.url, apiKey: server.credential } };
}

function track(server: CassetteLlmServer): CassetteLlmServer {
  closers.push(() => server.close());
  return server;
}

function post(
  server: { url: string; env: { OPENAI_API_KEY: string } },
  body: Record<string, unknown>,
  route = '/chat/completions',
): Promise<Response> {
  return fetch(`${server.url}${route}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...auth(server) },
    body: JSON.stringify(body),
  });
}

/** The header an agent sends: its OPENAI_API_KEY, the server's per-session credential. */
const auth = (server: { env: { OPENAI_API_KEY: string } }) => ({ authorization: `Bearer ${server.env.OPENAI_API_KEY}` });

/** The `data:` payloads of an SSE body, with `event:` names when present. */
async function sse(response: Response): Promise<Json[]> {
  const text = await response.text();
  return text
    .split('\n\n')
    .filter((block) => block.trim() !== '')
    .map((block) => {
      const lines = block.split('\n');
      const event = lines.find((l) => l.startsWith('event: '))?.slice(7);
      const data = lines
        .filter((l) => l.startsWith('data: '))
        .map((l) => l.slice(6))
        .join('\n');
      const parsed = data === '[DONE]' ? data : JSON.parse(data);
      return event ? { event, data: parsed } : parsed;
    });
}

async function cassetteLines(file: string): Promise<Json[]> {
  return (await readFile(file, 'utf8'))
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line));
}

const user = (content: string) => ({ role: 'user', content });
const weatherTool = {
  type: 'function',
  function: { name: 'lookup_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } },
};

describe('cassette LLM: record and replay', () => {
  test('records streamed and plain chat completions from the upstream, then replays them with the upstream gone', async () => {
    const cloud = await fakeCloud(
      [
        { when: { user: 'weather' }, reply: { toolCalls: [{ name: 'lookup_weather', args: { city: 'Paris' } }] } },
        { when: { user: 'hello' }, reply: { text: 'Hello there, traveller!', chunkSize: 5 } },
      ],
      'upstream-key-123',
    );
    const file = path.join(dir, 'chat.jsonl');
    const recorder = cassetteLlm({ cassette: file, mode: 'record', upstream: cloud.upstream });
    const live = track(await recorder.listen());
    const streamed = { model: 'gpt-4o-mini', stream: true, stream_options: { include_usage: true }, messages: [user('hello')] };
    const plain = { model: 'gpt-4o-mini', messages: [user('weather in Paris?')], tools: [weatherTool], temperature: 0.2 };

    const liveStream = await sse(await post(live, streamed));
    const livePlain: Json = await (await post(live, plain)).json();
    expect(
      liveStream
        .filter((c) => c !== '[DONE]')
        .map((c) => c.choices[0]?.delta?.content ?? '')
        .join(''),
    ).toBe('Hello there, traveller!');
    expect(livePlain.choices[0].message.tool_calls[0].function).toEqual({ name: 'lookup_weather', arguments: '{"city":"Paris"}' });
    expect(cloud.llm.requests).toHaveLength(2);
    expect(recorder.requests.map((r) => r.source)).toEqual(['upstream', 'upstream']);
    await live.close();

    // The file: a header, then one exchange a line, with no headers or keys anywhere.
    const [header, first, second] = await cassetteLines(file);
    expect(header).toEqual({ cassette: 'agent-session-test', version: 1 });
    expect(first).toMatchObject({ test: expect.stringContaining('records streamed'), n: 0, key: expect.stringMatching(/^[0-9a-f]{16}$/) });
    expect(first.request).toEqual({
      path: '/v1/chat/completions',
      body: { messages: [user('hello')], model: 'gpt-4o-mini', stream: true, stream_options: { include_usage: true } },
    });
    expect(first.response).toMatchObject({ status: 200, stream: true, contentType: expect.stringContaining('text/event-stream') });
    expect(first.response.events.at(-1)).toEqual({ data: '[DONE]' });
    expect(second.request.body).toMatchObject({ temperature: 0.2, tools: [weatherTool] });
    expect(second.response).toMatchObject({ status: 200, stream: false, body: { object: 'chat.completion' } });
    const text = await readFile(file, 'utf8');
    expect(text).not.toMatch(/authorization|upstream-key-123/i);
    expect(text).not.toContain(live.credential);

    // Replay: the upstream is gone, the answers are the same.
    await cloud.server.close();
    const player = cassetteLlm({ cassette: file, mode: 'replay', upstream: cloud.upstream });
    const replayed = track(await player.listen());
    expect(await sse(await post(replayed, streamed))).toEqual(liveStream);
    expect(await (await post(replayed, plain)).json()).toEqual(livePlain);
    expect(player.requests.map((r) => r.source)).toEqual(['replay', 'replay']);
    expect(player.unmatched).toEqual([]);
    await replayed.close();
    expect(await readFile(file, 'utf8')).toBe(text);
  });

  test('records and replays the Responses API, streamed with named events and plain', async () => {
    const upstream = await fakeResponsesApi();
    const file = path.join(dir, 'responses.jsonl');
    const recorder = cassetteLlm({ cassette: file, mode: 'record', upstream: { baseUrl: upstream.url } });
    const live = track(await recorder.listen());
    const liveStream = await sse(await post(live, { model: 'gpt-4.1', input: 'hi', stream: true }, '/responses'));
    const livePlain: Json = await (await post(live, { model: 'gpt-4.1', input: 'hi' }, '/responses')).json();
    expect(liveStream.map((e) => e.event)).toEqual(['response.created', 'response.output_text.delta', 'response.completed']);
    expect(livePlain).toMatchObject({ object: 'response', output_text: 'Hi from responses' });
    expect(upstream.paths).toEqual(['/v1/responses', '/v1/responses']);
    await live.close();
    await upstream.close();

    const player = cassetteLlm({ cassette: file, mode: 'replay' });
    const replayed = track(await player.listen());
    expect(await sse(await post(replayed, { model: 'gpt-4.1', input: 'hi', stream: true }, '/responses'))).toEqual(liveStream);
    expect(await (await post(replayed, { model: 'gpt-4.1', input: 'hi' }, '/responses')).json()).toEqual(livePlain);
  });

  test('replays identical requests in the order recorded, and a further repeat is a miss', async () => {
    const cloud = await fakeCloud([
      { when: { user: 'roll' }, reply: { text: 'You rolled 3' }, times: 1 },
      { when: { user: 'roll' }, reply: { text: 'You rolled 5' }, times: 1 },
    ]);
    const file = path.join(dir, 'dice.jsonl');
    const body = { model: 'm', messages: [user('roll a die')] };
    const recorder = cassetteLlm({ cassette: file, mode: 'record', upstream: cloud.upstream });
    const live = track(await recorder.listen());
    await post(live, body);
    await post(live, body);
    await live.close();
    expect((await cassetteLines(file)).slice(1).map((e) => e.n)).toEqual([0, 1]);

    const player = cassetteLlm({ cassette: file, mode: 'replay' });
    const replayed = track(await player.listen());
    const texts = [];
    for (let i = 0; i < 2; i++) texts.push(((await (await post(replayed, body)).json()) as Json).choices[0].message.content);
    expect(texts).toEqual(['You rolled 3', 'You rolled 5']);
    const third = await post(replayed, body);
    expect(third.status).toBe(400);
    const error: Json = await third.json();
    expect(error.error.code).toBe('cassette_miss');
    expect(error.error.message).toMatch(/recorded 2 time\(s\) in this test; the agent has now made it 3 times/);
    expect(player.unmatched).toHaveLength(1);
  });

  test('a replay miss shows how the request differs from the closest recorded one', async () => {
    const cloud = await fakeCloud([{ reply: { text: 'Sunny.' } }]);
    const file = path.join(dir, 'miss.jsonl');
    const recorder = cassetteLlm({ cassette: file, mode: 'record', upstream: cloud.upstream });
    const live = track(await recorder.listen());
    const system = 'You are a weather assistant. Keep answers to one sentence and always mention the temperature.';
    await post(live, {
      model: 'gpt-4o-mini',
      messages: [{ role: 'system', content: system }, user('weather in Paris?')],
      tools: [weatherTool],
    });
    await post(live, { model: 'gpt-4o-mini', messages: [user('something unrelated entirely')] });
    await live.close();

    const player = cassetteLlm({ cassette: file, mode: 'replay' });
    const replayed = track(await player.listen());
    const changed = system.replace('one sentence', 'two sentences');
    const response = await post(replayed, {
      model: 'gpt-4o-mini',
      temperature: 0.7,
      messages: [{ role: 'system', content: changed }, user('weather in Paris?')],
      tools: [weatherTool],
    });
    expect(response.status).toBe(400);
    const message: string = ((await response.json()) as Json).error.message;
    expect(message).toContain('no recorded LLM response for this request (replay mode)');
    expect(message).toContain(`cassette: ${path.relative(process.cwd(), file)}`);
    expect(message).toMatch(/Closest recorded request \(this test, occurrence 0\): 2 difference\(s\)/);
    // The changed words with some context; the common start is elided.
    expect(message).toContain(
      '  messages[0].content\n    - …"re a weather assistant. Keep answers to one sentence and always mention the temperature."\n    + …"re a weather assistant. Keep answers to two sentences and always mention the temperature."',
    );
    expect(message).toContain('  temperature\n    + 0.7');
    expect(message).toContain('AGENT_SESSION_TEST_LLM_MODE=record');
    expect(player.unmatched.map((r) => r.response.error)).toEqual([message]);

    // A tool added is one difference, labelled by its name, not a shift of every tool after it.
    const forecastTool = { type: 'function', function: { name: 'get_forecast', parameters: { type: 'object', properties: {} } } };
    const withTool = await post(replayed, {
      model: 'gpt-4o-mini',
      messages: [{ role: 'system', content: system }, user('weather in Paris?')],
      tools: [forecastTool, weatherTool],
    });
    const toolMessage: string = ((await withTool.json()) as Json).error.message;
    expect(toolMessage).toMatch(/1 difference\(s\)/);
    expect(toolMessage).toContain(
      '  tools["get_forecast"]\n    + {"function":{"name":"get_forecast","parameters":{"properties":{},"type":"object"}},"type":"function"}',
    );
  });

  test('never stores keys: headers are dropped, env secrets and the redaction list are masked', async () => {
    const secret = 'sk-live-0123456789abcdef';
    process.env['MY_SERVICE_API_KEY'] = secret;
    closers.push(async () => void delete process.env['MY_SERVICE_API_KEY']);
    const upstream = await fakeResponsesApi();
    const file = path.join(dir, 'secrets.jsonl');
    const recorder = cassetteLlm({
      cassette: file,
      mode: 'record',
      upstream: { baseUrl: upstream.url, apiKey: 'upstream-api-key-xyz' },
      redact: [/acct-\d+/],
    });
    const live = track(await recorder.listen());
    // The secret travels in the prompt and comes back in the answer (the fake upstream echoes the input).
    const response = await post(live, { model: 'gpt-4.1', input: `my key is ${secret}, account acct-4242`, echo: true }, '/responses');
    expect(((await response.json()) as Json).output_text).toContain(secret);
    // The upstream got the configured key, not the agent's dummy one.
    expect(upstream.headers[0]?.authorization).toBe('Bearer upstream-api-key-xyz');
    await live.close();

    const files = await readdir(dir);
    expect(files).toEqual(['secrets.jsonl']);
    for (const name of files) {
      const text = await readFile(path.join(dir, name), 'utf8');
      expect(text).not.toContain(secret);
      expect(text).not.toContain('upstream-api-key-xyz');
      expect(text).not.toMatch(/acct-\d+|authorization|bearer/i);
      expect(text).toContain('my key is [redacted $MY_SERVICE_API_KEY], account [redacted]');
    }
    // Replay matches on the redacted request, so the same prompt still hits.
    const player = cassetteLlm({ cassette: file, mode: 'replay', redact: [/acct-\d+/] });
    const replayed = track(await player.listen());
    expect(
      (await post(replayed, { model: 'gpt-4.1', input: `my key is ${secret}, account acct-4242`, echo: true }, '/responses')).status,
    ).toBe(200);
  });

  test('does not record error responses; they are passed on and reported', async () => {
    const cloud = await fakeCloud([{ reply: { error: { status: 400, message: 'context too long' } } }]);
    const file = path.join(dir, 'errors.jsonl');
    const recorder = cassetteLlm({ cassette: file, mode: 'record', upstream: cloud.upstream });
    const live = track(await recorder.listen());
    const response = await post(live, { model: 'm', messages: [user('hi')] });
    expect(response.status).toBe(400);
    expect(((await response.json()) as Json).error.message).toBe('context too long');
    expect(recorder.unmatched.map((r) => r.response.error)).toEqual([
      expect.stringMatching(/upstream LLM at .* answered 400: .*context too long/),
    ]);
    await live.close();
    await expect(readFile(file, 'utf8')).rejects.toMatchObject({ code: 'ENOENT' });
  });

  test('an unreachable upstream is a clear, non-retried failure', async () => {
    const cloud = await fakeCloud([]);
    await cloud.server.close();
    const recorder = cassetteLlm({ cassette: path.join(dir, 'x.jsonl'), mode: 'auto', upstream: cloud.upstream });
    const live = track(await recorder.listen());
    const response = await post(live, { model: 'm', messages: [user('hi')] });
    expect(response.status).toBe(400);
    expect(recorder.unmatched[0]?.response.error).toMatch(
      /could not reach the upstream LLM at http:\/\/127\.0\.0\.1:\d+\/v1\/chat\/completions to record \(ECONNREFUSED\)/,
    );
  });

  test('auto replays what is recorded and records only what is missing', async () => {
    const cloud = await fakeCloud([{ reply: ({ request }) => ({ text: `echo ${request.lastUserText}` }) }]);
    const file = path.join(dir, 'auto.jsonl');
    const first = cassetteLlm({ cassette: file, mode: 'auto', upstream: cloud.upstream });
    const a = track(await first.listen());
    await post(a, { model: 'm', messages: [user('one')] });
    await a.close();
    expect(cloud.llm.requests).toHaveLength(1);

    const second = cassetteLlm({ cassette: file, mode: 'auto', upstream: cloud.upstream });
    const b = track(await second.listen());
    expect(((await (await post(b, { model: 'm', messages: [user('one')] })).json()) as Json).choices[0].message.content).toBe('echo one');
    expect(((await (await post(b, { model: 'm', messages: [user('two')] })).json()) as Json).choices[0].message.content).toBe('echo two');
    expect(second.requests.map((r) => r.source)).toEqual(['replay', 'upstream']);
    expect(cloud.llm.requests).toHaveLength(2);
    await b.close();
    expect((await cassetteLines(file)).slice(1).map((e) => e.request.body.messages[0].content)).toEqual(['one', 'two']);
  });

  test('record replaces the entries of the tests it ran and keeps the others in place', async () => {
    const cloud = await fakeCloud([{ reply: { text: 'new answer' } }]);
    const file = path.join(dir, 'rerecord.jsonl');
    const me = expect.getState().currentTestName!;
    const old = (test: string, n: number, text: string): CassetteEntry => ({
      test,
      key: `old${n}`,
      n,
      request: { path: '/v1/chat/completions', body: { messages: [user(text)] } },
      response: { status: 200, contentType: 'application/json', stream: false, body: { text } },
    });
    const lines = [
      { cassette: 'agent-session-test', version: 1 },
      old('before', 0, 'a'),
      old(me, 0, 'stale 1'),
      old(me, 1, 'stale 2'),
      old('after', 0, 'z'),
    ];
    await writeFile(file, lines.map((l) => JSON.stringify(l)).join('\n') + '\n');

    const recorder = cassetteLlm({ cassette: file, mode: 'record', upstream: cloud.upstream });
    const live = track(await recorder.listen());
    await post(live, { model: 'm', messages: [user('fresh')] });
    await live.close();
    const entries = (await cassetteLines(file)).slice(1);
    expect(entries.map((e) => [e.test, e.request.body.messages[0].content])).toEqual([
      ['before', 'a'],
      [me, 'fresh'],
      ['after', 'z'],
    ]);
  });

  test('off forwards and stores nothing; replay never touches the upstream', async () => {
    const cloud = await fakeCloud([{ reply: { text: 'live' } }]);
    const file = path.join(dir, 'off.jsonl');
    const passthrough = cassetteLlm({ cassette: file, mode: 'off', upstream: cloud.upstream });
    const a = track(await passthrough.listen());
    expect((await post(a, { model: 'm', messages: [user('hi')] })).status).toBe(200);
    await a.close();
    await expect(readFile(file, 'utf8')).rejects.toMatchObject({ code: 'ENOENT' });

    const player = cassetteLlm({ cassette: file, mode: 'replay', upstream: cloud.upstream });
    const b = track(await player.listen());
    const response = await post(b, { model: 'm', messages: [user('hi')] });
    expect(response.status).toBe(400);
    expect(((await response.json()) as Json).error.message).toContain('The cassette is empty or does not exist yet.');
    expect(cloud.llm.requests).toHaveLength(1);
  });

  test('starts a listenable upstream only when something must be recorded', async () => {
    const cloud = scriptedLlm([{ reply: { text: 'from the stand-in' } }]);
    const file = path.join(dir, 'lazy.jsonl');
    let started = 0;
    const upstream = { listen: async () => (started++, cloud.listen()) };
    const recorder = cassetteLlm({ cassette: file, mode: 'auto', upstream });
    const a = track(await recorder.listen());
    expect(started).toBe(0);
    // Through the LiveKit inference route too.
    const response = await fetch(`${a.env.LIVEKIT_INFERENCE_URL}/chat/completions`, {
      method: 'POST',
      headers: auth(a),
      body: JSON.stringify({ model: 'm', messages: [user('hi')] }),
    });
    expect(((await response.json()) as Json).choices[0].message.content).toBe('from the stand-in');
    await a.close();
    expect(started).toBe(1);

    const player = cassetteLlm({ cassette: file, mode: 'auto', upstream });
    const b = track(await player.listen());
    expect(
      (
        await fetch(`${b.env.LIVEKIT_INFERENCE_URL}/chat/completions`, {
          method: 'POST',
          headers: auth(b),
          body: JSON.stringify({ model: 'm', messages: [user('hi')] }),
        })
      ).status,
    ).toBe(200);
    await b.close();
    expect(started).toBe(1);
    expect((await cassetteLines(file))[1].request.path).toBe('/inference/v1/chat/completions');
  });

  test('timing: records when events arrived and replays at that pace', async () => {
    const cloud = await fakeCloud([{ reply: { text: 'a b c d', chunkSize: 2, chunkDelayMs: 80 } }]);
    const file = path.join(dir, 'timing.jsonl');
    const recorder = cassetteLlm({ cassette: file, mode: 'record', timing: true, upstream: cloud.upstream });
    const live = track(await recorder.listen());
    await (await post(live, { model: 'm', stream: true, messages: [user('hi')] })).text();
    await live.close();
    const events: { ms: number }[] = (await cassetteLines(file))[1].response.events;
    expect(events.every((e, i) => typeof e.ms === 'number' && (i === 0 || e.ms >= events[i - 1]!.ms))).toBe(true);
    const last = events.at(-1)!.ms;
    expect(last).toBeGreaterThanOrEqual(150);

    const player = cassetteLlm({ cassette: file, mode: 'replay', timing: true });
    const b = track(await player.listen());
    const started = Date.now();
    await (await post(b, { model: 'm', stream: true, messages: [user('hi')] })).text();
    expect(Date.now() - started).toBeGreaterThanOrEqual(last - 20);
  });

  test('names the cassette after the test file by default, and gives the agent its env', async () => {
    const llm = cassetteLlm({ mode: 'replay' });
    expect(llm.file).toBe(path.join(import.meta.dirname, '__cassettes__', 'cassette.test.jsonl'));
    expect(cassetteLlm({ cassette: './x/y.jsonl', mode: 'replay' }).file).toBe(path.join(import.meta.dirname, 'x', 'y.jsonl'));
    const server = track(await llm.listen());
    expect(server.env).toEqual({
      ...agentEnvDefaults(),
      OPENAI_BASE_URL: `http://127.0.0.1:${server.port}/v1`,
      OPENAI_API_KEY: server.credential,
      LIVEKIT_INFERENCE_URL: `http://127.0.0.1:${server.port}/inference/v1`,
      LIVEKIT_API_KEY: expect.stringMatching(/^dummy/),
      LIVEKIT_API_SECRET: server.credential,
      LIVEKIT_INFERENCE_API_KEY: expect.stringMatching(/^dummy/),
      LIVEKIT_INFERENCE_API_SECRET: server.credential,
    });
    const models: Json = await (await fetch(`${server.url}/models`, { headers: auth(server) })).json();
    expect(models.object).toBe('list');
  });

  test('mode: the option, else AGENT_SESSION_TEST_LLM_MODE, else replay in CI and auto locally', () => {
    expect(resolveCassetteMode('record', { CI: 'true', AGENT_SESSION_TEST_LLM_MODE: 'off' })).toBe('record');
    expect(resolveCassetteMode(undefined, { CI: 'true', AGENT_SESSION_TEST_LLM_MODE: 'Record' })).toBe('record');
    expect(resolveCassetteMode(undefined, { CI: 'true' })).toBe('replay');
    expect(resolveCassetteMode(undefined, { CI: 'false' })).toBe('auto');
    expect(resolveCassetteMode(undefined, {})).toBe('auto');
    expect(() => resolveCassetteMode(undefined, { AGENT_SESSION_TEST_LLM_MODE: 'replya' })).toThrow(
      /AGENT_SESSION_TEST_LLM_MODE must be one of record, replay, auto, off; got "replya"/,
    );
    expect(() => cassetteLlm({ mode: 'live' as never })).toThrow(/`mode` must be one of/);
  });

  test('an unreadable cassette fails listen() with the file and line', async () => {
    const file = path.join(dir, 'broken.jsonl');
    await writeFile(file, '{"cassette":"agent-session-test","version":1}\n{"test":\n');
    await expect(cassetteLlm({ cassette: file, mode: 'replay' }).listen()).rejects.toThrow(`cassette ${file} line 2 is not valid JSON`);
    await writeFile(file, '{"hello":1}\n');
    await expect(cassetteLlm({ cassette: file, mode: 'auto' }).listen()).rejects.toThrow(/is not a cassette/);
  });

  test('record mode fails listen() on a corrupt cassette, before any upstream call, and leaves the file alone', async () => {
    const file = path.join(dir, 'broken-record.jsonl');
    const text = '{"cassette":"agent-session-test","version":1}\n{"test":\n';
    await writeFile(file, text);
    const upstream = scriptedLlm([{ reply: { text: 'recorded' } }]);
    const recorder = cassetteLlm({ cassette: file, mode: 'record', upstream });
    await expect(recorder.listen()).rejects.toThrow(
      new RegExp(
        `cassette ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} line 2 is not valid JSON \\(.*\\); fix the line or delete the file and record again`,
      ),
    );
    expect(upstream.requests).toEqual([]);
    await recorder.close();
    expect(await readFile(file, 'utf8')).toBe(text);
  });
});

/** A minimal stand-in for a Responses API endpoint: streamed events with names, or a plain object. */
async function fakeResponsesApi() {
  const paths: string[] = [];
  const headers: IncomingHttpHeaders[] = [];
  const server: Server = createServer((req, res) => {
    // The handler is async; a failure in it fails the request, not the process.
    void (async () => {
      let raw = '';
      for await (const chunk of req) raw += chunk;
      paths.push(req.url ?? '');
      headers.push(req.headers);
      const body = JSON.parse(raw) as { input: string; stream?: boolean; echo?: boolean };
      const text = body.echo ? `you said: ${body.input}` : 'Hi from responses';
      const response = { id: 'resp_1', object: 'response', status: 'completed', output_text: text };
      if (!body.stream) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(response));
        return;
      }
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(`event: response.created\ndata: ${JSON.stringify({ type: 'response.created', response: { id: 'resp_1' } })}\n\n`);
      res.write(`event: response.output_text.delta\ndata: ${JSON.stringify({ type: 'response.output_text.delta', delta: text })}\n\n`);
      res.end(`event: response.completed\ndata: ${JSON.stringify({ type: 'response.completed', response })}\n\n`);
    })().catch(() => res.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  let closed = false;
  const close = () => {
    if (closed) return Promise.resolve();
    closed = true;
    server.closeAllConnections();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  };
  closers.push(close);
  return { url, paths, headers, close };
}
