import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, test } from 'vitest';
import { startAgentSession, type AgentSession } from '../../src/session/agent-session.js';
import { alive, failure } from './helpers.js';

const fakeAgent = fileURLToPath(new URL('../fixtures/fake-agent/fake-agent.ts', import.meta.url));
const sessions: AgentSession[] = [];
afterEach(async () => {
  await Promise.all(sessions.splice(0).map((s) => s.close()));
});

/** Starts the fake agent with a fault armed for `when` (a request kind). */
async function startFake(fault: string, when = 'runInput', startupTimeout = 20_000) {
  const session = await startAgentSession(fakeAgent, {
    command: [process.execPath, '--import', 'tsx', '{file}', '--connect-addr', '{connectAddr}', '--fault', fault, '--when', when],
    startupTimeout,
  });
  sessions.push(session);
  return session;
}

describe('protocol violations end the session with a PROTOCOL_ERROR, promptly, and stop the agent', () => {
  test.each([
    ['garbage', /frame that is not an agent session message/],
    ['oversized', /frame of 134217728 bytes, above the 67108864-byte limit \(maxFrameBytes\)/],
    ['truncated', /ended in the middle of a frame \(\d+ bytes unread\)/],
    ['unknown-response', /answered a request that was never sent \(request id "not-ast-\d+"\)/],
  ])('%s during a turn', async (fault, detail) => {
    const session = await startFake(fault);
    const pid = session.pid;
    const { error, ms } = await failure(() => session.say('hello', { timeout: 20_000 }));
    expect(error.code).toBe('PROTOCOL_ERROR');
    expect(error.message).toMatch(/Protocol violation during the turn/);
    expect(error.message).toMatch(detail);
    expect(error.message).toMatch(/Agent: .*fake-agent\.ts/);
    // The agent's own account (its stdout may arrive after the bytes that broke the protocol).
    await expect.poll(() => session.output()).toMatch(new RegExp(`misbehaving \\(${fault}\\)`));
    // Detected when the bytes arrive, not at the turn timeout.
    expect(ms).toBeLessThan(10_000);
    // The agent ignores SIGINT and outlives its socket; the harness still ends it.
    await expect.poll(() => alive(pid), { timeout: 5000 }).toBe(false);
    expect((await failure(() => session.say('again'))).error.code).toBe('AGENT_DISCONNECTED');
  });

  test('garbage while starting fails the start', async () => {
    const { error, ms } = await failure(() => startFake('garbage', 'ping'));
    expect(error.code).toBe('PROTOCOL_ERROR');
    expect(error.message).toMatch(/during the ping request/);
    expect(ms).toBeLessThan(15_000);
    expect(alive(error.pid)).toBe(false);
  });
});

describe('an agent that stops answering', () => {
  test('never answering ping ends in the startup timeout', async () => {
    const { error, ms } = await failure(() => startFake('silent', 'ping', 5000));
    expect(error.code, error.message).toBe('AGENT_STARTUP_TIMEOUT');
    expect(error.message).toMatch(/connected but did not answer a ping within the startup timeout \(5000 ms\)/);
    expect(ms).toBeGreaterThanOrEqual(4900);
    expect(ms).toBeLessThan(10_000);
    expect(alive(error.pid)).toBe(false);
  });

  test('never answering a turn ends in the turn timeout; the session stays usable', async () => {
    const session = await startFake('silent');
    const { error, ms } = await failure(() => session.say('hello', { timeout: 1500 }));
    expect(error.code).toBe('TURN_TIMEOUT');
    expect(ms).toBeGreaterThanOrEqual(1400);
    expect(ms).toBeLessThan(6000);
    expect(session.closed).toBe(false);
    expect((await session.framework()).sdk).toBe('fake');
  });

  test('closing the socket while the process lives on is a disconnect, and the process is killed', async () => {
    const session = await startFake('close');
    const pid = session.pid;
    const { error, ms } = await failure(() => session.say('hello', { timeout: 20_000 }));
    expect(error.code).toBe('AGENT_DISCONNECTED');
    expect(error.message).toMatch(/closed the connection during the turn but kept running; it was stopped/);
    expect(ms).toBeLessThan(10_000);
    await expect.poll(() => alive(pid), { timeout: 5000 }).toBe(false);
  });
});
