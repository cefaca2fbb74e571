import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, test } from 'vitest';

const script = fileURLToPath(new URL('../../../scripts/check-cycles.mjs', import.meta.url));
const dirs: string[] = [];

/** A src/ tree in a temporary folder: file path (relative to it) -> source. */
function tree(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'check-cycles-'));
  dirs.push(dir);
  for (const [file, source] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), source);
  }
  return dir;
}

function check(dir?: string) {
  const result = spawnSync(process.execPath, dir ? [script, dir] : [script], { encoding: 'utf8' });
  return { code: result.status, out: result.stdout + result.stderr };
}

afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('check-cycles', () => {
  test('passes a tree whose folders only import down, with a one-line summary', () => {
    const dir = tree({
      'index.ts': "export * from './top/a.js';\n",
      'errors.ts': 'export class Oops extends Error {}\n',
      'top/a.ts': "import { b } from '../mid/b.js';\nexport const a = b;\n",
      // An import that only a comment or a string mentions is no edge.
      'mid/b.ts': [
        "import type { C } from '../low/c.js';",
        "import { Oops } from '../errors.js';",
        "// import { a } from '../top/a.js';",
        'const text = "import(\'../top/a.js\')";',
        'export const b: C = { text, Oops };',
      ].join('\n'),
      'low/c.ts': "export type C = { text: string; Oops: unknown };\nexport { x } from './inner/x.js';\n",
      'low/inner/x.ts': 'export const x = 1;\n',
    });
    const { code, out } = check(dir);
    expect(out.trim().split('\n')).toHaveLength(1);
    expect(out).toMatch(/no cycles/);
    expect(code).toBe(0);
  });

  const cyclic: { name: string; files: Record<string, string>; printed: string[]; notPrinted?: string }[] = [
    {
      name: 'fails on a cycle, printing each edge with an example import',
      files: {
        'a/one.ts': "import type { Two } from '../b/two.js';\nexport type One = Two;\n",
        'b/two.ts': "export type Two = string;\nexport const load = () => import('../c/three.js');\n",
        'c/three.ts': "export { other } from '../a/other.js';\n",
        'a/other.ts': 'export const other = 1;\n',
        // d only imports into the cycle; it is not part of it.
        'd/free.ts': "export { other } from '../a/other.js';\n",
      },
      printed: [
        'cycle between a, b, c:',
        "a -> b  (a/one.ts:1 imports '../b/two.js')",
        "b -> c  (b/two.ts:2 imports '../c/three.js')",
        "c -> a  (c/three.ts:1 imports '../a/other.js')",
      ],
      notPrinted: 'd ->',
    },
    {
      name: 'reports each cycle separately, a cycle through a file directly in src/ too',
      files: {
        'api.ts': "export { x } from './x/x.js';\n",
        'x/x.ts': "import '../api.js';\nexport const x = 1;\n",
        'p/p.ts': "import { q } from '../q/q.js';\nexport const p = q;\n",
        'q/q.ts': "export const q = 1;\nexport const late = async () => (await import('../p/p.js')).p;\n",
      },
      printed: ['cycle between api.ts, x:', 'cycle between p, q:'],
    },
  ];
  test.each(cyclic)('$name', ({ files, printed, notPrinted }) => {
    const { code, out } = check(tree(files));
    expect(code).toBe(1);
    for (const line of printed) expect(out).toContain(line);
    if (notPrinted) expect(out).not.toContain(notPrinted);
  });

  test("this repository's src/ has no folder cycles", () => {
    const { code, out } = check();
    expect(out).toMatch(/no cycles/);
    expect(code).toBe(0);
  });
});
