/**
 * `agent-session-test init <agent-file>`: adds the harness to a user's project. It edits files
 * only (the dev dependencies in package.json, a Vitest config with the plugin, a first test for
 * the agent) and never touches the network: the user runs `npm install` after. Everything it
 * adds is checked for first, so running it again changes nothing.
 */
import { readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';

import { agentFileNotFound } from '../errors/messages.js';
import { stringLiteral } from './code-literal.js';
import { addPlugin, NEW_CONFIG, PLUGIN_CALL, PLUGIN_IMPORT } from './vitest-config-edit.js';

export interface InitOptions {
  /** The project's folder: where its package.json is. */
  cwd: string;
  /** The agent to write a first test for, relative to `cwd`. */
  agentFile: string;
}

export interface InitResult {
  /** The files written, absolute. Empty when the project already had everything. */
  changed: string[];
  /** What the user should read: what was done, and what is left to them (install, a config edit). */
  messages: string[];
}

/** The Vitest range added when the project has none: the oldest major the package supports. */
const VITEST_RANGE = '^4.1.0';
const CONFIG_NAMES = ['vitest.config', 'vite.config'].flatMap((base) =>
  ['ts', 'mts', 'cts', 'js', 'mjs', 'cjs'].map((ext) => `${base}.${ext}`),
);

type PackageJson = Record<string, unknown> & { devDependencies?: Record<string, string> };

async function ownVersion(): Promise<string> {
  // src/cli/ and dist/cli/ are both two folders below the package's own package.json.
  const pkg = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

async function isFile(file: string): Promise<boolean> {
  return (await stat(file).catch(() => undefined))?.isFile() ?? false;
}

/** Adds the missing dev dependencies, keeping the file's indentation; the names added. */
async function addDevDependencies(file: string): Promise<string[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    throw new TypeError(
      `agent-session-test init: no package.json in ${path.dirname(file)}; run it in your project's folder, or create one with \`npm init -y\` first`,
    );
  }
  let pkg: PackageJson;
  try {
    pkg = JSON.parse(text) as PackageJson;
  } catch (error) {
    throw new TypeError(`agent-session-test init: ${file} is not valid JSON (${(error as Error).message}); fix it and run init again`);
  }
  const has = (name: string) =>
    ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies'].some(
      (field) => (pkg[field] as Record<string, string> | undefined)?.[name],
    );
  const wanted: [string, string][] = [
    ['agent-session-test', `^${await ownVersion()}`],
    ['vitest', VITEST_RANGE],
  ];
  const missing = wanted.filter(([name]) => !has(name));
  if (missing.length === 0) return [];
  // npm keeps dependency lists sorted; so does this.
  const dev = { ...pkg.devDependencies, ...Object.fromEntries(missing) };
  pkg.devDependencies = Object.fromEntries(Object.entries(dev).sort(([a], [b]) => a.localeCompare(b)));
  const indent = /^([ \t]+)"/m.exec(text)?.[1] ?? '  ';
  await writeFile(file, JSON.stringify(pkg, null, indent) + (text.endsWith('\n') ? '\n' : ''));
  return missing.map(([name]) => name);
}

/** Writes or edits the Vitest config; the file written, if any, and a message for the user. */
async function addConfig(cwd: string): Promise<{ written?: string; message?: string }> {
  let existing: string | undefined;
  for (const name of CONFIG_NAMES) {
    if (await isFile(path.join(cwd, name))) {
      existing = path.join(cwd, name);
      break;
    }
  }
  if (!existing) {
    const file = path.join(cwd, 'vitest.config.ts');
    await writeFile(file, NEW_CONFIG);
    return { written: file, message: `Wrote ${path.basename(file)} with the agent-session-test plugin.` };
  }
  const edit = addPlugin(await readFile(existing, 'utf8'));
  if (edit.kind === 'present') return {};
  if (edit.kind === 'edited') {
    await writeFile(existing, edit.text);
    return { written: existing, message: `Added the agent-session-test plugin to ${path.basename(existing)}.` };
  }
  return {
    message: `Left ${path.basename(existing)} as it is (${edit.reason}). Add the plugin to it by hand:\n  ${PLUGIN_IMPORT}\n  plugins: [${PLUGIN_CALL}],`,
  };
}

/** The first test: one turn against a scripted model, so it runs offline and without keys. */
function firstTest(agentBase: string): string {
  return `import { expect, test } from 'vitest';
import { useAgentSession } from 'agent-session-test/vitest';
import { scriptedLlm } from 'agent-session-test/llm';

// A scripted model: the agent runs offline, without keys, and the model says what the rules say.
// To test against the real model's answers, record them with cassetteLlm (see record-and-replay.md).
const llm = scriptedLlm([{ when: () => true, reply: { text: 'Hello from the scripted model.' } }]);
const agent = useAgentSession(${stringLiteral(`./${agentBase}`)}, { llm });

test('replies to a first message', async () => {
  const turn = await agent.say('Hello!');
  expect(turn).toHaveNoErrors();
  expect(turn).toHaveReplied('Hello from the scripted model.');
});
`;
}

/** Sets up the project in `cwd` for testing `agentFile`. */
export async function init(options: InitOptions): Promise<InitResult> {
  const cwd = path.resolve(options.cwd);
  const agentFile = path.resolve(cwd, options.agentFile);
  const agentStat = await stat(agentFile).catch(() => undefined);
  if (!agentStat?.isFile()) throw agentFileNotFound({ file: agentFile, isDirectory: agentStat?.isDirectory() ?? false });

  const changed: string[] = [];
  const messages: string[] = [];
  const packageFile = path.join(cwd, 'package.json');
  const added = await addDevDependencies(packageFile);
  if (added.length > 0) {
    changed.push(packageFile);
    messages.push(`Added ${added.join(' and ')} to devDependencies in package.json. Run \`npm install\` to install them.`);
  }

  const config = await addConfig(cwd);
  if (config.written) changed.push(config.written);
  if (config.message) messages.push(config.message);

  const agentBase = path.basename(agentFile);
  const testFile = path.join(path.dirname(agentFile), `${agentBase.replace(/\.[^.]+$/, '')}.test.ts`);
  if (!(await isFile(testFile))) {
    await writeFile(testFile, firstTest(agentBase));
    changed.push(testFile);
    messages.push(`Wrote ${path.relative(cwd, testFile)}: run it with \`npx vitest run ${path.relative(cwd, testFile)}\`.`);
  }
  if (changed.length === 0)
    messages.push('Nothing to do: the project already has agent-session-test, its plugin and a test for this agent.');
  return { changed, messages };
}
