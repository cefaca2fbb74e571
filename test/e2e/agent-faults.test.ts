import { afterEach, describe, expect, test } from 'vitest';
import { scriptedLlm } from '../../src/llm/index.js';
import { startAgentSession, type AgentSession } from '../../src/session/agent-session.js';
import { alive, failure, fixture, nodeAgent, pythonAgent, pythonEnv } from './helpers.js';

const sessions: AgentSession[] = [];
afterEach(async () => {
  await Promise.all(sessions.splice(0).map((s) => s.close()));
});
async function started(session: Promise<AgentSession>) {
  sessions.push(await session);
  return sessions.at(-1)!;
}
const echo = () => scriptedLlm([{ reply: { text: 'echo' } }]);

describe('errors name the cause the agent printed', () => {
  test("a Node agent that dies of its own FATAL error after it was ready: the line is quoted, not 'an earlier failure'", async () => {
    const session = await started(startAgentSession(fixture('node/waits_for_participant.ts'), { llm: echo() }));
    // The agent fails on its own once its session is up; the next request finds it gone.
    await expect.poll(() => session.closed, { timeout: 15_000 }).toBe(true);
    const { error } = await failure(() => session.say('hello'));
    expect(error.code).toBe('AGENT_EXITED');
    expect(error.shortMessage).toMatch(/the agent exited with code 1 while idle: "console mode failed: room is not connected"/);
    expect(error.hint).toMatch(/waits on the room \(e\.g\. ctx\.waitForParticipant\(\)\)/);
    expect(error.hint).not.toMatch(/earlier failure/);
    // The error after that one points back to it.
    expect((await failure(() => session.say('again'))).error.hint).toMatch(/earlier failure/);
  });

  test.each([
    ['Node', nodeAgent, /"console mode failed: OpenAI API key is required, whether as an argument or as \$OPENAI_API_KEY"/],
    ['Python', pythonAgent, /"openai\.OpenAIError: Missing credentials\. .*OPENAI_API_KEY/],
  ])('a %s agent without its provider key: the message quotes the plugin, the hint names the key', async (_, agent, quoted) => {
    const { error } = await failure(() => startAgentSession(agent, { env: { ...pythonEnv, OPENAI_API_KEY: undefined } }));
    expect(['AGENT_EXITED', 'AGENT_CRASHED']).toContain(error.code);
    expect(error.shortMessage).toMatch(quoted);
    expect(error.hint).toMatch(/no API key \(OPENAI_API_KEY\)[\s\S]*\{ env \}/);
    expect(error.hint).not.toMatch(/>= 1\.(4|6)/);
    expect(alive(error.pid)).toBe(false);
  });

  test('an agent that exits with code 0 before connecting is told what usually causes it', async () => {
    // With the runner's variables kept, LiveKit's example layout skips cli.runApp under Vitest.
    const { error } = await failure(() =>
      startAgentSession(fixture('node/runapp_guarded.ts'), { keepRunnerEnv: true, env: { VITEST: 'true' } }),
    );
    expect(error.code).toBe('AGENT_EXITED');
    expect(error.exitCode).toBe(0);
    expect(error.shortMessage).toMatch(/exited with code 0 before connecting/);
    expect(error.hint).toMatch(/exited normally \(code 0\)[\s\S]*cli\.runApp\(\.\.\.\) only runs when an environment check passes/);
    expect(error.hint).not.toMatch(/Run the command above by hand/);
  });
});

describe('the runner environment stays out of the agent', () => {
  test('an agent that skips cli.runApp under Vitest runs under the harness, which itself runs in Vitest', async () => {
    expect(process.env['VITEST']).toBeDefined();
    const session = await started(startAgentSession(fixture('node/runapp_guarded.ts'), { llm: echo() }));
    expect((await session.say('hello')).reply).toBe('echo');
  });
});

describe('an agent killed by a signal is reported as killed', () => {
  test('SIGKILL while idle: the code, the message and the exit all say so', async () => {
    const session = await started(startAgentSession(nodeAgent, { llm: echo() }));
    process.kill(session.pid!, 'SIGKILL');
    await expect.poll(() => session.closed, { timeout: 10_000 }).toBe(true);
    const { error } = await failure(() => session.say('hello'));
    expect(error.code).toBe('AGENT_KILLED');
    expect(error.signal).toBe('SIGKILL');
    expect(error.shortMessage).toBe('Cannot say: the agent was killed by signal SIGKILL while idle.');
    expect(error.message).not.toMatch(/closed the connection/);
    expect(error.message).toMatch(/Exit: signal SIGKILL/);
  });

  test('SIGKILL during a turn', async () => {
    const llm = scriptedLlm([{ when: { user: /wait/ }, reply: { toolCalls: [{ name: 'wait_forever' }] } }]);
    const session = await started(startAgentSession(fixture('python/hanging_tool.py'), { env: pythonEnv, llm }));
    const turn = session.say('please wait');
    await expect.poll(() => llm.requests.length, { timeout: 15_000 }).toBeGreaterThan(0);
    process.kill(session.pid!, 'SIGKILL');
    const { error } = await failure(() => turn);
    expect(error.code).toBe('AGENT_KILLED');
    expect(error.shortMessage).toBe('The agent was killed by signal SIGKILL during the turn.');
    expect(error.signal).toBe('SIGKILL');
  });
});
