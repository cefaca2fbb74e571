// Export-then-run through the real CLI: sessions started from a shell with a recorded model
// (--record, against a scripted model standing in for the cloud) or scripted rules (--llm), said
// to turn by turn, exported with `export`, and the exported file run in a child Vitest offline,
// where it passes; a changed recorded answer makes it fail. A session cassette replays with
// --replay and the upstream gone. Export's refusals, as the shell sees them, close the file.
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, test } from 'vitest';

import { scriptedLlm, type ScriptedLlm } from '../../src/llm/index.js';
import type { TurnRecord } from '../../src/turn/types.js';
import { bikeShopLlm } from '../../examples/bike-shop-llm.js';
import { builtBeforeAll, cli, projects, stateOf, weatherLlmModule, type CliResult } from './cli-helpers.js';
import { examplesDir, fixture, nodeAgent, pythonAgent, pythonEnv, running } from './helpers.js';
import { runFixtureVitest } from './runner-helpers.js';

const bikeShopAgent = `${examplesDir}python/bike_shop_agent.py`;
const reminderAgent = fixture('python/reminder_agent.py');
/** The project the exported tests run in: it resolves the package name to this repository. */
const exportedProject = fileURLToPath(new URL('../fixtures/exported/', import.meta.url));
/** Nothing listens on the discard port: a run that tried to reach a model would fail. */
const deadUpstream = { OPENAI_BASE_URL: 'http://127.0.0.1:9/v1', OPENAI_API_KEY: 'unused' };

builtBeforeAll();
const project = projects();

let out: string;
beforeAll(async () => {
  out = await mkdtemp(path.join(exportedProject, 'cli-'));
});
afterAll(async () => {
  await rm(out, { recursive: true, force: true });
});

/** Runs a command and insists it succeeded, showing its output when it did not. */
async function ok(cwd: string, args: readonly string[], env?: Record<string, string>): Promise<CliResult> {
  const result = await cli(cwd, args, { ...(env && { env }) });
  expect(result.code, `agent-session-test ${args.join(' ')}\n${result.stdout}${result.stderr}`).toBe(0);
  return result;
}

const record = (result: CliResult) => JSON.parse(result.stdout) as TurnRecord;

/**
 * Serves scripted rules as the session's "real" model. The daemon's cassette records from its own
 * environment's OpenAI and LiveKit inference variables (as it would from a user's cloud keys), so
 * this is the environment `start --record` is run with.
 */
async function cloud(llm: ScriptedLlm): Promise<{ env: Record<string, string>; close(): Promise<void> }> {
  const server = await llm.listen();
  const pick = ['OPENAI_BASE_URL', 'OPENAI_API_KEY', 'LIVEKIT_INFERENCE_URL', 'LIVEKIT_API_KEY', 'LIVEKIT_API_SECRET'] as const;
  const env = Object.fromEntries(pick.map((key) => [key, server.env[key]]));
  // The SDKs prefer these to the LIVEKIT_API_* pair: the runner's own must not stand in.
  env['LIVEKIT_INFERENCE_API_KEY'] = server.env.LIVEKIT_API_KEY;
  env['LIVEKIT_INFERENCE_API_SECRET'] = server.env.LIVEKIT_API_SECRET;
  return { env, close: () => server.close() };
}

/** The exported file run by a child Vitest in replay mode, with no model to reach. */
const replay = (file: string, env: Record<string, string> = {}) =>
  runFixtureVitest([path.relative(exportedProject, file)], out, {
    root: exportedProject,
    env: { AGENT_SESSION_TEST_LLM_MODE: 'replay', ...deadUpstream, ...env },
  });

/** The cassette with `from` changed to `to` in the recorded answers only (the requests, and so their keys, stay). */
function changeAnswer(text: string, from: string, to: string): string {
  let changed = 0;
  const lines = text.split('\n').map((line) => {
    if (!line.includes(from)) return line;
    const entry = JSON.parse(line) as { response: unknown };
    const response = JSON.stringify(entry.response);
    if (!response.includes(from)) return line;
    changed++;
    return JSON.stringify({ ...entry, response: JSON.parse(response.replaceAll(from, to)) as unknown });
  });
  expect(changed).toBe(1);
  return lines.join('\n');
}

