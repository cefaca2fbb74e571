import { describe, expect, test } from 'vitest';
import { startAgentSession } from '../../src/session/agent-session.js';
import { alive, failure, fixture, pythonEnv } from './helpers.js';

describe('wrong runtime or not an agent: a clear error before any connection', () => {
  test('no Python at all: the error lists where it looked', async () => {
    const { error, ms } = await failure(() =>
      startAgentSession(fixture('python/no_agent_server.py'), { env: { VIRTUAL_ENV: undefined, PATH: '/nonexistent' } }),
    );
    expect(error.code).toBe('RUNTIME_NOT_FOUND');
    expect(error.message).toMatch(/No Python interpreter found/);
    expect(error.hint).toMatch(/VIRTUAL_ENV is not set[\s\S]*python3 and python on PATH/);
    expect(ms).toBeLessThan(2000);
  });

  test('a Python without livekit-agents: the error names the package to install', async () => {
    const { error } = await failure(() =>
      startAgentSession(fixture('python/no_agent_server.py'), { interpreter: ['python3', '-I'], startupTimeout: 20_000 }),
    );
    expect(error.code).toBe('AGENT_EXITED');
    expect(error.output).toMatch(/No module named 'livekit'/);
    expect(error.hint).toMatch(/does not have livekit-agents installed[\s\S]*pip install "livekit-agents>=1\.6"/);
  });

  test('a module without an AgentServer', async () => {
    const { error } = await failure(() => startAgentSession(fixture('python/no_agent_server.py'), { env: pythonEnv }));
    expect(error.code).toBe('AGENT_EXITED');
    expect(error.output).toMatch(/Could not find AgentServer/);
    expect(error.hint).toMatch(/defines no AgentServer/);
    expect(alive(error.pid)).toBe(false);
  });

  test('a Node agent without a default export', async () => {
    const { error } = await failure(() => startAgentSession(fixture('node/no_default_export.ts')));
    expect(error.code).toBe('AGENT_EXITED');
    expect(error.output).toMatch(/missing or invalid default export/);
    expect(error.hint).toMatch(/export default defineAgent/);
    expect(error.message).toMatch(/Agent: .*no_default_export\.ts/);
    expect(alive(error.pid)).toBe(false);
  });

  test('a Node agent with a named tool in its tool map exits before connecting', async () => {
    const { error } = await failure(() => startAgentSession(fixture('node/named_tool_in_map.ts')));
    expect(error.code).toBe('AGENT_EXITED');
    expect(error.output).toMatch(/tools object entry "ping" must be anonymous/);
    expect(error.hint).toMatch(/drop the name from the tool definition/);
  });
});
