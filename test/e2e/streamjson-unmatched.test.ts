/** A request no scripted rule matches, through the real Letta Code: its explanation reaches the turn once. */
import { expect, test } from 'vitest';
import { lettaCode } from 'agent-session-test';
import { useStreamJsonSession } from 'agent-session-test/vitest';
import { scriptedLlm } from 'agent-session-test/llm';
import { UNMATCHED_PREFIX } from '../../src/llm/explain.js';
import { lettaBin } from '../fixtures/streamjson/peers.js';

const agent = useStreamJsonSession({
  ...lettaCode({ bin: lettaBin() }),
  llm: scriptedLlm([{ name: 'greet', when: { user: /hello/ }, reply: { text: 'hi' } }]),
});

test("an unmatched request's explanation appears once in turn.errors", async () => {
  const turn = await agent.say('something no rule expects');
  const explaining = turn.errors.filter((error) => error.message.includes(UNMATCHED_PREFIX));
  expect(explaining, JSON.stringify(turn.errors, null, 2)).toHaveLength(1);
  // The whole explanation, the rules tried included.
  expect(explaining[0]!.message).toMatch(/greet/);
});
