import { existsSync, readdirSync, readFileSync } from 'node:fs';
import ts from 'typescript';
import { expect, test } from 'vitest';

// What each entry exports at run time, by name: an addition or a removal is a change of the
// public API, made on purpose here and listed in the CHANGELOG. Internals stay out.
const RUNTIME_EXPORTS: Record<string, string[]> = {
  '.': [
    'AgentSession',
    'AgentSessionError',
    'ProtocolError',
    'StreamJsonSession',
    'claudeCode',
    'conversationSnapshot',
    'createAgentSessionHandle',
    'createStreamJsonSessionHandle',
    'judgeConversation',
    'lettaCode',
    'renderSession',
    'renderTurn',
    'simulateUser',
    'startAgentSession',
    'startStreamJsonSession',
    'trials',
  ],
  './vitest': ['agentSessionFixture', 'useAgentSession', 'useStreamJsonSession'],
  './matchers': ['TurnAssertionError', 'TurnCursor', 'expectTurn', 'matchers'],
  './llm': ['anthropicMessages', 'cassetteLlm', 'scriptedLlm'],
  './vitest/plugin': ['DEFAULT_SPARES', 'agentSession', 'default'],
  './vitest/reporter': ['REPORT_VERSION', 'buildReport', 'default', 'renderReportHtml'],
  './vitest/global-setup': ['createGlobalSetup', 'default'],
  './jest/global-setup': ['default'],
  './jest/global-teardown': ['createGlobalTeardown', 'default'],
};

test('each entry exports exactly its public API', async () => {
  for (const [subpath, names] of Object.entries(RUNTIME_EXPORTS)) {
    const module = (await import(`agent-session-test${subpath.slice(1)}`)) as Record<string, unknown>;
    expect(Object.keys(module).sort(), subpath).toEqual(names);
  }
});

test('the package entry points load', async () => {
  const root = await import('agent-session-test');
  expect(typeof root.startAgentSession).toBe('function');
  expect(typeof root.startStreamJsonSession).toBe('function');
  expect(typeof root.renderSession).toBe('function');
  expect(Object.keys((await import('agent-session-test/matchers')).matchers)).toContain('toHaveCalledTool');
  expect(typeof (await import('agent-session-test/llm')).scriptedLlm).toBe('function');
  expect(typeof (await import('agent-session-test/vitest')).useAgentSession).toBe('function');
  expect(typeof (await import('agent-session-test/vitest/global-setup')).default).toBe('function');
});

// Through a variable, so the repository's type program (Vitest 4) never loads the Vitest 5
// declarations; test/unit/type-programs.test.ts checks that it does not.
const VITEST5 = 'agent-session-test/vitest5';

test('the Vitest 5 entry has the runtime API of the Vitest entry, single-sourced', async () => {
  const vitest = (await import('agent-session-test/vitest')) as Record<string, unknown>;
  const vitest5 = (await import(VITEST5)) as Record<string, unknown>;
  expect(Object.keys(vitest5).sort()).toEqual(Object.keys(vitest).sort());
  for (const name of Object.keys(vitest)) expect(vitest5[name], name).toBe(vitest[name]);
});

test('importing the Vitest entry registers the matchers on Vitest expect', async () => {
  await import('agent-session-test/vitest');
  expect(() => expect({}).toHaveReplied('x')).toThrow(/expected a turn record/);
});

test('the stream-json session starts one way only: useStreamJsonSession, not useAgentSession', async () => {
  const { useAgentSession } = await import('agent-session-test/vitest');
  // The type refuses it too; at run time the error names the one way.
  expect(() => useAgentSession({ command: ['letta'], protocol: 'stream-json' } as never)).toThrow(/useStreamJsonSession\(options\)/);
});

const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');
const pkg = JSON.parse(read('package.json')) as { exports: Record<string, { types: string; default: string }> };

