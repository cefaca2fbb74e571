/**
 * `say` from a shell against `say()` in a test, on the same agent file with the same scripted model:
 * a whole `node dist/cli/main.js say "<text>"` process (spawn to exit) talking to a CLI session
 * started with `start --llm examples/weather-llm.ts`, and `say()` on a session of
 * `startAgentSession` in this process, in the same rounds, alternating which goes first. With
 * LK_BIN, LiveKit's `lk agent daemon say` (or `debugger say`) on the same agent joins the rounds.
 *
 * Then the CLI's start-up on its own: `node -e 0` (Node's floor), `help`, and `say` with no session
 * (arguments, state lookup, exit 3; no network), and how many modules `help` and `say` load.
 *
 * Targets (printed, never enforced: shared machines are noisy): shell `say` at most 0.75x of lk's
 * on a plain turn, and at most a few tens of ms (taken as 40) over the in-test `say()`.
 */
import { weatherLlm } from '../examples/weather-llm.js';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { startAgentSession, type AgentSession } from '../src/session/agent-session.js';
import { cli, countModules, ensureBuilt, projectDir, run, shellEnv, type ModuleCount } from './lib/cli-process.js';
import { LkSession } from './lib/lk.js';
import { agents, ms, percentile, progress, ratio, repoPath, reps, table, type Sdk } from './lib/stats.js';

const ROUNDS = reps(30);
const WARMUP = 4;
const INPUTS = [
  { kind: 'plain', text: 'hello there' },
  { kind: 'tool', text: 'What is the weather in Paris?' },
] as const;
type Kind = (typeof INPUTS)[number]['kind'];
const EXTRA_TARGET_MS = 40;
const LK_TARGET_RATIO = 0.75;
const LK_BIN = process.env['LK_BIN'];

type Who = 'shell' | 'test' | 'lk';
interface Series {
  shell: number[];
  test: number[];
  lk: number[];
  /** shell minus test, same input, same round. */
  paired: number[];
}
const series = (): Series => ({ shell: [], test: [], lk: [], paired: [] });

/** Stops the CLI session however it is: `stop`, and when that fails, SIGKILL to the pids its state names. */
async function stopCli(dir: string, name: string): Promise<void> {
  let stopped = false;
  try {
    stopped = (await cli(dir, ['stop', '--name', name])).code === 0;
  } catch {
    // killed below
  }
  if (stopped) return;
  try {
    const state = JSON.parse(readFileSync(path.join(dir, '.agent-session-test/cli', name, 'state.json'), 'utf8')) as {
      pid?: number;
      agentPid?: number;
    };
    for (const [pid, group] of [
      [state.pid, false],
      [state.agentPid, true],
    ] as const) {
      if (pid !== undefined) process.kill(group ? -pid : pid, 'SIGKILL');
    }
  } catch {
    // no state left, or nothing left to kill
  }
}

async function measure(sdk: Sdk): Promise<{ bySeries: Record<Kind, Series>; modules: ModuleCount; lkCommand?: string }> {
  const project = projectDir();
  const name = `bench-${sdk}-${process.pid}`;
  const lkLlm = LK_BIN ? await weatherLlm().listen() : undefined;
  const [started, sessionResult, lkResult] = await Promise.allSettled([
    cli(project.dir, ['start', agents[sdk], '--llm', repoPath('examples/weather-llm.ts'), '--name', name]),
    startAgentSession(agents[sdk], { llm: weatherLlm() }),
    LK_BIN && lkLlm ? LkSession.start(LK_BIN, agents[sdk], lkLlm.env) : Promise.resolve(undefined),
  ]);
  const session: AgentSession | undefined = sessionResult.status === 'fulfilled' ? sessionResult.value : undefined;
  const lk = lkResult.status === 'fulfilled' ? lkResult.value : undefined;
  try {
    if (started.status === 'rejected') throw started.reason;
    if (started.value.code !== 0) throw new Error(`agent-session-test start failed (exit ${started.value.code}):\n${started.value.stderr}`);
    if (sessionResult.status === 'rejected') throw sessionResult.reason;
    if (lkResult.status === 'rejected') throw lkResult.reason;
    const contenders: Who[] = lk ? ['shell', 'test', 'lk'] : ['shell', 'test'];
    const bySeries: Record<Kind, Series> = { plain: series(), tool: series() };
    for (let i = 0; i < WARMUP + ROUNDS; i++) {
      const input = INPUTS[i % INPUTS.length]!;
      // Rotate the order every two rounds, so each input sees each contender first.
      const shift = Math.floor(i / INPUTS.length) % contenders.length;
      const order = [...contenders.slice(shift), ...contenders.slice(0, shift)];
      const took = new Map<Who, number>();
      for (const who of order) {
        if (who === 'shell') {
          const result = await cli(project.dir, ['say', '--name', name, input.text]);
          if (result.code !== 0 || result.stdout === '') throw new Error(`shell say failed (exit ${result.code}):\n${result.stderr}`);
          took.set(who, result.ms);
        } else if (who === 'test') {
          const begun = performance.now();
          const turn = await session!.say(input.text);
          if (turn.errors.length > 0) throw new Error(`say() failed: ${turn.errors[0]!.message}`);
          took.set(who, performance.now() - begun);
        } else {
          took.set(who, await lk!.say(input.text));
        }
      }
      if (i < WARMUP) continue;
      const into = bySeries[input.kind];
      for (const [who, value] of took) into[who].push(value);
      into.paired.push(took.get('shell')! - took.get('test')!);
      if (i % 10 === 0) progress();
    }
    const modules = await countModules(project.dir, ['say', '--name', name, INPUTS[0].text]);
    if (modules.result.code !== 0) throw new Error(`shell say (counting modules) failed:\n${modules.result.stderr}`);
    return { bySeries, modules, ...(lk && { lkCommand: lk.command }) };
  } finally {
    await Promise.all([stopCli(project.dir, name), session?.close(), lk?.stop(), lkLlm?.close()]);
    project.remove();
  }
}

