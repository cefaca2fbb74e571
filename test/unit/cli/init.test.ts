import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as prettier from 'prettier';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';

import { init } from '../../../src/cli/init.js';
import { addPlugin, NEW_CONFIG } from '../../../src/cli/vitest-config-edit.js';
import { AgentSessionError } from '../../../src/errors/index.js';

const ownVersion = (JSON.parse(await readFile(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'init-unit-'));
  await mkdir(path.join(dir, 'agents'));
  await writeFile(path.join(dir, 'agents/my_agent.py'), '# agent\n');
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const read = (file: string) => readFile(path.join(dir, file), 'utf8');
const snapshot = async (files: string[]) => Object.fromEntries(await Promise.all(files.map(async (f) => [f, await read(f)])));

describe('init', () => {
  test('adds the dev dependencies, a config with the plugin and a first test; a second run changes nothing', async () => {
    await writeFile(path.join(dir, 'package.json'), '{\n    "name": "mine",\n    "devDependencies": { "typescript": "^5.0.0" }\n}\n');
    const first = await init({ cwd: dir, agentFile: 'agents/my_agent.py' });
    expect(first.changed).toEqual([
      path.join(dir, 'package.json'),
      path.join(dir, 'vitest.config.ts'),
      path.join(dir, 'agents/my_agent.test.ts'),
    ]);
    expect(first.messages.join('\n')).toContain('Run `npm install`');

    const pkg = JSON.parse(await read('package.json')) as { devDependencies: Record<string, string> };
    expect(pkg.devDependencies).toEqual({ 'agent-session-test': `^${ownVersion}`, typescript: '^5.0.0', vitest: '^4.1.0' });
    expect(Object.keys(pkg.devDependencies)).toEqual(['agent-session-test', 'typescript', 'vitest']);
    expect(await read('package.json')).toMatch(/^\{\n {4}"name"/); // the project's indentation is kept
    expect(await read('vitest.config.ts')).toBe(NEW_CONFIG);
    // A project that had no config gets the setting measured fastest for agent files (docs/performance.md).
    expect(NEW_CONFIG).toMatch(/test: \{\n(?: *\/\/.*\n)+ *isolate: false,\n/);
    const firstTest = await read('agents/my_agent.test.ts');
    expect(firstTest).toContain("useAgentSession('./my_agent.py', { llm })");
    expect(await prettier.check(firstTest, { singleQuote: true, printWidth: 140, filepath: 'x.test.ts' })).toBe(true);
    expect(await prettier.check(NEW_CONFIG, { singleQuote: true, filepath: 'vitest.config.ts' })).toBe(true);

    const files = ['package.json', 'vitest.config.ts', 'agents/my_agent.test.ts'];
    const before = await snapshot(files);
    const second = await init({ cwd: dir, agentFile: 'agents/my_agent.py' });
    expect(second.changed).toEqual([]);
    expect(second.messages).toEqual(['Nothing to do: the project already has agent-session-test, its plugin and a test for this agent.']);
    expect(await snapshot(files)).toEqual(before);
  });

  test('keeps what the project has: its vitest, its own test, and a config it can edit safely', async () => {
    await writeFile(path.join(dir, 'package.json'), JSON.stringify({ devDependencies: { vitest: '^5.1.0' } }));
    await writeFile(path.join(dir, 'agents/my_agent.test.ts'), 'mine\n');
    const config =
      "import { defineConfig } from 'vitest/config';\n\nexport default defineConfig({\n  test: { include: ['**/*.test.ts'] },\n});\n";
    await writeFile(path.join(dir, 'vitest.config.mts'), config);
    const result = await init({ cwd: dir, agentFile: 'agents/my_agent.py' });
    expect(result.changed).toEqual([path.join(dir, 'package.json'), path.join(dir, 'vitest.config.mts')]);
    expect(JSON.parse(await read('package.json'))).toEqual({
      devDependencies: { 'agent-session-test': `^${ownVersion}`, vitest: '^5.1.0' },
    });
    expect(await read('agents/my_agent.test.ts')).toBe('mine\n');
    expect(await read('vitest.config.mts')).toBe(
      "import { defineConfig } from 'vitest/config';\nimport { agentSession } from 'agent-session-test/vitest/plugin';\n\nexport default defineConfig({\n  plugins: [agentSession()],\n  test: { include: ['**/*.test.ts'] },\n});\n",
    );
    expect((await init({ cwd: dir, agentFile: 'agents/my_agent.py' })).changed).toEqual([]);
  });

  test('a config it cannot edit safely is left alone, and the lines to add are printed', async () => {
    await writeFile(path.join(dir, 'package.json'), '{}');
    const config = "const { defineConfig } = require('vitest/config');\nmodule.exports = defineConfig({});\n";
    await writeFile(path.join(dir, 'vitest.config.cjs'), config);
    const result = await init({ cwd: dir, agentFile: 'agents/my_agent.py' });
    expect(await read('vitest.config.cjs')).toBe(config);
    expect(result.messages.join('\n')).toContain(
      "Left vitest.config.cjs as it is (it is not an ES module with imports). Add the plugin to it by hand:\n  import { agentSession } from 'agent-session-test/vitest/plugin';\n  plugins: [agentSession()],",
    );
  });

  test('bad input: no package.json, invalid JSON, a missing agent file', async () => {
    await expect(init({ cwd: dir, agentFile: 'agents/my_agent.py' })).rejects.toThrow(/no package\.json in .*`npm init -y`/);
    await writeFile(path.join(dir, 'package.json'), '{ nope');
    await expect(init({ cwd: dir, agentFile: 'agents/my_agent.py' })).rejects.toThrow(/package\.json is not valid JSON/);
    const missing = init({ cwd: dir, agentFile: 'agents/gone.py' });
    await expect(missing).rejects.toBeInstanceOf(AgentSessionError);
    await expect(missing).rejects.toMatchObject({ code: 'AGENT_FILE_NOT_FOUND' });
  });
});

describe('adding the plugin to an existing config', () => {
  const base = (body: string) =>
    `import { defineConfig } from 'vitest/config';\nimport react from '@vitejs/plugin-react';\n\nexport default defineConfig({\n${body}\n});\n`;

  test('into a plugins list, empty or not, with the import after the last one', () => {
    const edited = addPlugin(base('  plugins: [react()],'));
    expect(edited).toEqual({
      kind: 'edited',
      text: "import { defineConfig } from 'vitest/config';\nimport react from '@vitejs/plugin-react';\nimport { agentSession } from 'agent-session-test/vitest/plugin';\n\nexport default defineConfig({\n  plugins: [agentSession(), react()],\n});\n",
    });
    expect(addPlugin(base('  plugins: [],'))).toMatchObject({ text: expect.stringContaining('  plugins: [agentSession()],') });
  });

  test('already there, or not safe to edit', () => {
    expect(addPlugin(`${base('  plugins: [agentSession()],')}import { agentSession } from 'agent-session-test/vitest/plugin';`)).toEqual({
      kind: 'present',
    });
    expect(addPlugin(base('  plugins,'))).toEqual({ kind: 'manual', reason: 'its `plugins` is not a plain list' });
    expect(addPlugin("import { x } from 'y';\nexport default defineConfig(() => ({}));\n")).toEqual({
      kind: 'manual',
      reason: 'it does not have exactly one `defineConfig({`',
    });
    expect(addPlugin(base('  plugins: [a()],\n  test: { plugins: [b()] },'))).toEqual({
      kind: 'manual',
      reason: 'it has more than one `plugins: [`',
    });
  });
});
