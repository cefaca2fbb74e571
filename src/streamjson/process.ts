/**
 * The CLI subprocess: like `AgentProcess` (own process group, bounded output tail, group
 * teardown with escalation) but with stdin and stdout as the protocol pipes. Only stderr goes
 * to the tail; stdout is the conversation.
 */
import { execa, type ResultPromise } from 'execa';
import { AgentSessionError } from '../errors.js';
import type { ExitStatus } from '../process/agent-process.js';
import { OutputTail } from '../process/output-tail.js';
import { trackAgent, untrackAgent } from '../process/registry.js';

export interface CliSpawnOptions {
  argv: readonly string[];
  cwd: string;
  env: Readonly<Record<string, string | undefined>>;
  outputLimit?: number;
  /** Each chunk of stdout, decoded. */
  onStdout: (text: string) => void;
  onStdoutEnd: () => void;
  onStderr?: (text: string) => void;
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

export class CliProcess {
  readonly argv: readonly string[];
  readonly exited: Promise<ExitStatus>;
  readonly #child: ResultPromise;
  readonly #tail: OutputTail;
  #status: ExitStatus | undefined;
  #terminating: Promise<ExitStatus> | undefined;

  private constructor(options: CliSpawnOptions) {
    this.argv = options.argv;
    this.#tail = new OutputTail(options.outputLimit);
    const [file, ...args] = options.argv;
    this.#child = execa(file!, args, {
      cwd: options.cwd,
      env: options.env,
      extendEnv: false,
      detached: true,
      stdin: 'pipe',
      buffer: false,
      reject: false,
      cleanup: false,
    });
    // A CLI that exits while we write gets EPIPE; its exit is reported, not the write.
    this.#child.stdin?.on('error', () => {});
    this.#child.stdout?.setEncoding('utf8');
    this.#child.stdout?.on('data', options.onStdout);
    this.#child.stdout?.on('end', options.onStdoutEnd);
    this.#child.stderr?.setEncoding('utf8');
    this.#child.stderr?.on('data', (text: string) => {
      this.#tail.push(text);
      options.onStderr?.(text);
    });
    this.exited = this.#child.then((result) => {
      const status: ExitStatus = { exitCode: result.exitCode ?? null, signal: result.signal ?? null };
      const cause = (result as { cause?: unknown }).cause;
      if (result.failed && result.exitCode === undefined && result.signal === undefined && cause instanceof Error) status.spawnError = cause;
      this.#status = status;
      if (this.#child.pid !== undefined) untrackAgent(this.#child.pid);
      return status;
    });
  }

  static async spawn(options: CliSpawnOptions): Promise<CliProcess> {
    const cli = new CliProcess(options);
    const started = await Promise.race([new Promise<true>((resolve) => cli.#child.once('spawn', () => resolve(true))), cli.exited]);
    if (started !== true && started.spawnError) {
      throw new AgentSessionError('AGENT_SPAWN_FAILED', `Could not start the CLI: ${started.spawnError.message}`, {
        command: options.argv,
        hint: 'Check that the command exists and is executable (for the bundled peers, run `npm run setup:stream-json`).',
        cause: started.spawnError,
      });
    }
    if (cli.pid !== undefined) trackAgent(cli.pid);
    return cli;
  }

  get pid(): number | undefined {
    return this.#child.pid;
  }

  get status(): ExitStatus | undefined {
    return this.#status;
  }

  /** What the CLI wrote to stderr (its tail). */
  output(): string {
    return this.#tail.text();
  }

  /** Writes one line; false when stdin is already closed. */
  write(line: string): boolean {
    const stdin = this.#child.stdin;
    if (!stdin || stdin.destroyed || stdin.writableEnded) return false;
    stdin.write(line);
    return true;
  }

  /**
   * Ends the CLI: closes stdin (both CLIs finish and exit on EOF), waits the grace period,
   * then SIGTERMs and finally SIGKILLs the whole group so no helper it spawned lingers.
   */
  terminate(graceMs: number): Promise<ExitStatus> {
    this.#terminating ??= (async () => {
      const pid = this.#child.pid;
      if (pid === undefined) return this.exited;
      this.#child.stdin?.end();
      if (this.#status === undefined && (await this.#waitExit(graceMs)) === undefined) {
        signalGroup(pid, 'SIGTERM');
        await this.#waitExit(Math.max(200, graceMs));
      }
      signalGroup(pid, 'SIGKILL');
      const status = await this.exited;
      untrackAgent(pid);
      return status;
    })();
    return this.#terminating;
  }

  async #waitExit(ms: number): Promise<ExitStatus | undefined> {
    let timer: NodeJS.Timeout | undefined;
    const status = await Promise.race([this.exited, new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), ms)))]);
    clearTimeout(timer);
    return status;
  }
}
