import { afterEach, describe, expect, test } from 'vitest';
import { AgentConnection, ConnectionClosedError, RequestTimeoutError } from '../../../src/protocol/connection.js';
import { encodeFrame, FrameDecoder } from '../../../src/protocol/framing.js';
import { decodeEnvelope, encodeEnvelope } from '../../../src/protocol/schema.js';
import { socketPair } from './socket-pair.js';
import type { WireEvent } from '../../../src/protocol/wire.js';

/** A scripted peer playing the agent's side of one connection. */
async function pair() {
  const [driverSide, peer] = await socketPair();
  const received: ReturnType<typeof decodeEnvelope>[] = [];
  const raw: Record<string, unknown>[] = [];
  const decoder = new FrameDecoder();
  peer.on('data', (chunk: Buffer) => {
    for (const frame of decoder.push(chunk)) {
      received.push(decodeEnvelope(frame));
      raw.push(JSON.parse(JSON.stringify(decodeEnvelope(frame))));
    }
  });
  const events: WireEvent[] = [];
  let closedWith: Error | undefined | 'open' = 'open';
  const connection = new AgentConnection(driverSide, {
    onEvent: (event) => events.push(event),
    onClose: (error) => (closedWith = error),
  });
  const send = (message: Record<string, unknown>) => peer.write(encodeFrame(encodeEnvelope(message)));
  const waitFor = async (predicate: () => boolean) => {
    for (let i = 0; i < 200 && !predicate(); i++) await new Promise((r) => setTimeout(r, 5));
    expect(predicate()).toBe(true);
  };
  cleanups.push(() => {
    peer.destroy();
    driverSide.destroy();
  });
  return { peer, connection, received, raw, events, send, waitFor, closed: () => closedWith };
}

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

