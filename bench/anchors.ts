/**
 * Anchors: one conversation (the three turns of bench/scaling.ts) with the example weather agent
 * and the scripted model, held in several ways, for 1 and for 8 conversations of one file each:
 *
 * 1. the harness through Vitest as a user runs it (`vitest run` in a child process with the
 *    plugin, Vitest's default worker count), with `prespawn` off and with its default;
 * 2. the SDK's own in-process test helpers, the anchor: pytest with livekit-agents'
 *    `AgentSession.run()` (Python), Vitest with @livekit/agents' `session.run().wait()` (Node),
 *    each on the example's agent class and the OpenAI plugin's LLM pointed at the scripted model;
 * 3. the raw driver (bench/lib/raw-driver.ts) in this process: per conversation, start the agent,
 *    three turns, stop it;
 * 4. Vitest alone: as many test files that do nothing, Vitest's defaults, no plugin; its own
 *    per-file cost, a floor no suite of one conversation per file goes below.
 *
 * The ways (and both sizes) run interleaved in each round, the order reversed every round; every
 * run must pass its conversations or the benchmark fails with the child's output.
 *
 * `tsx bench/anchors.ts [python|node]` runs one SDK; BENCH_REPS sets the rounds (default 3).
 */
import { rmSync } from 'node:fs';
import os from 'node:os';
import { weatherLlm } from '../examples/weather-llm.js';
import { RawAgent } from './lib/raw-driver.js';
import {
  ensurePytest,
  PASSED_LOG,
  PYTEST_PACKAGES,
  pytestRun,
  sdkVersions,
  voiceTestingRoot,
  writePytestSuite,
  writeVoiceTestingSuite,
} from './lib/sdk-anchors.js';
import { agents, median, progress, ratio, repoPath, reps, table, type Sdk } from './lib/stats.js';
import { suiteLog, TURNS, vitestRun, writeEmptySuite, writeHarnessSuite } from './lib/vitest-suite.js';

const REPS = reps(3);
const SIZES = [1, 8] as const;
/** Chat requests one conversation makes: a tool call and its reply, a plain reply, two tool calls and their reply. */
const REQUESTS_PER_CONVERSATION = 5;

const WAYS = [
  'harness, prespawn off',
  'harness, default',
  'harness, default, nothing remembered',
  'harness, default, isolate: false',
  'anchor',
  'raw driver',
  'Vitest alone, empty files',
] as const;
type Way = (typeof WAYS)[number];

/** The ways of one SDK: remembering launches only changes how Python agents start. */
const waysOf = (sdk: Sdk): readonly Way[] => WAYS.filter((way) => sdk === 'python' || way !== 'harness, default, nothing remembered');

const sec = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const root = repoPath(`node_modules/.cache/agent-session-bench/anchors-${process.pid}`);
const nodeRoot = voiceTestingRoot(`anchors-${process.pid}`);

/** The plugin options of the harness suite: `prespawn: false` when BENCH_PRESPAWN_OFF is set, else none given. */
const PRESPAWN_OFF_OPTION = `(process.env.BENCH_PRESPAWN_OFF ? { prespawn: false } : {})`;
/** Vitest's `isolate` of the harness suite: false when BENCH_SHARED_WORKER is set (one worker process runs file after file). */
const ISOLATE_OPTION = `process.env.BENCH_SHARED_WORKER ? false : true`;

const anchorName: Record<Sdk, string> = {
  python: 'in-process anchor (pytest, AgentSession.run)',
  node: 'in-process anchor (vitest, voice.testing)',
};

const dirs = (sdk: Sdk, files: number) => ({
  harness: `${root}/${sdk}-harness-${files}`,
  anchor: sdk === 'python' ? `${root}/pytest-${files}` : `${nodeRoot}/voice-testing-${files}`,
  empty: `${root}/empty-${files}`,
});

/** Vitest with the same number of files that do nothing, its defaults: its own share of every file. */
async function emptyRun(sdk: Sdk, files: number): Promise<number> {
  const dir = dirs(sdk, files).empty;
  const ms = await vitestRun(dir);
  expectPassed(`Vitest alone (${files} files)`, suiteLog(dir), files);
  return ms;
}

function expectPassed(what: string, lines: string[], files: number): void {
  if (lines.length !== files) throw new Error(`${what}: ${lines.length} of ${files} conversations reported passing`);
}

