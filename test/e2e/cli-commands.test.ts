// The CLI's later commands against real agents: `listen` on agents that speak on a timer,
// `restart` picking up an edited agent file, an agent that dies between commands, `logs --follow`,
// and a stream-json CLI (the real Letta Code) held by the daemon.
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import type { TurnRecord } from '../../src/turn/types.js';
import { lettaBin } from '../fixtures/streamjson/peers.js';
import { builtBeforeAll, cli, cliMain, eventually, projects, stateDir, stateOf, weatherLlmModule } from './cli-helpers.js';
import { examplesDir, fixture, nodeAgent, pythonEnv, running } from './helpers.js';

const cliFixture = (name: string) => fileURLToPath(new URL(`../fixtures/cli/${name}`, import.meta.url));
const reminderLlmModule = cliFixture('reminder-llm.ts');
const coderLlmModule = cliFixture('coder-llm.ts');
const venv = ['--env', `VIRTUAL_ENV=${pythonEnv.VIRTUAL_ENV}`];

builtBeforeAll();
const project = projects();

interface Status {
  agentPid: number;
  turns: number;
  agent: { id: string; tools: string[]; sdk: string; instructions?: string };
}

describe.each([
  ['Python', fixture('python/reminder_agent.py')],
  ['Node', fixture('node/reminder_agent.ts')],
])('listen: a %s agent that speaks on a timer', (_, agentFile) => {
  test(
    'nothing before it speaks, the reminder once as a transcript, then nothing; history keeps both in order',
    { timeout: 120_000 },
    async () => {
      const cwd = project();
      const started = await cli(cwd, ['start', agentFile, '--llm', reminderLlmModule, ...venv, '--json']);
      expect(started.code).toBe(0);
      // The module's default export is a model server, taken as it is.
      expect(JSON.parse(started.stdout)).toMatchObject({
        model: { kind: 'scripted', module: reminderLlmModule, exportName: 'default', form: 'server' },
      });

      // It does not greet: `null` on stdout (a record for scripts), the why on stderr, and success.
      const silent = await cli(cwd, ['listen', '--timeout', '1s', '--json']);
      expect(silent.code).toBe(0);
      expect(silent.stdout).toBe('null\n');
      expect(silent.stderr).toBe('The agent said nothing on its own within 1000 ms.\n');
      expect(silent.ms).toBeGreaterThanOrEqual(1_000);

      const set = await cli(cwd, ['say', 'remind me about the tea in 1 second']);
      expect(set.code).toBe(0);
      expect(set.stdout).toMatch(
        /^tool\s+✓ set_reminder\(\{"about": ?"the tea", ?"seconds": ?1\}\) → "reminder about the tea set for 1 s"$/m,
      );
      expect(set.stdout).toMatch(/^agent\s+Reminder set\.$/m);

      const heard = await cli(cwd, ['listen', '--timeout', '20s']);
      expect(heard.code).toBe(0);
      expect(heard.stderr).toBe('');
      expect(heard.stdout).toMatch(/^agent\s+Reminder: the tea!$/m);
      expect(heard.stdout).not.toMatch(/Reminder set/);

      // Heard once: the same speech is not given again.
      const again = await cli(cwd, ['listen', '--timeout', '1500']);
      expect(again.code).toBe(0);
      expect(again.stdout).toBe('');
      expect(again.stderr).toBe('The agent said nothing on its own within 1500 ms.\n');

      const history = await cli(cwd, ['history', '--json']);
      expect(history.code).toBe(0);
      const turns = JSON.parse(history.stdout) as TurnRecord[];
      expect(turns.map(({ index, input, reply }) => ({ index, input, reply }))).toEqual([
        { index: 0, input: 'remind me about the tea in 1 second', reply: 'Reminder set.' },
        { index: -1, input: '', reply: 'Reminder: the tea!' },
      ]);
      expect(turns[0]!.toolCalls).toEqual([expect.objectContaining({ name: 'set_reminder', args: { about: 'the tea', seconds: 1 } })]);
      expect((await cli(cwd, ['stop'])).code).toBe(0);
    },
  );
});

