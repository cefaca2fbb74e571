// The speech endpoints of both model servers, spoken to as the LiveKit and OpenAI clients speak
// them: what each socket answers, that it stays open and silent, and the HTTP audio routes.
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import WebSocket from 'ws';

import { cassetteLlm, scriptedLlm, type ScriptedLlmServer } from 'agent-session-test/llm';
import { speechRoute, speechUpgrades } from '../../../src/llm/speech/upgrade.js';

// Loose JSON access for asserting on wire payloads.
type Json = any;

interface Client {
  ws: WebSocket;
  /** The next JSON message, or a rejection when none arrives in time. */
  next(timeoutMs?: number): Promise<Json>;
  /** Resolves true when no message arrives for `ms`. */
  quiet(ms: number): Promise<boolean>;
  closed: Promise<number>;
}

const open: WebSocket[] = [];
afterEach(() => {
  for (const ws of open.splice(0)) ws.terminate();
});

async function connect(url: string, headers: Record<string, string> = {}): Promise<Client> {
  const ws = new WebSocket(url, { headers });
  open.push(ws);
  const queue: Json[] = [];
  let wake: (() => void) | undefined;
  ws.on('message', (data) => {
    queue.push(JSON.parse(String(data)));
    wake?.();
  });
  const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += String(chunk)));
      res.on('end', () => reject(new Error(`status ${res.statusCode}: ${body}`)));
    });
    ws.once('error', reject);
  });
  const waitFor = (ms: number) =>
    new Promise<boolean>((resolve) => {
      if (queue.length > 0) return resolve(true);
      const timer = setTimeout(() => resolve(false), ms);
      wake = () => {
        clearTimeout(timer);
        resolve(true);
      };
    });
  return {
    ws,
    closed,
    async next(timeoutMs = 10_000) {
      if (!(await waitFor(timeoutMs))) throw new Error('no message arrived');
      return queue.shift();
    },
    async quiet(ms) {
      return !(await waitFor(ms));
    },
  };
}

const send = (client: Client, event: Json) => client.ws.send(JSON.stringify(event));
/** The server's credential, as the agent's clients send it (the servers may require it). */
const auth = (env: { OPENAI_API_KEY: string }) => ({ authorization: `Bearer ${env.OPENAI_API_KEY}` });

let server: ScriptedLlmServer;
let wsBase: string;
beforeAll(async () => {
  server = await scriptedLlm([{ reply: { text: 'ok' } }]).listen();
  wsBase = server.env.LIVEKIT_INFERENCE_URL.replace('http', 'ws');
});
afterAll(async () => {
  await server.close();
});

describe('LiveKit inference STT', () => {
  test('acknowledges the session and each finalize, never transcribes, and closes only when asked', async () => {
    const client = await connect(`${wsBase}/stt?model=deepgram%2Fnova-3`, auth(server.env));
    send(client, {
      type: 'session.create',
      model: 'deepgram/nova-3',
      settings: { sample_rate: '16000', encoding: 'pcm_s16le', extra: {} },
    });
    const created = await client.next();
    expect(created).toMatchObject({ type: 'session.created', session_id: expect.any(String) });

    send(client, { type: 'input_audio', audio: Buffer.alloc(1600).toString('base64') });
    expect(await client.quiet(150)).toBe(true);
    // A finalize from the client's VAD mid-stream: acknowledged, the session stays open.
    send(client, { type: 'session.finalize' });
    expect(await client.next()).toMatchObject({ type: 'session.finalized' });
    send(client, { type: 'input_audio', audio: Buffer.alloc(1600).toString('base64') });
    expect(await client.quiet(150)).toBe(true);
    expect(client.ws.readyState).toBe(WebSocket.OPEN);

    send(client, { type: 'session.close' });
    expect(await client.next()).toMatchObject({ type: 'session.closed' });
    expect(await client.closed).toBe(1000);
  });
});

