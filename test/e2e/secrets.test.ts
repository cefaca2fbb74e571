import { afterEach, describe, expect, test } from 'vitest';
import { scriptedLlm } from '../../src/llm/index.js';
import { renderTurn } from '../../src/render/render-turn.js';
import { startAgentSession, type AgentSession } from '../../src/session/agent-session.js';
import { failure, fixture, pythonEnv } from './helpers.js';

const TOKEN = 'wx-7f3a9c1e5b2d4f60';
const OTHER = 'plain-config-value-991';
const sessions: AgentSession[] = [];
afterEach(async () => {
  await Promise.all(sessions.splice(0).map((s) => s.close()));
});

describe('secrets from the environment never show', () => {
  test('in the error and output tail of an agent that crashes with one', async () => {
    const { error } = await failure(() =>
      startAgentSession(fixture('python/leaky_agent.py'), { env: { ...pythonEnv, WEATHER_API_TOKEN: TOKEN, LEAK_ON_START: '1' } }),
    );
    expect(['AGENT_CRASHED', 'AGENT_EXITED']).toContain(error.code);
    // The agent did print it; the harness shows where, not what.
    expect(error.output).toMatch(/rejected token \[redacted \$WEATHER_API_TOKEN\]/);
    expect(error.message).not.toContain(TOKEN);
    expect(error.output).not.toContain(TOKEN);
    expect(error.hint).not.toContain(TOKEN);
  });

  test('in turn records, transcripts, history, output and errors', async () => {
    const seen: string[] = [];
    const llm = scriptedLlm([
      { when: { user: /config/ }, reply: { toolCalls: [{ name: 'read_config' }] } },
      // A model that repeats what it was told, and a provider error that quotes a credential.
      { when: { tool: 'read_config' }, reply: { text: `The token is ${TOKEN}.` } },
      { when: { user: /again/ }, reply: { error: { status: 400, message: `rejected: ${TOKEN} and ${OTHER}` } } },
    ]);
    const session = await startAgentSession(fixture('python/leaky_agent.py'), {
      env: { ...pythonEnv, WEATHER_API_TOKEN: TOKEN, WEATHER_CONFIG: OTHER },
      secretEnv: ['WEATHER_CONFIG'],
      llm,
      onOutput: (text) => seen.push(text),
    });
    sessions.push(session);

    const turn = await session.say('show me the config');
    expect(turn.toolCalls[0]?.output).toMatch(/token=\[redacted \$WEATHER_API_TOKEN\]/);
    expect(turn.reply).toBe('The token is [redacted $WEATHER_API_TOKEN].');
    const failed = await session.say('again please');
    expect(failed.errors.some((e) => e.message.includes('[redacted $WEATHER_CONFIG]'))).toBe(true);
    const everything = [
      JSON.stringify([turn, failed]),
      renderTurn(turn, { color: false }),
      renderTurn(failed, { color: false }),
      JSON.stringify(await session.history()),
      session.output(),
      seen.join(''),
    ].join('\n');
    expect(everything).toContain('[redacted $WEATHER_API_TOKEN]');
    expect(everything).not.toContain(TOKEN);
    expect(everything).not.toContain(OTHER);
  });
});