/** Node's floor, `help`, and `say` with no session, interleaved in rounds, in an empty project. */
async function measureStartup() {
  const project = projectDir();
  const cases = {
    'node -e 0': [process.execPath, ['-e', '0']],
    help: [process.execPath, [repoPath('dist/cli/main.js'), 'help']],
    'say, no session': [process.execPath, [repoPath('dist/cli/main.js'), 'say', INPUTS[0].text]],
  } as const;
  const expected: Record<keyof typeof cases, number> = { 'node -e 0': 0, help: 0, 'say, no session': 3 };
  const names = Object.keys(cases) as (keyof typeof cases)[];
  const times = Object.fromEntries(names.map((n) => [n, [] as number[]])) as Record<keyof typeof cases, number[]>;
  try {
    for (let i = 0; i < WARMUP + ROUNDS; i++) {
      const order = [...names.slice(i % names.length), ...names.slice(0, i % names.length)];
      for (const what of order) {
        const [file, args] = cases[what];
        const result = await run(file, args, { cwd: project.dir, env: shellEnv() });
        if (result.code !== expected[what]) throw new Error(`${what}: exit ${result.code}, expected ${expected[what]}\n${result.stderr}`);
        if (i >= WARMUP) times[what].push(result.ms);
      }
      if (i % 10 === 0) progress();
    }
    const modules = { help: await countModules(project.dir, ['help']), 'say, no session': await countModules(project.dir, ['say', 'x']) };
    return { times, modules };
  } finally {
    project.remove();
  }
}

const describeModules = (m: ModuleCount | undefined) =>
  m ? `${m.files} (${m.own} own${m.packages.length > 0 ? `; ${m.packages.join(', ')}` : ''})` : '-';

ensureBuilt();
if (!LK_BIN)
  process.stderr.write('lk column skipped: set LK_BIN=/path/to/lk to add `lk agent daemon say` (or `debugger say`) on the same agents.\n');

const startup = await measureStartup();
const floor = percentile(startup.times['node -e 0'], 50);
const results = new Map<Sdk, Awaited<ReturnType<typeof measure>>>();
for (const sdk of ['python', 'node'] as const) results.set(sdk, await measure(sdk));
process.stderr.write('\n');

const rows = [];
const verdicts: string[] = [];
for (const [sdk, { bySeries, lkCommand }] of results) {
  for (const { kind } of INPUTS) {
    const s = bySeries[kind];
    const extra = percentile(s.paired, 50);
    const lkRatio = percentile(s.shell, 50) / percentile(s.lk, 50);
    rows.push([
      sdk,
      kind,
      s.shell.length,
      ms(percentile(s.shell, 50)),
      ms(percentile(s.shell, 90)),
      ms(percentile(s.test, 50)),
      ms(percentile(s.test, 90)),
      ms(percentile(s.lk, 50)),
      ms(percentile(s.lk, 90)),
      ms(extra),
      ms(percentile(s.paired, 90)),
      ms(extra - floor),
      ratio(lkRatio),
    ]);
    if (kind !== 'plain') continue;
    const met = (ok: boolean) => (ok ? 'met' : 'NOT met');
    verdicts.push(
      `${sdk}: shell say adds ${ms(extra)} over say() (paired p50, plain turn); target <= ${EXTRA_TARGET_MS} ms: ${met(extra <= EXTRA_TARGET_MS)}`,
    );
    verdicts.push(
      lkCommand
        ? `${sdk}: shell say / lk agent ${lkCommand} say = ${ratio(lkRatio)} (p50, plain turn); target <= ${LK_TARGET_RATIO}x: ${met(lkRatio <= LK_TARGET_RATIO)}`
        : `${sdk}: shell say against lk: not measured (LK_BIN not set)`,
    );
  }
}
table(
  'Shell say: a whole `agent-session-test say` process vs say() in a test (same agent file, interleaved)',
  [
    'agent',
    'turn',
    'n',
    'shell p50',
    'shell p90',
    'say() p50',
    'say() p90',
    'lk p50',
    'lk p90',
    'extra p50',
    'extra p90',
    'extra - node',
    'shell/lk',
  ],
  rows,
  '"extra" is shell minus say() in the same round on the same input; "extra - node" takes off Node\'s own start-up\n' +
    `(node -e 0, p50 ${ms(floor)}). The plain turn is one model call; the tool turn two and a tool.\n` +
    (LK_BIN ? '' : 'lk: not measured (set LK_BIN to the lk binary to add it).\n') +
    verdicts.join('\n'),
);
table(
  'CLI start-up: whole processes in an empty project, interleaved',
  ['process', 'n', 'p50', 'p90', 'over node p50', 'modules loaded (own; packages)'],
  [
    ...(['node -e 0', 'help', 'say, no session'] as const).map((what) => [
      what,
      startup.times[what].length,
      ms(percentile(startup.times[what], 50)),
      ms(percentile(startup.times[what], 90)),
      ms(percentile(startup.times[what], 50) - floor),
      what === 'node -e 0' ? '-' : describeModules(startup.modules[what]),
    ]),
    ...[...results].map(([sdk, r]) => [`say, a ${sdk} turn`, '-', '-', '-', '-', describeModules(r.modules)]),
  ],
  'Modules: the files the process compiled (V8 coverage), from dist/ ("own") and from node_modules (by package).',
);
