/**
 * The stream-json session's turn logic over in-process streams: a stand-in CLI whose stdin the
 * test reads and whose stdout the test writes. The queue, the timeout and abort of a turn and of
 * a control request, and the merge of the model server's misses are checked without a process.
 */
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import type { LlmServerLike } from '../../../src/core/model-server.js';
import { AgentSessionError } from '../../../src/errors/index.js';
import type { ExitStatus } from '../../../src/process/agent-process.js';
import type { StreamJsonSessionOptions } from '../../../src/streamjson/options.js';
import { StreamJsonSession, type StdioAgent } from '../../../src/streamjson/session.js';

type Line = Record<string, unknown>;

/** A CLI that never exits on its own; what the session writes to its stdin is kept as lines. */
function standInCli(session: StreamJsonSession) {
  const written: Line[] = [];
  const waiters: (() => void)[] = [];
  let exit!: (status: ExitStatus) => void;
  let status: ExitStatus | undefined;
  const cli: StdioAgent = {
    pid: undefined,
    exited: new Promise<ExitStatus>((resolve) => (exit = resolve)),
    get status() {
      return status;
    },
    output: () => '',
    write(text) {
      for (const line of text.split('\n').filter(Boolean)) written.push(JSON.parse(line) as Line);
      for (const wake of waiters.splice(0)) wake();
      return true;
    },
    async terminate() {
      status ??= { exitCode: 0, signal: null };
      session.stdout.onStdoutEnd();
      exit(status);
      return status;
    },
  };
  return {
    cli,
    written,
    /** Lines of one type the session wrote so far. */
    of: (type: string) => written.filter((line) => line['type'] === type),
    /** Waits until the session has written `count` lines of `type`. */
    async wrote(type: string, count = 1): Promise<Line> {
      for (;;) {
        const lines = written.filter((line) => line['type'] === type);
        if (lines.length >= count) return lines[count - 1]!;
        await new Promise<void>((resolve) => waiters.push(resolve));
      }
    },
    /** Writes lines on the CLI's stdout. */
    print: (...lines: Line[]) => session.stdout.onStdout(lines.map((line) => `${JSON.stringify(line)}\n`).join('')),
  };
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function started(options: Partial<StreamJsonSessionOptions> = {}) {
  const workDir = await mkdtemp(path.join(os.tmpdir(), 'sj-unit-'));
  const session = new StreamJsonSession({ command: ['stand-in-cli'], initialize: false, ...options }, workDir, undefined);
  const cli = standInCli(session);
  await session.attach(cli.cli, Date.now() + 1000);
  cleanups.push(() => session.close());
  return { session, ...cli };
}

const assistant = (text: string): Line => ({ type: 'assistant', message: { role: 'assistant', content: [{ type: 'text', text }] } });
const result = (fields: Line = {}): Line => ({ type: 'result', subtype: 'success', ...fields });
const settle = () => new Promise((resolve) => setTimeout(resolve, 30));

describe('StreamJsonSession turns', () => {
  test('run one at a time: the second user line is written only after the first result', async () => {
    const { session, wrote, of, print } = await started();
    const first = session.say('one');
    const second = session.say('two');
    await wrote('user');
    await settle();
    expect(of('user')).toHaveLength(1);
    print(assistant('first answer'), result());
    expect((await first).input).toBe('one');
    await wrote('user', 2);
    print(assistant('second answer'), result());
    expect((await second).index).toBe(1);
    expect(session.turns.map((turn) => turn.input)).toEqual(['one', 'two']);
  });

  test('a turn that times out fails with TURN_TIMEOUT and its partial record; its late result does not end the next turn', async () => {
    const { session, wrote, print } = await started();
    const late = session.say('slow', { timeout: 100 }).catch((error: unknown) => error);
    await wrote('user');
    print(assistant('working on it'));
    const error = (await late) as AgentSessionError;
    expect(error).toBeInstanceOf(AgentSessionError);
    expect(error.code).toBe('TURN_TIMEOUT');
    expect(error.shortMessage).toBe('The CLI did not finish the turn within 100 ms (no result line).');
    expect(error.turn).toBeDefined();
    const next = session.say('next');
    await wrote('user', 2);
    // The first turn's result arrives now: it belongs to the turn given up on.
    print(result({ result: 'late' }));
    await settle();
    let done = false;
    void next.then(() => (done = true));
    await settle();
    expect(done).toBe(false);
    print(assistant('next answer'), result());
    expect((await next).input).toBe('next');
  });

  test("an aborted turn fails with ABORTED, the signal's reason as its cause", async () => {
    const { session, wrote } = await started();
    const controller = new AbortController();
    const turn = session.say('hi', { signal: controller.signal }).catch((error: unknown) => error);
    await wrote('user');
    const reason = new Error('Test timed out');
    controller.abort(reason);
    const error = (await turn) as AgentSessionError;
    expect(error.code).toBe('ABORTED');
    expect(error.shortMessage).toBe('Waiting for the turn was aborted.');
    expect(error.cause).toBe(reason);
    expect(error.turn).toBeDefined();
  });

  test("the model server's misses join the turn's errors unless the CLI already quoted them", async () => {
    const unmatched: { response?: { error?: string } }[] = [];
    const llm: LlmServerLike = { listen: () => Promise.reject(new Error('unused')), unmatched, requests: [] };
    const { session, wrote, print } = await started({ llm });
    const turn = session.say('hi');
    await wrote('user');
    unmatched.push({ response: { error: 'no rule matched "hi"' } }, { response: { error: 'a rule threw: boom' } });
    print(result({ is_error: true, result: '400 no rule  matched "hi"' }));
    const record = await turn;
    expect(record.errors.filter((error) => error.source === 'llm')).toEqual([{ source: 'llm', message: 'a rule threw: boom' }]);
  });
});

describe('StreamJsonSession control requests', () => {
  test('resolve with the body of a success answer', async () => {
    const { session, wrote, print } = await started();
    const answer = session.control({ subtype: 'ping' });
    const request = await wrote('control_request');
    print({ type: 'control_response', response: { subtype: 'success', request_id: request['request_id'], response: { ok: true } } });
    await expect(answer).resolves.toEqual({ ok: true });
  });

  test('time out with REQUEST_TIMEOUT', async () => {
    const { session, wrote } = await started();
    const answer = session.control({ subtype: 'ping' }, { timeout: 50 });
    await wrote('control_request');
    await expect(answer).rejects.toMatchObject({
      code: 'REQUEST_TIMEOUT',
      shortMessage: 'The CLI did not answer the ping control request within 50 ms.',
    });
  });

  test('an already aborted signal sends nothing and fails with ABORTED', async () => {
    const { session, of } = await started();
    const controller = new AbortController();
    controller.abort();
    await expect(session.control({ subtype: 'ping' }, { signal: controller.signal })).rejects.toMatchObject({
      code: 'ABORTED',
      shortMessage: 'Waiting for the ping control request was aborted.',
    });
    expect(of('control_request')).toEqual([]);
  });

  test('an error answer fails with REQUEST_FAILED', async () => {
    const { session, wrote, print } = await started();
    const answer = session.control({ subtype: 'bogus' });
    const request = await wrote('control_request');
    print({ type: 'control_response', response: { subtype: 'error', request_id: request['request_id'], error: 'unknown subtype' } });
    await expect(answer).rejects.toMatchObject({ code: 'REQUEST_FAILED' });
  });
});
