// Only the agent the harness started may use a model server: any other local process that finds
// the port (or reads the URL from the agent's environment) gets 401, and nothing else happens.
import { createHmac } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';

import { anthropicMessages, cassetteLlm, scriptedLlm } from 'agent-session-test/llm';
import { createCredential, isAuthorized } from '../../../src/llm/auth.js';

type Json = any;

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

/** A JWT as a LiveKit SDK signs it (HS256 over base64url JSON), written out here rather than with the module under test. */
function jwt(claims: Record<string, unknown>, secret: string, header: Record<string, unknown> = { alg: 'HS256', typ: 'JWT' }): string {
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const unsigned = `${encode(header)}.${encode(claims)}`;
  return `${unsigned}.${createHmac('sha256', secret).update(unsigned).digest('base64url')}`;
}

const now = () => Math.floor(Date.now() / 1000);
const inferenceClaims = () => ({ sub: 'agent', iss: 'dummy-livekit-api-key', nbf: now(), exp: now() + 600, inference: { perform: true } });

/** Every way an outsider might try, for a server whose credential is `credential`. */
function outsiderHeaders(credential: string): [string, Record<string, string>][] {
  const unsigned = `${Buffer.from(JSON.stringify({ alg: 'none' })).toString('base64url')}.${Buffer.from(JSON.stringify(inferenceClaims())).toString('base64url')}.`;
  return [
    ['no credential', {}],
    ['a wrong key', { authorization: 'Bearer sk-guessed-0123456789' }],
    ['a wrong x-api-key', { 'x-api-key': 'sk-ant-guessed-0123456789' }],
    ['the previous session credential', { authorization: `Bearer ${createCredential()}` }],
    ['an unsigned inference token', { authorization: `Bearer ${unsigned}` }],
    [
      'an inference token signed with another secret',
      { authorization: `Bearer ${jwt(inferenceClaims(), 'dummy-livekit-api-secret-for-local-tests-only')}` },
    ],
    [
      'an expired inference token',
      { authorization: `Bearer ${jwt({ ...inferenceClaims(), nbf: now() - 7200, exp: now() - 3600 }, credential)}` },
    ],
    ['an inference token without exp', { authorization: `Bearer ${jwt({ sub: 'agent', iss: 'x' }, credential)}` }],
    ['an inference token claiming another algorithm', { authorization: `Bearer ${jwt(inferenceClaims(), credential, { alg: 'HS512' })}` }],
  ];
}

const chatBody = (text: string) => JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: text }] });

describe('isAuthorized', () => {
  test('takes the credential as Bearer key, as x-api-key, or as the secret of an HS256 token; nothing else', () => {
    const credential = createCredential();
    expect(credential).not.toBe(createCredential());
    const allows = (headers: IncomingHttpHeaders) => isAuthorized({ headers }, credential);
    expect(allows({ authorization: `Bearer ${credential}` })).toBe(true);
    expect(allows({ 'x-api-key': credential })).toBe(true);
    expect(allows({ authorization: `Bearer ${jwt(inferenceClaims(), credential)}` })).toBe(true);
    // Node's SDK signs with a header of `alg` alone.
    expect(allows({ authorization: `Bearer ${jwt(inferenceClaims(), credential, { alg: 'HS256' })}` })).toBe(true);
    for (const [why, headers] of outsiderHeaders(credential)) expect(allows(headers), why).toBe(false);
    expect(allows({ authorization: `Bearer ${credential}x` })).toBe(false);
    expect(allows({ authorization: credential })).toBe(false);
  });
});

