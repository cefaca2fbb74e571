/**
 * Runs every performance benchmark in turn, each in its own process (so one's memory and JIT
 * state do not colour the next), and prints their tables. `BENCH_REPS` overrides each one's
 * repetitions. The fault timings are separate: `npm run bench:faults`.
 */
import { spawnSync } from 'node:child_process';
import { repoPath } from './lib/stats.js';

const benchmarks: [string, string[]][] = [
  ['throughput.ts', []],
  ['turn-overhead.ts', []],
  ['cli-say.ts', []],
  ['tool-mocks.ts', []],
  ['cold-start.ts', []],
  ['memory.ts', ['--expose-gc']],
  ['scaling.ts', []],
  ['anchors.ts', []],
];

let failed = 0;
for (const [script, flags] of benchmarks) {
  const result = spawnSync(process.execPath, [...flags, '--import', 'tsx', repoPath(`bench/${script}`)], { stdio: 'inherit' });
  if (result.status !== 0) {
    failed++;
    process.stderr.write(`\n${script} failed (exit ${result.status ?? result.signal})\n`);
  }
}
process.exitCode = failed > 0 ? 1 : 0;