describe('LiveKit inference TTS', () => {
  test('answers each flushed utterance with silence and done, on a reused connection', async () => {
    const client = await connect(`${wsBase}/tts?model=cartesia%2Fsonic-3`, auth(server.env));
    send(client, { type: 'session.create', sample_rate: '16000', encoding: 'pcm_s16le', model: 'cartesia/sonic-3', extra: {} });
    const created = await client.next();
    expect(created).toMatchObject({ type: 'session.created', session_id: expect.any(String) });

    for (const text of ['Hello there. ', 'Second utterance. ']) {
      send(client, { type: 'input_transcript', transcript: text, generation_config: { model: 'cartesia/sonic-3' }, extra: {} });
      expect(await client.quiet(100)).toBe(true);
      send(client, { type: 'session.flush' });
      const audio = await client.next();
      expect(audio).toMatchObject({ type: 'output_audio', session_id: created.session_id });
      const pcm = Buffer.from(audio.audio, 'base64');
      // 20 ms at the rate asked for, 16-bit mono, all zero.
      expect(pcm.length).toBe(16000 * 0.02 * 2);
      expect(pcm.every((byte) => byte === 0)).toBe(true);
      expect(await client.next()).toEqual({ type: 'done', session_id: created.session_id });
    }
    send(client, { type: 'session.close' });
    expect(await client.next()).toMatchObject({ type: 'session.closed', session_id: created.session_id });
    expect(await client.closed).toBe(1000);
  });
});

describe('OpenAI realtime transcription', () => {
  test('confirms the session settings and stays silent on audio', async () => {
    const client = await connect(
      `${server.url.replace('http', 'ws')}/realtime?intent=transcription&model=gpt-4o-transcribe`,
      auth(server.env),
    );
    expect(await client.next()).toMatchObject({ type: 'session.created', session: { type: 'transcription' } });
    const settings = {
      type: 'transcription',
      audio: { input: { format: { type: 'audio/pcm', rate: 24000 }, transcription: { model: 'gpt-4o-transcribe' } } },
    };
    send(client, { type: 'session.update', session: settings });
    expect(await client.next()).toMatchObject({ type: 'session.updated', session: settings });
    send(client, { type: 'input_audio_buffer.append', audio: Buffer.alloc(2400).toString('base64') });
    send(client, { type: 'input_audio_buffer.commit' });
    expect(await client.quiet(200)).toBe(true);
    expect(client.ws.readyState).toBe(WebSocket.OPEN);
  });
});

describe('upgrades', () => {
  test('an unknown socket path is refused with a 404 naming the served ones', async () => {
    await expect(connect(`${wsBase}/nowhere`, auth(server.env))).rejects.toThrow(
      /^status 404: .*serves websockets at \/v1\/stt, \/v1\/tts and \/v1\/realtime; got \/v1\/nowhere\./,
    );
    // The cloud turn detector and interruption model: refused so the SDKs use their local ones.
    await expect(connect(`${wsBase}/eot`, auth(server.env))).rejects.toThrow(
      /^status 404: .*got \/v1\/eot\. The turn detector .* local fallbacks/,
    );
    await expect(connect(`${wsBase}/bargein`, auth(server.env))).rejects.toThrow(/local fallbacks/);
  });

  test('routes with and without /v1, and under /inference (the cassette server)', () => {
    expect(speechRoute('/v1/stt?model=x')).toBe('stt');
    expect(speechRoute('/tts')).toBe('tts');
    expect(speechRoute('/inference/v1/tts?model=x')).toBe('tts');
    expect(speechRoute('/v1/realtime?intent=transcription')).toBe('realtime');
    expect(speechRoute('/v1/eot')).toBeUndefined();
    expect(speechRoute('/v1/constructor')).toBeUndefined();
  });

  test('authorize runs first: a refusal is a 401 and no socket opens', async () => {
    const seen: string[] = [];
    const upgrades = speechUpgrades({
      serverName: 'a test server',
      authorize: (req) => {
        seen.push(req.url ?? '');
        return req.headers['x-credential'] === 'right';
      },
    });
    const http: Server = createServer((_req, res) => res.end());
    http.on('upgrade', upgrades.handleUpgrade);
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    const base = `ws://127.0.0.1:${(http.address() as AddressInfo).port}`;
    try {
      await expect(connect(`${base}/v1/stt`, { 'x-credential': 'wrong' })).rejects.toThrow('status 401');
      // Refused before routing: an unknown path without the credential is a 401 too, not a 404.
      await expect(connect(`${base}/v1/nowhere`)).rejects.toThrow('status 401');
      const client = await connect(`${base}/v1/stt`, { 'x-credential': 'right' });
      send(client, { type: 'session.create' });
      expect(await client.next()).toMatchObject({ type: 'session.created' });
      expect(seen).toEqual(['/v1/stt', '/v1/nowhere', '/v1/stt']);
    } finally {
      upgrades.closeAll();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    }
  });

  test('both model servers refuse a speech socket without the session credential', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'speech-auth-'));
    const player = await cassetteLlm({ cassette: path.join(dir, 'empty.jsonl'), mode: 'replay' }).listen();
    try {
      for (const env of [server.env, player.env]) {
        const base = env.LIVEKIT_INFERENCE_URL.replace('http', 'ws');
        await expect(connect(`${base}/stt`)).rejects.toThrow('status 401');
        await expect(connect(`${base}/tts`, { authorization: 'Bearer not-the-credential' })).rejects.toThrow('status 401');
        const client = await connect(`${base}/stt`, auth(env));
        send(client, { type: 'session.create' });
        expect(await client.next()).toMatchObject({ type: 'session.created' });
      }
    } finally {
      await player.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('closing the server drops open sockets', async () => {
    const own = await scriptedLlm([]).listen();
    const client = await connect(`${own.env.LIVEKIT_INFERENCE_URL.replace('http', 'ws')}/stt`, auth(own.env));
    await own.close();
    expect(await client.closed).toBeGreaterThan(0);
  });
});

