#!/usr/bin/env node
/**
 * Fails when the first-level folders of src/ import each other in a cycle. Folders are the
 * layers of the architecture (docs/architecture.md) and imports only go down, so any cycle is a
 * file in the wrong folder. Files directly in src/ (the root entry) are one node each, so a cycle
 * through one of them is caught too.
 *
 * Usage: node scripts/check-cycles.mjs [srcDir]   (default: src/ of this repository)
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

/** Every .ts file under dir, as absolute paths. */
function tsFiles(dir) {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => path.join(e.parentPath ?? e.path, e.name));
}

/**
 * The relative import specifiers of one source text, with their line numbers: static imports
 * and re-exports (type-only too), side-effect imports and dynamic `import('...')`. TypeScript's
 * own pre-processor reads them, so comments and strings that look like imports are not edges.
 */
export function relativeImports(source) {
  const { importedFiles } = ts.preProcessFile(source, true, true);
  const lineOf = (pos) => source.slice(0, pos).split('\n').length;
  return importedFiles.filter((f) => f.fileName.startsWith('.')).map((f) => ({ specifier: f.fileName, line: lineOf(f.pos) }));
}

/** The first-level folder of src/ a file is in, or the file's own name when it is directly in src/. */
function layerOf(srcDir, file) {
  const parts = path.relative(srcDir, file).split(path.sep);
  // Imports name the emitted file ('../errors.js'); the node is the source it comes from.
  return parts.length > 1 ? parts[0] : parts[0].replace(/\.[cm]?js$/, '.ts');
}

/**
 * The graph between first-level folders: for each edge `from -> to`, one example import.
 * Imports that leave src/ (a .proto file, say) are not edges.
 */
export function folderGraph(srcDir) {
  const edges = new Map();
  for (const file of tsFiles(srcDir)) {
    const from = layerOf(srcDir, file);
    for (const { specifier, line } of relativeImports(readFileSync(file, 'utf8'))) {
      const target = path.resolve(path.dirname(file), specifier);
      if (path.relative(srcDir, target).startsWith('..')) continue;
      const to = layerOf(srcDir, target);
      if (to === from) continue;
      const key = `${from}\0${to}`;
      if (!edges.has(key)) {
        edges.set(key, { from, to, example: `${path.relative(srcDir, file)}:${line} imports '${specifier}'` });
      }
    }
  }
  return [...edges.values()];
}

/** The cycles of the graph, one per strongly connected component of more than one folder (Tarjan). */
export function findCycles(edges) {
  const next = new Map();
  for (const { from, to } of edges) {
    if (!next.has(from)) next.set(from, []);
    next.get(from).push(to);
  }
  const index = new Map();
  const low = new Map();
  const stack = [];
  const onStack = new Set();
  const components = [];
  const visit = (node) => {
    index.set(node, index.size);
    low.set(node, index.get(node));
    stack.push(node);
    onStack.add(node);
    for (const to of next.get(node) ?? []) {
      if (!index.has(to)) {
        visit(to);
        low.set(node, Math.min(low.get(node), low.get(to)));
      } else if (onStack.has(to)) {
        low.set(node, Math.min(low.get(node), index.get(to)));
      }
    }
    if (low.get(node) !== index.get(node)) return;
    const component = [];
    let member;
    do {
      member = stack.pop();
      onStack.delete(member);
      component.push(member);
    } while (member !== node);
    if (component.length > 1) components.push(component.sort());
  };
  for (const node of [...next.keys()].sort()) if (!index.has(node)) visit(node);
  // Each cycle is reported as the edges inside its component.
  return components.map((members) => edges.filter((e) => members.includes(e.from) && members.includes(e.to)));
}

/** The whole check: one problem per cycle, and a summary. */
export function checkCycles(srcDir) {
  const edges = folderGraph(srcDir);
  const problems = [];
  for (const cycle of findCycles(edges)) {
    const folders = [...new Set(cycle.map((e) => e.from))].sort();
    problems.push([`cycle between ${folders.join(', ')}:`, ...cycle.map((e) => `  ${e.from} -> ${e.to}  (${e.example})`)].join('\n'));
  }
  const nodes = new Set(edges.flatMap((e) => [e.from, e.to]));
  const summary = `check-cycles: ${nodes.size} folders and root files, ${edges.length} imports between them, no cycles`;
  return { problems, summary };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const srcDir = path.resolve(process.argv[2] ?? fileURLToPath(new URL('../src', import.meta.url)));
  const { problems, summary } = checkCycles(srcDir);
  if (problems.length > 0) {
    console.error(`check-cycles: imports must only go down the folders of src/ (docs/architecture.md)\n`);
    console.error(problems.join('\n\n'));
    process.exit(1);
  }
  console.log(summary);
}
