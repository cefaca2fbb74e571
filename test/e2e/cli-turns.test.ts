// The terminal CLI against the real example agents, Python and Node, with the scripted model:
// start, turns with tool calls and a handoff, the records, and stop.
import { readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import type { TurnRecord } from '../../src/turn/types.js';
import { builtBeforeAll, cli, eventually, projects, stateDir, stateOf, weatherLlmModule } from './cli-helpers.js';
import { nodeAgent, pythonAgent, running } from './helpers.js';

const slowLlmModule = fileURLToPath(new URL('../fixtures/cli/slow-llm.ts', import.meta.url));

builtBeforeAll();
const project = projects();

describe.each([
  ['python', pythonAgent],
  ['node', nodeAgent],
])('the CLI drives the %s weather agent', (_sdk, agentFile) => {
  test('start, say with tool calls and a handoff, status, history, logs, stop', { timeout: 180_000 }, async () => {
    const cwd = project();
    const started = await cli(cwd, ['start', agentFile, '--llm', weatherLlmModule, '--env', 'CLI_TEST_SECRET=sk-cli-env-5150', '--json']);
    expect(started.stderr).toBe('');
    expect(started.code).toBe(0);
    const ready = JSON.parse(started.stdout) as { ok: boolean; pid: number; agentPid: number; agentFile: string; stateDir: string };
    expect(ready).toMatchObject({ ok: true, agentFile, stateDir: stateDir(cwd) });
    expect(started.stdout).not.toMatch(/credential|ast_/);
    // The state is the owner's alone: the credential in it is what lets a client in.
    expect(statSync(stateDir(cwd)).mode & 0o777).toBe(0o700);
    expect(statSync(`${stateDir(cwd)}/state.json`).mode & 0o777).toBe(0o600);
    expect(running(ready.pid)).toBe(true);
    expect(running(ready.agentPid)).toBe(true);
    // Command lines are readable by every local user: an --env value must not ride on the daemon's.
    expect(readFileSync(`/proc/${ready.pid}/cmdline`, 'utf8')).not.toContain('sk-cli-env-5150');
    // The agent gets the --env value it was given, but not the daemon's whole config.
    const agentEnv = readFileSync(`/proc/${ready.agentPid}/environ`, 'utf8');
    expect(agentEnv).toContain('CLI_TEST_SECRET=sk-cli-env-5150');
    expect(agentEnv).not.toContain('AGENT_SESSION_TEST_CLI_CONFIG');

    // A person's transcript, without colour: stdout is not a terminal.
    const weather = await cli(cwd, ['say', "what's the weather in Paris?"]);
    expect(weather.code).toBe(0);
    expect(weather.stderr).toBe('');
    expect(weather.stdout).toMatch(/user\s+what's the weather in Paris\?/);
    expect(weather.stdout).toMatch(/lookup_weather\(.*Paris.*\)/);
    expect(weather.stdout).toMatch(/✓.*sunny, 21°C in Paris/);
    expect(weather.stdout).toMatch(/agent\s+Right now it is sunny, 21°C/);
    // eslint-disable-next-line no-control-regex -- the escape byte is what must not appear
    expect(weather.stdout).not.toMatch(/\u001b\[/);

    // --json: the TurnRecord itself.
    const forecast = await cli(cwd, ['say', '--json', 'forecast for 3 days in Tokyo']);
    expect(forecast.code).toBe(0);
    const record = JSON.parse(forecast.stdout) as TurnRecord;
    expect(record.toolCalls).toEqual([expect.objectContaining({ name: 'get_forecast', args: { city: 'Tokyo', days: 3 } })]);
    expect(record.reply).toMatch(/3-day forecast for Tokyo/);

    // The text on stdin; the handoff shows in the transcript and in the agent now in charge.
    const handoff = await cli(cwd, ['say'], { input: 'I want to book a trip\n' });
    expect(handoff.code).toBe(0);
    expect(handoff.stdout).toMatch(/handoff\s+.* → /);
    const status = await cli(cwd, ['status', '--json']);
    expect(status.code).toBe(0);
    const shown = JSON.parse(status.stdout) as { turns: number; agent: { tools: string[]; instructions: string }; model: unknown };
    expect(shown.turns).toBe(3);
    expect(shown.agent.tools).toContain('book_trip');
    expect(shown.model).toEqual({ kind: 'scripted', module: weatherLlmModule, exportName: 'weatherLlm', form: 'factory' });
    expect((await cli(cwd, ['status'])).stdout).toMatch(/tools\s+.*book_trip/);

    // A turn the model has no rule for: its record carries the error, and the exit code says so.
    const unscripted = await cli(cwd, ['say', '--json', 'sing me a song']);
    expect(unscripted.code).toBe(1);
    expect((JSON.parse(unscripted.stdout) as TurnRecord).errors.length).toBeGreaterThan(0);

    const history = await cli(cwd, ['history', '--json']);
    expect(history.code).toBe(0);
    expect((JSON.parse(history.stdout) as TurnRecord[]).map((turn) => turn.input)).toEqual([
      "what's the weather in Paris?",
      'forecast for 3 days in Tokyo',
      'I want to book a trip',
      'sing me a song',
    ]);
    const logs = await cli(cwd, ['logs', '--lines', '5']);
    expect(logs.code).toBe(0);
    expect(logs.stdout.trim().split('\n').length).toBeLessThanOrEqual(5);

    const stopped = await cli(cwd, ['stop', '--transcript']);
    expect(stopped.code).toBe(0);
    expect(stopped.stdout).toMatch(/user\s+what's the weather in Paris\?[\s\S]*user\s+sing me a song/);
    expect(stopped.stderr).toMatch(/Stopped "default"/);
    expect(() => statSync(stateDir(cwd))).toThrow();
    await eventually(() => !running(ready.agentPid) && !running(ready.pid), 10_000, 'the daemon and the agent to exit');
    expect(stateOf(cwd)).toBeUndefined();
  });
});

test('a turn that runs out of time exits with 2, and the session takes the next turn', { timeout: 180_000 }, async () => {
  const cwd = project();
  expect((await cli(cwd, ['start', nodeAgent, '--llm', slowLlmModule])).code).toBe(0);
  const late = await cli(cwd, ['say', '--timeout', '1500', 'slow please']);
  expect(late.code).toBe(2);
  expect(late.stderr).toMatch(/did not finish the turn within 1500 ms/);
  const next = await cli(cwd, ['say', '--json', 'hello']);
  expect(next.code).toBe(0);
  expect((JSON.parse(next.stdout) as TurnRecord).reply).toBe('Quick.');
  expect((await cli(cwd, ['stop'])).code).toBe(0);
});
