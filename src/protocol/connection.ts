/**
 * The driver side of one agent connection: frames in and out, requests correlated by id with a
 * timeout each (agents send no reply to requests they do not know), events passed on, and
 * every audio_playback_flush answered at once (unanswered, it blocks the agent's turn forever).
 */
import type net from 'node:net';
import { ProtocolError } from './errors.js';
import { encodeFrame, FrameDecoder } from './framing.js';
import { decodeEnvelope, encodeEnvelope } from './schema.js';
import type { RequestKind, WireEvent, WireResponse } from './wire.js';

export interface ConnectionHandlers {
  onEvent(event: WireEvent, receivedAt: number): void;
  /** Called once when the connection ends: `error` is set for a protocol violation or socket error. */
  onClose(error: Error | undefined): void;
}

export interface RequestOptions {
  timeoutMs: number;
  signal?: AbortSignal | undefined;
}

export class RequestTimeoutError extends Error {
  override name = 'RequestTimeoutError';
  constructor(
    readonly kind: RequestKind,
    readonly timeoutMs: number,
  ) {
    super(`no response to ${kind} within ${timeoutMs} ms`);
  }
}

export class ConnectionClosedError extends Error {
  override name = 'ConnectionClosedError';
}

/** A request we stopped waiting for (timeout, abort), whose answer the agent may still send. */
interface Abandoned {
  kind: RequestKind;
  answered: Promise<void>;
  settle(): void;
}

interface Pending {
  kind: RequestKind;
  resolve(response: WireResponse): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
  cleanup(): void;
}

/** How many requests we gave up on are remembered, to accept their late responses. */
const EXPIRED_ID_MEMORY = 64;

const FLUSH_ACK = encodeFrame(encodeEnvelope({ audioPlaybackFinished: {} }));

export class AgentConnection {
  readonly #socket: net.Socket;
  readonly #handlers: ConnectionHandlers;
  readonly #decoder: FrameDecoder;
  readonly #pending = new Map<string, Pending>();
  /** Ids of requests we gave up on, oldest first; their late responses are expected, not violations. */
  readonly #abandoned = new Map<string, Abandoned>();
  #nextId = 1;
  #closed: Error | null | undefined;