describe('OpenAI audio routes', () => {
  test('speech answers raw PCM silence when pcm is asked for, WAV otherwise', async () => {
    const pcm = await fetch(`${server.url}/audio/speech`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...auth(server.env) },
      body: JSON.stringify({ model: 'tts-1', input: 'Hello', voice: 'ash', response_format: 'pcm' }),
    });
    expect(pcm.status).toBe(200);
    expect(pcm.headers.get('content-type')).toBe('audio/pcm');
    const bytes = Buffer.from(await pcm.arrayBuffer());
    expect(bytes.length).toBe(24000 * 0.02 * 2);
    expect(bytes.every((b) => b === 0)).toBe(true);

    const wav = await fetch(`${server.url}/audio/speech`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...auth(server.env) },
      body: JSON.stringify({ model: 'gpt-4o-mini-tts', input: 'Hello', voice: 'ash', response_format: 'mp3', stream_format: 'sse' }),
    });
    expect(wav.headers.get('content-type')).toBe('audio/wav');
    const file = Buffer.from(await wav.arrayBuffer());
    expect(file.subarray(0, 4).toString('ascii')).toBe('RIFF');
    expect(file.subarray(8, 12).toString('ascii')).toBe('WAVE');
    expect(file.readUInt32LE(24)).toBe(24000);
    expect(file.readUInt32LE(40)).toBe(file.length - 44);
  });

  test('transcriptions answer an empty transcript in the format asked for', async () => {
    const form = (format?: string) => {
      const body = new FormData();
      body.append('file', new Blob([Buffer.alloc(64)], { type: 'audio/wav' }), 'file.wav');
      body.append('model', 'whisper-1');
      if (format) body.append('response_format', format);
      return body;
    };
    const json = await fetch(`${server.url}/audio/transcriptions`, { method: 'POST', headers: auth(server.env), body: form() });
    expect(await json.json()).toEqual({ text: '' });
    const verbose = await fetch(`${server.url}/audio/transcriptions`, {
      method: 'POST',
      headers: auth(server.env),
      body: form('verbose_json'),
    });
    expect(await verbose.json()).toMatchObject({ text: '', duration: 0, segments: [] });
    const text = await fetch(`${server.url}/audio/transcriptions`, { method: 'POST', headers: auth(server.env), body: form('text') });
    expect(text.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await text.text()).toBe('');
  });
});

describe('the cassette server answers the same endpoints', () => {
  test('inference STT under /inference/v1 and the audio routes, in replay mode with an empty cassette', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'speech-cassette-'));
    const player = cassetteLlm({ cassette: path.join(dir, 'empty.jsonl'), mode: 'replay' });
    const listening = await player.listen();
    try {
      const client = await connect(
        `${listening.env.LIVEKIT_INFERENCE_URL.replace('http', 'ws')}/stt?model=deepgram%2Fnova-3`,
        auth(listening.env),
      );
      send(client, { type: 'session.create' });
      expect(await client.next()).toMatchObject({ type: 'session.created' });
      const tts = await connect(
        `${listening.env.LIVEKIT_INFERENCE_URL.replace('http', 'ws')}/tts?model=cartesia%2Fsonic-3`,
        auth(listening.env),
      );
      send(tts, { type: 'session.create', sample_rate: '24000' });
      expect(await tts.next()).toMatchObject({ type: 'session.created' });
      const speech = await fetch(`${listening.env.OPENAI_BASE_URL}/audio/speech`, {
        method: 'POST',
        headers: auth(listening.env),
        body: JSON.stringify({ response_format: 'pcm' }),
      });
      expect(speech.status).toBe(200);
    } finally {
      await listening.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
