import net from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, test } from 'vitest';
import { scriptedLlm } from '../../src/llm/index.js';
import { startAgentSession, type AgentSession } from '../../src/session/agent-session.js';
import { findTaggedProcesses, RUN_TAG_ENV } from '../../src/process/run-tag.js';
import { failure, pythonAgent, pythonEnv } from './helpers.js';

const fakeAgent = fileURLToPath(new URL('../fixtures/fake-agent/fake-agent.ts', import.meta.url));
const sessions: AgentSession[] = [];
afterEach(async () => {
  await Promise.all(sessions.splice(0).map((s) => s.close()));
});

const connectAddr = (session: AgentSession) => session.launch.argv[session.launch.argv.indexOf('--connect-addr') + 1]!.split(':');

/** Connects and reports how the connection ended: refused outright, or accepted then dropped. */
function probe(host: string, port: number): Promise<{ outcome: 'refused' | 'dropped' | 'kept'; received: number }> {
  return new Promise((resolve) => {
    let received = 0;
    const socket = net.connect(port, host);
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ outcome: 'kept', received });
    }, 3000);
    socket.on('data', (chunk) => (received += chunk.length));
    socket.on('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      resolve({ outcome: error.code === 'ECONNREFUSED' ? 'refused' : 'dropped', received });
    });
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({ outcome: 'dropped', received });
    });
  });
}

describe('only the spawned agent may drive the session', () => {
  test('a connection that races the agent to the port is dropped; the agent still gets in', async () => {
    let rogue: Promise<{ outcome: string; received: number }> | undefined;
    const session = await startAgentSession(fakeAgent, {
      command: [process.execPath, '--import', 'tsx', '{file}', '--connect-addr', '{connectAddr}', '--connect-delay', '1500'],
      startupTimeout: 20_000,
      onOutput: (text) => {
        const addr = /connecting to ([\d.]+):(\d+)/.exec(text);
        if (addr && !rogue) rogue = probe(addr[1]!, Number(addr[2]));
      },
    });
    sessions.push(session);
    expect(rogue, 'the fake agent announces its port before connecting').toBeDefined();
    // Dropped without a byte: the rogue never saw a request meant for the agent.
    expect(await rogue).toEqual({ outcome: 'dropped', received: 0 });
    expect((await session.framework()).sdk).toBe('fake');
  });

  test.runIf(process.platform === 'linux')('an agent that leaves its process group is refused, and the timeout says why', async () => {
    // setsid runs the (fake) agent in a new session and process group, as a daemonising launcher would.
    const { error } = await failure(() =>
      startAgentSession(fakeAgent, {
        command: ['setsid', '--wait', process.execPath, '--import', 'tsx', '{file}', '--connect-addr', '{connectAddr}'],
        startupTimeout: 6000,
      }),
    );
    expect(error.code).toBe('AGENT_STARTUP_TIMEOUT');
    expect(error.hint).toMatch(
      /1 connection\(s\) to the session port were refused because they did not come from a process in the agent's process group/,
    );
    expect(error.output).toMatch(/fake-agent: connected/);
    // The agent that left the group is beyond the group kill, but not beyond its tag: ended with the session.
    const addr = error.command![error.command!.indexOf('--connect-addr') + 1]!;
    const escaped = findTaggedProcesses(process.env[RUN_TAG_ENV]!).filter(
      (p) => p.command.includes('fake-agent.ts') && p.command.includes(addr),
    );
    for (const { pid } of escaped) process.kill(pid, 'SIGKILL');
    expect(escaped).toEqual([]);
  });

  test('once a real agent is connected, the port refuses anyone else', async () => {
    const session = await startAgentSession(pythonAgent, {
      env: pythonEnv,
      llm: scriptedLlm([{ when: () => true, reply: { text: 'hi' } }]),
    });
    sessions.push(session);
    const [host, port] = connectAddr(session);
    expect(host).toBe('127.0.0.1');
    expect((await probe(host!, Number(port))).outcome).toBe('refused');
    expect((await session.say('hello')).reply).toBe('hi');
  });
});