  /** `maxFrameBytes` caps frames from the agent (default 64 MiB); ours keep to the 1 MiB it accepts. */
  constructor(socket: net.Socket, handlers: ConnectionHandlers, maxFrameBytes?: number) {
    this.#socket = socket;
    this.#handlers = handlers;
    this.#decoder = new FrameDecoder(maxFrameBytes);
    socket.on('data', (chunk: Buffer) => this.#onData(chunk));
    socket.on('error', (error) => this.#finish(error));
    socket.on('close', () => {
      const leftover = this.#decoder.pendingBytes;
      this.#finish(
        leftover > 0
          ? new ProtocolError(`the connection ended in the middle of a frame (${leftover} bytes unread)`, 'truncated-frame')
          : undefined,
      );
    });
  }

  get closed(): boolean {
    return this.#closed !== undefined;
  }

  /** Sends a request and resolves with the agent's response (whose `error` field may be set). */
  request(kind: RequestKind, body: object, options: RequestOptions): Promise<WireResponse> {
    if (this.#closed !== undefined) {
      return Promise.reject(new ConnectionClosedError('the agent connection is closed', { cause: this.#closed ?? undefined }));
    }
    const requestId = `ast-${this.#nextId++}`;
    let frame: Buffer;
    try {
      // Encoded first: a request too large for the agent fails alone, the connection stays up.
      frame = encodeFrame(encodeEnvelope({ request: { requestId, [kind]: body } }));
    } catch (error) {
      return Promise.reject(error as Error);
    }
    return new Promise<WireResponse>((resolve, reject) => {
      const { signal } = options;
      const onAbort = () => {
        this.#expire(requestId);
        reject(signal?.reason instanceof Error ? signal.reason : new Error('aborted'));
      };
      if (signal?.aborted) return onAbort();
      const timer = setTimeout(() => {
        this.#expire(requestId);
        reject(new RequestTimeoutError(kind, options.timeoutMs));
      }, options.timeoutMs);
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#pending.set(requestId, {
        kind,
        resolve,
        reject,
        timer,
        cleanup: () => signal?.removeEventListener('abort', onAbort),
      });
      this.#socket.write(frame);
    });
  }

  /**
   * Settles once every request of `kind` we gave up on has been answered after all, or the
   * connection closed; undefined when there is none. An agent answers a turn we stopped waiting
   * for only once that turn has ended.
   */
  abandoned(kind: RequestKind): Promise<void> | undefined {
    const waits = [...this.#abandoned.values()].filter((entry) => entry.kind === kind).map((entry) => entry.answered);
    return waits.length === 0 ? undefined : Promise.all(waits).then(() => {});
  }

  close(): void {
    this.#socket.destroy();
    this.#finish(undefined);
  }

  #expire(requestId: string): void {
    const pending = this.#pending.get(requestId);
    if (pending === undefined) return;
    clearTimeout(pending.timer);
    pending.cleanup();
    this.#pending.delete(requestId);
    let settle!: () => void;
    const answered = new Promise<void>((resolve) => (settle = resolve));
    this.#abandoned.set(requestId, { kind: pending.kind, answered, settle });
    if (this.#abandoned.size > EXPIRED_ID_MEMORY) {
      const [oldest, entry] = this.#abandoned.entries().next().value!;
      entry.settle();
      this.#abandoned.delete(oldest);
    }
  }

  #onData(chunk: Buffer): void {
    let frames: Buffer[];
    try {
      frames = this.#decoder.push(chunk);
    } catch (error) {
      return this.#fail(error as Error);
    }
    for (const frame of frames) {
      if (this.#closed !== undefined) return;
      this.#onFrame(frame);
    }
  }

  #onFrame(frame: Buffer): void {
    const receivedAt = Date.now();
    let envelope;
    try {
      envelope = decodeEnvelope(frame);
    } catch (error) {
      return this.#fail(
        new ProtocolError(
          `the agent sent a frame that is not an agent session message (${(error as Error).message})`,
          'undecodable-frame',
          {
            cause: error,
          },
        ),
      );
    }
    switch (envelope.message) {
      case 'event':
        this.#handlers.onEvent(envelope.event!, receivedAt);
        return;
      case 'response':
        return this.#onResponse(envelope.response!);
      case 'audioPlaybackFlush':
        this.#socket.write(FLUSH_ACK);
        return;
      default:
        // audio_output, audio_playback_clear, and members newer than our schema: nothing to do in text mode.
        return;
    }
  }

  #onResponse(response: WireResponse): void {
    const pending = this.#pending.get(response.requestId);
    if (pending === undefined) {
      const abandoned = this.#abandoned.get(response.requestId);
      if (abandoned !== undefined) {
        abandoned.settle();
        this.#abandoned.delete(response.requestId);
        return;
      }
      return this.#fail(
        new ProtocolError(`the agent answered a request that was never sent (request id "${response.requestId}")`, 'unexpected-message'),
      );
    }
    clearTimeout(pending.timer);
    pending.cleanup();
    this.#pending.delete(response.requestId);
    pending.resolve(response);
  }

  #fail(error: Error): void {
    this.#socket.destroy();
    this.#finish(error);
  }

  #finish(error: Error | undefined): void {
    if (this.#closed !== undefined) return;
    this.#closed = error ?? null;
    for (const entry of this.#abandoned.values()) entry.settle();
    this.#abandoned.clear();
    for (const [id, pending] of this.#pending) {
      clearTimeout(pending.timer);
      pending.cleanup();
      pending.reject(new ConnectionClosedError(`the agent connection closed while waiting for ${pending.kind}`, { cause: error }));
      this.#pending.delete(id);
    }
    this.#handlers.onClose(error);
  }
}
