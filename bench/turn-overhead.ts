/**
 * Per-turn overhead: `say()` against the raw driver, each on its own agent of the same file
 * started side by side (an agent takes one connection), turns interleaved so both see the
 * same machine load. Both agents run the example weather agent with the scripted model.
 *
 * The second table is the cost of the pre-spawn relay: a session whose agent came from a broker
 * (as with the plugin's `prespawn`: every frame makes one more loopback hop through the broker,
 * which runs in a process of its own as the runner's main process does) against a session that
 * started its own agent, on the same inputs, interleaved: turns, and bare requests (`state()`,
 * one frame each way, no model call).
 */
import { weatherLlm } from '../examples/weather-llm.js';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { useBroker } from '../src/prespawn/client.js';
import type { BrokerAddress } from '../src/prespawn/messages.js';
import { startAgentSession, type AgentSession } from '../src/session/agent-session.js';
import { RawAgent } from './lib/raw-driver.js';
import { agents, ms, percentile, progress, ratio, repoPath, reps, table, type Sdk } from './lib/stats.js';

const TURNS = reps(40);
const WARMUP = 3;
const INPUTS = ['What is the weather in Paris?', 'hello there'];

/** A session whose agent was pre-spawned by a broker: a first session teaches it the launch, the second takes the spare. */
async function relayedSession(sdk: Sdk): Promise<{ session: AgentSession; broker: ChildProcess }> {
  const broker = spawn(process.execPath, ['--import', 'tsx', repoPath('bench/lib/broker-process.ts'), 'first', 'second'], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const [line] = (await once(broker.stdout!, 'data')) as [Buffer];
  useBroker(JSON.parse(String(line)) as BrokerAddress);
  try {
    await (await startAgentSession(agents[sdk], { llm: weatherLlm() })).close();
    const session = await startAgentSession(agents[sdk], { llm: weatherLlm() });
    if (!session.prespawned) throw new Error('the second session did not get a spare');
    return { session, broker };
  } finally {
    useBroker(undefined);
  }
}

async function measure(sdk: Sdk) {
  const rawLlm = weatherLlm();
  const rawServer = await rawLlm.listen();
  const [session, raw] = await Promise.all([
    startAgentSession(agents[sdk], { llm: weatherLlm() }),
    RawAgent.start(agents[sdk], rawServer.env),
  ]);
  const harness: number[] = [];
  const bare: number[] = [];
  // harness minus raw for the same input in the same round: robust to the two inputs' different costs.
  const paired: number[] = [];
  try {
    for (let i = 0; i < WARMUP + TURNS; i++) {
      const input = INPUTS[i % INPUTS.length]!;
      // Alternate which goes first, so neither always runs right after the other's turn.
      const order = i % 4 < 2 ? ['harness', 'raw'] : ['raw', 'harness'];
      for (const who of order) {
        const started = performance.now();
        if (who === 'harness') {
          const turn = await session.say(input);
          if (turn.errors.length > 0) throw new Error(`harness turn failed: ${turn.errors[0]!.message}`);
        } else {
          const response = await raw.request('runInput', { text: input });
          if (response.error) throw new Error(`raw turn failed: ${response.error}`);
        }
        const took = performance.now() - started;
        if (i >= WARMUP) (who === 'harness' ? harness : bare).push(took);
      }
      if (i >= WARMUP) paired.push(harness.at(-1)! - bare.at(-1)!);
      if (i % 10 === 0) progress();
    }
  } finally {
    await Promise.all([session.close(), raw.close(), rawServer.close()]);
  }
  const h50 = percentile(harness, 50);
  const r50 = percentile(bare, 50);
  return [
    sdk,
    TURNS,
    ms(r50),
    ms(h50),
    ratio(h50 / r50),
    ms(percentile(paired, 50)),
    ms(percentile(bare, 95)),
    ms(percentile(harness, 95)),
    ratio(percentile(harness, 95) / percentile(bare, 95)),
  ];
}

/** Relayed against direct, same inputs, alternating which goes first. */
async function measureRelay(sdk: Sdk) {
  const [{ session: relayed, broker }, direct] = await Promise.all([
    relayedSession(sdk),
    startAgentSession(agents[sdk], { llm: weatherLlm() }),
  ]);
  const turns = { relayed: [] as number[], direct: [] as number[], paired: [] as number[] };
  const requests = { relayed: [] as number[], direct: [] as number[], paired: [] as number[] };
  const time = async (fn: () => Promise<unknown>) => {
    const started = performance.now();
    await fn();
    return performance.now() - started;
  };
  try {
    for (let i = 0; i < WARMUP + TURNS; i++) {
      const input = INPUTS[i % INPUTS.length]!;
      const order = i % 2 === 0 ? [relayed, direct] : [direct, relayed];
      const took = new Map<AgentSession, number>();
      for (const session of order) took.set(session, await time(() => session.say(input)));
      const requestTook = new Map<AgentSession, number>();
      for (const session of order) requestTook.set(session, await time(() => session.state()));
      if (i < WARMUP) continue;
      for (const [into, map] of [
        [turns, took],
        [requests, requestTook],
      ] as const) {
        into.relayed.push(map.get(relayed)!);
        into.direct.push(map.get(direct)!);
        into.paired.push(map.get(relayed)! - map.get(direct)!);
      }
      if (i % 10 === 0) progress();
    }
  } finally {
    await Promise.all([relayed.close(), direct.close()]);
    broker.stdin!.end();
    await once(broker, 'exit');
  }
  const row = (what: string, m: typeof turns) => [
    sdk,
    what,
    TURNS,
    ms(percentile(m.direct, 50)),
    ms(percentile(m.relayed, 50)),
    ms(percentile(m.paired, 50)),
    ms(percentile(m.direct, 95)),
    ms(percentile(m.relayed, 95)),
  ];
  return [row('say()', turns), row('state()', requests)];
}

const rows = [];
for (const sdk of ['node', 'python'] as const) rows.push(await measure(sdk));
const relayRows = [];
for (const sdk of ['node', 'python'] as const) relayRows.push(...(await measureRelay(sdk)));
process.stderr.write('\n');
table(
  'Per-turn overhead: say() vs a raw socket driver (same agent file, interleaved turns)',
  ['agent', 'turns', 'raw p50', 'say p50', 'ratio p50', 'paired extra p50', 'raw p95', 'say p95', 'ratio p95'],
  rows,
  'Target: ratio <= 1.05 or <= 1 ms extra at p50. Turns alternate a tool call (2 LLM calls) and a plain reply;\n' +
    '"paired extra" is the median of (say - raw) over rounds, both on the same input.',
);
table(
  'The pre-spawn relay: a session on a spare (relayed through the broker) vs one that started its own agent',
  ['agent', 'call', 'n', 'direct p50', 'relayed p50', 'paired extra p50', 'direct p95', 'relayed p95'],
  relayRows,
  'Interleaved on the same inputs; "paired extra" is the median of (relayed - direct) per round.',
);
