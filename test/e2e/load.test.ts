/**
 * A load check: the example weather suites, four copies against both real agents on two workers,
 * run several rounds in a row from this one process tree. Every round must pass whole and leave
 * no agent behind; the per-round figures are printed for the record, never asserted.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, expect, test } from 'vitest';
import { findTaggedProcesses, RUN_TAG_ENV } from '../../src/process/run-tag.js';
import { pythonEnv } from './helpers.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const vitestBin = path.join(root, 'node_modules', 'vitest', 'vitest.mjs');
const ROUNDS = Number(process.env['LOAD_ROUNDS'] ?? 2);
const COPIES = 4;
/** Tests in examples/weather-suite.ts, run once per SDK in each copy. */
const SUITE_TESTS = 7;
const EXPECTED = COPIES * 2 * SUITE_TESTS;

const runIds: string[] = [];
afterEach(() => {
  for (const runId of runIds.splice(0)) {
    for (const { pid } of findTaggedProcesses(runId)) {
      for (const target of [-pid, pid]) {
        try {
          process.kill(target, 'SIGKILL');
        } catch {
          // already gone
        }
      }
    }
  }
});

interface Round {
  code: number | null;
  ms: number;
  output: string;
}

function runRound(runId: string): Promise<Round> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    // None of this run's Vitest state; the child's plugin tags its agents with the run id given here.
    if (value !== undefined && !key.startsWith('VITEST') && key !== RUN_TAG_ENV) env[key] = value;
  }
  const started = performance.now();
  const child = spawn(process.execPath, [vitestBin, 'run', '--config', 'test/fixtures/load/vitest.config.ts'], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...env, ...pythonEnv, [RUN_TAG_ENV]: runId, CI: '', FORCE_COLOR: '0', NO_COLOR: '1' },
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), 280_000);
  return new Promise((resolve) => {
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, ms: performance.now() - started, output });
    });
  });
}

test(
  `the example suites, ${COPIES} copies on 2 workers, pass ${ROUNDS} rounds in a row and leave no agent`,
  async () => {
    const figures: string[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      const runId = `load-${process.pid}-${round}`;
      runIds.push(runId);
      const result = await runRound(runId);
      const passed = Number(/Tests\s+(\d+) passed/.exec(result.output)?.[1] ?? 0);
      expect(result.code, result.output.slice(-4000)).toBe(0);
      expect(passed, result.output.slice(-4000)).toBe(EXPECTED);
      expect(result.output).not.toMatch(/still running at teardown/);
      expect(findTaggedProcesses(runId)).toEqual([]);
      figures.push(`round ${round}: ${passed}/${EXPECTED} passed in ${(result.ms / 1000).toFixed(1)} s`);
    }
    console.info(`load check: ${figures.join('; ')}`);
  },
  ROUNDS * 300_000,
);
