import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { compileAgent, type CompileResult } from '../../../src/process/compile-agent.js';

const run = promisify(execFile);
const compileModule = pathToFileURL(path.resolve(import.meta.dirname, '../../../src/process/compile-agent.ts')).href;

let project: string;
let cacheDir: string;

/** Writes a file of the fixture project. */
function write(rel: string, body: string): string {
  const file = path.join(project, rel);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, body);
  return file;
}

function compiled(result: CompileResult): { file: string; built: boolean } {
  if (!result.ok) throw new Error(`not compiled: ${result.reason}`);
  return result;
}

const outputs = () => readdirSync(cacheDir).filter((name) => name.endsWith('.mjs'));

beforeEach(() => {
  // realpath: the agent's paths as Node gives them (the temp folder may be behind a link).
  project = realpathSync(mkdtempSync(path.join(tmpdir(), 'ast-compile-')));
  cacheDir = path.join(project, 'node_modules', '.cache', 'agent-session-test', 'agents');
  write('package.json', '{ "type": "module" }\n');
  mkdirSync(path.join(project, 'node_modules'));
  write('lib/greet.ts', 'export const greet = (name: string): string => `hello ${name}`;\n');
  write(
    'agent.ts',
    [
      "import { greet } from './lib/greet.js';",
      "const who: string = 'agent';",
      'console.log(JSON.stringify({ greeting: greet(who), dirname: import.meta.dirname, filename: import.meta.filename }));',
      '',
    ].join('\n'),
  );
});
afterEach(() => {
  rmSync(project, { recursive: true, force: true });
});

describe('compileAgent', () => {
  test('builds the agent and its local imports into one module in node_modules/.cache, keeping its own dirname and filename', async () => {
    const agent = path.join(project, 'agent.ts');
    const result = compiled(compileAgent(agent));
    expect(result.built).toBe(true);
    expect(path.dirname(result.file)).toBe(cacheDir);
    const { stdout } = await run(process.execPath, [result.file]);
    expect(JSON.parse(stdout)).toEqual({ greeting: 'hello agent', dirname: project, filename: agent });
  });

  test('classes keep their names when two bundled files use the same one (agent ids come from them)', async () => {
    write('lib/desk.ts', 'export class Desk {}\nexport const other = Desk;\n');
    const agent = write(
      'named.ts',
      [
        "import { other } from './lib/desk.js';",
        'class Desk {}',
        'console.log(JSON.stringify([new Desk().constructor.name, other.name]));',
        '',
      ].join('\n'),
    );
    const { stdout } = await run(process.execPath, [compiled(compileAgent(agent)).file]);
    expect(JSON.parse(stdout)).toEqual(['Desk', 'Desk']);
  });

  test('reuses the output while nothing changed, and rebuilds when an imported file changes', () => {
    const agent = path.join(project, 'agent.ts');
    const first = compiled(compileAgent(agent));
    const mtime = statSync(first.file).mtimeMs;
    const again = compiled(compileAgent(agent));
    expect(again).toEqual({ ok: true, file: first.file, built: false });
    expect(statSync(first.file).mtimeMs).toBe(mtime);

    write('lib/greet.ts', 'export const greet = (name: string): string => `hi ${name}`;\n');
    const edited = compiled(compileAgent(agent));
    expect(edited.built).toBe(true);
    expect(edited.file).not.toBe(first.file);
    expect(readFileSync(edited.file, 'utf8')).toContain('hi ');
    expect(compiled(compileAgent(agent))).toMatchObject({ file: edited.file, built: false });
  });

  test('a changed tsconfig.json rebuilds too', () => {
    const agent = path.join(project, 'agent.ts');
    write('tsconfig.json', '{}\n');
    const first = compiled(compileAgent(agent));
    write('tsconfig.json', '{ "compilerOptions": { "experimentalDecorators": true } }\n');
    expect(compiled(compileAgent(agent))).toMatchObject({ built: true });
    expect(compiled(compileAgent(agent)).file).not.toBe(first.file);
  });

  test('processes compiling the same agent at once end with one whole output', { timeout: 60_000 }, async () => {
    const agent = path.join(project, 'agent.ts');
    // Each child loads the module, then compiles at the same moment as the others.
    const startAt = Date.now() + 3_000;
    const script = [
      `import { compileAgent } from ${JSON.stringify(compileModule)};`,
      `await new Promise((resolve) => setTimeout(resolve, ${startAt} - Date.now()));`,
      `process.stdout.write(JSON.stringify(compileAgent(${JSON.stringify(agent)})));`,
    ].join('\n');
    const results = await Promise.all(
      [1, 2, 3].map(async () => {
        const { stdout } = await run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { timeout: 60_000 });
        return compiled(JSON.parse(stdout) as CompileResult);
      }),
    );
    expect(new Set(results.map((r) => r.file)).size).toBe(1);
    expect(outputs()).toEqual([path.basename(results[0]!.file)]);
    expect(readdirSync(cacheDir).filter((name) => name.endsWith('.tmp'))).toEqual([]);
    const { stdout } = await run(process.execPath, [results[0]!.file]);
    expect(JSON.parse(stdout)).toMatchObject({ greeting: 'hello agent' });
  });
});

describe('compileAgent: when the agent is not compiled, it says why', () => {
  test('no node_modules folder above the agent', () => {
    rmSync(path.join(project, 'node_modules'), { recursive: true });
    expect(compileAgent(path.join(project, 'agent.ts'))).toEqual({
      ok: false,
      reason: 'not compiled: no node_modules folder above the agent',
    });
  });

  test("esbuild's first error, with its place", () => {
    const agent = write('broken.ts', 'const x: number = ;\n');
    expect(compileAgent(agent)).toEqual({
      ok: false,
      reason: expect.stringMatching(/^compiling failed: broken\.ts:1:18: Unexpected ";"$/),
    });
    expect(readdirSync(project, { recursive: true }).filter((name) => String(name).includes('.cache'))).toEqual([]);
  });

  test('a CommonJS agent', () => {
    const agent = write('cjs.ts', "const path = require('node:path');\nconsole.log(path.sep);\n");
    expect(compileAgent(agent)).toMatchObject({ ok: false, reason: 'not compiled: cjs.ts is CommonJS' });
  });

  test('an agent that finds files from import.meta.url besides naming itself for console mode', () => {
    const agent = write(
      'assets.ts',
      "import { fileURLToPath } from 'node:url';\nexport const prompt = new URL('./prompt.md', import.meta.url);\nexport const self = fileURLToPath(import.meta.url);\n",
    );
    expect(compileAgent(agent)).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/assets\.ts finds files from its own location \(import\.meta\.url\)/),
    });
  });

  test('a bundled file that finds files from its own location', () => {
    write('lib/greet.ts', 'export const greet = (name: string): string => `${import.meta.dirname}/${name}`;\n');
    expect(compileAgent(path.join(project, 'agent.ts'))).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/lib\/greet\.ts finds files from its own location \(import\.meta\.dirname\)/),
    });
  });

  test("but a bundled file in the agent's own folder may read import.meta.dirname", () => {
    write('greet.ts', 'export const greet = (name: string): string => `${import.meta.dirname}/${name}`;\n');
    const agent = write('same-folder.ts', "import { greet } from './greet.js';\nconsole.log(greet('x'));\n");
    expect(compileAgent(agent)).toMatchObject({ ok: true });
  });
});
