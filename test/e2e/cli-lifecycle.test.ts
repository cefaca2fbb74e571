// The CLI's daemon over its life: bad input, one daemon per name, a daemon killed outright (its
// agent dies with it, its stale state is cleared), the idle timeout, an agent that cannot start,
// and a control channel that answers only its own clients.
import { readFileSync, statSync } from 'node:fs';
import { connect } from 'node:net';
import { describe, expect, test } from 'vitest';
import { builtBeforeAll, cli, eventually, projects, stateDir, stateOf, weatherLlmModule } from './cli-helpers.js';
import { fixture, nodeAgent, pythonAgent, pythonEnv, running } from './helpers.js';

builtBeforeAll();
const project = projects();

describe('bad input gets a clear error and its own exit code, at once', () => {
  test('unknown command, unknown option, missing agent file, say with no session, no arguments', async () => {
    const cwd = project();
    const unknown = await cli(cwd, ['frobnicate']);
    expect(unknown.code).toBe(64);
    expect(unknown.stderr).toMatch(/Unknown command "frobnicate"\. The commands are start, say/);
    const option = await cli(cwd, ['say', '--colour', 'hi']);
    expect(option.code).toBe(64);
    expect(option.stderr).toMatch(/Unknown option --colour for `say`/);
    const missing = await cli(cwd, ['start', 'no_such_agent.py']);
    expect(missing.code).toBe(66);
    expect(missing.stderr).toMatch(/Agent file not found: .*no_such_agent\.py[\s\S]*resolved against the current directory/);
    const noSession = await cli(cwd, ['say', 'hello']);
    expect(noSession.code).toBe(3);
    expect(noSession.stderr).toMatch(/No session named "default" is running[\s\S]*agent-session-test start <agent-file>/);
    expect((await cli(cwd, ['stop', '--name', 'other'])).code).toBe(3);
    const bare = await cli(cwd, []);
    expect(bare.code).toBe(64);
    expect(bare.stderr).toMatch(/Usage: agent-session-test <command>/);
    for (const result of [unknown, option, missing, noSession, bare]) {
      expect(result.stdout).toBe('');
      expect(result.ms).toBeLessThan(5_000);
    }
  });

  test('an agent that fails to start: the error quotes its output, and no state is left', { timeout: 120_000 }, async () => {
    const cwd = project();
    const crashed = await cli(cwd, ['start', fixture('python/import_error.py'), '--env', `VIRTUAL_ENV=${pythonEnv.VIRTUAL_ENV}`]);
    expect(crashed.code).toBe(1);
    expect(crashed.stderr).toMatch(/Could not start "default": .*AGENT_EXITED|Could not start "default"/);
    expect(crashed.stderr).toMatch(/not_installed_plugin/);
    expect(crashed.stderr).toMatch(/Agent output \(last lines\)/);
    expect(() => statSync(stateDir(cwd))).toThrow();
  });
});

describe('secrets', () => {
  test('an agent that prints its token: logs shows it redacted', { timeout: 120_000 }, async () => {
    const cwd = project();
    const token = 'wat-cli-logs-7781';
    const env = ['--env', `VIRTUAL_ENV=${pythonEnv.VIRTUAL_ENV}`, '--env', `WEATHER_API_TOKEN=${token}`];
    expect((await cli(cwd, ['start', fixture('python/leaky_agent.py'), '--llm', weatherLlmModule, ...env])).code).toBe(0);
    try {
      const logs = await cli(cwd, ['logs', '--lines', '500']);
      expect(logs.code).toBe(0);
      expect(logs.stdout).toMatch(/starting with WEATHER_API_TOKEN=\[redacted/);
      expect(logs.stdout).not.toContain(token);
    } finally {
      await cli(cwd, ['stop']);
    }
  });
});

describe('one daemon per name, and nothing outlives it', () => {
  test(
    'a second start with the same name fails naming the running one; a client without the credential is dropped',
    { timeout: 120_000 },
    async () => {
      const cwd = project();
      expect((await cli(cwd, ['start', nodeAgent, '--llm', weatherLlmModule])).code).toBe(0);
      const first = stateOf(cwd)!;
      const second = await cli(cwd, ['start', nodeAgent, '--llm', weatherLlmModule]);
      expect(second.code).toBe(4);
      expect(second.stderr).toContain(`A session named "default" is already running: daemon pid ${first.pid}, agent ${nodeAgent}.`);
      expect(second.stderr).toMatch(/agent-session-test stop --name default/);
      expect(stateOf(cwd)?.pid).toBe(first.pid);

      // Anyone on the machine can connect to a loopback port; only the state file's credential gets an answer.
      const { port } = JSON.parse(readFileSync(`${stateDir(cwd)}/state.json`, 'utf8')) as { port: number };
      const answer = await new Promise<string>((resolve, reject) => {
        const socket = connect({ host: '127.0.0.1', port }, () =>
          socket.write(`${JSON.stringify({ command: 'history', credential: 'guess' })}\n`),
        );
        let text = '';
        socket.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
        socket.on('close', () => resolve(text));
        socket.on('error', reject);
      });
      expect(answer).toBe('');
      expect((await cli(cwd, ['stop'])).code).toBe(0);
    },
  );

  test('a SIGKILLed daemon takes its agent down; the next start and say clear its stale state', { timeout: 180_000 }, async () => {
    const cwd = project();
    expect((await cli(cwd, ['start', pythonAgent, '--llm', weatherLlmModule, '--name', 'py'])).code).toBe(0);
    const first = stateOf(cwd, 'py')!;
    expect(running(first.agentPid!)).toBe(true);
    process.kill(first.pid, 'SIGKILL');
    await eventually(() => !running(first.agentPid!), 10_000, 'the agent to die with its daemon');

    const restarted = await cli(cwd, ['start', pythonAgent, '--llm', weatherLlmModule, '--name', 'py']);
    expect(restarted.stderr).toMatch(new RegExp(`Cleared the stale state of "py" \\(daemon pid ${first.pid} is gone\\)`));
    expect(restarted.code).toBe(0);
    const second = stateOf(cwd, 'py')!;
    expect((await cli(cwd, ['say', '--name', 'py', "what's the weather in Paris?"])).code).toBe(0);

    process.kill(second.pid, 'SIGKILL');
    await eventually(() => !running(second.agentPid!), 10_000, 'the agent to die with its daemon');
    const listed = await cli(cwd, ['list']);
    expect(listed.stdout).toMatch(/^py\tstale\tpid \d+/m);
    const stale = await cli(cwd, ['say', '--name', 'py', 'hello']);
    expect(stale.code).toBe(3);
    expect(stale.stderr).toContain(
      `No session named "py" is running (its daemon, pid ${second.pid}, was gone; the stale state was cleared).`,
    );
    expect(() => statSync(stateDir(cwd, 'py'))).toThrow();
  });

  test('the idle timeout stops the daemon and its agent and clears the state', { timeout: 120_000 }, async () => {
    const cwd = project();
    expect((await cli(cwd, ['start', nodeAgent, '--llm', weatherLlmModule, '--idle-timeout', '3s'])).code).toBe(0);
    const state = stateOf(cwd)!;
    // A turn resets the clock.
    expect((await cli(cwd, ['say', "what's the weather in Paris?"])).code).toBe(0);
    expect(running(state.pid)).toBe(true);
    await eventually(() => !running(state.pid) && !running(state.agentPid!), 20_000, 'the idle daemon and its agent to exit');
    expect(() => statSync(stateDir(cwd))).toThrow();
  });
});