/** Checks the scripted model answered every request of `files` conversations. */
function expectServed(what: string, llm: ReturnType<typeof weatherLlm>, files: number): void {
  if (llm.unmatched.length > 0 || llm.requests.length !== files * REQUESTS_PER_CONVERSATION) {
    throw new Error(
      `${what}: the model served ${llm.requests.length} requests (${llm.unmatched.length} unanswered), ` +
        `expected ${files * REQUESTS_PER_CONVERSATION}`,
    );
  }
}

/** One `vitest run` of the harness suite; returns its time and how many files got a spare. */
async function harnessRun(sdk: Sdk, files: number, prespawnOff: boolean, sharedWorker = false): Promise<{ ms: number; spares: number }> {
  const dir = dirs(sdk, files).harness;
  const ms = await vitestRun(dir, {
    env: { ...(prespawnOff && { BENCH_PRESPAWN_OFF: '1' }), ...(sharedWorker && { BENCH_SHARED_WORKER: '1' }) },
  });
  const used = suiteLog(dir);
  expectPassed(`harness (${sdk}, ${files} files)`, used, files);
  return { ms, spares: used.filter((line) => line === 'spare').length };
}

/** One run of the SDK's own suite, the scripted model served from here for its duration. */
async function anchorRun(sdk: Sdk, files: number, pytestSite: string): Promise<number> {
  const dir = dirs(sdk, files).anchor;
  const started = performance.now();
  const llm = weatherLlm();
  const server = await llm.listen();
  try {
    if (sdk === 'python') await pytestRun(dir, pytestSite, server.env);
    else await vitestRun(dir, { env: server.env });
  } finally {
    await server.close();
  }
  const ms = performance.now() - started;
  const what = `${anchorName[sdk]}, ${files} files`;
  expectPassed(what, suiteLog(dir, PASSED_LOG), files);
  expectServed(what, llm, files);
  return ms;
}

/** `files` conversations one after another: a model server and an agent each, three turns, stop. */
async function rawRun(sdk: Sdk, files: number): Promise<number> {
  const started = performance.now();
  for (let i = 0; i < files; i++) {
    const llm = weatherLlm();
    const server = await llm.listen();
    const raw = await RawAgent.start(agents[sdk], server.env);
    try {
      for (const text of TURNS) {
        const response = await raw.request('runInput', { text });
        const last = response.runInput?.items
          .at(-1)
          ?.message?.content.map((part) => part.text ?? '')
          .join('');
        if (response.error || !last) throw new Error(`raw driver (${sdk}): "${text}" got ${response.error ?? 'no reply'}`);
      }
    } finally {
      await Promise.all([raw.close(), server.close()]);
    }
    expectServed(`raw driver (${sdk})`, llm, 1);
  }
  return performance.now() - started;
}

interface Result {
  rows: (string | number)[][];
  spares: number[];
  /** os.loadavg() before the first run and after the last. */
  load: [number[], number[]];
}

