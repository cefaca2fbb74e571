/**
 * A TypeScript agent compiled by esbuild against the same agent through the tsx loader:
 * `startAgentSession` of the Node example until ready, alternating the launches (the compiled one
 * also without source maps, to show what they cost), then what compiling costs the test process,
 * a build and a check of an up-to-date output.
 *
 *   npx tsx bench/compile-ts.ts        (BENCH_REPS=n for other than 5 starts each)
 */
import { appendFileSync, copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { weatherLlm } from '../examples/weather-llm.js';
import { compileAgent } from '../src/process/compile-agent.js';
import type { AgentSessionOptions } from '../src/session/options.js';
import { startAgentSession } from '../src/session/agent-session.js';
import { agents, median, ms, progress, reps, table } from './lib/stats.js';

const RUNS = reps(5);
const agent = agents.node;

const compiled = compileAgent(agent);
if (!compiled.ok) throw new Error(`the example agent did not compile: ${compiled.reason}`);
const launches: [string, Omit<AgentSessionOptions, 'llm'>][] = [
  ['tsx loader', { compile: false }],
  ['compiled', {}],
  ['compiled, no source maps', { command: [process.execPath, compiled.file, 'console', '--connect-addr', '{connectAddr}'] }],
];

const starts = new Map<string, number[]>(launches.map(([name]) => [name, []]));
for (let i = 0; i < RUNS; i++) {
  for (const [name, options] of i % 2 === 0 ? launches : [...launches].reverse()) {
    const started = performance.now();
    const session = await startAgentSession(agent, { ...options, llm: weatherLlm(), shutdownGrace: 0 });
    starts.get(name)!.push(performance.now() - started);
    await session.close();
    progress();
  }
}

// Builds of a copy whose content changes each time, then checks of the unchanged last one.
const scratch = mkdtempSync(path.join(tmpdir(), 'compile-ts-bench-'));
const builds: number[] = [];
const checks: number[] = [];
let firstBuild = NaN;
try {
  mkdirSync(path.join(scratch, 'node_modules'));
  const copy = path.join(scratch, 'agent.ts');
  copyFileSync(agent, copy);
  for (let i = 0; i < RUNS + 1; i++) {
    appendFileSync(copy, `// ${i}\n`);
    const started = performance.now();
    compileAgent(copy);
    // The first build also loads esbuild and starts its service in this process.
    if (i === 0) firstBuild = performance.now() - started;
    else builds.push(performance.now() - started);
  }
  for (let i = 0; i < RUNS; i++) {
    const started = performance.now();
    compileAgent(copy);
    checks.push(performance.now() - started);
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
process.stderr.write('\n');

const tsx = median(starts.get('tsx loader')!);
table(
  'A TypeScript agent compiled against the tsx loader: startAgentSession to ready (medians, alternating starts)',
  ['launch', 'runs', 'ready', 'vs tsx'],
  launches.map(([name]) => [name, RUNS, ms(median(starts.get(name)!)), `${((median(starts.get(name)!) / tsx) * 100).toFixed(0)} %`]),
  `Compiling, in the test process: the first build ${ms(firstBuild)} (esbuild starting), a build ${ms(median(builds))}, ` +
    `a check of an up-to-date output ${ms(median(checks))} (medians of ${RUNS}).`,
);
