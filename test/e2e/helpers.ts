import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, expect } from 'vitest';
import { AgentSessionError } from '../../src/errors/index.js';

export const examplesDir = fileURLToPath(new URL('../../examples/', import.meta.url));
export const pythonAgent = `${examplesDir}python/weather_agent.py`;
export const nodeAgent = `${examplesDir}node/weather_agent.ts`;
export const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/agents/${name}`, import.meta.url));
/** Fixture Python agents run in the examples' virtualenv, found the way users' are: VIRTUAL_ENV. */
export const pythonEnv = { VIRTUAL_ENV: `${examplesDir}python/.venv` };

/** True while a process with this pid exists. */
export function alive(pid: number | undefined): boolean {
  if (pid === undefined) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** True while `pid` runs: a killed process its new parent has not reaped yet does not count. */
export function running(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    return stat[stat.lastIndexOf(')') + 2] !== 'Z';
  } catch {
    return false;
  }
}

/**
 * Pids to SIGKILL after each test of the file, whatever happened: processes a test expects to be
 * gone, so a failure does not leave them running.
 */
export function killedAfterEach(): number[] {
  const pids: number[] = [];
  afterEach(() => {
    for (const pid of pids.splice(0)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  });
  return pids;
}

/** Runs `fn`, expects an AgentSessionError, and returns it with how long it took. */
export async function failure(fn: () => Promise<unknown>): Promise<{ error: AgentSessionError; ms: number }> {
  const started = performance.now();
  let caught: unknown;
  try {
    await fn();
  } catch (error) {
    caught = error;
  }
  expect(caught, 'expected an AgentSessionError').toBeInstanceOf(AgentSessionError);
  return { error: caught as AgentSessionError, ms: performance.now() - started };
}

/**
 * Sessions closed after each test, and scratch folders removed after the file: `track(session)`
 * returns the session, `scratch(prefix)` a new folder.
 */
export function cleanedUp(): { track: <S extends { close(): Promise<void> }>(session: S) => S; scratch: (prefix: string) => string } {
  const sessions: { close(): Promise<void> }[] = [];
  const dirs: string[] = [];
  afterEach(async () => {
    await Promise.all(sessions.splice(0).map((s) => s.close()));
  });
  afterAll(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  return {
    track: (session) => (sessions.push(session), session),
    scratch: (prefix) => {
      const dir = mkdtempSync(path.join(tmpdir(), prefix));
      dirs.push(dir);
      return dir;
    },
  };
}
