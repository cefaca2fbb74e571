/**
 * One agent subprocess: spawned in its own process group (a Python agent that gets a second
 * signal kills its whole group, which must not be ours), its output drained into a bounded
 * tail, and torn down by signalling the group, waiting, then SIGKILL, since real agents neither
 * exit when their socket closes nor promptly on SIGTERM. Then whatever it started in a session or
 * group of its own is found by the agent's own tag and ended too.
 */
import type { ResultPromise } from 'execa';
import { agentSpawnFailed, SPAWN_HINT } from '../errors/index.js';
import { endGroup, waitAtMost } from './group.js';
import { OutputTail } from './output-tail.js';
import { trackSessionTag, untrackSessionTag } from './registry.js';
import { newSessionTag, SESSION_TAG_ENV } from './run-tag.js';

export interface SpawnOptions {
  argv: readonly string[];
  cwd: string;
  env: Readonly<Record<string, string | undefined>>;
  /** Bytes of output kept for error messages. */
  outputLimit?: number;
  /** Called with every chunk the agent prints (e.g. to echo it while debugging). */
  onOutput?: (text: string, stream: 'stdout' | 'stderr') => void;
  /** Applied to the output before anyone sees it (secrets from the environment). */
  redact?: (text: string) => string;
  /**
   * For agents that speak their protocol over stdio (stream-json CLIs): stdin becomes writable,
   * stdout goes to `onStdout` instead of the tail, and only stderr is kept for error messages.
   */
  stdio?: { onStdout: (text: string) => void; onStdoutEnd: () => void };
}

export interface ExitStatus {
  exitCode: number | null;
  signal: string | null;
  /** Set when the process could not be started at all (e.g. ENOENT). */
  spawnError?: Error;
}

export interface TerminateOptions {
  /** First signal sent to the group. */
  signal?: NodeJS.Signals;
  /** How long to wait after it before SIGKILL. */
  graceMs?: number;
  /**
   * With the stdio protocol: close stdin first and give the agent this long to finish and exit
   * on its own (CLIs end on EOF) before any signal.
   */
  inputGraceMs?: number;
}

const DEFAULT_GRACE_MS = 3000;

/**
 * What a session needs of its agent's process: an {@link AgentProcess} it spawned, or an agent
 * started earlier and handed over by the pre-spawn broker.
 */
export interface AgentProcessLike {
  readonly pid: number | undefined;
  /** Resolves with the exit status once the process has exited. */
  readonly exited: Promise<ExitStatus>;
  /** The exit status once the process has exited. */
  readonly status: ExitStatus | undefined;
  /** True when the agent was started ahead of time and handed over. */
  readonly prespawned?: boolean;
  /** The retained tail of what the agent printed. */
  output(): string;
  /** Ends the agent and its process group; idempotent. */
  terminate(options?: TerminateOptions): Promise<ExitStatus>;
}

type Execa = typeof import('execa').execa;
let execaModule: Promise<Execa> | undefined;

/**
 * execa and its dependencies are some 150 modules. Loaded at the first spawn, not with the package:
 * a test worker whose agents come from the pre-spawn broker never spawns, and each worker process
 * Vitest starts would otherwise load them for nothing.
 */
function loadExeca(): Promise<Execa> {
  return (execaModule ??= import('execa').then((module) => module.execa));
}

export class AgentProcess implements AgentProcessLike {
  readonly argv: readonly string[];
  /** The value of {@link SESSION_TAG_ENV} in the agent's environment, inherited by all it starts. */
  readonly sessionTag = newSessionTag();
  readonly #child: ResultPromise;
  readonly #tail: OutputTail;
  readonly #redact: (text: string) => string;
  readonly exited: Promise<ExitStatus>;
  /** Settles once the output pipes have closed (after `exited`, unless a grandchild holds them). */
  readonly outputClosed: Promise<void>;
  #status: ExitStatus | undefined;
  #terminating: Promise<ExitStatus> | undefined;

