import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as prettier from 'prettier';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';

import { exportSession } from '../../../src/cli/export.js';
import { cassetteForTest } from '../../../src/cli/export-cassette.js';
import { exportedTestSource, LONG_REPLY } from '../../../src/cli/export-source.js';
import { AgentSessionError } from '../../../src/errors/index.js';
import { parseCassette, serialiseCassette, type CassetteEntry } from '../../../src/llm/cassette-format.js';
import { TRICKY, turn } from './turns.js';

const repoPrettier = { printWidth: 140, singleQuote: true };

/** Runs an exported test's body against stand-ins, and returns what it said and asserted, in order. */
async function runExported(source: string): Promise<string[]> {
  const log: string[] = [];
  const body = source.replace(/^import .*$/gm, '');
  const assertion = (subject: string) =>
    new Proxy(
      {},
      {
        get:
          (_, matcher) =>
          (...args: unknown[]) =>
            log.push(`${subject}.${String(matcher)} ${JSON.stringify(args, (_k, v: unknown) => (v instanceof RegExp ? String(v) : v))}`),
      },
    );
  let name = 0;
  const agent = {
    say: async (text: string) => (log.push(`say ${JSON.stringify(text)}`), `turn${++name}`),
    greeting: async () => (log.push('greeting'), 'greeting'),
    listen: async () => (log.push('listen'), 'heard'),
  };
  let run: (() => Promise<void>) | undefined;
  const scope = {
    useAgentSession: (file: string) => (log.push(`agent ${file}`), agent),
    cassetteLlm: () => 'llm',
    scriptedLlm: (rules: unknown) => `scripted(${String(rules)})`,
    scripted: 'rules',
    test: (title: string, fn: () => Promise<void>) => (log.push(`test ${title}`), (run = fn)),
    expect: (subject: string) => assertion(subject),
  };
  new Function(...Object.keys(scope), body)(...Object.values(scope));
  await run!();
  return log;
}