test('restart runs the edited agent file: new instructions, a new agent process, a fresh history', { timeout: 180_000 }, async () => {
  const cwd = project();
  // The user's own copy of the agent, outside the examples: its Python comes from VIRTUAL_ENV.
  const agentFile = path.join(cwd, 'weather_agent.py');
  copyFileSync(path.join(examplesDir, 'python/weather_agent.py'), agentFile);
  const started = await cli(cwd, ['start', 'weather_agent.py', '--llm', weatherLlmModule, ...venv, '--json']);
  expect(started.code).toBe(0);
  const first = JSON.parse(started.stdout) as { pid: number; agentPid: number; agentFile: string };
  expect(first.agentFile).toBe(agentFile);
  expect((await cli(cwd, ['say', "what's the weather in Paris?"])).code).toBe(0);
  const before = JSON.parse((await cli(cwd, ['status', '--json'])).stdout) as Status;
  expect(before.agent.instructions).toMatch(/^You are a weather assistant\./);
  expect(before.turns).toBe(1);

  const source = readFileSync(agentFile, 'utf8');
  expect(source).toContain('"You are a weather assistant. Use lookup_weather');
  writeFileSync(agentFile, source.replace('"You are a weather assistant.', '"You are the edited weather assistant.'));

  const restarted = await cli(cwd, ['restart', '--json']);
  expect(restarted.stderr).toBe('');
  expect(restarted.code).toBe(0);
  const { agentPid } = JSON.parse(restarted.stdout) as { ok: true; agentPid: number };
  expect(agentPid).not.toBe(first.agentPid);
  expect(running(first.agentPid)).toBe(false);
  expect(running(agentPid)).toBe(true);
  // The same daemon holds the new agent.
  expect(stateOf(cwd)).toMatchObject({ pid: first.pid, agentPid });

  const status = await cli(cwd, ['status', '--json']);
  expect(status.code).toBe(0);
  const after = JSON.parse(status.stdout) as Status;
  expect(after.agent.instructions).toMatch(/^You are the edited weather assistant\. Use lookup_weather/);
  expect(after).toMatchObject({ agentPid, turns: 0 });
  const history = await cli(cwd, ['history', '--json']);
  expect(history.code).toBe(0);
  expect(JSON.parse(history.stdout)).toEqual([]);

  const next = await cli(cwd, ['say', '--json', 'forecast for 2 days in Tokyo']);
  expect(next.code).toBe(0);
  const turn = JSON.parse(next.stdout) as TurnRecord;
  expect(turn.index).toBe(0);
  expect(turn.reply).toMatch(/2-day forecast for Tokyo/);
  expect((await cli(cwd, ['stop'])).code).toBe(0);
  await eventually(() => !running(agentPid) && !running(first.pid), 10_000, 'the daemon and the new agent to exit');
});

