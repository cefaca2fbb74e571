/**
 * Time from a fault to the harness raising its error, for each fault the fault suite covers.
 * Prints a table; asserts nothing (the tests do). Run with `npm run bench:faults` after
 * `npm run setup:examples`.
 *
 * "Fault" is the moment the fault became observable: the agent's last words before it died or
 * misbehaved (as it timed them, or as its output arrived), a timeout's deadline, the abort.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { AgentSessionError } from '../src/errors/index.js';
import { cassetteLlm, scriptedLlm } from '../src/llm/index.js';
import { startAgentSession, type AgentSession } from '../src/session/agent-session.js';
import type { AgentSessionOptions } from '../src/session/options.js';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
const fixture = (name: string) => here(`../test/fixtures/agents/${name}`);
const fakeAgent = here('../test/fixtures/fake-agent/fake-agent.ts');
const pythonEnv = { VIRTUAL_ENV: here('../examples/python/.venv') };

interface Row {
  fault: string;
  code: string;
  ms: number;
}
const rows: Row[] = [];

/** When the error surfaced, before any clean-up after it (a session's close) could delay it. */
let raisedAt: number | undefined;
const raised = (error: unknown): never => {
  raisedAt ??= Date.now();
  throw error;
};

/** Runs `act`, expecting an AgentSessionError; `mark` says when the fault happened (epoch ms). */
async function measure(fault: string, act: (mark: (at?: number) => void) => Promise<unknown>): Promise<void> {
  let faultAt: number | undefined;
  const mark = (at = Date.now()) => {
    faultAt ??= at;
  };
  let code = 'no error!';
  raisedAt = undefined;
  try {
    await act(mark).catch(raised);
  } catch (error) {
    code = error instanceof AgentSessionError ? error.code : error instanceof Error ? error.name : String(error);
  }
  raisedAt ??= Date.now();
  rows.push({ fault, code, ms: raisedAt - (faultAt ?? raisedAt) });
  process.stderr.write('.');
}

/** Marks the fault when the agent prints a line matching `pattern`. */
const onLine =
  (pattern: RegExp, mark: (at?: number) => void): NonNullable<AgentSessionOptions['onOutput']> =>
  (text) => {
    const match = pattern.exec(text);
    if (match) mark(match[1] ? Number(match[1]) : undefined);
  };

async function withSession(file: string, options: AgentSessionOptions, run: (session: AgentSession) => Promise<unknown>) {
  const session = await startAgentSession(file, options);
  try {
    await run(session).catch(raised);
  } finally {
    await session.close();
  }
}

const fake = (fault: string, when: string, mark: (at?: number) => void, extra: AgentSessionOptions = {}): AgentSessionOptions => ({
  command: [process.execPath, '--import', 'tsx', '{file}', '--connect-addr', '{connectAddr}', '--fault', fault, '--when', when],
  onOutput: onLine(/misbehaving \(\S+\) at (\d+)/, mark),
  startupTimeout: 20_000,
  ...extra,
});

await measure('agent file missing', (mark) => (mark(), startAgentSession(fixture('python/missing.py'))));
await measure('Python syntax error (exits before connecting)', (mark) =>
  startAgentSession(fixture('python/syntax_error.py'), { env: pythonEnv, onOutput: onLine(/SyntaxError/, mark) }),
);
await measure('Python import error (missing package)', (mark) =>
  startAgentSession(fixture('python/import_error.py'), { env: pythonEnv, onOutput: onLine(/ImportError|ModuleNotFound/, mark) }),
);
await measure('no AgentServer in the module', (mark) =>
  startAgentSession(fixture('python/no_agent_server.py'), { env: pythonEnv, onOutput: onLine(/Could not find AgentServer/, mark) }),
);
await measure('entrypoint raises (job crashes, process lives)', (mark) =>
  startAgentSession(fixture('python/entrypoint_raises.py'), { env: pythonEnv, onOutput: onLine(/configuration missing/, mark) }),
);
await measure('Node agent without a default export', (mark) =>
  startAgentSession(fixture('node/no_default_export.ts'), { onOutput: onLine(/missing or invalid default export/, mark) }),
);
await measure('agent never connects (startup timeout 5 s)', (mark) => {
  mark(Date.now() + 5000);
  return startAgentSession(fixture('python/never_connects.py'), { env: pythonEnv, startupTimeout: 5000 });
});
await measure('agent never answers ping (startup timeout 5 s)', (mark) => {
  mark(Date.now() + 5000);
  return startAgentSession(fakeAgent, { ...fake('silent', 'ping', () => {}), startupTimeout: 5000 });
});
await measure('agent crashes mid-turn', (mark) =>
  withSession(
    fixture('python/crash_in_tool.py'),
    {
      env: pythonEnv,
      llm: scriptedLlm([{ when: () => true, reply: { toolCalls: [{ name: 'self_destruct' }] } }]),
      onOutput: onLine(/self_destruct: exiting/, mark),
    },
    (session) => session.say('boom'),
  ),
);
await measure('test aborts a turn (abort signal)', (mark) =>
  withSession(
    fixture('python/hanging_tool.py'),
    { env: pythonEnv, llm: scriptedLlm([{ when: () => true, reply: { toolCalls: [{ name: 'wait_forever' }] } }]) },
    (session) => {
      const controller = new AbortController();
      setTimeout(() => {
        mark();
        controller.abort(new Error('test timed out'));
      }, 1000);
      return session.say('wait', { signal: controller.signal });
    },
  ),
);
await measure('session ends itself after LLM errors (from the failing turn)', (mark) =>
  withSession(
    fixture('python/hanging_tool.py'),
    { env: pythonEnv, llm: scriptedLlm([{ when: () => true, reply: { error: { status: 400, message: 'refused' } } }]) },
    async (session) => {
      for (let i = 0; i < 8; i++) {
        const before = Date.now();
        const turn = await session.say(`try ${i}`).catch((error: unknown) => {
          mark(before);
          throw error;
        });
        if (turn.errors.length === 0) break;
      }
    },
  ),
);
const hangingLlm = () =>
  scriptedLlm([{ when: { user: /wait/ }, reply: { toolCalls: [{ name: 'wait_forever' }] } }, { reply: { text: 'back' } }]);
