/**
 * Suite scaling, three ways.
 *
 * 1. Through Vitest, as a user runs it: throwaway test files (each `useAgentSession` on the
 *    example agent, three turns) are generated under node_modules/.cache, and `vitest run` runs
 *    them in a child process with the plugin, for 1, 2, 4, 8 files and 1, 2, 4 workers. Wall time
 *    includes Vitest's own start.
 * 2. In process, the estimate that decided to build pre-spawning: 8 "files" (start, three turns, close) over 2 lanes,
 *    sequential per lane, against the same lanes where each lane starts its next file's agent
 *    while the current file runs its turns (what a pre-spawning global setup could do at best).
 * 3. `prespawn` mode: the plugin's `prespawn` through Vitest, off against on (1 spare, and one
 *    spare per worker), interleaved in one run with the order alternating per round, for 1 and 2
 *    workers and 4 and 8 files; each generated file records whether it got a spare.
 *
 * `tsx bench/scaling.ts [vitest|inprocess|prespawn]` runs one part; no argument runs 1 and 3 (what
 * `npm run bench` prints).
 */
import { rmSync } from 'node:fs';
import { weatherLlm } from '../examples/weather-llm.js';
import { startAgentSession, type AgentSession } from '../src/session/agent-session.js';
import { agents, median, progress, ratio, repoPath, reps, table, type Sdk } from './lib/stats.js';
import { suiteLog, TURNS, vitestRun, writeHarnessSuite } from './lib/vitest-suite.js';

const REPS = reps(1);
const sec = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

const root = repoPath(`node_modules/.cache/agent-session-bench/scaling-${process.pid}`);

/** `prespawn` of the generated config: the plugin option as source text, read from PRESPAWN_SPARES at run time. */
const PRESPAWN_OPTION = `process.env.PRESPAWN_SPARES ? { spares: Number(process.env.PRESPAWN_SPARES) } : false`;

/** The suite of `files` harness files, with `prespawn` from PRESPAWN_SPARES. */
const writeSuite = (dir: string, sdk: Sdk, files: number) => writeHarnessSuite(dir, sdk, files, `{ prespawn: ${PRESPAWN_OPTION} }`);

const run = (dir: string, workers: number, spares?: number) =>
  vitestRun(dir, { workers, env: spares === undefined ? {} : { PRESPAWN_SPARES: String(spares) } });

/** How many files of the last run got a spare. */
const sparesUsed = (dir: string) => suiteLog(dir).filter((line) => line === 'spare').length;

/** Off, one spare, one spare per worker: interleaved, the order turned round every round. */
async function prespawnSuite(sdk: Sdk): Promise<(string | number)[][]> {
  const rows: (string | number)[][] = [];
  const rounds = Math.max(REPS, 2);
  for (const workers of [1, 2]) {
    for (const files of [4, 8]) {
      const dir = `${root}/prespawn-${sdk}-${files}`;
      writeSuite(dir, sdk, files);
      const variants = [undefined, 1, ...(workers > 1 ? [workers] : [])];
      const times = new Map<number | undefined, number[]>(variants.map((v) => [v, []]));
      const used = new Map<number | undefined, number[]>(variants.map((v) => [v, []]));
      for (let r = 0; r < rounds; r++) {
        for (const spares of r % 2 === 0 ? variants : [...variants].reverse()) {
          times.get(spares)!.push(await run(dir, workers, spares));
          used.get(spares)!.push(sparesUsed(dir));
          progress();
        }
      }
      const off = median(times.get(undefined)!);
      const cell = (spares: number | undefined) =>
        times.has(spares)
          ? `${sec(median(times.get(spares)!))} (${ratio(median(times.get(spares)!) / off)}, ${median(used.get(spares)!)} spare)`
          : '-';
      rows.push([sdk, workers, files, sec(off), cell(1), cell(workers > 1 ? workers : -1)]);
    }
  }
  return rows;
}

