/**
 * Compiles a TypeScript agent into one ES module with esbuild, once per content, so that it starts
 * on plain Node: the tsx loader transforms every module it loads, node_modules included, a large
 * part of a LiveKit Node agent's start (docs/performance.md#cold-start).
 *
 * The agent's own files are bundled in and packages stay imports. The output goes into the
 * node_modules folder nearest above the agent (`.cache/agent-session-test/agents/`), so the
 * packages resolve from it exactly as they do from the agent: every folder between the agent and
 * that node_modules has none of its own. A manifest per agent file and build options lists the
 * files the last build read, with their content hashes; a start that finds them unchanged reuses
 * the output without running esbuild. Outputs are named by the hash of what went into them and
 * written by rename, so workers compiling the same agent at once each end with a whole file.
 *
 * `import.meta.dirname` and `import.meta.filename` of the agent file keep their values (the
 * agent's folder and file). `import.meta.url` has to name the compiled file, which console mode
 * imports again by that path; an agent that finds other files from it, or a bundled file that
 * finds anything from its own location, is not compiled, and runs through the loader as before.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, realpathSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as Esbuild from 'esbuild';

export type CompileResult = { ok: true; file: string; built: boolean } | { ok: false; reason: string };

/** The manifest of an agent's last build: the output and the files it was built from, with their hashes. */
interface Manifest {
  output: string;
  inputs: Record<string, string>;
}

const CACHE_DIR = path.join('.cache', 'agent-session-test', 'agents');
const require = createRequire(import.meta.url);

const sha256 = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex');

// Other errors than a missing file end the compiling (see compileAgent).
const isDirectory = (p: string): boolean => statSync(p, { throwIfNoEntry: false })?.isDirectory() === true;
const isFile = (p: string): boolean => statSync(p, { throwIfNoEntry: false })?.isFile() === true;

function nearestAbove(dir: string, name: string, test: (p: string) => boolean): string | undefined {
  for (let current = dir; ; current = path.dirname(current)) {
    if (test(path.join(current, name))) return current;
    if (path.dirname(current) === current) return undefined;
  }
}

function esbuildVersion(): string | undefined {
  try {
    return (require('esbuild/package.json') as { version: string }).version;
  } catch {
    return undefined;
  }
}

/** Writes by rename, so that a reader, or a worker writing the same file, never sees part of it. */
function writeWhole(file: string, data: string | Uint8Array): void {
  const temp = `${file}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`;
  try {
    writeFileSync(temp, data);
    renameSync(temp, file);
  } finally {
    rmSync(temp, { force: true });
  }
}

function readManifest(file: string): Manifest | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Manifest;
  } catch {
    return undefined;
  }
}

/** Whether every file of the manifest still has its hash, and the output is there. */
function upToDate(manifest: Manifest, base: string, cacheDir: string): boolean {
  try {
    if (!isFile(path.join(cacheDir, manifest.output))) return false;
    return Object.entries(manifest.inputs).every(([input, hash]) => sha256(readFileSync(path.resolve(base, input))) === hash);
  } catch {
    return false;
  }
}

/** esbuild's first error, as `file:line:column: text`, or the first line of whatever else failed. */
function firstError(error: unknown): string {
  const first = (error as Partial<Esbuild.BuildFailure>).errors?.[0];
  if (first) return first.location ? `${first.location.file}:${first.location.line}:${first.location.column}: ${first.text}` : first.text;
  return String(error instanceof Error ? error.message : error).split('\n')[0] ?? '';
}

/** Reads of a module's own location, which in the bundle would name the compiled file. */
const OWN_LOCATION = /\bimport\.meta\.(?:url|resolve|filename|dirname)\b|\b__(?:dirname|filename)\b/g;

/**
 * Why the bundle would not behave as the agent's files do, if it would not: CommonJS (`require`
 * is not defined in the bundle), or a file that finds things from its own location. The agent
 * file may name itself once through `import.meta.url` (console mode's `fileURLToPath(import.meta.url)`)
 * and use `import.meta.dirname` and `import.meta.filename`, which keep their values; another bundled
 * file may use `import.meta.dirname` only when it sits in the agent's folder.
 */
