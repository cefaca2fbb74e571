/**
 * Cold start: `startAgentSession` until ready (pinged, text mode on) against the bare agent's
 * spawn-to-connect, spawn-to-first-pong and spawn-to-text-mode, alternating harness and raw
 * starts of the same agent file in one run. Also times the peer check the harness's listener
 * runs on the agent's connection (a scan of /proc), the one step the raw driver skips.
 */
import { weatherLlm } from '../examples/weather-llm.js';
import { startAgentSession } from '../src/session/agent-session.js';
import { peerInProcessGroup } from '../src/process/listener.js';
import { RawAgent } from './lib/raw-driver.js';
import { agents, median, ms, progress, ratio, reps, table, type Sdk } from './lib/stats.js';

const RUNS = reps(5);

async function measure(sdk: Sdk) {
  const harness: number[] = [];
  const connect: number[] = [];
  const pong: number[] = [];
  const ready: number[] = [];
  const peerCheck: number[] = [];
  const close: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    for (const who of i % 2 === 0 ? ['harness', 'raw'] : ['raw', 'harness']) {
      if (who === 'harness') {
        const started = performance.now();
        const session = await startAgentSession(agents[sdk], { llm: weatherLlm() });
        harness.push(performance.now() - started);
        const closing = performance.now();
        await session.close();
        close.push(performance.now() - closing);
      } else {
        // The raw driver starts its model server inside the timing too, as startAgentSession does.
        const started = performance.now();
        const llm = await weatherLlm().listen();
        const raw = await RawAgent.start(agents[sdk], llm.env);
        const t = raw.timings;
        connect.push(t.connectAt - started);
        pong.push(t.pongAt - started);
        ready.push(t.readyAt - started);
        const checkStarted = performance.now();
        peerInProcessGroup(raw.socket, raw.child.pid!);
        peerCheck.push(performance.now() - checkStarted);
        await Promise.all([raw.close(), llm.close()]);
      }
      progress();
    }
  }
  const h = median(harness);
  return [
    sdk,
    RUNS,
    ms(median(connect)),
    ms(median(pong)),
    ms(median(ready)),
    ms(h),
    ratio(h / median(ready)),
    ms(h - median(ready)),
    ms(median(peerCheck)),
    ms(median(close)),
  ];
}

const rows = [];
for (const sdk of ['node', 'python'] as const) rows.push(await measure(sdk));
process.stderr.write('\n');
table(
  'Cold start: startAgentSession to ready vs the bare agent (medians, alternating starts)',
  ['agent', 'runs', 'raw connect', 'raw pong', 'raw ready', 'harness ready', 'ratio', 'extra', 'peer check', 'close'],
  rows,
  'Target: ratio <= 1.05. "ready" = first pong answered and text mode acknowledged; "peer check" = the\n' +
    "listener's /proc scan that admits only the agent's process group (included in the harness figure);\n" +
    '"close" = session.close(): SIGINT to the group, the agent\'s own shutdown, reaped (paid by every test file).',
);