test(
  'an agent killed between commands: the daemon exits, the next command says how, logs and list still work, stop clears it',
  { timeout: 120_000 },
  async () => {
    const cwd = project();
    const started = await cli(cwd, ['start', path.join(examplesDir, 'python/weather_agent.py'), '--llm', weatherLlmModule, '--json']);
    expect(started.code).toBe(0);
    const { pid, agentPid } = JSON.parse(started.stdout) as { pid: number; agentPid: number };
    expect((await cli(cwd, ['say', "what's the weather in Paris?"])).code).toBe(0);

    process.kill(agentPid, 'SIGKILL');
    await eventually(() => !running(pid), 10_000, 'the daemon to exit after its agent died');
    // The folder stays, with how the agent went, for the commands below.
    expect(JSON.parse(readFileSync(path.join(stateDir(cwd), 'state.json'), 'utf8'))).toMatchObject({
      pid,
      ended: expect.stringMatching(/SIGKILL/),
    });

    const say = await cli(cwd, ['say', 'hi']);
    expect(say.code).toBe(3);
    expect(say.stdout).toBe('');
    expect(say.stderr).toMatch(/^The session "default" has ended: its agent went away between commands\.\n/);
    expect(say.stderr).toMatch(/killed by signal SIGKILL/);
    expect(say.stderr).toMatch(/agent-session-test logs/);

    const logs = await cli(cwd, ['logs', '--lines', '500']);
    expect(logs.code).toBe(0);
    expect(logs.stdout).toMatch(/conversation_item_added.*what's the weather in Paris\?/);
    // The agent colours its log lines; a pipe gets them plain.
    expect(readFileSync(path.join(stateDir(cwd), 'agent.log'), 'utf8')).toContain('\u001b[');
    // eslint-disable-next-line no-control-regex -- the escape byte is what must not appear
    expect(logs.stdout).not.toMatch(/\u001b\[|\r/);

    const listed = await cli(cwd, ['list']);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(new RegExp(`^default\tended\tpid ${pid}\t.*weather_agent\\.py$`, 'm'));

    const stopped = await cli(cwd, ['stop']);
    expect(stopped.code).toBe(0);
    expect(stopped.stderr).toMatch(/Stopped "default" \(its agent had already gone\)/);
    expect(existsSync(stateDir(cwd))).toBe(false);
    expect((await cli(cwd, ['say', 'hi'])).stderr).toMatch(/No session named "default" is running\./);
  },
);

/** `logs --follow` left running in the background, as from a shell with no TTY. */
function followLogs(cwd: string) {
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^(VITEST|TEST$|NODE_OPTIONS$|FORCE_COLOR$)/.test(key)));
  const child = spawn(process.execPath, [cliMain, 'logs', '--follow'], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const seen = { stdout: '', stderr: '' };
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (seen.stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (seen.stderr += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  return { child, seen, exited };
}

test('logs --follow prints what the agent writes after a say, and exits once the session stops', { timeout: 120_000 }, async () => {
  const cwd = project();
  expect((await cli(cwd, ['start', nodeAgent, '--llm', weatherLlmModule])).code).toBe(0);
  const follow = followLogs(cwd);
  try {
    await eventually(() => follow.seen.stdout.length > 0, 10_000, 'logs --follow to print the tail');
    const tail = follow.seen.stdout;
    expect(tail).not.toContain('Tokyo');

    expect((await cli(cwd, ['say', "what's the weather in Tokyo?"])).code).toBe(0);
    // The agent logs its reply; --follow passes it on while still running.
    await eventually(
      () => follow.seen.stdout.slice(tail.length).includes('cloudy, 18°C in Tokyo'),
      10_000,
      'the reply in the followed log',
    );
    expect(follow.child.exitCode).toBeNull();

    expect((await cli(cwd, ['stop'])).code).toBe(0);
    const code = await Promise.race([follow.exited, new Promise((resolve) => setTimeout(() => resolve('still running'), 5_000))]);
    expect(code).toBe(0);
    expect(follow.seen.stderr).toBe('');
  } finally {
    follow.child.kill('SIGKILL');
  }
});

describe('a stream-json CLI (the real Letta Code) from the terminal', () => {
  test('say with an allowed tool, status, history; listen and export refuse it; stop --transcript', { timeout: 120_000 }, async () => {
    const cwd = project();
    const started = await cli(cwd, [
      'start',
      '--letta',
      '--bin',
      lettaBin(),
      '--llm',
      coderLlmModule,
      '--allow',
      'Bash',
      '--cwd',
      cwd,
      '--json',
    ]);
    expect(started.stderr).toBe('');
    expect(started.code).toBe(0);
    const ready = JSON.parse(started.stdout) as { pid: number; agentPid: number; agentFile: string };
    expect(ready.agentFile).toBe('letta (stream-json)');

    const hello = await cli(cwd, ['say', 'hello']);
    expect(hello.code).toBe(0);
    expect(hello.stdout).toMatch(/^user\s+hello$/m);
    expect(hello.stdout).toMatch(/^agent\s+Hello from the scripted model\.$/m);

    // Tools are denied unless allowed: --allow Bash lets the command run, in the --cwd folder.
    const marker = await cli(cwd, ['say', 'create the marker']);
    expect(marker.code).toBe(0);
    expect(marker.stdout).toMatch(/^tool\s+✓ Bash\(.*marker\.txt.*\) → "made-by-bash\\n"$/m);
    expect(marker.stdout).toMatch(/^agent\s+The tool said: made-by-bash/m);
    expect(readFileSync(path.join(cwd, 'marker.txt'), 'utf8')).toBe('made-by-bash\n');

    const status = await cli(cwd, ['status', '--json']);
    expect(status.code).toBe(0);
    const shown = JSON.parse(status.stdout) as Status;
    expect(shown.agent.tools).toContain('Bash');
    expect(shown.agent.sdk).toBe('stream-json');
    expect(shown.turns).toBe(2);

    const history = await cli(cwd, ['history', '--json']);
    expect(history.code).toBe(0);
    expect((JSON.parse(history.stdout) as TurnRecord[]).map(({ index, input }) => ({ index, input }))).toEqual([
      { index: 0, input: 'hello' },
      { index: 1, input: 'create the marker' },
    ]);

    const listen = await cli(cwd, ['listen']);
    expect(listen.code).toBe(64);
    expect(listen.stdout).toBe('');
    expect(listen.stderr).toMatch(/stream-json CLI speaks only when spoken to: `listen` is for LiveKit agents/);

    const exported = await cli(cwd, ['export', 'x.test.ts']);
    expect(exported.code).toBe(64);
    expect(exported.stderr).toMatch(/holds a stream-json CLI[\s\S]*useStreamJsonSession/);
    expect(existsSync(path.join(cwd, 'x.test.ts'))).toBe(false);

    const stopped = await cli(cwd, ['stop', '--transcript']);
    expect(stopped.code).toBe(0);
    expect(stopped.stdout).toMatch(
      /── turn 0 ──\nuser\s+hello\nagent\s+Hello from the scripted model\.[\s\S]*── turn 1 ──\nuser\s+create the marker\ntool\s+✓ Bash\(/,
    );
    expect(existsSync(stateDir(cwd))).toBe(false);
    await eventually(() => !running(ready.agentPid) && !running(ready.pid), 10_000, 'the daemon and Letta Code to exit');
  });

  test('start flags that do not fit together are usage errors, and leave no state', async () => {
    const cwd = project();
    const cases: [string[], RegExp][] = [
      [['start', '--letta', 'some.py'], /--letta takes no agent file or command; got some\.py\. Use --bin/],
      [['start', 'agent.py', '--bin', 'x'], /--bin is for stream-json CLIs \(--letta, --claude, --stream-json\)/],
      [['start', '--stream-json'], /--stream-json needs the command after --/],
    ];
    for (const [args, message] of cases) {
      const result = await cli(cwd, args);
      expect(result.code, args.join(' ')).toBe(64);
      expect(result.stderr).toMatch(message);
      expect(result.stdout).toBe('');
      expect(result.ms).toBeLessThan(5_000);
    }
    expect(() => statSync(stateDir(cwd))).toThrow();
  });
});