function unlike(metafile: Esbuild.Metafile, base: string, entry: string, contents: Map<string, string>): string | undefined {
  for (const [input, { format, imports }] of Object.entries(metafile.inputs)) {
    if (format === 'cjs' || imports.some((i) => i.kind === 'require-call' || i.kind === 'require-resolve')) {
      return `${input} is CommonJS`;
    }
    const file = path.resolve(base, input);
    const reads = [...(contents.get(input) ?? '').matchAll(OWN_LOCATION)].map((m) => m[0]);
    const misread =
      file === entry
        ? reads.filter((read) => read === 'import.meta.url').length > 1 || reads.some((read) => /resolve|__/.test(read))
        : reads.some((read) => read !== 'import.meta.dirname' || path.dirname(file) !== path.dirname(entry));
    if (misread)
      return `${input} finds files from its own location (${[...new Set(reads)].join(', ')}), which the compiled file does not share`;
  }
  return undefined;
}

/**
 * The compiled ES module of the TypeScript agent `file` (absolute), built now or found up to date,
 * or why there is none: no node_modules folder above the agent, no esbuild, a failed build, an
 * agent the bundle would change, a cache that cannot be written.
 */
export function compileAgent(file: string): CompileResult {
  try {
    return compile(file);
  } catch (error) {
    // Reading the agent's files or writing the cache failed.
    return { ok: false, reason: `not compiled: ${firstError(error)}` };
  }
}

function compile(file: string): CompileResult {
  const entry = realpathSync(file);
  const base = nearestAbove(path.dirname(entry), 'node_modules', isDirectory);
  if (base === undefined) return { ok: false, reason: 'not compiled: no node_modules folder above the agent' };
  const version = esbuildVersion();
  if (version === undefined) return { ok: false, reason: 'not compiled: esbuild cannot be loaded' };
  const cacheDir = path.join(base, 'node_modules', CACHE_DIR);
  const options = {
    absWorkingDir: base,
    entryPoints: [entry],
    // Names no file (the output is written under its hash); it puts the source map's paths relative
    // to the agent's project, and the root makes them absolute: the compiled file's own path may
    // lead elsewhere (a node_modules that is a link).
    outfile: path.join(base, 'agent.mjs'),
    sourceRoot: `${pathToFileURL(base).href}/`,
    bundle: true,
    packages: 'external',
    format: 'esm',
    platform: 'node',
    target: 'node20',
    // Agents are named after their class (@livekit/agents takes the id from its name): bundling
    // must not rename a class whose name another bundled file also uses.
    keepNames: true,
    sourcemap: 'inline',
    sourcesContent: false,
    metafile: true,
    write: false,
    logLevel: 'silent',
    define: { 'import.meta.dirname': JSON.stringify(path.dirname(entry)), 'import.meta.filename': JSON.stringify(entry) },
  } satisfies Esbuild.BuildOptions;
  const key = sha256(JSON.stringify([version, options]));
  const manifestFile = path.join(cacheDir, `${key}.json`);
  const manifest = readManifest(manifestFile);
  if (manifest && upToDate(manifest, base, cacheDir)) return { ok: true, file: path.join(cacheDir, manifest.output), built: false };

  let result: Esbuild.BuildResult<typeof options>;
  try {
    result = (require('esbuild') as typeof Esbuild).buildSync(options);
  } catch (error) {
    return { ok: false, reason: `compiling failed: ${firstError(error)}` };
  }
  const [output] = result.outputFiles;
  if (!output) return { ok: false, reason: 'compiling failed: esbuild wrote no output' };
  // esbuild reads tsconfig.json too (paths, decorators, class fields): a change there rebuilds as well.
  const tsconfig = nearestAbove(path.dirname(entry), 'tsconfig.json', isFile);
  const inputs = [...Object.keys(result.metafile.inputs), ...(tsconfig ? [path.relative(base, path.join(tsconfig, 'tsconfig.json'))] : [])];
  const contents = new Map<string, string>();
  const hashes: Record<string, string> = {};
  for (const input of inputs.sort()) {
    const bytes = readFileSync(path.resolve(base, input));
    contents.set(input, bytes.toString('utf8'));
    hashes[input] = sha256(bytes);
  }
  const unlikeReason = unlike(result.metafile, base, entry, contents);
  if (unlikeReason) return { ok: false, reason: `not compiled: ${unlikeReason}` };

  const name = `${sha256(JSON.stringify([version, options, hashes]))}.mjs`;
  mkdirSync(cacheDir, { recursive: true });
  writeWhole(path.join(cacheDir, name), output.contents);
  writeWhole(manifestFile, `${JSON.stringify({ output: name, inputs: hashes } satisfies Manifest, null, 2)}\n`);
  return { ok: true, file: path.join(cacheDir, name), built: true };
}
