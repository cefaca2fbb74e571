/**
 * Faults no real CLI produces on demand, from a fake CLI of our own: each ends the turn with a
 * clear AgentSessionError carrying the CLI's stderr tail, and leaves no process behind.
 */
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, test } from 'vitest';
// The turn matchers, registered as a test file of a user's would.
import 'agent-session-test/vitest';
import { AgentSessionError, startStreamJsonSession, type StreamJsonSession } from 'agent-session-test';

const fakeCli = fileURLToPath(new URL('../fixtures/streamjson/fake-cli.mjs', import.meta.url));
const sessions: StreamJsonSession[] = [];
afterEach(async () => {
  await Promise.all(sessions.splice(0).map((s) => s.close()));
});

async function start(mode: string, options: { turnTimeout?: number; unknownMessages?: 'error' | 'ignore' } = {}) {
  const session = await startStreamJsonSession({ command: [process.execPath, fakeCli, mode], ...options });
  sessions.push(session);
  return session;
}

async function failure(promise: Promise<unknown>): Promise<AgentSessionError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AgentSessionError);
  return error as AgentSessionError;
}

function isAlive(pid: number | undefined): boolean {
  try {
    process.kill(pid!, 0);
    return true;
  } catch {
    return false;
  }
}

describe('stream-json faults', () => {
  test('a well-behaved turn, for contrast', async () => {
    const session = await start('ok');
    const turn = await session.say('ping');
    expect(turn).toHaveReplied('pong');
    expect(turn.status).toBe('success');
  });

  test('a malformed line fails the turn and stops the CLI', async () => {
    const session = await start('malformed');
    const error = await failure(session.say('ping'));
    expect(error.code).toBe('PROTOCOL_ERROR');
    expect(error.message).toContain('DEBUG loaded 3 plugins');
    expect(error.message).toContain('fake-cli: started in malformed mode');
    expect(error.turn?.reply).toBe('working on it');
    await expect(session.say('again')).rejects.toMatchObject({ code: 'AGENT_DISCONNECTED' });
    await expect.poll(() => isAlive(session.pid)).toBe(false);
  });

  test('an unknown message type fails the turn, unless told to ignore it', async () => {
    const strict = await start('unknown');
    const error = await failure(strict.say('ping'));
    expect(error.code).toBe('PROTOCOL_ERROR');
    expect(error.shortMessage).toContain('unknown type "telepathy"');
    expect(error.hint).toContain("unknownMessages: 'ignore'");

    const lenient = await start('unknown', { unknownMessages: 'ignore', turnTimeout: 1500 });
    const timeout = await failure(lenient.say('ping'));
    expect(timeout.code).toBe('TURN_TIMEOUT');
  });

  test('a CLI that dies mid-turn', async () => {
    const session = await start('die');
    const error = await failure(session.say('ping'));
    expect(error.code).toBe('AGENT_EXITED');
    expect(error.exitCode).toBe(3);
    expect(error.shortMessage).toContain('during the turn');
    expect(error.message).toContain('out of cheese');
    expect(error.turn?.reply).toBe('working on it');
  });

  test('a turn that never yields a result times out with the partial turn', async () => {
    const session = await start('no-result', { turnTimeout: 1500 });
    const error = await failure(session.say('ping'));
    expect(error.code).toBe('TURN_TIMEOUT');
    expect(error.shortMessage).toContain('no result line');
    expect(error.turn?.reply).toBe('working on it');
    expect(error.message).toContain('fake-cli: started in no-result mode');
  });

  test('a command that does not exist', async () => {
    const error = await failure(startStreamJsonSession({ command: ['/nonexistent/letta-cli'] }));
    expect(error.code).toBe('AGENT_SPAWN_FAILED');
    expect(error.hint).toContain('setup:stream-json');
  });

  test("a relative command: the hint says it resolves against the CLI's working directory", async () => {
    const error = await failure(startStreamJsonSession({ command: ['node_modules/.bin/letta'] }));
    expect(error.code).toBe('AGENT_SPAWN_FAILED');
    expect(error.hint).toMatch(
      /"node_modules\/\.bin\/letta" is a relative path, so it resolves against the CLI's working directory \(.*fresh empty directory/,
    );
    expect(error.hint).toContain('path.resolve(');
  });

  test('a CLI that ignores the initialize request fails soon after its first line, not at the startup timeout', async () => {
    const started = Date.now();
    const error = await failure(startStreamJsonSession({ command: [process.execPath, fakeCli, 'no-control'], startupTimeout: 50_000 }));
    expect(error.code).toBe('AGENT_STARTUP_TIMEOUT');
    expect(error.shortMessage).toMatch(/its first line: .*"subtype":"init".*did not answer the initialize control request/);
    expect(error.hint).toContain('{ initialize: false }');
    expect(Date.now() - started).toBeLessThan(35_000);
  });

  test('a CLI that does not speak stream-json exits while starting', async () => {
    const error = await failure(
      startStreamJsonSession({ command: [process.execPath, '-e', 'console.error("usage: no such flag"); process.exit(2)'] }),
    );
    expect(error.code).toBe('AGENT_EXITED');
    expect(error.exitCode).toBe(2);
    expect(error.message).toContain('usage: no such flag');
  });
});
