import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, expect, test } from 'vitest';

const script = fileURLToPath(new URL('../../../scripts/check-links.mjs', import.meta.url));
const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));

function check(files?: Record<string, string>) {
  const args = [script];
  if (files) {
    const dir = mkdtempSync(path.join(tmpdir(), 'check-links-'));
    dirs.push(dir);
    mkdirSync(path.join(dir, 'docs'));
    for (const [file, text] of Object.entries(files)) writeFileSync(path.join(dir, file), text);
    args.push(dir);
  }
  const result = spawnSync(process.execPath, args, { encoding: 'utf8' });
  return { code: result.status, out: result.stdout + result.stderr };
}

test("this repository's README and docs have no dead relative link or anchor", () => {
  const { code, out } = check();
  expect(out).toContain('every relative link and anchor resolves');
  expect(code).toBe(0);
});

test('a link to a missing page or heading fails, naming file and line', () => {
  const { code, out } = check({
    'README.md': '# Title\n\nSee [a](docs/a.md#first-steps) and [b](docs/a.md#gone).\n\n[c](docs/missing.md)\n',
    'docs/a.md': '# A\n\n## First steps\n\n```md\n[ignored](nowhere.md)\n```\n[back](../README.md#title)\n',
  });
  expect(code).toBe(1);
  expect(out).toContain('README.md:3: docs/a.md#gone (no heading #gone in docs/a.md)');
  expect(out).toContain('README.md:5: docs/missing.md (no such file)');
  expect(out).not.toContain('first-steps');
  expect(out).not.toContain('nowhere.md');
  expect(out).toContain('2 broken link(s)');
});

test('repeated headings get numbered anchors, as GitHub gives them', () => {
  const ok = check({ 'README.md': '## Use\n\n## Use\n\n[second](#use-1)\n' });
  expect(ok.code).toBe(0);
  const bad = check({ 'README.md': '## Use\n\n[second](#use-1)\n' });
  expect(bad.code).toBe(1);
});
