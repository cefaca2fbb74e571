/**
 * The model port of a spare. A spare starts its session, and often asks the model for a greeting,
 * before any test file has taken it, and the model server it must reach is the claiming file's,
 * which does not exist yet. So the broker listens on the spare's model port itself, holds what
 * connects there until a file claims the spare, then joins each connection to that file's server.
 * The bytes pass through untouched: the file's server still checks the spare's credential. A call
 * the agent gave up on while held (its client closed the connection) is dropped, never sent on:
 * it would use up the file's scripted answers.
 */
import net from 'node:net';

/** Connections held at most before a claim; an agent opens a handful, more is someone else. */
const MAX_HELD = 32;
/** Bytes held at most per connection before a claim; a model request is far smaller. */
const MAX_HELD_BYTES = 4 << 20;

/** Where a claiming file's model server listens. */
export interface ModelTarget {
  host: string;
  port: number;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

/** Whether the broker may relay to this address: only to loopback, so it can never reach out of the machine. */
export function isLoopbackTarget(target: ModelTarget): boolean {
  return LOOPBACK.has(target.host) && Number.isInteger(target.port) && target.port > 0 && target.port < 65536;
}

export class ModelRelay {
  readonly port: number;
  readonly #server: net.Server;
  /** Connections waiting for a claim, with what they sent so far and how to stop holding them. */
  readonly #held = new Map<net.Socket, { chunks: Buffer[]; release: () => void }>();
  readonly #open = new Set<net.Socket>();
  #target: ModelTarget | undefined;

  private constructor(server: net.Server) {
    this.#server = server;
    this.port = (server.address() as net.AddressInfo).port;
    server.on('connection', (socket) => this.#accept(socket));
  }

  /** Listens on a free loopback port. */
  static async open(): Promise<ModelRelay> {
    const server = net.createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host: '127.0.0.1', port: 0, exclusive: true }, resolve);
    });
    server.unref();
    return new ModelRelay(server);
  }

  /** How many connections wait for a claim. */
  get held(): number {
    return this.#held.size;
  }

  /** The spare was claimed: joins what waits, and all that comes later, to the file's model server. */
  target(target: ModelTarget): void {
    this.#target = target;
    const held = [...this.#held];
    this.#held.clear();
    for (const [socket, { chunks, release }] of held) {
      release();
      this.#join(socket, target, chunks);
    }
  }

  /** Ends every connection and stops listening (the spare is gone). */
  close(): void {
    this.#server.close();
    for (const socket of [...this.#held.keys(), ...this.#open]) socket.destroy();
    this.#held.clear();
    this.#open.clear();
  }

  #accept(socket: net.Socket): void {
    socket.on('error', () => {});
    this.#open.add(socket);
    socket.once('close', () => {
      this.#open.delete(socket);
      this.#held.delete(socket);
    });
    if (this.#target) this.#join(socket, this.#target, []);
    else if (this.#held.size >= MAX_HELD) socket.destroy();
    else this.#hold(socket);
  }

  /** Reads what a connection sends while no file has claimed the spare, so that its closing is seen. */
  #hold(socket: net.Socket): void {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_HELD_BYTES) socket.destroy();
      else chunks.push(chunk);
    };
    // The client gave up (its timeout): what it sent must not reach the file's server later.
    const onEnd = () => socket.destroy();
    socket.on('data', onData);
    socket.on('end', onEnd);
    this.#held.set(socket, {
      chunks,
      release: () => {
        socket.off('data', onData);
        socket.off('end', onEnd);
      },
    });
  }

  #join(socket: net.Socket, target: ModelTarget, held: readonly Buffer[]): void {
    const upstream = net.connect({ host: target.host, port: target.port });
    upstream.setNoDelay(true);
    socket.setNoDelay(true);
    this.#open.add(upstream);
    // A refused or reset side ends the other: the agent's client sees a closed connection and retries.
    upstream.on('error', () => socket.destroy());
    socket.on('error', () => upstream.destroy());
    upstream.once('close', () => {
      this.#open.delete(upstream);
      socket.destroy();
    });
    socket.once('close', () => upstream.destroy());
    for (const chunk of held) upstream.write(chunk);
    socket.pipe(upstream);
    upstream.pipe(socket);
    socket.resume();
  }
}
