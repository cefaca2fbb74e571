/**
 * The baseline the harness is measured against: the least a driver can do to hold a text-mode
 * conversation with an agent. Its own listener, its own spawn, naive framing, the same protobuf
 * schema (decoding is a cost any driver pays), no conversion, no turn records, no checks.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { resolveLaunch } from '../../src/process/runtime.js';
import { decodeEnvelope, encodeEnvelope } from '../../src/protocol/schema.js';
import type { WireResponse } from '../../src/protocol/wire.js';

const FLUSH_ACK = frame(encodeEnvelope({ audioPlaybackFinished: {} }));

function frame(payload: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(4 + payload.byteLength);
  out.writeUInt32BE(payload.byteLength, 0);
  out.set(payload, 4);
  return out;
}

export interface RawTimings {
  /** performance.now() at spawn, connect, first pong, and text mode acknowledged. */
  spawnAt: number;
  connectAt: number;
  pongAt: number;
  readyAt: number;
}

export class RawAgent {
  readonly child: ChildProcess;
  readonly timings: RawTimings;
  readonly socket: net.Socket;
  readonly #pending = new Map<string, (response: WireResponse) => void>();
  #nextId = 1;
  #buffer: Buffer = Buffer.alloc(0);

  private constructor(child: ChildProcess, socket: net.Socket, timings: RawTimings) {
    this.child = child;
    this.socket = socket;
    this.timings = timings;
    socket.on('data', (chunk: Buffer) => {
      this.#buffer = this.#buffer.length === 0 ? chunk : Buffer.concat([this.#buffer, chunk]);
      while (this.#buffer.length >= 4) {
        const length = this.#buffer.readUInt32BE(0);
        if (this.#buffer.length < 4 + length) break;
        const envelope = decodeEnvelope(this.#buffer.subarray(4, 4 + length));
        this.#buffer = this.#buffer.subarray(4 + length);
        if (envelope.message === 'response') {
          const response = envelope.response!;
          this.#pending.get(response.requestId)?.(response);
          this.#pending.delete(response.requestId);
        } else if (envelope.message === 'audioPlaybackFlush') {
          socket.write(FLUSH_ACK);
        }
      }
    });
  }

  /** Spawns the agent in its own process group and waits until it answers a ping and takes text mode. */
  static async start(file: string, env: Record<string, string>): Promise<RawAgent> {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as net.AddressInfo;
    const fullEnv = { ...process.env, PYTHONUNBUFFERED: '1', ...env };
    const launch = resolveLaunch(path.resolve(file), `127.0.0.1:${port}`, { env: fullEnv });
    const connected = new Promise<net.Socket>((resolve) => server.once('connection', resolve));
    const spawnAt = performance.now();
    const child = spawn(launch.argv[0]!, launch.argv.slice(1), {
      cwd: launch.cwd,
      env: fullEnv,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.resume();
    child.stderr!.resume();
    const exited = new Promise<never>((_, reject) => child.once('exit', (code) => reject(new Error(`raw agent exited (${code})`))));
    exited.catch(() => {});
    const socket = await Promise.race([connected, exited]);
    const connectAt = performance.now();
    server.close();
    const agent = new RawAgent(child, socket, { spawnAt, connectAt, pongAt: 0, readyAt: 0 });
    await Promise.race([agent.request('ping', {}), exited]);
    agent.timings.pongAt = performance.now();
    await agent.request('updateIo', { input: { audioEnabled: false }, output: { audioEnabled: false, transcriptionEnabled: false } });
    agent.timings.readyAt = performance.now();
    return agent;
  }

  request(kind: string, body: object): Promise<WireResponse> {
    const requestId = `raw-${this.#nextId++}`;
    return new Promise((resolve) => {
      this.#pending.set(requestId, resolve);
      this.socket.write(frame(encodeEnvelope({ request: { requestId, [kind]: body } })));
    });
  }

  /** Kills the agent's process group and waits for it to be reaped. */
  async close(): Promise<void> {
    this.socket.destroy();
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    try {
      process.kill(-this.child.pid!, 'SIGKILL');
    } catch {
      // already gone
    }
    await exited;
  }
}