test(
  'a --record session of the bike shop (greeting, tool call, handoff) exports to a test that passes offline, and --replay says it again',
  { timeout: 300_000 },
  async () => {
    const cwd = project();
    const sessionCassette = path.join(cwd, 'session.jsonl');
    const upstream = await cloud(bikeShopLlm());
    let upstreamOpen = true;
    try {
      await ok(cwd, ['start', bikeShopAgent, '--record', sessionCassette], upstream.env);
      const greeting = record(await ok(cwd, ['listen', '--json', '--timeout', '20s']));
      expect(greeting.reply).toBe('Welcome to Spoke & Chain! How can we help your bike today?');
      const lookup = record(await ok(cwd, ['say', '--json', 'look up my bike SC-1042']));
      expect(lookup.toolCalls).toEqual([expect.objectContaining({ name: 'lookup_bike', args: { serial: 'SC-1042' } })]);
      expect(lookup.reply).toBe("That is Ada's Trek FX 3.");
      const repair = record(await ok(cwd, ['say', '--json', 'I would like to book a repair']));
      expect(repair.handoffs.map((h) => h.to)).toEqual(['shop_agent']);
      const recorded = [greeting, lookup, repair];

      const testFile = path.join(out, 'bike.test.ts');
      const cassette = path.join(out, '__cassettes__/bike.test.jsonl');
      const exported = await ok(cwd, ['export', testFile]);
      expect(exported.stdout).toBe('');
      expect(exported.stderr).toContain(testFile);
      expect(exported.stderr).toContain(cassette);
      const source = await readFile(testFile, 'utf8');
      expect(source).toContain("useAgentSession('../../../../examples/python/bike_shop_agent.py', { llm })");
      expect(source).toContain('const greeting = await agent.greeting();');
      expect(source).toContain("expect(turn1).toHaveCalledTool('lookup_bike', { serial: 'SC-1042' });");
      expect(source).toContain('expect(turn1).toHaveReplied("That is Ada\'s Trek FX 3.");');
      expect(source).toMatch(/expect\(turn2\)\.toHaveHandedOffTo\(/);

      const state = stateOf(cwd)!;
      await ok(cwd, ['stop']);
      expect(running(state.pid)).toBe(false);
      await upstream.close();
      upstreamOpen = false;

      const passed = await replay(testFile);
      expect(passed.output).toMatch(/Tests\s+1 passed/);
      expect(passed.exitCode).toBe(0);

      // The model now answers otherwise, so the agent replies otherwise: the same file fails on that reply.
      await writeFile(cassette, changeAnswer(await readFile(cassette, 'utf8'), "Ada's Trek FX 3", "Lin's Brompton"));
      const failed = await replay(testFile);
      expect(failed.output).toContain('toHaveReplied');
      expect(failed.output).toContain("That is Lin's Brompton.");
      expect(failed.output).toMatch(/Tests\s+1 failed/);
      expect(failed.exitCode).toBe(1);

      // The session's own cassette, replayed by a new session with the upstream gone: the same replies.
      await ok(cwd, ['start', bikeShopAgent, '--replay', sessionCassette], deadUpstream);
      const again = [
        record(await ok(cwd, ['listen', '--json', '--timeout', '20s'])),
        record(await ok(cwd, ['say', '--json', 'look up my bike SC-1042'])),
        record(await ok(cwd, ['say', '--json', 'I would like to book a repair'])),
      ];
      expect(again.map((turn) => turn.reply)).toEqual(recorded.map((turn) => turn.reply));
      expect(again.map((turn) => turn.toolCalls.map((call) => [call.name, call.args]))).toEqual(
        recorded.map((turn) => turn.toolCalls.map((call) => [call.name, call.args])),
      );
      expect(again.map((turn) => turn.handoffs.map((h) => h.to))).toEqual(recorded.map((turn) => turn.handoffs.map((h) => h.to)));
      expect(again.every((turn) => turn.errors.length === 0)).toBe(true);
      await ok(cwd, ['stop']);
    } finally {
      if (upstreamOpen) await upstream.close();
    }
  },
);

test(
  'a --llm session of the Node weather agent exports to a test that imports the same rules; export refuses to overwrite, --force replaces',
  { timeout: 240_000 },
  async () => {
    const cwd = project();
    await ok(cwd, ['start', nodeAgent, '--llm', weatherLlmModule]);
    const weather = record(await ok(cwd, ['say', '--json', "what's the weather in Paris?"]));
    expect(weather.toolCalls).toEqual([expect.objectContaining({ name: 'lookup_weather', args: { city: 'Paris' } })]);
    const trip = record(await ok(cwd, ['say', '--json', 'I want to book a trip']));
    expect(trip.handoffs).toHaveLength(1);

    const testFile = path.join(out, 'weather.test.ts');
    const exported = await ok(cwd, ['export', testFile]);
    expect(exported.stderr).toContain(testFile);
    expect(exported.stderr).not.toContain('.jsonl');
    const source = await readFile(testFile, 'utf8');
    expect(source).toContain("import { weatherLlm } from '../../../../examples/weather-llm.js';");
    expect(source).toContain('const llm = weatherLlm();');
    expect(source).toContain("useAgentSession('../../../../examples/node/weather_agent.ts', { llm })");
    expect(source).toContain("expect(turn1).toHaveCalledTool('lookup_weather', { city: 'Paris' });");
    expect(source).toContain(`expect(turn2).toHaveHandedOffTo('${trip.handoffs[0]!.to}'`);
    expect(existsSync(path.join(out, '__cassettes__/weather.test.jsonl'))).toBe(false);

    // A file that exists is left as it was, and named; --force replaces it. Relative to where the shell is.
    const mine = path.join(cwd, 'mine.test.ts');
    await writeFile(mine, '// my own test\n');
    const refused = await cli(cwd, ['export', 'mine.test.ts']);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('mine.test.ts');
    expect(refused.stderr).toMatch(/already exists.*--force/);
    expect(await readFile(mine, 'utf8')).toBe('// my own test\n');
    const forced = await ok(cwd, ['export', 'mine.test.ts', '--force']);
    expect(forced.stderr).toBe('Wrote mine.test.ts.\n');
    expect(await readFile(mine, 'utf8')).toContain("await agent.say('I want to book a trip')");
    await ok(cwd, ['stop']);

    const passed = await replay(testFile);
    expect(passed.output).toMatch(/Tests\s+1 passed/);
    expect(passed.exitCode).toBe(0);
  },
);

/** The reminder agent's model: a tool call to set the timer, and the reminder when the timer asks for it. */
const reminderRules = () =>
  scriptedLlm([
    {
      name: 'set the timer',
      when: { user: /remind me about (.+) in (\d+) seconds?/ },
      reply: ({ match }) => ({ toolCalls: [{ name: 'set_reminder', args: { about: match![1]!, seconds: Number(match![2]) } }] }),
    },
    // The tool's own words, so the replayed reply also holds what the tool returned.
    { name: 'timer set', when: { tool: 'set_reminder' }, reply: ({ request }) => ({ text: `OK, ${request.lastToolOutput}.` }) },
    // The timer's request has no new user message; the agent's instructions say what is due.
    { name: 'due', when: { system: /Remind the user about: (.+)/ }, reply: ({ match }) => ({ text: `Time for ${match![1]!}.` }) },
    { name: 'small talk', when: { user: /^hello$/ }, reply: { text: 'Hello again.' } },
  ]);

test('what `listen` heard after a turn is exported as agent.listen(), and the test replays it offline', { timeout: 240_000 }, async () => {
  const cwd = project();
  const upstream = await cloud(reminderRules());
  let upstreamOpen = true;
  try {
    await ok(cwd, ['start', reminderAgent, '--record', path.join(cwd, 'session.jsonl')], { ...upstream.env, ...pythonEnv });
    const set = record(await ok(cwd, ['say', '--json', 'remind me about the tea in 1 second']));
    expect(set.reply).toBe('OK, reminder about the tea set for 1 s.');
    const heard = record(await ok(cwd, ['listen', '--json', '--timeout', '20s']));
    expect(heard.reply).toBe('Time for the tea.');
    await ok(cwd, ['say', 'hello']);

    const testFile = path.join(out, 'reminder.test.ts');
    await ok(cwd, ['export', testFile]);
    const source = await readFile(testFile, 'utf8');
    expect(source).toContain('const heard1 = await agent.listen();');
    expect(source).toContain("expect(heard1).toHaveReplied('Time for the tea.');");
    expect(source.indexOf('agent.listen()')).toBeGreaterThan(source.indexOf("agent.say('remind me about the tea in 1 second')"));
    expect(source.indexOf('agent.listen()')).toBeLessThan(source.indexOf("agent.say('hello')"));
    await ok(cwd, ['stop']);
    await upstream.close();
    upstreamOpen = false;

    const passed = await replay(testFile, pythonEnv);
    expect(passed.output).toMatch(/Tests\s+1 passed/);
    expect(passed.exitCode).toBe(0);
  } finally {
    if (upstreamOpen) await upstream.close();
  }
});

test('a --live session has no model traffic to export: exit 64, and nothing written', { timeout: 120_000 }, async () => {
  const cwd = project();
  await ok(cwd, ['start', pythonAgent, '--live'], deadUpstream);
  const refused = await cli(cwd, ['export', 'live.test.ts']);
  expect(refused.code).toBe(64);
  expect(refused.stderr).toMatch(/no model traffic/);
  expect(refused.stderr).toMatch(/--record <cassette> or --llm <module>/);
  expect(existsSync(path.join(cwd, 'live.test.ts'))).toBe(false);
  await ok(cwd, ['stop']);
});
