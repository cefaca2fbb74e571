/**
 * `start <agent-file>`: claims the session's folder, clearing a dead daemon's state, then starts
 * the daemon detached (its own session and process group, so it survives the terminal) and waits
 * for its first line: ready, or the error that stopped the agent from starting.
 */
import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { agentFileNotFound, cliSessionRunning, cliUsage } from '../errors/messages.js';
import { parseArgs, parseDuration, parseEnv, type Parsed } from './args.js';
import type { DaemonConfig } from './daemon.js';
import { EXIT, type ExitCode } from './exit-codes.js';
import {
  claimDir,
  clearDir,
  DAEMON_CONFIG_ENV,
  daemonLogPath,
  DEFAULT_NAME,
  pidAlive,
  readState,
  sessionDir,
  shownPath,
  type ModelSource,
  type StreamJsonTarget,
} from './state.js';

/** Default idle timeout: long enough for a break, short enough that a forgotten agent does not run all day. */
export const DEFAULT_IDLE_TIMEOUT = 30 * 60_000;
/** The agent's own start-up budget (the session default), plus the daemon's. */
const STARTUP_TIMEOUT = 60_000;
const DAEMON_MARGIN = 15_000;
/** A folder without state this young is a daemon still starting, not a stale one. */
const STARTING_GRACE_MS = 10_000;

export async function start(args: readonly string[]): Promise<ExitCode> {
  const parsed = parseArgs('start', args, {
    values: ['name', 'llm', 'replay', 'record', 'idle-timeout', 'startup-timeout', 'bin', 'cwd'],
    repeated: ['env', 'allow'],
    switches: ['live', 'json', 'letta', 'claude', 'stream-json'],
  });
  const target = streamJsonTarget(parsed);
  const agentFile = target ? targetLabel(target) : livekitAgentFile(parsed.positionals);
  const model = modelSource(parsed.values, parsed.switches.has('live'));
  const name = parsed.values.get('name') ?? DEFAULT_NAME;
  const dir = sessionDir(name);
  const idleTimeout = parsed.values.has('idle-timeout')
    ? parseDuration('idle-timeout', parsed.values.get('idle-timeout')!)
    : DEFAULT_IDLE_TIMEOUT;
  const startupTimeout = parsed.values.has('startup-timeout')
    ? parseDuration('startup-timeout', parsed.values.get('startup-timeout')!)
    : STARTUP_TIMEOUT;
  claim(dir, name);

  const config: DaemonConfig = {
    name,
    dir,
    agentFile,
    ...(target && { target }),
    model,
    env: parseEnv(parsed.repeated.get('env') ?? []),
    idleTimeout,
    startupTimeout,
  };
  const log = openSync(daemonLogPath(dir), 'a', 0o600);
  const self = fileURLToPath(import.meta.url);
  const daemonFile = path.join(path.dirname(self), `daemon${path.extname(self)}`);
  const child = spawn(process.execPath, [...process.execArgv, daemonFile], {
    env: { ...process.env, [DAEMON_CONFIG_ENV]: JSON.stringify(config) },
    detached: true,
    stdio: ['ignore', 'pipe', log],
  });
  closeSync(log);
  const first = await firstLine(child, startupTimeout + DAEMON_MARGIN);
  child.stdout!.destroy();
  child.unref();
  const answer = parseAnswer(first);
  if (answer?.['ok'] === true) {
    if (parsed.switches.has('json')) process.stdout.write(`${JSON.stringify({ ...answer, stateDir: dir })}\n`);
    else
      process.stderr.write(
        `Started "${name}": ${shownPath(agentFile)} (daemon pid ${child.pid}, agent pid ${String(answer['agentPid'])}).\n`,
      );
    return EXIT.ok;
  }
  if (answer) {
    process.stderr.write(`Could not start "${name}": ${String(answer['message'])}\n`);
  } else {
    child.kill('SIGKILL');
    process.stderr.write(
      `Could not start "${name}": the daemon ${first === undefined ? 'exited' : 'did not answer'} before the agent was ready.\n${tail(daemonLogPath(dir))}`,
    );
  }
  clearDir(dir);
  return EXIT.failed;
}

function livekitAgentFile(positionals: readonly string[]): string {
  const [file, ...extra] = positionals;
  if (file === undefined)
    throw cliUsage({
      problem: '`start` needs the agent file (agent-session-test start <agent-file>), or --letta, --claude or --stream-json -- <command>.',
    });
  if (extra.length > 0) throw cliUsage({ problem: `\`start\` takes one agent file; got also ${extra.join(' ')}.` });
  const agentFile = path.resolve(file);
  if (!existsSync(agentFile) || statSync(agentFile).isDirectory()) {
    throw agentFileNotFound({ file: agentFile, isDirectory: existsSync(agentFile), cli: true });
  }
  return agentFile;
}