describe('exported test source', () => {
  const turns = [
    turn(-1, '', { reply: 'Welcome!' }),
    turn(0, 'weather in Paris?', { toolCalls: [{ name: 'lookup_weather', args: { city: 'Paris' } }], reply: 'Sunny, 21°C in Paris.' }),
    turn(1, 'book a repair', {
      toolCalls: [{ name: 'transfer_to_workshop' }],
      handoffs: [{ from: 'front_desk', to: 'workshop' }],
      reply: 'One moment.',
    }),
    turn(2, 'broken', { errors: [{ source: 'llm', message: 'no rule' }] }),
  ];

  test('one test that says every turn in order and asserts each tool call, handoff and reply', async () => {
    const source = exportedTestSource({ agentSpecifier: '../agents/bike.py', testName: 'replays it', turns, model: { kind: 'cassette' } });
    expect(await runExported(source)).toEqual([
      'agent ../agents/bike.py',
      'test replays it',
      'greeting',
      'greeting.toHaveNoErrors []',
      'greeting.toHaveReplied ["Welcome!"]',
      'say "weather in Paris?"',
      'turn1.toHaveNoErrors []',
      'turn1.toHaveCalledTool ["lookup_weather",{"city":"Paris"}]',
      'turn1.toHaveReplied ["Sunny, 21°C in Paris."]',
      'say "book a repair"',
      'turn2.toHaveNoErrors []',
      'turn2.toHaveCalledTool ["transfer_to_workshop"]',
      'turn2.toHaveHandedOffTo ["workshop",{"from":"front_desk"}]',
      'turn2.toHaveReplied ["One moment."]',
      // A turn that had errors is said again, but not asserted error-free.
      'say "broken"',
    ]);
    const sameClass = turn(0, 'next', { handoffs: [{ from: 'desk', to: 'desk', instructions: 'You are the workshop.\nBe brief.' }] });
    const oneClass = exportedTestSource({ agentSpecifier: './a.py', testName: 't', turns: [sameClass], model: { kind: 'cassette' } });
    expect(await runExported(oneClass)).toContain(
      'turn1.toHaveHandedOffTo [{"id":"desk","instructions":"You are the workshop."},{"from":"desk"}]',
    );
    expect(source).toContain("import { useAgentSession } from 'agent-session-test/vitest';");
    expect(source).toContain("import { cassetteLlm } from 'agent-session-test/llm';");
    expect(source).toContain('const llm = cassetteLlm();');
  });

  test('what the agent said on its own after a turn is listened for again, in its place', async () => {
    const heard = [
      turn(0, 'remind me about the tea in 1 second', { toolCalls: [{ name: 'set_reminder', args: { about: 'the tea', seconds: 1 } }] }),
      turn(-1, '', { reply: 'Reminder: the tea!' }),
      turn(1, 'thanks', { reply: 'You are welcome.' }),
    ];
    const source = exportedTestSource({ agentSpecifier: './a.py', testName: 't', turns: heard, model: { kind: 'cassette' } });
    expect(await runExported(source)).toEqual([
      'agent ./a.py',
      'test t',
      'say "remind me about the tea in 1 second"',
      'turn1.toHaveNoErrors []',
      'turn1.toHaveCalledTool ["set_reminder",{"about":"the tea","seconds":1}]',
      'listen',
      'heard.toHaveNoErrors []',
      'heard.toHaveReplied ["Reminder: the tea!"]',
      'say "thanks"',
      'turn2.toHaveNoErrors []',
      'turn2.toHaveReplied ["You are welcome."]',
    ]);
    expect(source).toContain('const heard1 = await agent.listen();');
  });

  test('a turn whose tool raised asserts the tool error, not that it had no errors', async () => {
    const failed = turn(0, 'weather in Oslo?', { toolCalls: [{ name: 'lookup_weather', isError: true }], reply: 'Sorry.' });
    const source = exportedTestSource({ agentSpecifier: './a.py', testName: 't', turns: [failed], model: { kind: 'cassette' } });
    expect(await runExported(source)).toEqual([
      'agent ./a.py',
      'test t',
      'say "weather in Oslo?"',
      'turn1.toHaveCalledTool ["lookup_weather"]',
      'turn1.toHaveToolError ["lookup_weather"]',
      'turn1.toHaveReplied ["Sorry."]',
    ]);
  });

  test('inputs, replies, arguments and names with quotes, backticks, ${ and newlines read back exactly', async () => {
    const tricky = TRICKY.map((text, i) => turn(i, text, { reply: text, toolCalls: [{ name: 'echo', args: { [text]: text } }] }));
    const source = exportedTestSource({
      agentSpecifier: "./it's `agent`.py",
      testName: '${name} `x`',
      turns: tricky,
      model: { kind: 'cassette' },
    });
    const log = await runExported(source);
    expect(log[0]).toBe(`agent ./it's \`agent\`.py`);
    expect(log[1]).toBe('test ${name} `x`');
    for (const text of TRICKY) {
      expect(log).toContain(`say ${JSON.stringify(text)}`);
      expect(log.some((line) => line.endsWith(`.toHaveReplied ${JSON.stringify([text])}`))).toBe(true);
      expect(log.some((line) => line.endsWith(`.toHaveCalledTool ${JSON.stringify(['echo', { [text]: text }])}`))).toBe(true);
    }
  });

  test('a long reply is asserted by a pattern of its start', async () => {
    const reply = `It (really) costs $5.00 / day. ${'x'.repeat(LONG_REPLY)}\nsecond line`;
    const source = exportedTestSource({
      agentSpecifier: './a.py',
      testName: 't',
      turns: [turn(0, 'hi', { reply })],
      model: { kind: 'cassette' },
    });
    const pattern = /toHaveReplied\((\/.*\/)\)/.exec(source)![1]!;
    const regex = new Function(`return ${pattern};`)() as RegExp;
    expect(regex.test(reply)).toBe(true);
    expect(regex.source.length).toBeLessThan(100);
    expect(regex.test(reply.replace('$5', '$6'))).toBe(false);
  });

  test.each([
    [
      { kind: 'rules', specifier: '../bike-shop-llm.js', exportName: 'bikeShopLlm', form: 'factory' } as const,
      ['import { bikeShopLlm } from', 'const llm = bikeShopLlm();'],
    ],
    [
      { kind: 'rules', specifier: './rules.js', form: 'rules' } as const,
      ["import { scriptedLlm } from 'agent-session-test/llm';", 'import scripted from', 'const llm = scriptedLlm(scripted);'],
    ],
    [{ kind: 'rules', specifier: './llm.js', exportName: 'llm', form: 'server' } as const, ['import { llm } from', 'const llm = llm;']],
  ])('scripted rules are imported by reference: %j', (model, expected) => {
    const source = exportedTestSource({ agentSpecifier: './a.py', testName: 't', turns: [turn(0, 'hi')], model });
    for (const line of expected) expect(source).toContain(line);
    expect(source).not.toContain('cassetteLlm');
  });

  test('the source as generated is Prettier-clean', async () => {
    const source = exportedTestSource({ agentSpecifier: '../agents/bike.py', testName: 'replays it', turns, model: { kind: 'cassette' } });
    expect(await prettier.check(source, { ...repoPrettier, filepath: 'x.test.ts' })).toBe(true);
    const tricky = TRICKY.map((text, i) => turn(i, text, { reply: text, toolCalls: [{ name: 'echo', args: { [text]: text, n: 1 } }] }));
    const trickySource = exportedTestSource({ agentSpecifier: './a.py', testName: "it's", turns: tricky, model: { kind: 'cassette' } });
    expect(await prettier.format(trickySource, { ...repoPrettier, printWidth: 400, filepath: 'x.test.ts' })).toBe(trickySource);
  });
});

