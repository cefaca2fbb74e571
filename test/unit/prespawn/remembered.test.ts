/**
 * What the broker remembers of a run's Python launches for the next run: merged per test file,
 * read back only when well formed, and used across environments only where imports would match.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import * as remembered from '../../../src/prespawn/remembered.js';
import type { RememberedLaunch } from '../../../src/prespawn/remembered.js';
import { CONNECT_PLACEHOLDER, spawnSpec } from '../../../src/prespawn/spec.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
const scratch = () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'ast-remembered-'));
  dirs.push(dir);
  return dir;
};

const launch = (agent: string, testFiles: string[]): RememberedLaunch => ({
  interpreter: ['/venv/bin/python'],
  agentArg: `/p/${agent}`,
  agentFile: `/p/${agent}`,
  cwd: '/p',
  testFiles,
});
const used = (...entries: RememberedLaunch[]) =>
  new Map(entries.map((entry) => [remembered.identityKey(entry), { identity: entry, testFiles: new Set(entry.testFiles) }]));

describe('fork identity', () => {
  test('a console launch of a .py file has one; any other launch has none', () => {
    const spec = spawnSpec(
      '/p/agent.py',
      ['/venv/bin/python', '-m', 'livekit.agents', 'console', '/p/agent.py', '--connect-addr', CONNECT_PLACEHOLDER],
      '/p',
      { OPENAI_API_KEY: 'sk-secret' },
    );
    expect(remembered.forkIdentity(spec)).toEqual({
      interpreter: ['/venv/bin/python'],
      agentArg: '/p/agent.py',
      agentFile: '/p/agent.py',
      cwd: '/p',
    });
    expect(remembered.forkIdentity({ ...spec, argv: ['node', '/p/agent.js', 'console'] })).toBeUndefined();
  });
});

describe('merging a run into what was remembered', () => {
  test('a file that ran this time keeps only the launch it used now; files that did not run keep theirs', () => {
    const earlier = [launch('a.py', ['/t/1.test.ts', '/t/2.test.ts']), launch('b.py', ['/t/3.test.ts'])];
    const merged = remembered.mergeRemembered(earlier, new Set(['/t/1.test.ts', '/t/3.test.ts']), used(launch('b.py', ['/t/1.test.ts'])));
    expect(merged).toEqual([launch('a.py', ['/t/2.test.ts']), launch('b.py', ['/t/1.test.ts'])]);
  });

  test('a launch no file uses any more is dropped', () => {
    expect(remembered.mergeRemembered([launch('a.py', ['/t/1.test.ts'])], new Set(['/t/1.test.ts']), new Map())).toEqual([]);
  });
});

describe('the file', () => {
  test('round-trips, and holds no environment', () => {
    const file = path.join(scratch(), 'deep', 'forks.json');
    remembered.writeRemembered(file, [launch('a.py', ['/t/1.test.ts'])]);
    expect(remembered.readRemembered(file)).toEqual([launch('a.py', ['/t/1.test.ts'])]);
    const stored = JSON.parse(readFileSync(file, 'utf8')) as { launches: object[] };
    expect(Object.keys(stored.launches[0]!).sort()).toEqual(['agentArg', 'agentFile', 'cwd', 'interpreter', 'testFiles']);
  });

  test('a missing, broken, other-version or ill-formed file gives nothing to start', () => {
    const dir = scratch();
    expect(remembered.readRemembered(path.join(dir, 'none.json'))).toEqual([]);
    const write = (name: string, text: string) => {
      writeFileSync(path.join(dir, name), text);
      return remembered.readRemembered(path.join(dir, name));
    };
    expect(write('broken.json', '{"version": 1, "launches": [')).toEqual([]);
    expect(write('v2.json', JSON.stringify({ version: 2, launches: [launch('a.py', [])] }))).toEqual([]);
    const good = launch('a.py', ['/t/1.test.ts']);
    const bad = [{ ...good, interpreter: [] }, { ...good, cwd: 'relative' }, { ...good, agentFile: 3 }, null, 'x'];
    expect(write('mixed.json', JSON.stringify({ version: 1, launches: [...bad, good] }))).toEqual([good]);
  });

  test('a folder that cannot be written is no error', () => {
    const dir = scratch();
    writeFileSync(path.join(dir, 'file'), '');
    expect(() => remembered.writeRemembered(path.join(dir, 'file', 'forks.json'), [])).not.toThrow();
  });
});

describe('environments a warm fork server may serve', () => {
  const base = { PATH: '/bin', HOME: '/h', VIRTUAL_ENV: '/venv', OPENAI_API_KEY: 'a' };

  test('keys, model addresses and other variables may differ', () => {
    expect(
      remembered.importEnvMatches(base, {
        ...base,
        OPENAI_API_KEY: 'b',
        OPENAI_BASE_URL: 'http://127.0.0.1:{llmPort}/v1',
        MY_SETTING: '1',
      }),
    ).toBe(true);
  });

  test.each([
    ['PYTHONPATH', { PYTHONPATH: '/src' }],
    ['PYTHONHASHSEED', { PYTHONHASHSEED: '0' }],
    ['PATH', { PATH: '/other' }],
    ['VIRTUAL_ENV', { VIRTUAL_ENV: undefined }],
    ['LD_LIBRARY_PATH', { LD_LIBRARY_PATH: '/lib' }],
    ['the SDK preload setting', { LIVEKIT_AGENTS_PRELOAD_LOCAL_INFERENCE: '0' }],
    ['the locale', { LC_ALL: 'C' }],
  ])('not when %s differs', (_name, change) => {
    expect(remembered.importEnvMatches(base, { ...base, ...change })).toBe(false);
  });
});
