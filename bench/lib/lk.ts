/**
 * LiveKit's own CLI driving the same agent, for comparison: `lk agent daemon` (or its later name,
 * `lk agent debugger`) starts a detached daemon that runs the agent in console mode and binds one
 * loopback port, the session's only registry; `say <text>` is a whole `lk` process that connects
 * to that port, sends the turn and prints the reply; `stop` ends the daemon and its agent. The
 * port reaches every `lk` command through LK_SESSION_PORT, so each agent gets its own session.
 *
 * Only run when LK_BIN names the binary: it is not built here (cgo and a WebRTC audio build).
 */
import { createServer } from 'node:net';
import { run, type Run } from './cli-process.js';

/** A free loopback port, found by binding port 0 and letting it go. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** `daemon` or `debugger`: LK_AGENT_COMMAND when set, else whichever `lk agent --help` lists. */
async function subcommand(bin: string): Promise<string> {
  const chosen = process.env['LK_AGENT_COMMAND'];
  if (chosen) return chosen;
  const help = await run(bin, ['agent', '--help'], { cwd: process.cwd(), timeout: 20_000 });
  const text = help.stdout + help.stderr;
  if (/^\s*debugger\b/m.test(text)) return 'debugger';
  if (/^\s*daemon\b/m.test(text)) return 'daemon';
  throw new Error(`${bin} agent --help lists neither "daemon" nor "debugger"; set LK_AGENT_COMMAND to the subcommand to use`);
}

export class LkSession {
  private constructor(
    readonly bin: string,
    readonly command: string,
    private readonly env: NodeJS.ProcessEnv,
  ) {}

  /** Starts an lk session on `agentFile` whose agent sees `llmEnv` (the scripted model's address). */
  static async start(bin: string, agentFile: string, llmEnv: NodeJS.ProcessEnv): Promise<LkSession> {
    const command = await subcommand(bin);
    const env: NodeJS.ProcessEnv = { ...process.env, ...llmEnv, LK_SESSION_PORT: String(await freePort()) };
    delete env['NODE_OPTIONS'];
    const session = new LkSession(bin, command, env);
    const started = await session.lk(['start', agentFile], 120_000).catch(async (error: unknown) => {
      await session.stop();
      throw error;
    });
    if (started.code !== 0) {
      await session.stop();
      throw new Error(`lk agent ${command} start failed (exit ${started.code}):\n${started.stdout}${started.stderr}`);
    }
    return session;
  }

  private lk(args: string[], timeout = 60_000): Promise<Run> {
    return run(this.bin, ['agent', this.command, ...args], { cwd: process.cwd(), env: this.env, timeout });
  }

  /** One turn as a shell runs it: a whole lk process, spawn to exit. */
  async say(text: string): Promise<number> {
    const result = await this.lk(['say', text]);
    if (result.code !== 0 || result.stdout.trim() === '')
      throw new Error(`lk agent ${this.command} say failed (exit ${result.code}, no reply printed):\n${result.stdout}${result.stderr}`);
    return result.ms;
  }

  /** Ends the session; never throws, so it can run on every way out. */
  async stop(): Promise<void> {
    try {
      await this.lk(['stop'], 30_000);
    } catch {
      // nothing more to do: the daemon kills its agent when it goes
    }
  }
}
