/**
 * What a test worker loads before its first test: Vitest starts a new worker process for every
 * test file by default, so every module the worker entries load statically is paid once per file.
 * The heavy parts that most files never use are loaded on first use instead.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, test } from 'vitest';

const src = fileURLToPath(new URL('../../../src/', import.meta.url));

/** The specifiers a file imports for their values at load time (no `import type`, no `import()`). */
function staticImports(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest);
  const specifiers: string[] = [];
  for (const node of source.statements) {
    if (ts.isImportDeclaration(node) && !node.importClause?.isTypeOnly) {
      const named = node.importClause?.namedBindings;
      const onlyTypes =
        node.importClause !== undefined &&
        node.importClause.name === undefined &&
        named !== undefined &&
        ts.isNamedImports(named) &&
        named.elements.length > 0 &&
        named.elements.every((element) => element.isTypeOnly);
      if (!onlyTypes) specifiers.push((node.moduleSpecifier as ts.StringLiteral).text);
    } else if (ts.isExportDeclaration(node) && !node.isTypeOnly && node.moduleSpecifier) {
      specifiers.push((node.moduleSpecifier as ts.StringLiteral).text);
    }
  }
  return specifiers;
}

/** Every source file and package the entries load statically, each with the file that loads it. */
function loadedBy(entries: string[]): Map<string, string> {
  const loaded = new Map<string, string>();
  const queue = entries.map((entry) => path.join(src, entry));
  for (const file of queue) {
    for (const specifier of staticImports(file)) {
      const target = specifier.startsWith('.') ? path.resolve(path.dirname(file), specifier).replace(/\.js$/, '.ts') : specifier;
      if (loaded.has(target)) continue;
      loaded.set(target, path.relative(src, file));
      if (specifier.startsWith('.')) queue.push(target);
    }
  }
  return loaded;
}

describe("a test worker's load", () => {
  const loaded = loadedBy(['vitest/index.ts', 'vitest/worker/register.ts', 'vitest/worker/use-broker.ts']);

  test.each(['execa', 'ws', 'esbuild'])('does not load %s until it is used', (name) => {
    expect(loaded.get(name), `loaded by src/${loaded.get(name)}`).toBeUndefined();
  });

  test('does not load the judge or the speech servers until a test uses them', () => {
    const heavy = [...loaded.keys()].filter((file) => /\/src\/(judge|llm\/speech)\//.test(file));
    expect(heavy.map((file) => `${path.relative(src, file)} (by ${loaded.get(file)})`)).toEqual([]);
  });

  test('the walk sees what it should: the session and the matchers are loaded', () => {
    expect(loaded.has(path.join(src, 'session/livekit-session.ts'))).toBe(true);
    expect(loaded.has(path.join(src, 'matchers/index.ts'))).toBe(true);
  });
});
