/**
 * A LiveKit session over an in-process socket pair: the real AgentSession on one end, a scripted
 * agent on the other, and a stand-in for the agent's process. Nothing is spawned.
 */
import type net from 'node:net';
import type { AgentProcessLike, ExitStatus } from '../../../src/process/agent-process.js';
import type { Launch } from '../../../src/process/runtime.js';
import { socketPair } from '../protocol/socket-pair.js';
import { encodeFrame, FrameDecoder } from '../../../src/protocol/framing.js';
import { decodeEnvelope, encodeEnvelope } from '../../../src/protocol/schema.js';
import { AgentSession } from '../../../src/session/livekit-session.js';
import type { AgentSessionOptions } from '../../../src/session/options.js';

/** The agent's process, as the session sees it: never exits unless terminated. */
export function processStandIn(): AgentProcessLike & { terminated: boolean } {
  let exit!: (status: ExitStatus) => void;
  const exited = new Promise<ExitStatus>((resolve) => (exit = resolve));
  let status: ExitStatus | undefined;
  const standIn = {
    pid: undefined,
    exited,
    get status() {
      return status;
    },
    terminated: false,
    output: () => '',
    terminate: async () => {
      standIn.terminated = true;
      status ??= { exitCode: 0, signal: null };
      exit(status);
      return status;
    },
  };
  return standIn;
}

export interface ReceivedRequest {
  requestId: string;
  kind: string;
  body: Record<string, unknown>;
}

/**
 * The scripted agent: answers the greeting's polls (listening, empty history) by itself and
 * hands every other request to the test, which answers with `respond`.
 */
export class ScriptedAgent {
  readonly requests: ReceivedRequest[] = [];
  readonly #socket: net.Socket;
  #waiters: (() => void)[] = [];

  constructor(socket: net.Socket) {
    this.#socket = socket;
    const decoder = new FrameDecoder();
    socket.on('data', (chunk: Buffer) => {
      for (const frame of decoder.push(chunk))
        this.#onMessage(JSON.parse(JSON.stringify(decodeEnvelope(frame))) as Record<string, unknown>);
    });
    socket.on('error', () => {});
  }

  #onMessage(message: Record<string, unknown>): void {
    const request = message['request'] as Record<string, unknown> | undefined;
    if (!request) return;
    const requestId = String(request['requestId']);
    const kind = Object.keys(request).find((key) => key !== 'requestId' && key !== 'request')!;
    if (kind === 'getSessionState')
      return this.respond(requestId, { getSessionState: { agentState: 2, userState: 1, agentId: 'a', options: {} } });
    if (kind === 'getChatHistory') return this.respond(requestId, { getChatHistory: { items: [] } });
    this.requests.push({ requestId, kind, body: (request[kind] ?? {}) as Record<string, unknown> });
    for (const wake of this.#waiters.splice(0)) wake();
  }

  /** The runInput texts received so far. */
  get inputs(): string[] {
    return this.requests.filter((r) => r.kind === 'runInput').map((r) => String(r.body['text']));
  }

  /** Waits until `count` requests of `kind` have come. */
  async received(kind: string, count = 1): Promise<ReceivedRequest> {
    for (;;) {
      const matching = this.requests.filter((r) => r.kind === kind);
      if (matching.length >= count) return matching[count - 1]!;
      await new Promise<void>((resolve) => this.#waiters.push(resolve));
    }
  }

  respond(requestId: string, body: Record<string, unknown>): void {
    this.send({ response: { requestId, ...body } });
  }

  /** Answers a runInput with one assistant message. */
  reply(request: ReceivedRequest, text: string): void {
    this.respond(request.requestId, {
      runInput: { items: [{ message: { id: `m-${request.requestId}`, role: 3, content: [{ text }], interrupted: false } }] },
    });
  }

  event(event: Record<string, unknown>): void {
    this.send({ event });
  }

  send(message: Record<string, unknown>): void {
    this.#socket.write(encodeFrame(encodeEnvelope(message)));
  }
}

/** A session already past its start, talking to a scripted agent. */
export async function sessionWithScriptedAgent(options: AgentSessionOptions = {}) {
  const [near, far] = await socketPair();
  const agent = new ScriptedAgent(far);
  const process = processStandIn();
  const launch: Launch = {
    kind: 'python',
    file: '/agents/scripted.py',
    argv: ['python', 'scripted.py'],
    cwd: '/agents',
    interpreterSource: 'test',
  };
  const session = new AgentSession(launch.file, launch, process, { close() {} }, near, undefined, options);
  return {
    session,
    agent,
    process,
    close: async () => {
      await session.close();
      far.destroy();
    },
  };
}
