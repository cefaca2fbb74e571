/**
 * The broker's control protocol: one JSON object per line over loopback TCP, and the header
 * line that turns a connection into a data connection (raw bytes to and from the agent).
 */
import type net from 'node:net';
import type { ExitStatus } from '../process/agent-process.js';
import type { ModelTarget } from './model-relay.js';
import type { SpawnSpec } from './spec.js';

/** Where the broker listens and the token that admits a connection; what workers are given. */
export interface BrokerAddress {
  host: string;
  port: number;
  token: string;
}

/**
 * How long the broker lets a session with no spare wait for its launch's fork server, which began
 * its imports earlier than a cold start begun now would; the session waits a little more for the answer.
 */
export const FORK_REQUEST_WAIT_MS = 15_000;

/** The session's model server, as a launch forked for the session is pointed at it. */
export interface ForkModel {
  port: number;
  credential: string;
}

/** Worker to broker. The first message of every connection carries the token. */
export type ClientMessage =
  /** Asks for a spare of this agent file, for the test file that runs it (if known). */
  | { t: 'want'; token: string; agentFile: string; testFile?: string }
  /**
   * No spare came: asks for an agent of this exact launch forked for this session, its model
   * calls going straight to the session's model server (`llm`). Answered like `want`.
   */
  | { t: 'fork'; token: string; spec: SpawnSpec; startupTimeout: number; llm?: ForkModel; testFile?: string }
  /** Takes the offered spare if its spec is this one; its model calls go to `model`, the file's model server. */
  | { t: 'claim'; id: number; spec: SpawnSpec; model?: ModelTarget }
  /** Ends the claimed agent. */
  | { t: 'terminate'; signal: NodeJS.Signals; graceMs: number }
  /** A cold start that worked: the broker may keep spares of it. */
  | { t: 'learn'; token: string; spec: SpawnSpec; startupTimeout: number }
  /** Sent before a cold start: a launch the broker may get ready to fork, before it is known to work. */
  | { t: 'prepare'; token: string; spec: SpawnSpec; startupTimeout: number }
  /** The first line of a data connection. */
  | { t: 'data'; token: string; id: number };

/** Broker to worker. */
export type BrokerMessage =
  | { t: 'offer'; id: number; llmCredential: string; pid: number; connectAddr: string }
  | { t: 'none' }
  | { t: 'mismatch'; reason: string }
  /** The spare is the worker's; `output` is everything it printed so far. */
  | { t: 'claimed'; output: string }
  /** The agent has connected to the broker; the data connection now reaches it. */
  | { t: 'connected' }
  | { t: 'output'; text: string; stream: 'stdout' | 'stderr' }
  | { t: 'exit'; status: Omit<ExitStatus, 'spawnError'> };

/** Sends one message. */
export function send(socket: net.Socket, message: ClientMessage | BrokerMessage): void {
  if (!socket.destroyed && socket.writable) socket.write(`${JSON.stringify(message)}\n`);
}

/**
 * Calls `onMessage` for each line that arrives. With `untilFirst`, stops after the first line and
 * hands back the bytes after it (for the data connection's header). Unparseable input ends the connection.
 */
export function readLines<M>(socket: net.Socket, onMessage: (message: M) => void, untilFirst?: (rest: Buffer) => void): void {
  let buffered: Buffer = Buffer.alloc(0);
  const onData = (chunk: Buffer) => {
    buffered = buffered.length === 0 ? chunk : Buffer.concat([buffered, chunk]);
    for (;;) {
      const end = buffered.indexOf(0x0a);
      if (end < 0) {
        // Nothing we send comes near this; a peer that does is not ours.
        if (buffered.length > 64 << 20) socket.destroy();
        return;
      }
      const line = buffered.subarray(0, end).toString('utf8');
      buffered = buffered.subarray(end + 1);
      let message: M;
      try {
        message = JSON.parse(line) as M;
      } catch {
        socket.destroy();
        return;
      }
      if (untilFirst) {
        socket.off('data', onData);
        onMessage(message);
        untilFirst(buffered);
        return;
      }
      onMessage(message);
    }
  };
  socket.on('data', onData);
}
