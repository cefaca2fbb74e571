/**
 * Where a CLI session's daemon keeps its state: `.agent-session-test/cli/<name>/` under the
 * current directory, so sessions belong to a project. The folder is 0700 and `state.json` (the
 * daemon's pid, control port and credential) 0600: the credential is what lets a client in.
 * `daemon.log` holds the daemon's own messages, `agent.log` everything the agent printed.
 */
import { chmodSync, mkdirSync, readdirSync, readFileSync, renameSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { cliUsage } from '../errors/messages.js';

/** How the session's model is provided, kept so an export can find the model traffic later. */
export type ModelSource =
  | { kind: 'live' }
  | { kind: 'scripted'; module: string; exportName?: string; form?: 'rules' | 'server' | 'factory' }
  | { kind: 'record'; cassette: string }
  | { kind: 'replay'; cassette: string };

/** A stream-json CLI to hold instead of a LiveKit agent file. */
export interface StreamJsonTarget {
  preset: 'letta' | 'claude' | 'command';
  /** The command line, for `command`. */
  command: string[];
  /** The preset's executable, when not the default. */
  bin?: string;
  /** Tools the CLI may use without being denied (`--allow`). */
  allow: string[];
  /** Where the CLI runs (`--cwd`); without it a fresh empty folder, so its file tools touch nothing of the user's. */
  cwd?: string;
}

export interface DaemonState {
  name: string;
  /** The daemon's pid. */
  pid: number;
  /** 'starting' until the agent answered; the control port is open from the start. */
  status: 'starting' | 'ready';
  /** The control channel: 127.0.0.1:port, and the credential each request carries. Never printed. */
  port?: number;
  credential?: string;
  /** The agent file; for a stream-json CLI, what runs (`letta`, `claude`, or the command). */
  agentFile: string;
  /** Set for a stream-json CLI. */
  target?: StreamJsonTarget;
  agentPid?: number;
  /** Set once the agent went away on its own: how, with the end of its output. The daemon has exited. */
  ended?: string;
  /** Cassette entries recorded before the last `restart`, which an export leaves out. */
  cassetteSkip?: number;
  model: ModelSource;
  startedAt: string;
  idleTimeout: number;
}

export const DEFAULT_NAME = 'default';

/** The variable `start` hands the daemon its config in. */
export const DAEMON_CONFIG_ENV = 'AGENT_SESSION_TEST_CLI_CONFIG';

/** The folder of every CLI session of the project in `cwd`. */
export const sessionsRoot = (cwd = process.cwd()) => path.join(cwd, '.agent-session-test', 'cli');

/** The folder of one session, after checking the name is safe as a folder name. */
export function sessionDir(name: string, cwd = process.cwd()): string {
  if (!/^[\w][\w.-]{0,63}$/.test(name)) {
    throw cliUsage({
      problem: `--name must be letters, digits, ".", "_" or "-" (at most 64, not starting with "." or "-"), not "${name}".`,
    });
  }
  return path.join(sessionsRoot(cwd), name);
}

export const statePath = (dir: string) => path.join(dir, 'state.json');
export const agentLogPath = (dir: string) => path.join(dir, 'agent.log');
export const daemonLogPath = (dir: string) => path.join(dir, 'daemon.log');

/**
 * Claims the session folder: true when this call created it, false when it exists. The root is
 * created as needed; the session folder itself is created without `recursive` so that two
 * `start`s of one name cannot both succeed.
 */
export function claimDir(dir: string): boolean {
  mkdirSync(path.dirname(dir), { recursive: true, mode: 0o700 });
  try {
    mkdirSync(dir, { mode: 0o700 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  // The umask may have narrowed the mode; never widened, but make it exact.
  chmodSync(dir, 0o700);
  return true;
}

/** Writes the state atomically (a reader never sees half a file), readable by the owner only. */
export function writeState(dir: string, state: DaemonState): void {
  const temp = `${statePath(dir)}.${process.pid}.tmp`;
  writeFileSync(temp, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
  renameSync(temp, statePath(dir));
}

/** The state in `dir`, or undefined when there is none (or it cannot be read). */
export function readState(dir: string): DaemonState | undefined {
  try {
    return JSON.parse(readFileSync(statePath(dir), 'utf8')) as DaemonState;
  } catch {
    return undefined;
  }
}

export function clearDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  // The last session gone leaves no empty folders in the project.
  for (const parent of [path.dirname(dir), path.dirname(path.dirname(dir))]) {
    try {
      rmdirSync(parent);
    } catch {
      return; // not empty, or gone already
    }
  }
}

/** True while a process with this pid exists (and is not a zombie). */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    return stat[stat.lastIndexOf(')') + 2] !== 'Z';
  } catch {
    return true;
  }
}

/** The names of the sessions with a folder in this project. */
export function sessionNames(cwd = process.cwd()): string[] {
  try {
    return readdirSync(sessionsRoot(cwd), { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name)
      .sort();
  } catch {
    return [];
  }
}

/** A path as messages show it: relative to the project when inside it, as a person typed it. */
export function shownPath(file: string, cwd = process.cwd()): string {
  const relative = path.relative(cwd, file);
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : file;
}