describe('exported cassette', () => {
  const entry = (test: string, key: string, user: boolean): CassetteEntry => ({
    test,
    key,
    n: 0,
    request: {
      path: '/v1/chat/completions',
      body: { messages: [{ role: 'system', content: 's' }, ...(user ? [{ role: 'user', content: 'u' }] : [])] },
    },
    response: { status: 200, contentType: 'application/json', stream: false, body: {} },
  });

  test('every call moves to the exported test with its occurrences counted again; calls before the first user message are filed under "" too', () => {
    const out = cassetteForTest(
      [entry('', 'greet', false), entry('old', 'a', true), entry('other', 'a', true), entry('old', 'b', true)],
      'new',
    );
    expect(out.map((e) => [e.test, e.key, e.n])).toEqual([
      ['new', 'greet', 0],
      ['', 'greet', 0],
      ['new', 'a', 0],
      ['new', 'a', 1],
      ['new', 'b', 0],
    ]);
  });
});

describe('exportSession', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'export-unit-'));
    await mkdir(path.join(dir, 'agents'));
    await writeFile(path.join(dir, 'agents/bike.py'), '# agent\n');
    await writeFile(path.join(dir, 'session.jsonl'), serialiseCassette([{ ...cassetteEntry(), test: '' }]));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  function cassetteEntry(): CassetteEntry {
    return {
      test: 'x',
      key: 'k',
      n: 0,
      request: { path: '/v1/chat/completions', body: { messages: [{ role: 'user', content: 'hi' }] } },
      response: { status: 200, contentType: 'application/json', stream: false, body: {} },
    };
  }
  const options = () => ({
    cwd: dir,
    agentFile: 'agents/bike.py',
    turns: [turn(0, 'hi', { reply: 'Hello!' })],
    testFile: 'tests/bike.test.ts',
    model: { cassette: 'session.jsonl' },
  });

  test('writes the test and its cassette at the default place for the test file', async () => {
    const written = await exportSession(options());
    expect(written).toEqual({
      testFile: path.join(dir, 'tests/bike.test.ts'),
      cassette: path.join(dir, 'tests/__cassettes__/bike.test.jsonl'),
    });
    const source = await readFile(written.testFile, 'utf8');
    expect(source).toContain("useAgentSession('../agents/bike.py', { llm })");
    expect(source).toContain("test('replays the bike.py session', async () => {");
    const entries = parseCassette(await readFile(written.cassette!, 'utf8'), 'c');
    expect(entries.map((e) => [e.test, e.key, e.n])).toEqual([['replays the bike.py session', 'k', 0]]);
  });

  test('refuses to replace an existing test or cassette unless forced, naming the file', async () => {
    await exportSession(options());
    await expect(exportSession(options())).rejects.toThrow(
      /tests\/bike\.test\.ts already exists; choose another test file name, or pass --force/,
    );
    await rm(path.join(dir, 'tests/bike.test.ts'));
    await expect(exportSession(options())).rejects.toThrow(/__cassettes__\/bike\.test\.jsonl already exists/);
    // Neither refusal wrote anything.
    await expect(readFile(path.join(dir, 'tests/bike.test.ts'))).rejects.toThrow(/ENOENT/);

    await writeFile(path.join(dir, 'tests/bike.test.ts'), 'mine');
    await exportSession({ ...options(), force: true, testName: 'second' });
    expect(await readFile(path.join(dir, 'tests/bike.test.ts'), 'utf8')).toContain("test('second'");
  });

  test('bad input is refused with the cause', async () => {
    await expect(exportSession({ ...options(), testFile: 'bike.ts' })).rejects.toThrow(/must end in \.test\.ts/);
    await expect(exportSession({ ...options(), turns: [] })).rejects.toThrow(/no turns yet/);
    await expect(exportSession({ ...options(), model: { cassette: 'missing.jsonl' } })).rejects.toThrow(/missing\.jsonl does not exist/);
    const missingAgent = exportSession({ ...options(), agentFile: 'agents/nope.py' });
    await expect(missingAgent).rejects.toBeInstanceOf(AgentSessionError);
    await expect(missingAgent).rejects.toMatchObject({ code: 'AGENT_FILE_NOT_FOUND' });
    await expect(exportSession({ ...options(), model: { rules: 'r.ts', exportName: 'a-b' } })).rejects.toThrow(/not an export name/);
  });

  test('scripted rules are referenced from the test, with no cassette', async () => {
    const written = await exportSession({ ...options(), model: { rules: 'llm/rules.ts', exportName: 'rules' } });
    expect(written.cassette).toBeUndefined();
    expect(await readFile(written.testFile, 'utf8')).toContain("import { rules } from '../llm/rules.js';");
  });
});
