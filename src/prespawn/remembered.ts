/**
 * The Python launches a project's test files used in earlier runs, kept in the runner's cache
 * folder, so that the next run can start their fork servers (the imports, about three seconds)
 * while Vitest is still starting its workers, instead of when the first file asks for an agent.
 * Only what starting a fork server needs is kept: the interpreter, the agent file, the working
 * folder and the test files; never the environment, which holds the user's keys.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { forkableLaunch } from '../process/forkable.js';
import type { SpawnSpec } from './spec.js';

/** What identifies a fork server apart from its environment. */
export interface ForkIdentity {
  /** The interpreter argv prefix, before `-m livekit.agents`. */
  interpreter: string[];
  /** The agent file as the launch names it (what the server parses for plugin imports). */
  agentArg: string;
  /** The agent file, absolute. */
  agentFile: string;
  cwd: string;
}

export interface RememberedLaunch extends ForkIdentity {
  /** The test files that started this launch. */
  testFiles: string[];
}

const VERSION = 1;
/** Enough for any real project; a file that grows past it loses its oldest launches. */
const MAX_LAUNCHES = 64;

/** The fork identity of a spec's launch; undefined when its launch cannot be forked. */
export function forkIdentity(spec: SpawnSpec): ForkIdentity | undefined {
  const forkable = forkableLaunch(spec.argv);
  if (!forkable) return undefined;
  return { interpreter: forkable.interpreter, agentArg: forkable.agentFile, agentFile: spec.agentFile, cwd: spec.cwd };
}

export const identityKey = (identity: ForkIdentity): string =>
  JSON.stringify([identity.interpreter, identity.agentArg, identity.agentFile, identity.cwd]);

const isStrings = (value: unknown): value is string[] => Array.isArray(value) && value.every((item) => typeof item === 'string');

function valid(entry: unknown): entry is RememberedLaunch {
  if (typeof entry !== 'object' || entry === null) return false;
  const e = entry as Record<string, unknown>;
  return (
    isStrings(e['interpreter']) &&
    e['interpreter'].length > 0 &&
    typeof e['agentArg'] === 'string' &&
    typeof e['agentFile'] === 'string' &&
    path.isAbsolute(e['agentFile']) &&
    typeof e['cwd'] === 'string' &&
    path.isAbsolute(e['cwd']) &&
    isStrings(e['testFiles'])
  );
}

/** The launches in `file`; none when it is missing, unreadable or of another version. */
export function readRemembered(file: string): RememberedLaunch[] {
  try {
    const data = JSON.parse(readFileSync(file, 'utf8')) as { version?: unknown; launches?: unknown };
    if (data.version !== VERSION || !Array.isArray(data.launches)) return [];
    return data.launches.filter(valid);
  } catch {
    return [];
  }
}

/**
 * What to keep after a run: the earlier launches without the test files that ran this time,
 * then the launches this run's files used.
 */
export function mergeRemembered(
  earlier: readonly RememberedLaunch[],
  ran: ReadonlySet<string>,
  used: ReadonlyMap<string, { identity: ForkIdentity; testFiles: ReadonlySet<string> }>,
): RememberedLaunch[] {
  const merged = new Map<string, RememberedLaunch>();
  for (const entry of earlier) {
    const testFiles = entry.testFiles.filter((file) => !ran.has(file));
    if (testFiles.length > 0) merged.set(identityKey(entry), { ...entry, testFiles });
  }
  for (const [key, { identity, testFiles }] of used) {
    const before = merged.get(key)?.testFiles ?? [];
    merged.delete(key);
    merged.set(key, { ...identity, testFiles: [...new Set([...before, ...testFiles])].sort() });
  }
  return [...merged.values()].slice(-MAX_LAUNCHES);
}

/** Writes the launches (whole or not at all); a cache that cannot be written is no error. */
export function writeRemembered(file: string, launches: readonly RememberedLaunch[]): void {
  try {
    mkdirSync(path.dirname(file), { recursive: true });
    const temporary = `${file}.${process.pid}.tmp`;
    writeFileSync(temporary, `${JSON.stringify({ version: VERSION, launches }, null, 2)}\n`);
    renameSync(temporary, file);
  } catch {
    // A read-only checkout: the next run starts its first agent cold, as without the cache.
  }
}

/**
 * The variables that shape what a Python process imports and how (its module path, flags, hash
 * seed, locale, native libraries, the SDK's preload): a fork server started with one environment
 * may fork agents of another only when these are the same, since its children inherit what it imported.
 */
const IMPORT_ENV = /^(?:PYTHON\w*|LD_\w+|DYLD_\w+|LC_\w+|LIVEKIT_AGENTS_\w+|PATH|HOME|VIRTUAL_ENV|CONDA_PREFIX|LANG|TZ|TMPDIR)$/;

/** Whether a fork server started with `serverEnv` may fork agents whose environment is `agentEnv`. */
export function importEnvMatches(
  serverEnv: Readonly<Record<string, string | undefined>>,
  agentEnv: Readonly<Record<string, string | undefined>>,
): boolean {
  const names = new Set([...Object.keys(serverEnv), ...Object.keys(agentEnv)].filter((name) => IMPORT_ENV.test(name)));
  return [...names].every((name) => serverEnv[name] === agentEnv[name]);
}
