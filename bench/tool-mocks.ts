/**
 * What a mocked tool call costs against the real one: whole `say()` turns of the example weather
 * agents (the scripted model calls `lookup_weather`, then replies with its output), one turn whose
 * call a mock in this process answers and one whose call the agent's own tool answers, on the same
 * input in the same round.
 *
 * Both turns run on one session, started with `tools: {}`, the mock given per turn with
 * `say(text, { tools })`. Two agents side by side (one mocked from the start, one without mocks)
 * would make each pair differ in more than the mock: two processes with their own garbage
 * collection, JIT state and scheduling, and the preload loaded in only one of them. In one process
 * the pair differs only in who answers the call: the mock's round trip over the loopback channel
 * and the mock itself, against the tool's body (a dictionary lookup in both agents). The turn's
 * time includes what turn scope costs (the mocked names written before the turn and after it).
 * The mock returns the text the real tool returns, so both turns make the same model calls and
 * give the same reply (checked).
 *
 * What the preload costs a turn whose tools are not mocked is the second figure: the same real
 * turn on a second agent of the same file started without `tools` (no preload), in the same
 * rounds. It says the input once more, untimed, so that both agents' histories grow alike (a
 * turn's cost grows with the history: with one agent a turn behind per round, the difference
 * was about 40 ms at p50 for Python over 20 rounds). The three timed turns of a round rotate their order, so
 * none always follows another.
 *
 * The mock's own time (`mockCalls[i].durationMs`, measured in the channel around the call) is
 * taken off the paired difference to leave the channel's cost. The tool step as the agent saw it
 * (its function call item's creation to its output item's, on the agent's clock, in whole ms) is
 * printed too: it holds the call alone, without the model calls and the turn around it, and so
 * varies less than whole turns on a loaded machine. Target (printed, never enforced: shared
 * machines are noisy): a mocked call adds at most a few ms, taken as 5, at p50; judged on whole
 * turns and on the tool step.
 */
import { weatherLlm } from '../examples/weather-llm.js';
import { startAgentSession, type AgentSession } from '../src/session/agent-session.js';
import type { TurnRecord } from '../src/turn/types.js';
import { agents, ms, percentile, progress, reps, table, type Sdk } from './lib/stats.js';

const ROUNDS = reps(30);
const WARMUP = 3;
const TARGET_MS = 5;
/** What both agents' `lookup_weather` knows, so the mock can answer what the real tool would. */
const WEATHER = {
  Paris: 'sunny, 21°C in Paris',
  London: 'rainy, 14°C in London',
  Tokyo: 'cloudy, 18°C in Tokyo',
} as const;
const CITIES = Object.keys(WEATHER) as (keyof typeof WEATHER)[];
const mocks = { lookup_weather: (args: { city: string }) => WEATHER[args.city as keyof typeof WEATHER] };

type Who = 'mocked' | 'real' | 'plain';
interface Series {
  mocked: number[];
  real: number[];
  /** The real turn on the agent started without `tools`. */
  plain: number[];
  /** mocked minus real, same session, same input, same round. */
  paired: number[];
  /** The mock's own time in the channel. */
  mock: number[];
  /** paired minus the mock's own time: the channel and the turn-scope bookkeeping. */
  channel: number[];
  /** real minus plain: the preload on a turn whose tool runs for real. */
  preload: number[];
  /** The tool step on the agent's clock: mocked, real, and mocked minus real per round. */
  stepMocked: number[];
  stepReal: number[];
  stepPaired: number[];
}

/** From the function call item's creation to its output's, on the agent's clock (NaN when it gave no times). */
function toolStep(turn: TurnRecord): number {
  const call = turn.items.find((item) => item.type === 'function_call');
  const output = turn.items.find((item) => item.type === 'function_call_output');
  return call && output && call.createdAt > 0 && output.createdAt > 0 ? output.createdAt - call.createdAt : NaN;
}

function check(who: Who, turn: TurnRecord): void {
  if (turn.errors.length > 0) throw new Error(`${who} turn failed: ${turn.errors[0]!.message}`);
  const call = turn.toolCalls[0];
  if (turn.toolCalls.length !== 1 || call?.name !== 'lookup_weather') throw new Error(`${who} turn: expected one lookup_weather call`);
  if ((call.mocked === true) !== (who === 'mocked')) throw new Error(`${who} turn: the call is ${call.mocked ? '' : 'not '}marked mocked`);
}