async function viaVitest(sdk: Sdk): Promise<(string | number)[][]> {
  const rows: (string | number)[][] = [];
  for (const files of [1, 2, 4, 8]) {
    const dir = `${root}/${sdk}-${files}`;
    writeSuite(dir, sdk, files);
    const cells: string[] = [];
    for (const workers of [1, 2, 4]) {
      if (workers > files) {
        cells.push('-');
        continue;
      }
      const times: number[] = [];
      for (let r = 0; r < REPS; r++) {
        times.push(await run(dir, workers));
        progress();
      }
      cells.push(sec(median(times)));
    }
    rows.push([sdk, files, ...cells]);
  }
  return rows;
}

/** One test file's worth of work on a started session. */
async function runFile(session: AgentSession): Promise<void> {
  for (const text of TURNS) {
    const turn = await session.say(text);
    if (turn.errors.length > 0) throw new Error(turn.errors[0]!.message);
  }
  await session.close();
}

const start = (sdk: Sdk) => startAgentSession(agents[sdk], { llm: weatherLlm() });

async function lanes(sdk: Sdk, files: number, laneCount: number, prespawn: boolean): Promise<number> {
  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: laneCount }, async () => {
      let ahead: Promise<AgentSession> | undefined;
      while (ahead !== undefined || next < files) {
        const current = ahead ?? (next++, start(sdk));
        ahead = undefined;
        const session = await current;
        if (prespawn && next < files) {
          next++;
          ahead = start(sdk);
          // A failed pre-start is reported when its turn comes.
          ahead.catch(() => {});
        }
        await runFile(session);
      }
    }),
  );
  return performance.now() - started;
}

async function inProcess(sdk: Sdk): Promise<(string | number)[]> {
  const plain: number[] = [];
  const ahead: number[] = [];
  for (let r = 0; r < Math.max(REPS, 2); r++) {
    // Alternate the order so a noisy moment does not always land on the same variant.
    for (const prespawn of r % 2 === 0 ? [false, true] : [true, false]) {
      (prespawn ? ahead : plain).push(await lanes(sdk, 8, 2, prespawn));
      progress();
    }
  }
  return [sdk, 8, 2, sec(median(plain)), sec(median(ahead)), ratio(median(ahead) / median(plain))];
}

const mode = process.argv[2];
try {
  if (mode === undefined || mode === 'prespawn') {
    const rows = [...(await prespawnSuite('node')), ...(await prespawnSuite('python'))];
    process.stderr.write('\n');
    table(
      'Pre-spawning through Vitest: wall time of `vitest run`, plugin `prespawn` off vs on',
      ['agent', 'workers', 'files', 'off', 'spares: 1', 'spares: 2'],
      rows,
      `Medians of ${Math.max(REPS, 2)} runs, variants interleaved (order reversed each round); (ratio to off, files that got a spare).`,
    );
  }
  if (mode === undefined || mode === 'vitest') {
    const rows = [...(await viaVitest('node')), ...(await viaVitest('python'))];
    process.stderr.write('\n');
    table(
      'Suite scaling through Vitest: wall time of `vitest run` (files x workers, each file one agent, 3 turns)',
      ['agent', 'files', '1 worker', '2 workers', '4 workers'],
      rows,
      `Median of ${REPS} run(s) each; includes Vitest's start (about a second). The machine has 2 cores.`,
    );
  }
  if (mode === 'inprocess') {
    const rows = [await inProcess('node'), await inProcess('python')];
    process.stderr.write('\n');
    table(
      'Pre-spawning, in process: 8 files over 2 lanes, each lane starting its next agent early or not',
      ['agent', 'files', 'lanes', 'sequential', 'next agent pre-spawned', 'ratio'],
      rows,
      'Each file: start the agent, three turns, close. Medians of at least 2 runs, variants alternated.',
    );
  }
} finally {
  rmSync(root, { recursive: true, force: true });
}
