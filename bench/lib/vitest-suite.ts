/**
 * Suites of throwaway test files run by `vitest run` in a child process, as a user runs them:
 * the harness suite (each file `useAgentSession` on an example agent, three turns) and the
 * runner shared by every generated suite.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { ensureBuilt } from './cli-process.js';
import { agents, repoPath, type Sdk } from './stats.js';

/** The conversation every suite holds: a tool call, a plain reply, two tool calls in one turn. */
export const TURNS = ['What is the weather in Paris?', 'hello', 'compare London and Tokyo'];

/** Empties `dir` (creating it) for a new suite. */
export function freshDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
}

/**
 * Writes `files` harness test files and a config with the plugin. `pluginOptions` is source text
 * spread into the plugin's options after `failOnLeftovers: true` (it may read `process.env`, so one
 * suite serves several variants); `isolate` is source text too. Each file appends `spare` or `cold` to used.log once its three
 * turns passed: {@link suiteLog} reads it back.
 */
export function writeHarnessSuite(dir: string, sdk: Sdk, files: number, pluginOptions: string, isolate = 'true'): void {
  freshDir(dir);
  // The built package, loaded by Node as a dependency in node_modules is (not transformed by Vite):
  // what a user's suite runs, not this repository's sources.
  ensureBuilt();
  writeFileSync(
    `${dir}/vitest.config.ts`,
    `import { defineConfig } from 'vitest/config';
import { agentSession } from ${JSON.stringify(repoPath('dist/vitest/node/plugin.js'))};
export default defineConfig({
  resolve: { alias: ${JSON.stringify(builtAlias())}.map(([find, replacement]) => ({ find: new RegExp(find), replacement })) },
  // The runner's cache in the suite's own folder, where a benchmark can delete it.
  cacheDir: ${JSON.stringify(`${dir}/.vite`)},
  plugins: [agentSession({ failOnLeftovers: true, ...${pluginOptions} })],
  test: {
    include: ['*.test.ts'],
    isolate: ${isolate},
    testTimeout: 120_000,
    hookTimeout: 180_000,
    server: { deps: { external: [${JSON.stringify(`${repoPath('dist')}/`)}] } },
  },
});
`,
  );
  for (let i = 0; i < files; i++) {
    writeFileSync(
      `${dir}/agent-${i}.test.ts`,
      `import { appendFileSync } from 'node:fs';
import { expect, test } from 'vitest';
import { useAgentSession } from 'agent-session-test/vitest';
import { weatherLlm } from ${JSON.stringify(repoPath('examples/weather-llm.ts'))};
const agent = useAgentSession(${JSON.stringify(agents[sdk])}, { llm: weatherLlm() });
test('three turns', async () => {
  const [paris, hello, compare] = ${JSON.stringify(TURNS)};
  const first = await agent.say(paris);
  expect(first).toHaveNoErrors();
  expect(first).toHaveCalledTool('lookup_weather', { city: 'Paris' });
  expect(first).toHaveReplied('21°C in Paris');
  const second = await agent.say(hello);
  expect(second).toHaveNoErrors();
  expect(second).toHaveReplied('Hello!');
  const third = await agent.say(compare);
  expect(third).toHaveNoErrors();
  expect(third).toHaveCalledTool('lookup_weather', { city: 'Tokyo' });
  expect(third).toHaveReplied('18°C in Tokyo');
  appendFileSync(${JSON.stringify(`${dir}/used.log`)}, (await agent.start()).prespawned ? 'spare\\n' : 'cold\\n');
});
`,
    );
  }
}

/**
 * Writes `files` test files that do nothing, and a config without the plugin: what Vitest alone
 * costs per file, the floor under any suite of one conversation per file.
 */
export function writeEmptySuite(dir: string, files: number): void {
  freshDir(dir);
  writeFileSync(
    `${dir}/vitest.config.ts`,
    `import { defineConfig } from 'vitest/config';\nexport default defineConfig({ test: { include: ['*.test.ts'] } });\n`,
  );
  for (let i = 0; i < files; i++) {
    writeFileSync(
      `${dir}/empty-${i}.test.ts`,
      `import { appendFileSync } from 'node:fs';\nimport { test } from 'vitest';\ntest('nothing', () => appendFileSync(${JSON.stringify(`${dir}/used.log`)}, 'ran\\n'));\n`,
    );
  }
}

/** Each public entry of the package ("agent-session-test/vitest") to its built file, as [pattern, path]. */
function builtAlias(): [string, string][] {
  const pkg = JSON.parse(readFileSync(repoPath('package.json'), 'utf8')) as { exports: Record<string, { default: string }> };
  return Object.entries(pkg.exports).map(([subpath, target]) => [
    `^agent-session-test${subpath.slice(1)}$`,
    repoPath(target.default.slice(2)),
  ]);
}

/** The lines the last run's files appended to `name` in `dir`, which is then removed for the next run. */
export function suiteLog(dir: string, name = 'used.log'): string[] {
  try {
    return readFileSync(`${dir}/${name}`, 'utf8').split('\n').filter(Boolean);
  } catch {
    return [];
  } finally {
    rmSync(`${dir}/${name}`, { force: true });
  }
}

/** Runs `file args` to exit and returns its wall time; a failure throws with everything it printed. */
export function timedRun(
  file: string,
  args: readonly string[],
  options: { cwd: string; env: NodeJS.ProcessEnv; timeout?: number },
): Promise<number> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    execFile(
      file,
      args,
      { cwd: options.cwd, env: options.env, maxBuffer: 1 << 26, timeout: options.timeout ?? 600_000, killSignal: 'SIGKILL' },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`${[file, ...args].join(' ')} failed (${error.message.split('\n')[0]}):\n${stdout}${stderr}`));
        else resolve(performance.now() - started);
      },
    );
  });
}

/** `vitest run` on the suite in `dir` (its vitest.config.ts), with `workers` when given, else Vitest's default. */
export function vitestRun(dir: string, options: { workers?: number; env?: NodeJS.ProcessEnv } = {}): Promise<number> {
  return timedRun(
    process.execPath,
    [
      repoPath('node_modules/vitest/vitest.mjs'),
      'run',
      '--root',
      dir,
      '--config',
      `${dir}/vitest.config.ts`,
      ...(options.workers === undefined ? [] : [`--maxWorkers=${options.workers}`]),
      '--reporter=dot',
    ],
    { cwd: dir, env: { ...process.env, CI: '', ...options.env } },
  );
}
