/**
 * The model port the broker keeps for a spare: connections are held until a file claims the
 * spare, then joined to that file's model server; one the agent gave up on is never sent on.
 */
import { once } from 'node:events';
import net from 'node:net';
import { afterEach, describe, expect, test } from 'vitest';
import { isLoopbackTarget, ModelRelay } from '../../../src/prespawn/model-relay.js';

/** A stand-in for a file's model server: records what each connection sent, answers with "ok:" and it. */
async function echoServer() {
  const received: string[] = [];
  const server = net.createServer((socket) => {
    let text = '';
    received.push('');
    const index = received.length - 1;
    socket.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      received[index] = text;
      socket.write(`ok:${chunk.toString()}`);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { server, port: (server.address() as net.AddressInfo).port, received };
}

const closers: (() => void)[] = [];
afterEach(() => {
  for (const close of closers.splice(0)) close();
});

async function open() {
  const relay = await ModelRelay.open();
  closers.push(() => relay.close());
  return relay;
}

async function relayAndServer() {
  const target = await echoServer();
  closers.push(() => target.server.close());
  return { relay: await open(), target };
}

async function dial(port: number): Promise<net.Socket> {
  const socket = net.connect({ host: '127.0.0.1', port });
  await once(socket, 'connect');
  closers.push(() => socket.destroy());
  return socket;
}

async function until(predicate: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('ModelRelay', () => {
  test('what a connection sent before the claim reaches the claiming server, and so does what follows', async () => {
    const { relay, target } = await relayAndServer();
    const client = await dial(relay.port);
    client.write('before;');
    await until(() => relay.held === 1, 'the connection to be held');
    relay.target({ host: '127.0.0.1', port: target.port });
    expect(String((await once(client, 'data'))[0])).toBe('ok:before;');
    client.write('after;');
    await until(() => target.received[0] === 'before;after;', 'the later bytes');
    // A connection made after the claim goes straight through.
    const late = await dial(relay.port);
    late.write('late');
    expect(String((await once(late, 'data'))[0])).toBe('ok:late');
  });

  test('a connection its client closed while held never reaches the claiming server', async () => {
    const { relay, target } = await relayAndServer();
    const gaveUp = await dial(relay.port);
    gaveUp.end('POST /v1/chat/completions (timed out)');
    await until(() => relay.held === 0, 'the closed connection to be dropped');
    const kept = await dial(relay.port);
    kept.write('retry');
    await until(() => relay.held === 1, 'the retry to be held');
    relay.target({ host: '127.0.0.1', port: target.port });
    expect(String((await once(kept, 'data'))[0])).toBe('ok:retry');
    expect(target.received).toEqual(['retry']);
  });

  test('holds a bounded number of connections; close ends those it holds', async () => {
    const relay = await open();
    const sockets = await Promise.all(Array.from({ length: 33 }, () => dial(relay.port)));
    const closed = sockets.map((socket) => once(socket, 'close').then(() => true));
    await until(() => relay.held === 32, '32 held');
    // The 33rd is dropped at once.
    expect(await Promise.race([Promise.any(closed), new Promise((resolve) => setTimeout(() => resolve(false), 2000))])).toBe(true);
    relay.close();
    expect(await Promise.all(closed)).toEqual(Array(33).fill(true));
  });

  test('only loopback addresses are targets', () => {
    expect(isLoopbackTarget({ host: '127.0.0.1', port: 8080 })).toBe(true);
    expect(isLoopbackTarget({ host: '::1', port: 8080 })).toBe(true);
    expect(isLoopbackTarget({ host: '10.0.0.5', port: 8080 })).toBe(false);
    expect(isLoopbackTarget({ host: '127.0.0.1', port: 0 })).toBe(false);
  });
});
