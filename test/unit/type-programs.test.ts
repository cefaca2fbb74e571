// Vitest 4 and Vitest 5 declare `Matchers` with different type parameters, so a type program may
// hold the matcher declarations of one major only. These tests follow the imports (type-only ones
// too) of each entry and of each tsconfig's files, resolved as tsc resolves them.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, test } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const at = (file: string) => path.join(root, file);

const VITEST4_DECLARATIONS = at('src/vitest/index.ts');
const VITEST5_DECLARATIONS = at('src/vitest5/index.ts');

/** The parsed tsconfig: its files and compiler options. */
function program(config: string): ts.ParsedCommandLine {
  const parsed = ts.getParsedCommandLineOfConfigFile(
    at(config),
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => {
        throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
      },
    },
  );
  if (!parsed) throw new Error(`cannot read ${config}`);
  return parsed;
}

/** Every file of the repository (not under node_modules) reachable from `entries` by imports. */
function reachable(entries: readonly string[], options: ts.CompilerOptions): Set<string> {
  const host = ts.createCompilerHost(options);
  const cache = ts.createModuleResolutionCache(root, (name) => name, options);
  const seen = new Set<string>();
  const queue = [...entries];
  for (let file = queue.pop(); file !== undefined; file = queue.pop()) {
    if (seen.has(file)) continue;
    seen.add(file);
    const { importedFiles } = ts.preProcessFile(ts.sys.readFile(file) ?? '', true, true);
    for (const { fileName: specifier } of importedFiles) {
      const mode = ts.getImpliedNodeFormatForFile(file as ts.Path, cache.getPackageJsonInfoCache(), host, options);
      const resolved = ts.resolveModuleName(specifier, file, options, host, cache, undefined, mode).resolvedModule;
      if (resolved && !resolved.isExternalLibraryImport && !resolved.resolvedFileName.includes('/node_modules/'))
        queue.push(path.normalize(resolved.resolvedFileName));
    }
  }
  return seen;
}

const relative = (files: Iterable<string>) => [...files].map((file) => path.relative(root, file)).sort();

describe('the package entries', () => {
  const { options } = program('tsconfig.build.json');
  // Each subpath of package.json `exports`, as its source module.
  const exportsMap = (JSON.parse(ts.sys.readFile(at('package.json')) ?? '{}') as { exports: Record<string, { default: string }> }).exports;
  const source = (subpath: string) => at(exportsMap[subpath]!.default.replace(/^\.\/dist\//, 'src/').replace(/\.js$/, '.ts'));
  const vitest4 = ['./vitest'];
  const vitest5 = ['./vitest5'];

  test('the Vitest 5 entry imports the registration but never the Vitest 4 declarations', () => {
    const files = reachable(vitest5.map(source), options);
    expect(files.has(at('src/vitest/worker/register.ts'))).toBe(true);
    expect(files.has(VITEST5_DECLARATIONS)).toBe(true);
    expect(relative(files)).not.toContain(path.relative(root, VITEST4_DECLARATIONS));
  });

  test('the Vitest 4 entry never imports the Vitest 5 declarations', () => {
    const files = reachable(vitest4.map(source), options);
    expect(files.has(VITEST4_DECLARATIONS)).toBe(true);
    expect(relative(files).filter((file) => file.startsWith('src/vitest5/'))).toEqual([]);
  });

  test('every other entry (the root, plugin, reporter, Jest, llm, ...) imports neither', () => {
    const others = Object.keys(exportsMap).filter((subpath) => !vitest4.includes(subpath) && !vitest5.includes(subpath));
    expect(others).toEqual(expect.arrayContaining(['.', './vitest/plugin', './vitest/reporter', './jest', './matchers', './llm']));
    for (const subpath of others) {
      const files = reachable([source(subpath)], options);
      expect(
        [...files].filter((file) => file === VITEST4_DECLARATIONS || file === VITEST5_DECLARATIONS),
        subpath,
      ).toEqual([]);
    }
  });

  // A plain Node script imports these without Vitest or Jest installed (scripts/check-pack.sh runs one).
  test('the runner-neutral entries (the root, matchers, llm) reach no test runner, not even for types', () => {
    for (const subpath of ['.', './matchers', './llm']) {
      const runners = [...reachable([source(subpath)], options)].flatMap((file) =>
        ts
          .preProcessFile(ts.sys.readFile(file) ?? '', true, true)
          .importedFiles.map((f) => f.fileName)
          .filter((specifier) => /^(vitest|@vitest\/|jest|@jest\/|expect$)/.test(specifier))
          .map((specifier) => `${path.relative(root, file)} imports ${specifier}`),
      );
      expect(runners, subpath).toEqual([]);
    }
  });
});

describe('the type programs', () => {
  test('the repository program (Vitest 4) never reaches the Vitest 5 declarations or their type tests', () => {
    const { fileNames, options } = program('tsconfig.json');
    const files = relative(reachable(fileNames.map(path.normalize), options));
    expect(files).toContain('test/types/matchers.test-d.ts');
    expect(files.filter((file) => file.startsWith('src/vitest5/') || file.startsWith('test/types/vitest5/'))).toEqual([]);
  });

  test('the Vitest 5 program never reaches the Vitest 4 declarations or their type tests', () => {
    const { fileNames, options } = program('test/types/vitest5/tsconfig.json');
    const files = relative(reachable(fileNames.map(path.normalize), options));
    expect(files).toContain('test/types/vitest5/matchers.test-d.ts');
    expect(files).toContain('examples/weather-suite.ts');
    expect(files).toContain('src/vitest/node/plugin.ts');
    expect(files).not.toContain(path.relative(root, VITEST4_DECLARATIONS));
    expect(files).not.toContain('test/types/matchers.test-d.ts');
  });
});