describe('AgentConnection', () => {
  test('correlates responses to requests by id, whatever the order', async () => {
    const { connection, raw, send, waitFor } = await pair();
    const ping = connection.request('ping', {}, { timeoutMs: 1000 });
    const info = connection.request('getFrameworkInfo', {}, { timeoutMs: 1000 });
    await waitFor(() => raw.length === 2);
    const [first, second] = raw.map((m) => (m['request'] as { requestId: string }).requestId);
    send({ response: { requestId: second, getFrameworkInfo: { sdk: 'python', sdkVersion: '1.8.9' } } });
    send({ response: { requestId: first, pong: {} } });
    expect((await info).getFrameworkInfo).toMatchObject({ sdk: 'python', sdkVersion: '1.8.9' });
    expect((await ping).response).toBe('pong');
  });

  test('times out a request the agent never answers', async () => {
    const { connection } = await pair();
    const error = await connection.request('getSessionState', {}, { timeoutMs: 50 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RequestTimeoutError);
    expect((error as Error).message).toBe('no response to getSessionState within 50 ms');
  });

  test('ignores a late answer to a request that timed out', async () => {
    const { connection, raw, send, closed } = await pair();
    await connection.request('ping', {}, { timeoutMs: 20 }).catch(() => {});
    const id = (raw[0]!['request'] as { requestId: string }).requestId;
    send({ response: { requestId: id, pong: {} } });
    const next = connection.request('ping', {}, { timeoutMs: 1000 });
    await new Promise((r) => setTimeout(r, 50));
    expect(closed()).toBe('open');
    send({ response: { requestId: (raw[1]!['request'] as { requestId: string }).requestId, pong: {} } });
    await expect(next).resolves.toMatchObject({ response: 'pong' });
  });

  test('tells when a turn it stopped waiting for has been answered after all', async () => {
    const { connection, raw, send, waitFor } = await pair();
    expect(connection.abandoned('runInput')).toBeUndefined();
    await connection.request('runInput', { text: 'slow' }, { timeoutMs: 20 }).catch(() => {});
    await waitFor(() => raw.length === 1);
    const answered = connection.abandoned('runInput');
    expect(answered).toBeInstanceOf(Promise);
    expect(connection.abandoned('ping')).toBeUndefined();
    let settled = false;
    void answered!.then(() => (settled = true));
    await new Promise((r) => setTimeout(r, 30));
    expect(settled).toBe(false);
    send({ response: { requestId: (raw[0]!['request'] as { requestId: string }).requestId, runInput: { items: [] } } });
    await waitFor(() => settled);
    expect(connection.abandoned('runInput')).toBeUndefined();
  });

  test('answers audio_playback_flush with audio_playback_finished', async () => {
    const { received, send, waitFor } = await pair();
    send({ audioPlaybackFlush: {} });
    await waitFor(() => received.length === 1);
    expect(received[0]!.message).toBe('audioPlaybackFinished');
  });

  test('passes events on and ignores audio output', async () => {
    const { events, send, waitFor } = await pair();
    send({ audioOutput: { data: Buffer.alloc(10), sampleRate: 24000, numChannels: 1, samplesPerChannel: 5 } });
    send({ event: { error: { message: 'llm failed' } } });
    await waitFor(() => events.length === 1);
    expect(events[0]!.error?.message).toBe('llm failed');
  });

  test('treats an answer to a request never sent as a protocol violation', async () => {
    const { connection, send, waitFor, closed } = await pair();
    const pending = connection.request('ping', {}, { timeoutMs: 1000 }).catch((e: unknown) => e);
    send({ response: { requestId: 'made-up', pong: {} } });
    await waitFor(() => closed() !== 'open');
    expect((closed() as Error).message).toMatch(/answered a request that was never sent \(request id "made-up"\)/);
    const error = await pending;
    expect(error).toBeInstanceOf(ConnectionClosedError);
    expect((error as Error).cause).toBe(closed());
  });

  test('reports garbage bytes as an undecodable frame', async () => {
    const { peer, waitFor, closed } = await pair();
    peer.write(encodeFrame(Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff])));
    await waitFor(() => closed() !== 'open');
    expect((closed() as { fault?: string }).fault).toBe('undecodable-frame');
  });

  test('reports an oversized length prefix', async () => {
    const { peer, waitFor, closed } = await pair();
    peer.write(Buffer.from([0x7f, 0xff, 0xff, 0xff]));
    await waitFor(() => closed() !== 'open');
    expect((closed() as { fault?: string }).fault).toBe('oversized-frame');
  });

  test('refuses to send a request above the 1 MiB the agent accepts, and stays usable', async () => {
    const { connection, raw, send, waitFor, closed } = await pair();
    const error = await connection.request('runInput', { text: 'x'.repeat(1 << 20) }, { timeoutMs: 1000 }).catch((e: unknown) => e);
    expect((error as { fault?: string }).fault).toBe('oversized-frame');
    expect((error as Error).message).toMatch(/refusing to send a \d+-byte frame: the agent accepts at most 1048576 bytes/);
    expect(closed()).toBe('open');
    const ping = connection.request('ping', {}, { timeoutMs: 1000 });
    await waitFor(() => raw.length === 1);
    send({ response: { requestId: (raw[0]!['request'] as { requestId: string }).requestId, pong: {} } });
    expect((await ping).response).toBe('pong');
  });

  test('accepts frames from the agent above 1 MiB, up to its own cap', async () => {
    const { connection, raw, peer, waitFor, closed } = await pair();
    const history = connection.request('getChatHistory', {}, { timeoutMs: 5000 });
    await waitFor(() => raw.length === 1);
    const requestId = (raw[0]!['request'] as { requestId: string }).requestId;
    const text = 'y'.repeat(1_200_000);
    // Framed by hand: our encoder refuses what the agents send freely.
    const payload = encodeEnvelope({
      response: { requestId, getChatHistory: { items: [{ id: 'm1', message: { role: 3, content: [{ text }] } }] } },
    });
    const header = Buffer.alloc(4);
    header.writeUInt32BE(payload.byteLength);
    peer.write(Buffer.concat([header, payload]));
    const response = await history;
    expect(response.getChatHistory?.items).toHaveLength(1);
    expect(closed()).toBe('open');
  });

  test('reports a connection that ends mid-frame as truncated', async () => {
    const { peer, waitFor, closed } = await pair();
    peer.end(encodeFrame(Buffer.from('0123456789')).subarray(0, 8));
    await waitFor(() => closed() !== 'open');
    expect((closed() as { fault?: string }).fault).toBe('truncated-frame');
  });

  test('rejects pending requests when the agent closes the connection cleanly', async () => {
    const { peer, connection, closed, waitFor } = await pair();
    const pending = connection.request('runInput', { text: 'hi' }, { timeoutMs: 5000 });
    peer.end();
    await expect(pending).rejects.toThrow(/connection closed while waiting for runInput/);
    await waitFor(() => closed() !== 'open');
    expect(closed()).toBeUndefined();
  });

  test('stops waiting when the signal aborts', async () => {
    const { connection } = await pair();
    const controller = new AbortController();
    const pending = connection.request('runInput', { text: 'hi' }, { timeoutMs: 5000, signal: controller.signal });
    controller.abort(new Error('test timed out'));
    await expect(pending).rejects.toThrow('test timed out');
  });
});