  private constructor(options: SpawnOptions, execa: Execa) {
    this.argv = options.argv;
    this.#tail = new OutputTail(options.outputLimit);
    this.#redact = options.redact ?? ((text) => text);
    const [file, ...args] = options.argv;
    // Registered before the spawn, so a process that dies in the next instant still sweeps the tag.
    trackSessionTag(this.sessionTag);
    this.#child = execa(file!, args, {
      cwd: options.cwd,
      env: { ...options.env, [SESSION_TAG_ENV]: this.sessionTag },
      extendEnv: false,
      detached: true,
      stdin: options.stdio ? 'pipe' : 'ignore',
      buffer: false,
      reject: false,
      // We own teardown (group kill with escalation); execa's cleanup only signals the leader.
      cleanup: false,
    });
    const drain = (stream: 'stdout' | 'stderr') => {
      const source = this.#child[stream];
      source?.setEncoding('utf8');
      source?.on('data', (text: string) => {
        this.#tail.push(text);
        options.onOutput?.(this.#redact(text), stream);
      });
    };
    if (options.stdio) {
      // An agent that exits while we write gets EPIPE; its exit is reported, not the write.
      this.#child.stdin?.on('error', () => {});
      this.#child.stdout?.setEncoding('utf8');
      this.#child.stdout?.on('data', options.stdio.onStdout);
      this.#child.stdout?.on('end', options.stdio.onStdoutEnd);
    } else {
      drain('stdout');
    }
    drain('stderr');
    // The process's own exit, not execa's result: that also waits for the output pipes to close,
    // which a grandchild that kept them (a daemonised helper) may never do.
    const processExit = new Promise<ExitStatus>((resolve) =>
      this.#child.once('exit', (code, signal) => resolve({ exitCode: code, signal })),
    );
    const result = this.#child.then((result) => {
      const status: ExitStatus = {
        exitCode: result.exitCode ?? null,
        signal: result.signal ?? null,
      };
      const cause = (result as { cause?: unknown }).cause;
      if (result.failed && result.exitCode === undefined && result.signal === undefined && cause instanceof Error) {
        status.spawnError = cause;
      }
      return status;
    });
    this.outputClosed = result.then(() => {});
    this.exited = Promise.race([processExit, result]).then((status) => {
      this.#status = status;
      return status;
    });
  }

  /** Starts the agent. Resolves once the OS has created the process (or reports why it could not). */
  static async spawn(options: SpawnOptions, agentFile?: string, hint: string = SPAWN_HINT): Promise<AgentProcess> {
    const agent = new AgentProcess(options, await loadExeca());
    const started = await Promise.race([new Promise<true>((resolve) => agent.#child.once('spawn', () => resolve(true))), agent.exited]);
    if (started !== true && started.spawnError) {
      untrackSessionTag(agent.sessionTag);
      throw agentSpawnFailed({ spawnError: started.spawnError, hint }, { agentFile, command: options.argv });
    }
    return agent;
  }

  get pid(): number | undefined {
    return this.#child.pid;
  }

  /** The exit status once the process has exited. */
  get status(): ExitStatus | undefined {
    return this.#status;
  }

  /** The retained tail of what the agent printed. */
  output(): string {
    // The whole tail at once: a secret split across two chunks is still found.
    return this.#redact(this.#tail.text());
  }

  /** With the stdio protocol: writes to the agent's stdin; false when it is already closed. */
  write(text: string): boolean {
    const stdin = this.#child.stdin;
    if (!stdin || stdin.destroyed || stdin.writableEnded) return false;
    stdin.write(text);
    return true;
  }

  /**
   * Ends the agent and everything in its process group. Idempotent; resolves when the leader
   * has been reaped. The group gets SIGKILL at the end even if the leader left on its own,
   * so helpers it spawned (e.g. an inference process) cannot linger.
   */
  terminate(options: TerminateOptions = {}): Promise<ExitStatus> {
    this.#terminating ??= this.#terminate(options);
    return this.#terminating;
  }

  async #terminate({ signal = 'SIGINT', graceMs = DEFAULT_GRACE_MS, inputGraceMs = 0 }: TerminateOptions): Promise<ExitStatus> {
    const pid = this.#child.pid;
    if (pid === undefined) {
      untrackSessionTag(this.sessionTag);
      return this.exited;
    }
    if (this.#child.stdin) {
      this.#child.stdin.end();
      if (this.#status === undefined) await waitAtMost(this.exited, inputGraceMs);
    }
    await endGroup(pid, this, signal, graceMs);
    return this.exited;
  }
}
