/**
 * The built CLI as a shell runs it: one whole `node dist/cli/main.js ...` process per command,
 * timed from spawn to exit, in a project folder of its own. Also what it takes to have a fresh
 * build and to count the modules a command loads.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { repoPath } from './stats.js';

const bin = (JSON.parse(readFileSync(repoPath('package.json'), 'utf8')) as { bin: Record<string, string> }).bin['agent-session-test']!;
export const cliMain = repoPath(bin);
const distUrl = pathToFileURL(repoPath('dist/')).href;

/** The newest modification time of a file under `dir`. */
function newest(dir: string): number {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .reduce((max, entry) => Math.max(max, statSync(path.join(entry.parentPath, entry.name)).mtimeMs), 0);
}

/** Builds dist/ when it is missing or older than src/: the CLI is measured as users run it, built. */
export function ensureBuilt(): void {
  let built = 0;
  try {
    built = statSync(cliMain).mtimeMs;
  } catch {
    // not built yet
  }
  if (built >= newest(repoPath('src'))) return;
  process.stderr.write('dist/ is older than src/: building it first\n');
  const result = spawnSync(process.execPath, [repoPath('node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], {
    cwd: repoPath(''),
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`the build failed:\n${result.stdout}${result.stderr}`);
}

/** A shell's environment: none of this process's Node flags (tsx's loader must not reach the CLI). */
export function shellEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(NODE_OPTIONS|FORCE_COLOR|NODE_V8_COVERAGE)$/.test(key)) continue;
    env[key] = value;
  }
  return { ...env, ...extra };
}

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  /** Spawn to exit (stdio closed), in ms. */
  ms: number;
}

/** Runs `file args` in `cwd` with no TTY, as from a bash tool; killed after `timeout` ms. */
export function run(
  file: string,
  args: readonly string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv; timeout?: number },
): Promise<Run> {
  const timeout = options.timeout ?? 90_000;
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(file, args, { cwd: options.cwd, env: options.env ?? shellEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${path.basename(file)} ${args.join(' ')} did not exit within ${timeout} ms\n${stderr}`));
    }, timeout);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, ms: performance.now() - started });
    });
  });
}

/** One CLI command in `cwd`. */
export const cli = (cwd: string, args: readonly string[], env?: NodeJS.ProcessEnv) =>
  run(process.execPath, [cliMain, ...args], { cwd, ...(env && { env }) });

/** A throwaway project folder; `remove()` deletes it. */
export function projectDir(): { dir: string; remove: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), 'ast-bench-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface ModuleCount {
  /** JavaScript files the process compiled from disk. */
  files: number;
  /** Of those, the package's own (dist/). */
  own: number;
  /** Packages from node_modules, by name. */
  packages: string[];
}

/**
 * Runs a CLI command with V8 coverage on and counts the files it compiled: coverage lists every
 * script the process ran, with nothing loaded into the process itself. Not timed.
 */
export async function countModules(cwd: string, args: readonly string[]): Promise<ModuleCount & { result: Run }> {
  const coverage = mkdtempSync(path.join(tmpdir(), 'ast-bench-cov-'));
  try {
    const result = await cli(cwd, args, { ...shellEnv(), NODE_V8_COVERAGE: coverage });
    const urls = new Set<string>();
    for (const file of readdirSync(coverage)) {
      const report = JSON.parse(readFileSync(path.join(coverage, file), 'utf8')) as { result: { url: string }[] };
      for (const script of report.result) if (script.url.startsWith('file:')) urls.add(script.url);
    }
    const packages = new Set<string>();
    for (const url of urls) {
      const match = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
      if (match) packages.add(match[1]!);
    }
    return { files: urls.size, own: [...urls].filter((url) => url.startsWith(distUrl)).length, packages: [...packages].sort(), result };
  } finally {
    rmSync(coverage, { recursive: true, force: true });
  }
}
