/**
 * The daemon behind one CLI session, started detached by `start` and run as
 * `node daemon.js <config-json>`. It holds one agent session (src/session), serves the control
 * channel (./control.ts) on loopback with a credential of its own, keeps every turn record, and
 * stops the agent and clears its state on `stop`, a signal or the idle timeout. If it is killed
 * outright, the process layer's watchdog kills the agent.
 */
import { createWriteStream } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { timingSafeEqual } from 'node:crypto';
import { AgentSessionError } from '../errors/agent-session-error.js';
import { createCredential } from '../process/credential.js';
import type { AgentSession } from '../session/livekit-session.js';
import { startAgentSession } from '../session/start.js';
import type { TurnRecord } from '../turn/types.js';
import type { ControlAnswer, ControlRequest } from './control.js';
import { loadModel } from './model.js';
import { agentLogPath, clearDir, DAEMON_CONFIG_ENV, writeState, type DaemonState, type ModelSource } from './state.js';

export interface DaemonConfig {
  name: string;
  dir: string;
  agentFile: string;
  model: ModelSource;
  env: Record<string, string>;
  idleTimeout: number;
  startupTimeout?: number;
}

/** The largest request line accepted: a say text of up to 1 MiB (what the agents accept), JSON-escaped. */
const MAX_REQUEST_BYTES = 8 * 1024 * 1024;

class Daemon {
  readonly #config: DaemonConfig;
  readonly #credential = Buffer.from(createCredential());
  readonly #server: Server;
  readonly #history: TurnRecord[] = [];
  #state: DaemonState;
  #session: Promise<AgentSession>;
  #resolveSession!: (session: AgentSession) => void;
  #busy = 0;
  #idle: NodeJS.Timeout | undefined;
  #stopping = false;

  constructor(config: DaemonConfig) {
    this.#config = config;
    this.#server = createServer((socket) => this.#accept(socket));
    this.#session = new Promise((resolve) => (this.#resolveSession = resolve));
    this.#state = {
      name: config.name,
      pid: process.pid,
      status: 'starting',
      agentFile: config.agentFile,
      model: config.model,
      startedAt: new Date().toISOString(),
      idleTimeout: config.idleTimeout,
    };
  }

  async run(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen({ host: '127.0.0.1', port: 0 }, resolve);
    });
    const address = this.#server.address();
    if (address === null || typeof address === 'string') throw new Error('the control channel has no port');
    this.#state = { ...this.#state, port: address.port, credential: this.#credential.toString() };
    writeState(this.#config.dir, this.#state);

    const agentLog = createWriteStream(agentLogPath(this.#config.dir), { flags: 'a', mode: 0o600 });
    const model = await loadModel(this.#config.model);
    if (model.from && this.#state.model.kind === 'scripted')
      this.#state = { ...this.#state, model: { ...this.#state.model, ...model.from } };
    const session = await startAgentSession(this.#config.agentFile, {
      llm: model.llm,
      env: this.#config.env,
      onOutput: (text) => agentLog.write(text),
      ...(this.#config.startupTimeout !== undefined && { startupTimeout: this.#config.startupTimeout }),
    });
    this.#state = { ...this.#state, status: 'ready', ...(session.pid !== undefined && { agentPid: session.pid }) };
    writeState(this.#config.dir, this.#state);
    this.#resolveSession(session);
    this.#armIdle();
    const { credential: _secret, port: _port, ...shown } = this.#state;
    process.stdout.write(`${JSON.stringify({ ok: true, ...shown })}\n`);
  }

  #armIdle(): void {
    clearTimeout(this.#idle);
    if (this.#busy === 0) {
      this.#idle = setTimeout(() => {
        process.stderr.write(`idle for ${this.#config.idleTimeout} ms: stopping\n`);
        void this.stop();
      }, this.#config.idleTimeout);
    }
  }

  #accept(socket: Socket): void {
    let received = '';
    socket.setEncoding('utf8');
    socket.on('error', () => {});
    socket.on('data', (chunk: string) => {
      received += chunk;
      const end = received.indexOf('\n');
      if (end === -1) {
        if (received.length > MAX_REQUEST_BYTES) socket.destroy();
        return;
      }
      socket.removeAllListeners('data');
      let body: (ControlRequest & { credential?: unknown }) | undefined;
      try {
        body = JSON.parse(received.slice(0, end)) as ControlRequest & { credential?: unknown };
      } catch {
        body = undefined;
      }
      // Anyone on the machine can reach a loopback port: without the credential, nothing is said.
      if (!body || !this.#authorised(body.credential)) return void socket.destroy();
      void this.#handle(body).then((answer) => {
        socket.end(`${JSON.stringify(answer)}\n`, () => {
          if (body.command === 'stop') void this.stop();
        });
      });
    });
  }

  #authorised(credential: unknown): boolean {
    if (typeof credential !== 'string') return false;
    const given = Buffer.from(credential);
    return given.length === this.#credential.length && timingSafeEqual(given, this.#credential);
  }

  async #handle(body: ControlRequest): Promise<ControlAnswer> {
    this.#busy++;
    clearTimeout(this.#idle);
    try {
      const session = await this.#session;
      switch (body.command) {
        case 'say':
          return await this.#say(session, body.text, body.timeout);
        case 'history':
        case 'stop':
          return { ok: true, turns: this.#history };
        case 'status': {
          const info = await session.info();
          const { name, agentFile, agentPid, model } = this.#state;
          return {
            ok: true,
            status: { name, agentFile, ...(agentPid !== undefined && { agentPid }), model, turns: this.#history.length, info },
          };
        }
        case 'ping':
          return { ok: true };
      }
    } catch (error) {
      return failure(error);
    } finally {
      this.#busy--;
      this.#armIdle();
    }
  }

  async #say(session: AgentSession, text: string, timeout: number | undefined): Promise<ControlAnswer> {
    try {
      const turn = await session.say(text, timeout === undefined ? {} : { timeout });
      this.#history.push(turn);
      return { ok: true, turn };
    } catch (error) {
      // A failed turn is part of the session too: an export shows what happened before it failed.
      if (error instanceof AgentSessionError && error.turn) this.#history.push(error.turn);
      return failure(error);
    }
  }

  /** Stops the agent, closes the channel and removes the state; the process then exits. */
  async stop(exitCode = 0): Promise<never> {
    if (!this.#stopping) {
      this.#stopping = true;
      clearTimeout(this.#idle);
      this.#server.close();
      const session = await Promise.race([this.#session, Promise.resolve(undefined)]);
      await session?.close().catch(() => {});
      clearDir(this.#config.dir);
    }
    process.exit(exitCode);
  }
}

function failure(error: unknown): ControlAnswer {
  if (error instanceof AgentSessionError)
    return { ok: false, code: error.code, message: error.message, ...(error.turn && { turn: error.turn }) };
  return { ok: false, code: 'ERROR', message: error instanceof Error ? error.message : String(error) };
}

// The config holds the --env values: it comes in the environment (readable by this user only),
// never on the command line (readable by every local user), and leaves before the agent is spawned.
const config = JSON.parse(process.env[DAEMON_CONFIG_ENV] ?? '{}') as DaemonConfig;
delete process.env[DAEMON_CONFIG_ENV];
const daemon = new Daemon(config);
// `start` stops reading once the daemon is ready; later writes must not kill it.
process.stdout.on('error', () => {});
for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.once(signal, () => void daemon.stop());
daemon.run().catch(async (error: unknown) => {
  process.stdout.write(`${JSON.stringify(failure(error))}\n`);
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  await daemon.stop(1);
});
