/**
 * Running the real `agent-session-test` bin (package.json "bin", built JavaScript) from a shell-like
 * child process, in a throwaway project folder per test, and stopping whatever a test left running.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const bin = (JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { bin: Record<string, string> }).bin[
  'agent-session-test'
]!;
export const cliMain = path.join(root, bin);
export const weatherLlmModule = path.join(root, 'examples/weather-llm.ts');

/** The newest modification time under a folder. */
function newest(dir: string): number {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .reduce((max, entry) => Math.max(max, statSync(path.join(entry.parentPath, entry.name)).mtimeMs), 0);
}

/** Builds dist/ when it is missing or older than src/: the bin runs the built JavaScript, as users get it. */
export function builtBeforeAll(): void {
  beforeAll(() => {
    let built = 0;
    try {
      built = statSync(cliMain).mtimeMs;
    } catch {
      // not built yet
    }
    if (built >= newest(path.join(root, 'src'))) return;
    const result = spawnSync(process.execPath, [path.join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], {
      cwd: root,
      encoding: 'utf8',
    });
    if (result.status !== 0) throw new Error(`the build failed:\n${result.stdout}${result.stderr}`);
  }, 180_000);
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** A shell's environment: none of the test runner's variables or Node flags. */
function shellEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(VITEST|TEST$|NODE_OPTIONS$|FORCE_COLOR$)/.test(key)) continue;
    env[key] = value;
  }
  return env;
}

/** Runs the CLI in `cwd` with no TTY (as from a bash tool); `input` goes to its stdin, `env` over the shell's. */
export function cli(
  cwd: string,
  args: readonly string[],
  options: { input?: string; timeout?: number; env?: Record<string, string> } = {},
): Promise<CliResult> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliMain, ...args], {
      cwd,
      env: { ...shellEnv(), ...options.env },
      stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    if (options.input !== undefined) child.stdin!.end(options.input);
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`agent-session-test ${args.join(' ')} did not exit within ${options.timeout ?? 90_000} ms\n${stderr}`));
    }, options.timeout ?? 90_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, ms: performance.now() - started });
    });
  });
}

interface StateFile {
  pid: number;
  agentPid?: number;
}

/** The state file of a session of the project in `cwd`. */
export function stateOf(cwd: string, name = 'default'): StateFile | undefined {
  try {
    return JSON.parse(readFileSync(path.join(cwd, '.agent-session-test/cli', name, 'state.json'), 'utf8')) as StateFile;
  } catch {
    return undefined;
  }
}

export const stateDir = (cwd: string, name = 'default') => path.join(cwd, '.agent-session-test/cli', name);

/**
 * A new project folder for each test. After the test, every daemon and agent it left is
 * SIGKILLed and the folder removed, so a failing test leaves nothing running.
 */
export function projects(): () => string {
  const made: string[] = [];
  afterEach(async () => {
    for (const dir of made.splice(0)) {
      const sessions = path.join(dir, '.agent-session-test/cli');
      let names: string[] = [];
      try {
        names = readdirSync(sessions);
      } catch {
        // no sessions
      }
      for (const name of names) {
        const state = stateOf(dir, name);
        for (const pid of [state?.pid, state?.agentPid]) {
          if (pid === undefined) continue;
          try {
            process.kill(pid === state?.agentPid ? -pid : pid, 'SIGKILL');
          } catch {
            // already gone
          }
        }
      }
      rmSync(dir, { recursive: true, force: true });
    }
  });
  return () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ast-cli-'));
    made.push(dir);
    return dir;
  };
}

/** Polls until `check` holds, or fails after `ms`. */
export async function eventually(check: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
