/**
 * Python agents started by forking (launch/python/fork_server.py): one server per launch imports
 * livekit-agents and the agent's plugins once, and each agent is a child forked from it that runs
 * the same console command, in a session and process group of its own. A start then costs the
 * console's own start-up (about half a second) instead of the imports (about three).
 *
 * A forked agent is not our child: the server reports its pid, output and exit. It is signalled by
 * its process group like any agent, tracked for the exit handler and the watchdog, and carries its
 * session tag in the environment of everything it executes.
 */
import { fileURLToPath } from 'node:url';
import { AgentProcess, type AgentProcessLike, type ExitStatus, type SpawnOptions, type TerminateOptions } from './agent-process.js';
import { groupExists } from './exists.js';
import { forkableLaunch } from './forkable.js';
import { endGroup } from './group.js';
import { OutputTail } from './output-tail.js';
import { trackSessionTag, untrackSessionTag } from './registry.js';
import { newSessionTag, SESSION_TAG_ENV } from './run-tag.js';

export { forkableLaunch } from './forkable.js';

const SERVER = fileURLToPath(new URL('../../launch/python/fork_server.py', import.meta.url));
/** The grace after SIGINT when the caller gives none, as for a spawned agent. */
const DEFAULT_GRACE_MS = 3000;
/**
 * How long closing waits for agents still running (their sessions are ending them, within their
 * grace) before the server ends and kills what is left: its children's output and exit go through it.
 */
const CLOSE_WAIT_MS = DEFAULT_GRACE_MS + 2000;
/** How often a forked agent whose server died is checked for having gone. */
const ORPHAN_POLL_MS = 100;

type ServerMessage =
  | { t: 'ready'; ms: number }
  | { t: 'unsupported'; reason: string }
  | { t: 'forked'; id: number; pid: number }
  | { t: 'refused'; id: number; reason: string }
  | { t: 'out'; id: number; s: 'stdout' | 'stderr'; d: string }
  | { t: 'closed'; id: number }
  | { t: 'exit'; id: number; code: number | null; signal: string | null };

export interface ForkServerOptions {
  /** The interpreter argv prefix, as the agents' launch has it. */
  interpreter: readonly string[];
  agentFile: string;
  cwd: string;
  env: Readonly<Record<string, string | undefined>>;
  /** How long the imports may take. */
  timeoutMs: number;
}

export class ForkServer {
  readonly #process: AgentProcess;
  readonly #agents = new Map<number, ForkedAgent>();
  readonly #forks = new Map<number, { resolve: (pid: number) => void; reject: (error: Error) => void }>();
  #buffer = '';
  #nextId = 0;
  /** Resolves when the imports are done; rejects with why forking is not possible. */
  readonly ready: Promise<{ ms: number }>;
  #ready!: (value: { ms: number }) => void;
  #unready!: (error: Error) => void;
  #gone = false;

  private constructor(process: AgentProcess) {
    this.#process = process;
    this.ready = new Promise((resolve, reject) => {
      this.#ready = resolve;
      this.#unready = reject;
    });
    this.ready.catch(() => {});
  }