async function measure(sdk: Sdk): Promise<Series> {
  const [mockable, plain] = await Promise.all([
    startAgentSession(agents[sdk], { llm: weatherLlm(), tools: {} }),
    startAgentSession(agents[sdk], { llm: weatherLlm() }),
  ]);
  const s: Series = {
    mocked: [],
    real: [],
    plain: [],
    paired: [],
    mock: [],
    channel: [],
    preload: [],
    stepMocked: [],
    stepReal: [],
    stepPaired: [],
  };
  const contenders: Who[] = ['mocked', 'real', 'plain'];
  const turn = async (who: Who, text: string): Promise<{ ms: number; reply: string; step: number }> => {
    const session: AgentSession = who === 'plain' ? plain : mockable;
    const started = performance.now();
    const record = await (who === 'mocked' ? session.say(text, { tools: mocks }) : session.say(text));
    const took = performance.now() - started;
    check(who, record);
    return { ms: took, reply: record.reply, step: toolStep(record) };
  };
  try {
    for (let i = 0; i < WARMUP + ROUNDS; i++) {
      const text = `What is the weather in ${CITIES[i % CITIES.length]}?`;
      const shift = i % contenders.length;
      const order = [...contenders.slice(shift), ...contenders.slice(0, shift)];
      const took = new Map<Who, { ms: number; reply: string; step: number }>();
      const logged = mockable.mockCalls.length;
      for (const who of order) took.set(who, await turn(who, text));
      // The agents' per-turn work grows with their history: the second agent says as much as the first.
      check('plain', await plain.say(text));
      const replies = new Set([...took.values()].map((t) => t.reply));
      if (replies.size !== 1) throw new Error(`the turns on "${text}" replied differently: ${[...replies].join(' | ')}`);
      const calls = mockable.mockCalls.slice(logged);
      if (calls.length !== 1) throw new Error(`expected one mocked call in the round, the log has ${calls.length}`);
      if (i < WARMUP) continue;
      const [mocked, real, other] = [took.get('mocked')!.ms, took.get('real')!.ms, took.get('plain')!.ms];
      s.mocked.push(mocked);
      s.real.push(real);
      s.plain.push(other);
      s.paired.push(mocked - real);
      s.mock.push(calls[0]!.durationMs);
      s.channel.push(mocked - real - calls[0]!.durationMs);
      s.preload.push(real - other);
      const steps = [took.get('mocked')!.step, took.get('real')!.step];
      if (steps.every(Number.isFinite)) {
        s.stepMocked.push(steps[0]!);
        s.stepReal.push(steps[1]!);
        s.stepPaired.push(steps[0]! - steps[1]!);
      }
      if (i % 10 === 0) progress();
    }
  } finally {
    await Promise.all([mockable.close(), plain.close()]);
  }
  return s;
}

const results = new Map<Sdk, Series>();
for (const sdk of ['python', 'node'] as const) results.set(sdk, await measure(sdk));
process.stderr.write('\n');

const verdicts: string[] = [];
/** The table's columns after agent and n: a series and its percentile. */
const columns: [keyof Series, number][] = [
  ['real', 50],
  ['real', 90],
  ['mocked', 50],
  ['mocked', 90],
  ['paired', 50],
  ['paired', 90],
  ['mock', 50],
  ['channel', 50],
  ['plain', 50],
  ['preload', 50],
  ['stepReal', 50],
  ['stepMocked', 50],
  ['stepPaired', 50],
];
const rows = [...results].map(([sdk, s]) => {
  const met = (value: number) => (value <= TARGET_MS ? 'met' : 'NOT met');
  const extra = percentile(s.paired, 50);
  const step = percentile(s.stepPaired, 50);
  verdicts.push(
    `${sdk}: a mocked call adds ${ms(extra)} to a turn (paired p50; target <= ${TARGET_MS} ms: ${met(extra)}), ` +
      `${ms(step)} to the tool step on the agent's clock (${met(step)})`,
  );
  return [sdk, s.paired.length, ...columns.map(([series, p]) => ms(percentile(s[series], p)))];
});
table(
  'Tool mocks: a turn whose tool call a mock answers vs the same turn with the real tool (one session, interleaved)',
  [
    'agent',
    'n',
    'real p50',
    'real p90',
    'mocked p50',
    'mocked p90',
    'extra p50',
    'extra p90',
    'mock p50',
    'channel p50',
    'no preload p50',
    'preload p50',
    'step real',
    'step mocked',
    'step extra',
  ],
  rows,
  '"extra" is mocked minus real in the same round on the same input (one lookup_weather call, two model calls);\n' +
    '"mock" the mock\'s own time in the test process (mockCalls[i].durationMs); "channel" extra minus mock, per round.\n' +
    '"no preload" is the real turn on a second agent started without `tools`; "preload" real minus it, per round.\n' +
    '"step": the tool step on the agent\'s clock (call item to output item, whole ms), p50 real, mocked, and paired.\n' +
    verdicts.join('\n'),
);