for (const [sdk, file] of [
  ['Node', 'node/hanging_tool.ts'],
  ['Python', 'python/hanging_tool.py'],
] as const) {
  let session: AgentSession | undefined;
  await measure(`${sdk}: tool hangs (turn timeout 2 s)`, async (mark) => {
    session = await startAgentSession(fixture(file), { env: pythonEnv, llm: hangingLlm() });
    mark(Date.now() + 2000);
    return session.say('wait', { timeout: 2000 });
  });
  // Not a fault: what the turn after a timeout costs, interrupting the stuck one first.
  if (session) {
    const before = Date.now();
    const turn = await session.say('hello').catch((error: unknown) => error);
    rows.push({
      fault: `${sdk}: the next say() after it (a reply)`,
      code: turn instanceof Error ? `${String(turn)}!` : '-',
      ms: Date.now() - before,
    });
    await session.close();
  }
}
for (const [sdk, file] of [
  ['Node', 'node/hanging_tool.ts'],
  ['Python', 'python/hanging_tool.py'],
] as const) {
  await measure(`${sdk}: frame above maxFrameBytes (from the model's tool call)`, (mark) => {
    const llm = scriptedLlm([{ reply: () => (mark(), { toolCalls: [{ name: 'big_output', args: { kib: 1127 } }] }) }]);
    return withSession(fixture(file), { env: pythonEnv, llm, maxFrameBytes: 512 * 1024 }, (session) => session.say('dump'));
  });
}
for (const [sdk, file] of [
  ['Node', 'node/hanging_tool.ts'],
  ['Python', 'python/hanging_tool.py'],
] as const) {
  // The turn resolves with the error in turn.errors; no exception is raised.
  let faultAt = 0;
  const llm = scriptedLlm([
    {
      name: 'thrower',
      reply: () => {
        faultAt = Date.now();
        throw new Error('boom');
      },
    },
  ]);
  const session = await startAgentSession(fixture(file), { env: pythonEnv, llm });
  try {
    const turn = await session.say('hello');
    const reported = turn.errors.some((e) => e.source === 'llm' && /"thrower" failed: boom/.test(e.message));
    rows.push({
      fault: `${sdk}: scripted rule throws (in turn.errors)`,
      code: reported ? 'turn.errors' : 'not reported!',
      ms: Date.now() - faultAt,
    });
  } finally {
    await session.close();
  }
  process.stderr.write('.');
}
{
  const dir = await mkdtemp(path.join(tmpdir(), 'bench-cassette-'));
  const cassette = path.join(dir, 'corrupt.jsonl');
  await writeFile(cassette, '{"cassette":"agent-session-test","version":1}\n{"test":\n');
  await measure('corrupt cassette, record mode (at start)', (mark) => {
    mark();
    return startAgentSession(fixture('python/hanging_tool.py'), {
      env: pythonEnv,
      llm: cassetteLlm({ cassette, mode: 'record', upstream: scriptedLlm([]) }),
    });
  });
  await rm(dir, { recursive: true, force: true });
}
for (const fault of ['garbage', 'oversized', 'truncated', 'unknown-response', 'close']) {
  await measure(`protocol: ${fault} during a turn`, (mark) =>
    withSession(fakeAgent, fake(fault, 'runInput', mark), (session) => session.say('hi')),
  );
}

// The orphan guard: a process that started an agent is SIGKILLed; how long until the agent's group is gone.
{
  const worker = spawn(
    process.execPath,
    ['--import', 'tsx', here('../test/fixtures/runner-death/start-agent.ts'), fixture('python/hanging_tool.py')],
    {
      env: { ...process.env, ...pythonEnv },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const { agentPid } = await new Promise<{ agentPid: number }>((resolve) => {
    let out = '';
    worker.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (line) resolve(JSON.parse(line));
    });
  });
  const killedAt = Date.now();
  worker.kill('SIGKILL');
  const groupAlive = () => {
    try {
      process.kill(-agentPid, 0);
      return true;
    } catch {
      return false;
    }
  };
  while (groupAlive() && Date.now() - killedAt < 10_000) await new Promise((resolve) => setTimeout(resolve, 10));
  rows.push({ fault: 'worker SIGKILLed (agent group gone)', code: groupAlive() ? 'STILL ALIVE' : '-', ms: Date.now() - killedAt });
}

process.stderr.write('\n');
const width = Math.max(...rows.map((r) => r.fault.length));
console.log(`${'fault'.padEnd(width)}  ${'error'.padEnd(22)}  ms from fault to error`);
for (const row of rows) console.log(`${row.fault.padEnd(width)}  ${row.code.padEnd(22)}  ${String(row.ms).padStart(6)}`);
