/**
 * Memory: the harness's own resident set (what a test worker pays) with the library loaded, per
 * open session, and after many turns; the agents' resident sets are read from /proc separately
 * (every process in the agent's process group), since they are the agent's cost, not ours.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { weatherLlm } from '../examples/weather-llm.js';
import { startAgentSession, type AgentSession } from '../src/session/agent-session.js';
import { agents, mib, progress, reps, table, type Sdk } from './lib/stats.js';

const SESSIONS = 4;
const TURNS = reps(25);

const gc = (globalThis as { gc?: () => void }).gc;
function rss(): number {
  gc?.();
  return process.memoryUsage().rss;
}
/** JavaScript heap plus buffers: what the harness itself holds, without the allocator's slack that RSS shows. */
function held(): number {
  gc?.();
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.external;
}

/** RSS of a fresh Node process running `args` that prints its own RSS. */
function childRss(args: string[]): number {
  const out = execFileSync(process.execPath, [...args, '-e', 'console.log(process.memoryUsage().rss)'], { encoding: 'utf8' });
  return Number(out.trim().split('\n').at(-1));
}

/** Resident bytes of every process in process group `pgid`. */
function groupRss(pgid: number): number {
  let total = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // After the command: state, ppid, pgrp, ...; rss (pages) is field 24 of stat, index 21 here.
      if (Number(fields[2]) === pgid) total += Number(fields[21]) * 4096;
    } catch {
      // the process went away while we looked
    }
  }
  return total;
}

async function measure(sdk: Sdk) {
  // One session started and closed first, so lazily loaded code and first-use caches are not counted per session.
  await (await startAgentSession(agents[sdk], { llm: weatherLlm() })).close();
  const before = rss();
  const heldBefore = held();
  const sessions: AgentSession[] = [];
  for (let i = 0; i < SESSIONS; i++) {
    sessions.push(await startAgentSession(agents[sdk], { llm: weatherLlm() }));
    progress();
  }
  const open = rss();
  const heldOpen = held();
  for (let i = 0; i < TURNS; i++) await Promise.all(sessions.map((s) => s.say(i % 2 ? 'hello' : 'What is the weather in Paris?')));
  const afterTurns = rss();
  const heldTurns = held();
  const agentRss = sessions.map((s) => groupRss(s.pid!));
  await Promise.all(sessions.map((s) => s.close()));
  const closed = rss();
  const kib = (bytes: number) => `${(bytes / 1024).toFixed(0)} KiB`;
  return [
    sdk,
    mib(before),
    kib((heldOpen - heldBefore) / SESSIONS),
    kib((heldTurns - heldOpen) / (SESSIONS * TURNS)),
    `${mib(afterTurns - before)} / ${mib(open - before)}`,
    mib(closed),
    mib(agentRss.reduce((a, b) => a + b, 0) / agentRss.length),
  ];
}

const baseline = rss();
const rows = [];
for (const sdk of ['node', 'python'] as const) rows.push(await measure(sdk));
process.stderr.write('\n');
table(
  `Memory: harness RSS (${SESSIONS} sessions held open, ${TURNS} turns each) vs the agents' own`,
  ['agent', 'harness RSS before', 'held per session', 'held per turn', 'RSS growth turns/open', 'RSS after close', 'agent RSS (each)'],
  rows,
  `Worker baseline: bare node ${mib(childRss([]))}, node + tsx ${mib(childRss(['--import', 'tsx']))}, this process with the library\n` +
    `loaded ${mib(baseline)}${gc ? ' (after gc)' : ' (run with --expose-gc for steadier figures)'}. "held" = heapUsed + external after gc (RSS barely moves\n` +
    'at this scale); "per turn" includes the turn record a session keeps.',
);
