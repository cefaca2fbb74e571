import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { startAgentSession } from '../../src/session/agent-session.js';
import { alive, cleanedUp, failure, fixture, pythonEnv } from './helpers.js';

const { scratch } = cleanedUp();

describe('startup failures are reported with their cause, promptly', () => {
  test('a missing agent file fails before anything is spawned', async () => {
    const { error, ms } = await failure(() => startAgentSession(fixture('python/no_such_agent.py')));
    expect(error.code).toBe('AGENT_FILE_NOT_FOUND');
    expect(error.message).toMatch(/Agent file not found: .*no_such_agent\.py/);
    expect(ms).toBeLessThan(1000);
  });

  test('an agent whose import fails exits before connecting, and the error names the missing package', async () => {
    const { error } = await failure(() => startAgentSession(fixture('python/import_error.py'), { env: pythonEnv }));
    expect(error.code).toBe('AGENT_EXITED');
    expect(error.exitCode).not.toBe(0);
    expect(error.hint).toMatch(/imports "not_installed_plugin" from "livekit\.plugins", which is not installed/);
    // eslint-disable-next-line no-control-regex -- the escape byte is what must not appear
    expect(error.output).not.toMatch(/\u001b\[/);
    expect(error.message).toMatch(/Agent output \(last lines\):[\s\S]*not_installed_plugin/);
    expect(error.command?.slice(1, 4)).toEqual(['-m', 'livekit.agents', 'console']);
  });

  test('a syntax error is reported as such', async () => {
    const { error } = await failure(() => startAgentSession(fixture('python/syntax_error.py'), { env: pythonEnv }));
    expect(error.code).toBe('AGENT_EXITED');
    expect(error.hint).toMatch(/does not parse/);
    expect(error.output).toMatch(/SyntaxError/);
  });

  test('a syntax error in a TypeScript agent is reported as such, with where compiling it stopped', async () => {
    // Written here: a fixture that does not parse would fail the project's type check.
    const project = scratch('ts-syntax-');
    writeFileSync(path.join(project, 'package.json'), '{ "type": "module" }\n');
    mkdirSync(path.join(project, 'node_modules'));
    const agent = path.join(project, 'agent.ts');
    writeFileSync(agent, "import { cli } from '@livekit/agents';\nconst port: number = ;\ncli.runApp(port);\n");
    const { error, ms } = await failure(() => startAgentSession(agent));
    expect(error.code).toBe('AGENT_EXITED');
    expect(error.output).toMatch(/agent\.ts:2:21: ERROR: Unexpected ";"/);
    expect(error.hint).toMatch(/does not parse[\s\S]*tsx TypeScript loader \(compiling failed: agent\.ts:2:21: Unexpected ";"\)/);
    expect(ms).toBeLessThan(15_000);
  });

  test('an entrypoint that raises fails the start without waiting for the startup timeout', async () => {
    const { error, ms } = await failure(() =>
      startAgentSession(fixture('python/entrypoint_raises.py'), { env: pythonEnv, startupTimeout: 45_000 }),
    );
    expect(['AGENT_CRASHED', 'AGENT_EXITED']).toContain(error.code);
    expect(error.output).toMatch(/configuration missing: WEATHER_API_URL/);
    expect(error.hint).toMatch(/raised RuntimeError: configuration missing: WEATHER_API_URL/);
    expect(alive(error.pid)).toBe(false);
    expect(ms).toBeLessThan(30_000);
  });

  test('an agent that never connects hits the startup timeout and is killed', async () => {
    const { error, ms } = await failure(() =>
      startAgentSession(fixture('python/never_connects.py'), { env: pythonEnv, startupTimeout: 8_000 }),
    );
    expect(error.code).toBe('AGENT_STARTUP_TIMEOUT');
    expect(error.message).toMatch(/did not connect within the startup timeout \(8000 ms\)/);
    expect(error.hint).toMatch(/startupTimeout/);
    expect(ms).toBeGreaterThanOrEqual(8_000);
    expect(ms).toBeLessThan(12_000);
    expect(error.pid).toBeGreaterThan(0);
    expect(alive(error.pid)).toBe(false);
  });
});