async function measure(sdk: Sdk, pytestSite: string): Promise<Result> {
  const loadBefore = os.loadavg();
  for (const files of SIZES) {
    writeHarnessSuite(dirs(sdk, files).harness, sdk, files, PRESPAWN_OFF_OPTION, ISOLATE_OPTION);
    writeEmptySuite(dirs(sdk, files).empty, files);
    if (sdk === 'python') writePytestSuite(dirs(sdk, files).anchor, files);
    else writeVoiceTestingSuite(dirs(sdk, files).anchor, files);
  }
  const ways = waysOf(sdk);
  const runs = ways.flatMap((way) => SIZES.map((files) => ({ way, files })));
  const times = new Map(runs.map(({ way, files }) => [`${way}/${files}`, [] as number[]]));
  const spares: number[] = [];
  const once = async (way: Way, files: number): Promise<number> => {
    switch (way) {
      case 'harness, prespawn off':
        return (await harnessRun(sdk, files, true)).ms;
      case 'harness, default': {
        const run = await harnessRun(sdk, files, false);
        if (files === 8) spares.push(run.spares);
        return run.ms;
      }
      case 'harness, default, nothing remembered':
        // As in a fresh checkout: the runner's cache, where the previous run's Python launches are remembered, is gone.
        rmSync(`${dirs(sdk, files).harness}/.vite`, { recursive: true, force: true });
        return (await harnessRun(sdk, files, false)).ms;
      case 'harness, default, isolate: false':
        return (await harnessRun(sdk, files, false, true)).ms;
      case 'anchor':
        return anchorRun(sdk, files, pytestSite);
      case 'raw driver':
        return rawRun(sdk, files);
      case 'Vitest alone, empty files':
        return emptyRun(sdk, files);
    }
  };
  for (let r = 0; r < REPS; r++) {
    for (const { way, files } of r % 2 === 0 ? runs : [...runs].reverse()) {
      times.get(`${way}/${files}`)!.push(await once(way, files));
      progress();
    }
  }
  const t = (way: Way, files: number) => times.get(`${way}/${files}`)!;
  // Paired within a round: both sizes ran in it, under the same load.
  const extra = (way: Way) => median(t(way, 8).map((t8, r) => (t8 - t(way, 1)[r]!) / 7));
  const anchor8 = median(t('anchor', 8));
  const anchorExtra = extra('anchor');
  const rows = ways.map((way) => [
    way === 'anchor' ? anchorName[sdk] : way,
    sec(median(t(way, 8))),
    ratio(median(t(way, 8)) / anchor8),
    sec(median(t(way, 1))),
    sec(extra(way)),
    ratio(extra(way) / anchorExtra),
  ]);
  return { rows, spares, load: [loadBefore, os.loadavg()] };
}

const only = process.argv[2];
if (only !== undefined && only !== 'python' && only !== 'node') throw new Error(`usage: tsx bench/anchors.ts [python|node], not ${only}`);
const sdks: Sdk[] = only ? [only] : ['python', 'node'];
const versions = sdkVersions();
const pytestSite = sdks.includes('python') ? ensurePytest() : '';
const results = new Map<Sdk, Result>();
try {
  for (const sdk of sdks) results.set(sdk, await measure(sdk, pytestSite));
} finally {
  rmSync(root, { recursive: true, force: true });
  rmSync(nodeRoot, { recursive: true, force: true });
}
process.stderr.write('\n');

const load = (values: number[]) => values.map((v) => v.toFixed(2)).join(' ');
const workers = Math.max(os.availableParallelism() - 1, 1);
for (const [
  sdk,
  {
    rows,
    spares,
    load: [before, after],
  },
] of results) {
  table(
    `Anchors, ${sdk}: the same 3-turn conversation, 8 conversations of one file each (wall time)`,
    [
      '8 conversations, one file each',
      'wall time',
      'ratio to in-process anchor',
      '1 conversation',
      'each extra conversation',
      'extra: ratio to anchor',
    ],
    rows,
    [
      `Medians of ${REPS} rounds, the ways and sizes interleaved (order reversed each round); "each extra conversation" is the`,
      `median over rounds of (t8 - t1) / 7. Harness and anchor: one child \`vitest run\` / \`pytest\` per run, start-up included,`,
      `Vitest's default worker count (${workers} on ${os.availableParallelism()} cores); "default" is \`prespawn: 'auto'\` (files that got a`,
      `spare, 8-file runs: ${spares.join(', ')}); "isolate: false" is Vitest's option, one worker process running file after file.`,
      ...(sdk === 'python'
        ? [
            '"default" runs remember their Python launch for the next run (in every round after the first, the run starts its fork',
            'server as it starts); "nothing remembered" deletes the runner\'s cache before each run, as in a fresh checkout.',
          ]
        : []),
      'Raw driver: in this process, one conversation after another. "Vitest alone": the same number of test files that do',
      "nothing, Vitest's defaults, no plugin: what Vitest itself costs per file, under any suite of one conversation per file.",
      sdk === 'node'
        ? "The Node example exports no agent class and runs LiveKit's CLI when imported: the anchor imports it with `cli.runApp`\n" +
          'stubbed and takes the agent class from the one its entry point starts (with `AgentSession.start` stubbed for that call).'
        : `The pytest anchor loads the example agent module by path in conftest.py; ${PYTEST_PACKAGES.slice(0, 2).join(', ').replaceAll('==', ' ')}.`,
      `Load average (1, 5, 15 min) at start ${load(before)}, at end ${load(after)}. Node ${process.version};`,
      `${versions.python}; ${versions.node}; scripted model weatherLlm() (examples/weather-llm.ts).`,
    ].join('\n'),
  );
}
