import { test as base, expect } from 'vitest';
import type { AgentSessionHandle } from 'agent-session-test';
import { agentSessionFixture } from 'agent-session-test/vitest';
import { weatherLlm } from '../../examples/weather-llm.js';
import { alive } from './helpers.js';

const llm = weatherLlm();
let pid: number | undefined;
// The path resolves against this file, as with useAgentSession.
const test = base.extend<{ agent: AgentSessionHandle }>({ agent: agentSessionFixture('../../examples/node/weather_agent.ts', { llm }) });

test('a file-scoped fixture hands every test the same running agent', async ({ agent }) => {
  const turn = await agent.say('weather in Paris?');
  expect(turn).toHaveCalledTool('lookup_weather', { city: 'Paris' });
  pid = (await agent.start()).pid;
  expect(alive(pid)).toBe(true);
});

test('the second test continues the same conversation', async ({ agent }) => {
  expect((await agent.start()).pid).toBe(pid);
  const turn = await agent.say('what did I ask first?');
  expect(turn.index).toBe(1);
  expect(turn).toHaveReplied('You first asked: weather in Paris?');
});
