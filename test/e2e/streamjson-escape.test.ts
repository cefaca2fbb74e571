/**
 * Letta Code runs each Bash command in a session and process group of its own, so ending the
 * CLI's group leaves a long command running. close() must end it too, found by the session's tag.
 */
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { expect, test } from 'vitest';
import { lettaCode, startStreamJsonSession } from 'agent-session-test';
import { scriptedLlm } from 'agent-session-test/llm';
import { lettaBin } from '../fixtures/streamjson/peers.js';
import { failure, killedAfterEach } from './helpers.js';

/** Pids of live processes whose command line contains `text` (zombies have none). */
function processesRunning(text: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(text)) found.push(Number(entry));
    } catch {
      // the process ended while being read
    }
  }
  return found;
}

const leftovers = killedAfterEach();

test.runIf(process.platform === 'linux')(
  'close() ends a Bash command of a timed-out turn, which Letta runs in its own process group',
  async () => {
    const marker = `ast-marker-${randomUUID()}`;
    const session = await startStreamJsonSession({
      ...lettaCode({ bin: lettaBin() }),
      llm: scriptedLlm([
        {
          when: { user: /long/ },
          reply: { toolCalls: [{ name: 'Bash', args: { command: `sleep 40; echo ${marker}`, description: 'a long command' } }] },
        },
      ]),
      permissions: { allow: ['Bash'] },
      turnTimeout: 2000,
    });
    try {
      const { error } = await failure(() => session.say('run the long command'));
      expect(error.code).toBe('TURN_TIMEOUT');
      await expect.poll(() => processesRunning(marker).length, { timeout: 30_000, interval: 100 }).toBeGreaterThan(0);
      leftovers.push(...processesRunning(marker));
    } finally {
      await session.close();
    }
    expect(processesRunning(marker)).toEqual([]);
  },
);
