/** Runs Vitest on the fixture project in test/fixtures/runner/reports, in a child process, as CI would. */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { afterAll } from 'vitest';
import type { AgentSessionReport } from '../../src/vitest/node/reporter.js';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const vitestBin = path.join(repo, 'node_modules/vitest/vitest.mjs');
export const runnerFixture = path.join(repo, 'test/fixtures/runner/reports');
export const secretsFixture = path.join(repo, 'test/fixtures/runner/secrets');

/** The environment of a nested run: none of this run's Vitest state, and none of its agent run id (its teardown would sweep our agents). */
function childEnv(extra: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value === undefined || key.startsWith('VITEST') || key === 'TEST' || key === 'AGENT_SESSION_TEST_RUN') continue;
    env[key] = value;
  }
  return { ...env, FORCE_COLOR: '0', NO_COLOR: '1', ...extra };
}

export interface NestedRun {
  exitCode: number | undefined;
  output: string;
}

/**
 * `vitest run --root test/fixtures/runner/reports ...args` (or another fixture project's `root`),
 * with the plugin's report written to `reportDir` and `env` over the child's environment.
 */
export async function runFixtureVitest(
  args: string[],
  reportDir: string,
  options: { root?: string; env?: Record<string, string> } = {},
): Promise<NestedRun> {
  const result = await execa(process.execPath, [vitestBin, 'run', '--root', options.root ?? runnerFixture, ...args], {
    cwd: repo,
    env: childEnv({ AGENT_REPORT_DIR: reportDir, ...options.env }),
    extendEnv: false,
    reject: false,
    all: true,
    timeout: 150_000,
  });
  return { exitCode: result.exitCode, output: result.all ?? '' };
}

const made: string[] = [];
/** A scratch directory for one child run's reports, removed after the test file. */
export function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'agent-session-runner-'));
  made.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

export const readReport = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as AgentSessionReport;

/** The `<testcase>` element of a test in a junit file, by name. */
export function junitCase(xml: string, name: string): string {
  const start = xml.indexOf(`name="${name}"`);
  if (start < 0) throw new Error(`no testcase "${name}" in:\n${xml}`);
  const end = xml.indexOf('</testcase>', start);
  return xml.slice(start, end < 0 ? undefined : end);
}
