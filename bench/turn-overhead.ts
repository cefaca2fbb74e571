/**
 * Per-turn overhead: `say()` against the raw driver, each on its own agent of the same file
 * started side by side (an agent takes one connection), turns interleaved so both see the
 * same machine load. Both agents run the example weather agent with the scripted model.
 */
import { weatherLlm } from '../examples/weather-llm.js';
import { startAgentSession } from '../src/session/agent-session.js';
import { RawAgent } from './lib/raw-driver.js';
import { agents, ms, percentile, progress, ratio, reps, table, type Sdk } from './lib/stats.js';

const TURNS = reps(40);
const WARMUP = 3;
const INPUTS = ['What is the weather in Paris?', 'hello there'];

async function measure(sdk: Sdk) {
  const harnessLlm = weatherLlm();
  const rawLlm = weatherLlm();
  const rawServer = await rawLlm.listen();
  const [session, raw] = await Promise.all([startAgentSession(agents[sdk], { llm: harnessLlm }), RawAgent.start(agents[sdk], rawServer.env)]);
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
  return [sdk, TURNS, ms(r50), ms(h50), ratio(h50 / r50), ms(percentile(paired, 50)), ms(percentile(bare, 95)), ms(percentile(harness, 95)), ratio(percentile(harness, 95) / percentile(bare, 95))];
}

const rows = [];
for (const sdk of ['node', 'python'] as const) rows.push(await measure(sdk));
process.stderr.write('\n');
table(
  'Per-turn overhead: say() vs a raw socket driver (same agent file, interleaved turns)',
  ['agent', 'turns', 'raw p50', 'say p50', 'ratio p50', 'paired extra p50', 'raw p95', 'say p95', 'ratio p95'],
  rows,
  'Target: ratio <= 1.05 or <= 1 ms extra at p50. Turns alternate a tool call (2 LLM calls) and a plain reply;\n' +
    '"paired extra" is the median of (say - raw) over rounds, both on the same input.',
);