  /** Starts a server for agents launched with `options`; `ready` says whether it can fork them. */
  static async start(options: ForkServerOptions): Promise<ForkServer> {
    const early: string[] = [];
    let onStdout = (text: string): void => {
      early.push(text);
    };
    let onEnd = () => {};
    const child = await AgentProcess.spawn({
      argv: [...options.interpreter, SERVER, options.agentFile],
      cwd: options.cwd,
      env: options.env,
      outputLimit: 16 * 1024,
      stdio: { onStdout: (text) => onStdout(text), onStdoutEnd: () => onEnd() },
    });
    const server = new ForkServer(child);
    onStdout = (text) => server.#onStdout(text);
    onEnd = () => server.#onGone();
    for (const text of early) server.#onStdout(text);
    void child.exited.then(() => server.#onGone());
    const timer = setTimeout(() => server.#unready(new Error(`the imports took over ${options.timeoutMs} ms`)), options.timeoutMs);
    timer.unref();
    void server.ready.finally(() => clearTimeout(timer)).catch(() => {});
    return server;
  }

  get pid(): number | undefined {
    return this.#process.pid;
  }

  /** Forks an agent that runs `options.argv` (a forkable launch) with its environment and folder. */
  async fork(options: SpawnOptions): Promise<ForkedAgent> {
    await this.ready;
    const launch = forkableLaunch(options.argv);
    if (!launch) throw new Error('not a livekit.agents console launch');
    const id = ++this.#nextId;
    const agent = new ForkedAgent(options, () => this.#agents.delete(id));
    this.#agents.set(id, agent);
    const pid = new Promise<number>((resolve, reject) => this.#forks.set(id, { resolve, reject }));
    const env: Record<string, string> = {};
    for (const [key, value] of Object.entries(options.env)) if (value !== undefined) env[key] = value;
    env[SESSION_TAG_ENV] = agent.sessionTag;
    if (!this.#process.write(`${JSON.stringify({ t: 'fork', id, argv: launch.args, cwd: options.cwd, env })}\n`)) {
      this.#forks.delete(id);
      this.#agents.delete(id);
      throw new Error('the fork server has exited');
    }
    try {
      agent.started(await pid);
    } catch (error) {
      this.#agents.delete(id);
      untrackSessionTag(agent.sessionTag);
      throw error;
    }
    return agent;
  }

  /**
   * Ends the server once the agents it forked have exited (each is ended by its own session), or
   * after `waitMs`; the server kills those still running when it ends. Without the wait, an agent
   * still in its shutdown (saving a transcript after SIGINT) would be killed midway.
   */
  async close({ waitMs = CLOSE_WAIT_MS }: { waitMs?: number } = {}): Promise<void> {
    const running = [...this.#agents.values()].map((agent) => agent.exited);
    if (running.length > 0 && !this.#gone) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([Promise.all(running), new Promise((resolve) => (timer = setTimeout(resolve, waitMs)))]);
      clearTimeout(timer);
    }
    await this.#process.terminate({ inputGraceMs: 1000, graceMs: 0 });
  }

  #onStdout(text: string): void {
    const lines = (this.#buffer + text).split('\n');
    this.#buffer = lines.pop() ?? '';
    for (const line of lines) {
      if (line.trim() === '') continue;
      let message: ServerMessage;
      try {
        message = JSON.parse(line) as ServerMessage;
      } catch {
        continue;
      }
      this.#onMessage(message);
    }
  }

  #onMessage(message: ServerMessage): void {
    switch (message.t) {
      case 'ready':
        this.#ready({ ms: message.ms });
        return;
      case 'unsupported':
        this.#unready(new Error(message.reason));
        return;
      case 'forked':
        this.#forks.get(message.id)?.resolve(message.pid);
        this.#forks.delete(message.id);
        return;
      case 'refused':
        this.#forks.get(message.id)?.reject(new Error(message.reason));
        this.#forks.delete(message.id);
        return;
      case 'out':
        this.#agents.get(message.id)?.relayOutput(message.d, message.s);
        return;
      case 'closed':
        this.#agents.get(message.id)?.outputEnded();
        return;
      case 'exit':
        this.#agents.get(message.id)?.exit({ exitCode: message.code, signal: message.signal });
        return;
    }
  }

  /** The server is gone: nothing more will be forked, and its agents' exits must be watched for here. */
  #onGone(): void {
    if (this.#gone) return;
    this.#gone = true;
    const why = this.#process.output().trim().split('\n').at(-1) ?? '';
    this.#unready(new Error(`the fork server exited${why ? `: ${why}` : ''}`));
    for (const fork of this.#forks.values()) fork.reject(new Error('the fork server exited'));
    this.#forks.clear();
    for (const agent of this.#agents.values()) agent.orphaned();
  }
}

/** An agent forked by a {@link ForkServer}: what a session and the broker need of its process. */
export class ForkedAgent implements AgentProcessLike {
  readonly sessionTag = newSessionTag();
  readonly exited: Promise<ExitStatus>;
  readonly outputClosed: Promise<void>;
  #pid: number | undefined;
  #status: ExitStatus | undefined;
  #exit!: (status: ExitStatus) => void;
  #outputEnd!: () => void;
  readonly #tail: OutputTail;
  readonly #options: SpawnOptions;
  readonly #forget: () => void;
  #terminating: Promise<ExitStatus> | undefined;

  constructor(options: SpawnOptions, forget: () => void) {
    this.#options = options;
    this.#forget = forget;
    this.#tail = new OutputTail(options.outputLimit);
    // Registered before the fork, so a process that dies in the next instant still sweeps the tag.
    trackSessionTag(this.sessionTag);
    this.exited = new Promise((resolve) => (this.#exit = resolve));
    this.outputClosed = new Promise((resolve) => (this.#outputEnd = resolve));
  }

  get pid(): number | undefined {
    return this.#pid;
  }

  get status(): ExitStatus | undefined {
    return this.#status;
  }

  output(): string {
    return (this.#options.redact ?? ((text: string) => text))(this.#tail.text());
  }

  /** @internal The server forked it. */
  started(pid: number): void {
    this.#pid = pid;
  }

  /** @internal Output the server relayed. */
  relayOutput(text: string, stream: 'stdout' | 'stderr'): void {
    this.#tail.push(text);
    this.#options.onOutput?.((this.#options.redact ?? ((t: string) => t))(text), stream);
  }

  /** @internal Both output pipes are at their end. */
  outputEnded(): void {
    this.#outputEnd();
  }

  /** @internal The server reaped it. */
  exit(status: ExitStatus): void {
    if (this.#status !== undefined) return;
    this.#status = status;
    this.#outputEnd();
    this.#forget();
    this.#exit(status);
  }

  /** @internal Its server died: nobody will report the exit, so watch the process group go. */
  orphaned(): void {
    const pid = this.#pid;
    if (pid === undefined) return this.exit({ exitCode: null, signal: null });
    const timer = setInterval(() => {
      if (groupExists(pid)) return;
      clearInterval(timer);
      this.exit({ exitCode: null, signal: null });
    }, ORPHAN_POLL_MS);
    timer.unref();
  }

  terminate(options: TerminateOptions = {}): Promise<ExitStatus> {
    this.#terminating ??= this.#terminate(options);
    return this.#terminating;
  }

  async #terminate({ signal = 'SIGINT', graceMs = DEFAULT_GRACE_MS }: TerminateOptions): Promise<ExitStatus> {
    const pid = this.#pid;
    if (pid === undefined) {
      untrackSessionTag(this.sessionTag);
      return this.exited;
    }
    await endGroup(pid, this, signal, graceMs);
    return this.exited;
  }
}