test('every subpath of package.json exports is a module of src that the build emits where exports points', () => {
  expect(Object.keys(pkg.exports)).toEqual(expect.arrayContaining(['.', './vitest', './vitest5', './jest', './matchers', './llm']));
  for (const [subpath, target] of Object.entries(pkg.exports)) {
    // tsconfig.build.json compiles src/X.ts to dist/X.js and dist/X.d.ts.
    const module = /^\.\/dist\/(.+)\.js$/.exec(target.default)?.[1];
    expect(module, subpath).toBeDefined();
    expect(target.types, subpath).toBe(`./dist/${module}.d.ts`);
    expect(existsSync(new URL(`../../src/${module}.ts`, import.meta.url)), `${subpath}: src/${module}.ts`).toBe(true);
  }
});

test('a runner piece is an entry under its runner, one that runs in the main process under node/', () => {
  for (const [subpath, target] of Object.entries(pkg.exports)) {
    const runner = /^\.\/(vitest|vitest5|jest)(\/|$)/.exec(subpath)?.[1];
    if (!runner) continue;
    const nested = subpath !== `./${runner}`;
    expect(target.default, subpath).toMatch(
      nested ? new RegExp(`^\\./dist/${runner}/node/`) : new RegExp(`^\\./dist/${runner}/index\\.js$`),
    );
  }
});

test("the type checker's paths map each entry of package.json exports to its source, and nothing more", () => {
  const { config } = ts.parseConfigFileTextToJson('tsconfig.json', read('tsconfig.json')) as {
    config: { compilerOptions: { paths: Record<string, string[]> } };
  };
  const expected = Object.fromEntries(
    Object.entries(pkg.exports).map(([subpath, target]) => [
      `agent-session-test${subpath.slice(1)}`,
      [target.default.replace(/^\.\/dist\//, './src/').replace(/\.js$/, '.ts')],
    ]),
  );
  expect(config.compilerOptions.paths).toEqual(expected);
});

// Vitest resolves agent-session-test/* through an alias to src/, so only this catches a documented
// import that an installed package would refuse (ERR_PACKAGE_PATH_NOT_EXPORTED).
test('every import of the package shown in README.md and docs/ is an entry of package.json exports', () => {
  const pages = [
    'README.md',
    ...readdirSync(new URL('../../docs', import.meta.url))
      .filter((f) => f.endsWith('.md'))
      .map((f) => `docs/${f}`),
  ];
  const documented = new Set(
    pages.flatMap((page) => [...read(page).matchAll(/['"]agent-session-test(\/[\w/-]+)?['"]/g)].map((m) => `.${m[1] ?? ''}`)),
  );
  expect(documented.size).toBeGreaterThan(5);
  expect([...documented].filter((subpath) => !(subpath in pkg.exports))).toEqual([]);
});

// Code of the runner's main process and code of its workers load in different processes, so
// neither imports the other; the plugin names its worker modules to Vitest by path.
test("a runner's main-process code (node/) and its worker code (worker/) never import each other", async () => {
  const { relativeImports } = (await import(new URL('../../scripts/check-cycles.mjs', import.meta.url).href)) as {
    relativeImports: (source: string) => { specifier: string; line: number }[];
  };
  const src = new URL('../../src/', import.meta.url);
  const crossing: string[] = [];
  for (const runner of ['vitest', 'jest']) {
    for (const [side, other] of [
      ['node', 'worker'],
      ['worker', 'node'],
    ] as const) {
      const dir = new URL(`${runner}/${side}/`, src);
      for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts'))) {
        for (const { specifier, line } of relativeImports(readFileSync(new URL(file, dir), 'utf8'))) {
          if (new URL(specifier, new URL(file, dir)).pathname.includes(`/src/${runner}/${other}/`))
            crossing.push(`${runner}/${side}/${file}:${line} imports ${specifier}`);
        }
      }
    }
  }
  expect(crossing).toEqual([]);
});
