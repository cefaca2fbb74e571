/**
 * The daemon behind one CLI session, started detached by `start` and run as
 * `node daemon.js`, its config in the environment. It holds one session (./held.ts), serves the
 * control channel (./control.ts) on loopback with a credential of its own, keeps every turn
 * record, and stops the agent and clears its state on `stop`, a signal or the idle timeout. If
 * the agent dies, it notes how in its state and exits; if it is killed outright, the process
 * layer's watchdog kills the agent.
 */
import { createWriteStream } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { timingSafeEqual } from 'node:crypto';
import { AgentSessionError } from '../errors/agent-session-error.js';
import { createCredential } from '../process/credential.js';
import type { LlmServerLike } from '../core/model-server.js';
import type { TurnRecord } from '../turn/types.js';
import type { ControlAnswer, ControlRequest } from './control.js';
import { hold, type HeldSession } from './held.js';
import { loadModel } from './model.js';
import {
  agentLogPath,
  clearDir,
  DAEMON_CONFIG_ENV,
  writeState,
  type DaemonState,
  type ModelSource,
  type StreamJsonTarget,
} from './state.js';

export interface DaemonConfig {
  name: string;
  dir: string;
  agentFile: string;
  target?: StreamJsonTarget;
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
  #session: Promise<HeldSession>;
  #resolveSession!: (session: HeldSession) => void;
  #llm: LlmServerLike | undefined;
  readonly #agentLog: ReturnType<typeof createWriteStream>;
  #busy = 0;
  #idle: NodeJS.Timeout | undefined;
  #stopping = false;

  constructor(config: DaemonConfig) {
    this.#config = config;
    this.#server = createServer((socket) => this.#accept(socket));
    this.#session = new Promise((resolve) => (this.#resolveSession = resolve));
    this.#agentLog = createWriteStream(agentLogPath(config.dir), { flags: 'a', mode: 0o600 });
    this.#state = {
      name: config.name,
      pid: process.pid,
      status: 'starting',
      agentFile: config.agentFile,
      ...(config.target && { target: config.target }),
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

    const model = await loadModel(this.#config.model);
    this.#llm = model.llm;
    if (model.from && this.#state.model.kind === 'scripted')
      this.#state = { ...this.#state, model: { ...this.#state.model, ...model.from } };
    const session = await this.#hold();
    this.#resolveSession(session);
    this.#armIdle();
    const { credential: _secret, port: _port, ...shown } = this.#state;
    process.stdout.write(`${JSON.stringify({ ok: true, ...shown })}\n`);
  }

  /** Starts the agent and notes it in the state; its death ends the daemon. */
  async #hold(): Promise<HeldSession> {
    const session = await hold(this.#config.agentFile, this.#config.target, {
      llm: this.#llm,
      env: this.#config.env,
      onOutput: (text) => this.#agentLog.write(text),
      startupTimeout: this.#config.startupTimeout ?? 60_000,
    });
    const { agentPid: _old, ...state } = this.#state;
    this.#state = { ...state, status: 'ready', ...(session.pid !== undefined && { agentPid: session.pid }) };
    writeState(this.#config.dir, this.#state);
    void session.ended.then(() => this.#agentGone(session));
    return session;
  }

  /**
   * The agent went away between commands: the state keeps how (with its last output) for the
   * next command to report, the folder stays for `logs`, and the daemon exits.
   */
  async #agentGone(session: HeldSession): Promise<void> {
    if (this.#stopping || session !== (await Promise.race([this.#session, Promise.resolve(undefined)]))) return;
    const why = await session.say('', 1_000).then(
      () => 'the agent went away',
      // The message says what this probe could not do; what matters is how the agent went.
      (error: unknown) => (error instanceof Error ? error.message : String(error)).replace(/^Cannot say: t/, 'T'),
    );
    if (this.#stopping) return;
    this.#stopping = true;
    clearTimeout(this.#idle);
    this.#server.close();
    process.stderr.write(`${why}\n`);
    writeState(this.#config.dir, { ...this.#state, ended: why });
    await session.close().catch(() => {});
    process.exit(1);
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
        case 'listen': {
          const heard = await session.listen(body.timeout);
          if (heard && !this.#history.includes(heard)) this.#history.push(heard);
          await this.#saveCassette();
          return { ok: true, heard: heard ?? null };
        }
        case 'restart':
          return await this.#restart(session);
        case 'history':
        case 'stop':
          return { ok: true, turns: this.#history };
        case 'status': {
          const agent = await session.agent();
          const { name, agentFile, agentPid, model } = this.#state;
          return {
            ok: true,
            status: { name, agentFile, ...(agentPid !== undefined && { agentPid }), model, turns: this.#history.length, agent },
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

  async #say(session: HeldSession, text: string, timeout: number | undefined): Promise<ControlAnswer> {
    try {
      const turn = await session.say(text, timeout);
      await this.#noteGreeting(session);
      this.#history.push(turn);
      return { ok: true, turn };
    } catch (error) {
      // A failed turn is part of the session too: an export shows what happened before it failed.
      if (error instanceof AgentSessionError && error.turn) this.#history.push(error.turn);
      return failure(error);
    } finally {
      await this.#saveCassette();
    }
  }

  /** The greeting the first turn waited for goes first in the history, as the session had it. */
  async #noteGreeting(session: HeldSession): Promise<void> {
    if (this.#history.some((turn) => turn.index >= 0)) return;
    const greeting = await session.settledGreeting();
    if (greeting && !this.#history.includes(greeting)) this.#history.unshift(greeting);
  }

  /** A recording reaches its file after every turn: an export (or a crash) finds what was recorded. */
  async #saveCassette(): Promise<void> {
    const llm = this.#llm as { save?: () => Promise<void> } | undefined;
    await llm?.save?.().catch((error: unknown) => process.stderr.write(`could not save the cassette: ${String(error)}\n`));
  }

  /**
   * A new agent process on the same file and model, so code changes take effect. The
   * conversation starts again: the history (and an export) holds the turns since the restart.
   */
  async #restart(old: HeldSession): Promise<ControlAnswer> {
    this.#session = new Promise((resolve) => (this.#resolveSession = resolve));
    await old.close();
    const skip = this.#state.model.kind === 'record' ? await recordedCount(this.#state.model.cassette) : undefined;
    this.#history.length = 0;
    const { cassetteSkip: _skip, ...state } = this.#state;
    this.#state = { ...state, status: 'starting', ...(skip !== undefined && { cassetteSkip: skip }) };
    writeState(this.#config.dir, this.#state);
    try {
      const session = await this.#hold();
      this.#resolveSession(session);
      return { ok: true, restarted: { ...(session.pid !== undefined && { agentPid: session.pid }) } };
    } catch (error) {
      // Nothing left to hold: report why, then stop as `stop` would.
      setImmediate(() => void this.stop(1));
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

/** How many model calls a cassette file holds now. */
async function recordedCount(cassette: string): Promise<number> {
  const { readFile } = await import('node:fs/promises');
  const { parseCassette } = await import('../llm/cassette-format.js');
  const text = await readFile(cassette, 'utf8').catch(() => '');
  return parseCassette(text, cassette).length;
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