/** A stream-json CLI from --letta, --claude or --stream-json -- <command>; undefined for a LiveKit agent file. */
function streamJsonTarget(parsed: Parsed): StreamJsonTarget | undefined {
  const kinds = (['letta', 'claude', 'stream-json'] as const).filter((flag) => parsed.switches.has(flag));
  const streamJsonOnly = (['bin', 'cwd'] as const).filter((flag) => parsed.values.has(flag));
  if (kinds.length === 0) {
    const stray = [...streamJsonOnly, ...(parsed.repeated.has('allow') ? ['allow'] : [])];
    if (stray.length > 0) throw cliUsage({ problem: `--${stray[0]} is for stream-json CLIs (--letta, --claude, --stream-json).` });
    return undefined;
  }
  if (kinds.length > 1)
    throw cliUsage({ problem: `Give one of --letta, --claude and --stream-json, not ${kinds.map((k) => `--${k}`).join(' and ')}.` });
  const preset = kinds[0] === 'stream-json' ? 'command' : kinds[0]!;
  if (preset === 'command' && parsed.positionals.length === 0)
    throw cliUsage({ problem: '--stream-json needs the command after --: agent-session-test start --stream-json -- my-cli --flag.' });
  if (preset !== 'command' && parsed.positionals.length > 0)
    throw cliUsage({
      problem: `--${preset} takes no agent file or command; got ${parsed.positionals.join(' ')}. Use --bin for another executable.`,
    });
  if (preset === 'command' && parsed.values.has('bin'))
    throw cliUsage({ problem: '--bin is for --letta and --claude; --stream-json runs the command given after --.' });
  const cwd = parsed.values.get('cwd');
  if (cwd !== undefined && !(existsSync(cwd) && statSync(cwd).isDirectory()))
    throw cliUsage({ problem: `--cwd is not a folder: ${path.resolve(cwd)}.` });
  return {
    preset,
    command: preset === 'command' ? parsed.positionals : [],
    ...(parsed.values.has('bin') && { bin: path.resolve(parsed.values.get('bin')!) }),
    allow: parsed.repeated.get('allow') ?? [],
    ...(cwd !== undefined && { cwd: path.resolve(cwd) }),
  };
}

/** What a stream-json session shows where a LiveKit one shows its agent file. */
function targetLabel(target: StreamJsonTarget): string {
  return target.preset === 'command'
    ? target.command.join(' ')
    : target.preset === 'letta'
      ? 'letta (stream-json)'
      : 'claude (stream-json)';
}

function modelSource(values: Map<string, string>, live: boolean): ModelSource {
  const given = (['llm', 'replay', 'record'] as const).filter((flag) => values.has(flag));
  if (given.length + (live ? 1 : 0) > 1) {
    throw cliUsage({
      problem: `Give one of --llm, --record, --replay and --live, not ${[...given.map((f) => `--${f}`), ...(live ? ['--live'] : [])].join(' and ')}.`,
    });
  }
  const flag = given[0];
  if (flag === undefined) return { kind: 'live' };
  const file = path.resolve(values.get(flag)!);
  if (flag === 'llm') {
    if (!existsSync(file)) throw cliUsage({ problem: `The --llm module does not exist: ${file}.` });
    return { kind: 'scripted', module: file };
  }
  if (flag === 'replay' && !existsSync(file)) throw cliUsage({ problem: `The --replay cassette does not exist: ${file}.` });
  return { kind: flag, cassette: file };
}

/** Takes the session folder, or says who holds it; a dead daemon's folder is cleared first. */
function claim(dir: string, name: string): void {
  if (claimDir(dir)) return;
  const state = readState(dir);
  if (state && pidAlive(state.pid)) throw cliSessionRunning({ name, pid: state.pid, agentFile: state.agentFile });
  if (!state && Date.now() - statSync(dir).mtimeMs < STARTING_GRACE_MS) {
    throw cliSessionRunning({ name, pid: 0, agentFile: '(still starting)' });
  }
  process.stderr.write(`Cleared the stale state of "${name}"${state ? ` (daemon pid ${state.pid} is gone)` : ''}.\n`);
  clearDir(dir);
  if (!claimDir(dir)) throw cliSessionRunning({ name, pid: 0, agentFile: '(being started by another command)' });
}

/** The daemon's first stdout line; undefined if it exited or timed out first. */
function firstLine(child: ReturnType<typeof spawn>, timeout: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    let text = '';
    const timer = setTimeout(() => resolve(undefined), timeout);
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (chunk: string) => {
      text += chunk;
      if (text.includes('\n')) {
        clearTimeout(timer);
        resolve(text.slice(0, text.indexOf('\n')));
      }
    });
    // 'close', not 'exit': a line written just before exit is still in the pipe at 'exit'.
    child.once('close', () => {
      clearTimeout(timer);
      resolve(text.includes('\n') ? text.slice(0, text.indexOf('\n')) : undefined);
    });
  });
}

function parseAnswer(line: string | undefined): Record<string, unknown> | undefined {
  if (!line) return undefined;
  try {
    return JSON.parse(line) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

function tail(file: string): string {
  try {
    return `Daemon log (last lines):\n${readFileSync(file, 'utf8').trimEnd().split('\n').slice(-20).join('\n')}\n`;
  } catch {
    return '';
  }
}