describe('the scripted model', () => {
  test('answers an outsider 401, matching no rule and recording nothing; the agent is served', async () => {
    const llm = scriptedLlm([{ reply: { text: 'served' } }]);
    const server = await llm.listen();
    closers.push(() => server.close());
    for (const [why, headers] of outsiderHeaders(server.credential)) {
      for (const route of ['/chat/completions', '/models']) {
        const response = await fetch(`${server.url}${route}`, {
          method: route === '/models' ? 'GET' : 'POST',
          headers: { 'content-type': 'application/json', ...headers },
          ...(route !== '/models' && { body: chatBody(why) }),
        });
        expect(response.status, `${why} ${route}`).toBe(401);
        const body: Json = await response.json();
        expect(body.error).toMatchObject({ type: 'authentication_error', code: 'invalid_api_key' });
      }
    }
    expect(llm.requests).toEqual([]);
    expect(llm.unmatched).toEqual([]);

    // The agent's own ways in: its OPENAI_API_KEY, and an inference token signed with its LIVEKIT_API_SECRET.
    const asAgent = await fetch(`${server.url}/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${server.env.OPENAI_API_KEY}` },
      body: chatBody('hi'),
    });
    expect(asAgent.status).toBe(200);
    const token = jwt({ ...inferenceClaims(), iss: server.env.LIVEKIT_API_KEY }, server.env.LIVEKIT_API_SECRET);
    const asInference = await fetch(`${server.env.LIVEKIT_INFERENCE_URL}/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
      body: chatBody('hi'),
    });
    expect(asInference.status).toBe(200);
    expect(llm.requests).toHaveLength(2);
  });

  test('each listen has its own credential', async () => {
    const llm = scriptedLlm([{ reply: { text: 'served' } }]);
    const a = await llm.listen();
    const b = await llm.listen();
    closers.push(
      () => a.close(),
      () => b.close(),
    );
    expect(a.credential).not.toBe(b.credential);
    const crossed = await fetch(`${b.url}/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${a.credential}` },
      body: chatBody('hi'),
    });
    expect(crossed.status).toBe(401);
  });
});

describe('the cassette server while recording', () => {
  test("never forwards an outsider's call upstream with the real key, nor writes it into the cassette", async () => {
    // A stand-in for the real provider, counting what reaches it.
    const seen: { auth: string | undefined; body: string }[] = [];
    const upstream = createServer((req, res) => {
      // The handler is async; a failure in it fails the request, not the process.
      void (async () => {
        let body = '';
        for await (const chunk of req) body += chunk;
        seen.push({ auth: req.headers.authorization, body });
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            id: 'c',
            object: 'chat.completion',
            choices: [{ index: 0, message: { role: 'assistant', content: 'from upstream' }, finish_reason: 'stop' }],
          }),
        );
      })().catch(() => res.destroy());
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    closers.push(() => new Promise<void>((resolve) => (upstream.closeAllConnections(), upstream.close(() => resolve()))));
    const dir = await mkdtemp(path.join(tmpdir(), 'cassette-auth-'));
    closers.push(() => rm(dir, { recursive: true, force: true }));
    const file = path.join(dir, 'auth.jsonl');
    const realKey = 'sk-real-upstream-key-0123456789';
    const llm = cassetteLlm({
      cassette: file,
      mode: 'record',
      upstream: { baseUrl: `http://127.0.0.1:${(upstream.address() as AddressInfo).port}/v1`, apiKey: realKey },
    });
    const server = await llm.listen();
    closers.push(() => server.close());

    // The agent's call is recorded; then the cassette is saved as it stands.
    const asAgent = await fetch(`${server.url}/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${server.env.OPENAI_API_KEY}` },
      body: chatBody('from the agent'),
    });
    expect(asAgent.status).toBe(200);
    await asAgent.text();
    await llm.save();
    const before = await readFile(file, 'utf8');
    expect(seen).toEqual([{ auth: `Bearer ${realKey}`, body: expect.stringContaining('from the agent') }]);

    for (const [why, headers] of outsiderHeaders(server.credential)) {
      for (const route of [server.url, server.env.LIVEKIT_INFERENCE_URL]) {
        const response = await fetch(`${route}/chat/completions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...headers },
          body: chatBody(`outsider: ${why}`),
        });
        expect(response.status, why).toBe(401);
        expect(JSON.stringify(await response.json())).not.toContain('from upstream');
      }
    }
    await server.close();
    expect(seen).toHaveLength(1);
    expect(llm.requests).toHaveLength(1);
    expect(llm.unmatched).toEqual([]);
    expect(await readFile(file, 'utf8')).toBe(before);
    expect(before).not.toContain('outsider:');
  });
});

describe('the Anthropic front', () => {
  test('answers 401 without the credential, and forwards nothing to the rules', async () => {
    const model = scriptedLlm([{ reply: { text: 'served' } }]);
    const server = await anthropicMessages(model).listen();
    closers.push(() => server.close());
    const messages = `${server.env['ANTHROPIC_BASE_URL']}/v1/messages`;
    const body = JSON.stringify({ model: 'claude-x', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] });
    for (const [why, headers] of outsiderHeaders(server.credential)) {
      const response = await fetch(messages, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
      expect(response.status, why).toBe(401);
      expect(((await response.json()) as Json).error.type).toBe('authentication_error');
    }
    expect(model.requests).toEqual([]);
    const asAgent = await fetch(messages, { method: 'POST', headers: { 'x-api-key': server.env['ANTHROPIC_API_KEY']! }, body });
    expect(asAgent.status).toBe(200);
    expect(model.requests).toHaveLength(1);
  });
});
