import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import { describe, expect, test } from 'vitest';
import { listenForAgent, peerInProcessGroup } from '../../../src/process/listener.js';

const linux = process.platform === 'linux';

function processGroupOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
}

describe('listenForAgent', () => {
  test('binds to loopback only', async () => {
    const listener = await listenForAgent();
    expect(listener.host).toBe('127.0.0.1');
    listener.close();
    await expect(listener.connection).rejects.toThrow(/closed before the agent connected/);
  });

  test('takes one connection, then the port refuses others', async () => {
    const listener = await listenForAgent();
    const first = net.connect(listener.port, listener.host);
    const accepted = await listener.connection;
    const second = net.connect(listener.port, listener.host);
    const error = await new Promise<NodeJS.ErrnoException>((resolve) => second.once('error', resolve));
    expect(error.code).toBe('ECONNREFUSED');
    accepted.destroy();
    first.destroy();
  });

  test('drops a connection the isAgent check rejects and keeps waiting for the agent', async () => {
    const reasons: string[] = [];
    let calls = 0;
    const listener = await listenForAgent({ isAgent: () => ++calls > 1, onRefused: (reason) => reasons.push(reason) });
    const rogue = net.connect(listener.port, listener.host);
    await new Promise((resolve) => rogue.once('close', resolve));
    expect(listener.refused).toBe(1);
    expect(reasons[0]).toMatch(/is not the spawned agent's/);
    const agent = net.connect(listener.port, listener.host);
    const accepted = await listener.connection;
    expect(accepted.remotePort).toBe(agent.localPort);
    accepted.destroy();
    agent.destroy();
  });
});

describe.runIf(linux)('peerInProcessGroup (Linux /proc)', () => {
  test('finds a connection from this process in its own group', async () => {
    const listener = await listenForAgent();
    const client = net.connect(listener.port, listener.host);
    const socket = await listener.connection;
    expect(peerInProcessGroup(socket, processGroupOf(process.pid))).toBe(true);
    expect(peerInProcessGroup(socket, 999_999_999)).toBe(false);
    socket.destroy();
    client.destroy();
  });

  test("tells a detached child's connection from one of ours", async () => {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as net.AddressInfo).port;
    const sockets: net.Socket[] = [];
    server.on('connection', (socket) => sockets.push(socket));
    const child = spawn(process.execPath, ['-e', `require('net').connect(${port}, '127.0.0.1'); setTimeout(() => {}, 10000)`], {
      detached: true,
      stdio: 'ignore',
    });
    try {
      for (let i = 0; i < 200 && sockets.length === 0; i++) await new Promise((r) => setTimeout(r, 25));
      const mine = net.connect(port, '127.0.0.1');
      for (let i = 0; i < 200 && sockets.length < 2; i++) await new Promise((r) => setTimeout(r, 25));
      const [fromChild, fromUs] = sockets;
      expect(peerInProcessGroup(fromChild!, child.pid!)).toBe(true);
      expect(peerInProcessGroup(fromUs!, child.pid!)).toBe(false);
      mine.destroy();
    } finally {
      process.kill(-child.pid!, 'SIGKILL');
      server.close();
      for (const socket of sockets) socket.destroy();
    }
  });

  test('a peer that already closed its end is not the agent', async () => {
    const listener = await listenForAgent();
    const client = net.connect(listener.port, listener.host);
    const socket = await listener.connection;
    client.destroy();
    await new Promise((resolve) => socket.once('close', resolve));
    expect(peerInProcessGroup(socket, processGroupOf(process.pid))).toBe(false);
  });
});
