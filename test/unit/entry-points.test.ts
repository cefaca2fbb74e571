import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { expect, test } from 'vitest';

// Each public subpath resolves and exposes what the README documents.
test('the package entry points load', async () => {
  const root = await import('agent-session-test');
  expect(typeof root.useAgentSession).toBe('function');
  expect(typeof root.startAgentSession).toBe('function');
  expect(typeof root.renderTurn).toBe('function');
  expect(Object.keys((await import('agent-session-test/matchers')).matchers)).toContain('toHaveCalledTool');
  expect(typeof (await import('agent-session-test/llm')).scriptedLlm).toBe('function');
  expect(typeof (await import('agent-session-test/vitest')).useAgentSession).toBe('function');
  expect(typeof (await import('agent-session-test/vitest/matchers')).matchers).toBe('object');
  expect(typeof (await import('agent-session-test/vitest/global-setup')).default).toBe('function');
  // Documented in docs/matchers.md ("Printing transcripts").
  const render = await import('agent-session-test/render');
  expect(typeof render.renderSession).toBe('function');
  expect(render.renderTurn).toBe(root.renderTurn);
});

// Through a variable, so the repository's type program (Vitest 4) never loads the Vitest 5
// declarations; test/unit/type-programs.test.ts checks that it does not.
const VITEST5 = 'agent-session-test/vitest5';

test('the Vitest 5 entry has the runtime API of the package root, single-sourced', async () => {
  const root = (await import('agent-session-test')) as Record<string, unknown>;
  const vitest5 = (await import(VITEST5)) as Record<string, unknown>;
  expect(Object.keys(vitest5).sort()).toEqual(Object.keys(root).sort());
  for (const name of Object.keys(root)) expect(vitest5[name], name).toBe(root[name]);
  const vitest = (await import('agent-session-test/vitest')) as Record<string, unknown>;
  for (const name of Object.keys(vitest)) expect(vitest5[name], name).toBe(vitest[name]);
  const matchers5 = (await import(`${VITEST5}/matchers`)) as Record<string, unknown>;
  expect(Object.keys(matchers5)).toEqual(['matchers']);
  expect(matchers5['matchers']).toBe((await import('agent-session-test/vitest/matchers')).matchers);
});

test('importing the root registers the matchers on Vitest expect', async () => {
  await import('agent-session-test');
  expect(() => expect({}).toHaveReplied('x')).toThrow(/expected a turn record/);
});

test('every subpath of package.json exports is a module of src that the build emits where exports points', () => {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { exports: Record<string, { types: string; default: string }> };
  expect(Object.keys(pkg.exports)).toEqual(expect.arrayContaining(['.', './vitest', './vitest/matchers', './vitest5', './vitest5/matchers']));
  for (const [subpath, target] of Object.entries(pkg.exports)) {
    // tsconfig.build.json compiles src/X.ts to dist/X.js and dist/X.d.ts.
    const module = /^\.\/dist\/(.+)\.js$/.exec(target.default)?.[1];
    expect(module, subpath).toBeDefined();
    expect(target.types, subpath).toBe(`./dist/${module}.d.ts`);
    expect(existsSync(new URL(`../../src/${module}.ts`, import.meta.url)), `${subpath}: src/${module}.ts`).toBe(true);
  }
});

// Vitest resolves agent-session-test/* through an alias to src/, so only this catches a documented
// import that an installed package would refuse (ERR_PACKAGE_PATH_NOT_EXPORTED).
test('every import of the package shown in README.md and docs/ is an entry of package.json exports', () => {
  const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');
  const pkg = JSON.parse(read('package.json')) as { exports: Record<string, unknown> };
  const pages = ['README.md', ...readdirSync(new URL('../../docs', import.meta.url)).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];
  const documented = new Set(pages.flatMap((page) => [...read(page).matchAll(/['"]agent-session-test(\/[\w/-]+)?['"]/g)].map((m) => `.${m[1] ?? ''}`)));
  expect(documented.size).toBeGreaterThan(5);
  expect([...documented].filter((subpath) => !(subpath in pkg.exports))).toEqual([]);
});
