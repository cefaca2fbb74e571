/**
 * The test runner's own variables, kept away from the agent. The agent is the program under test,
 * not test code: LiveKit's Node examples skip `cli.runApp(...)` when `VITEST` is set (so their own
 * tests can import them), and any agent may pick a configuration by `NODE_ENV`. Passing the
 * runner's environment through would run a different program than the one that gets deployed.
 */

type Env = Readonly<Record<string, string | undefined>>;

/** Set by Vitest and Jest in every worker, whatever the user's environment said. */
const RUNNER_NAMES = /^(?:VITEST(?:_\w+)?|JEST_WORKER_ID)$/;
/** Vite mirrors `import.meta.env` into process.env for Vitest; these are its values, unless the user set them. */
const VITE_DEFAULTS: Readonly<Record<string, readonly string[]>> = {
  MODE: ['test'],
  BASE_URL: ['/'],
  PROD: ['', '1'],
  DEV: ['', '1'],
  SSR: ['', '1'],
};
/** Flags a runner needs in NODE_OPTIONS that change how an agent's Node loads modules. */
const RUNNER_NODE_FLAGS = new Set(['--experimental-vm-modules']);
const LOADER_FLAGS = new Set(['--require', '-r', '--import', '--loader', '--experimental-loader']);
/** A preload or loader that belongs to the runner (its package, in any install layout). */
const RUNNER_MODULE = /(?:^|[/\\@])(?:vitest|jest)(?:[-/\\@.]|$)/;

/**
 * `env` without the test runner's variables: `VITEST*` and `JEST_WORKER_ID`; under Vitest also
 * `TEST=true` and Vite's `MODE`/`BASE_URL`/`PROD`/`DEV`/`SSR` defaults; under either runner
 * `NODE_ENV=test` (both set it when it is unset); and the runner's preloads and
 * `--experimental-vm-modules` in `NODE_OPTIONS`.
 */
export function withoutRunnerEnv(env: Env): Record<string, string | undefined> {
  const result: Record<string, string | undefined> = { ...env };
  for (const [name, value] of Object.entries(withoutRunnerEnvDiff(env))) {
    if (value === undefined) delete result[name];
    else result[name] = value;
  }
  return result;
}

/** What to change: `undefined` removes a variable, a string replaces it. */
function withoutRunnerEnvDiff(env: Env): Record<string, string | undefined> {
  const diff: Record<string, string | undefined> = {};
  const underVitest = env['VITEST'] !== undefined;
  const underRunner = underVitest || env['JEST_WORKER_ID'] !== undefined;
  for (const name of Object.keys(env)) if (RUNNER_NAMES.test(name)) diff[name] = undefined;
  if (underVitest) {
    if (env['TEST'] === 'true') diff['TEST'] = undefined;
    for (const [name, values] of Object.entries(VITE_DEFAULTS)) {
      const value = env[name];
      if (value !== undefined && values.includes(value)) diff[name] = undefined;
    }
  }
  if (underRunner && env['NODE_ENV'] === 'test') diff['NODE_ENV'] = undefined;
  const nodeOptions = env['NODE_OPTIONS'];
  if (nodeOptions !== undefined) {
    const kept = stripRunnerFlags(nodeOptions);
    if (kept !== nodeOptions.trim()) diff['NODE_OPTIONS'] = kept === '' ? undefined : kept;
  }
  return diff;
}

/** NODE_OPTIONS without the runner's flags and preloads (flags split on whitespace, as Node does). */
function stripRunnerFlags(nodeOptions: string): string {
  const tokens = nodeOptions.trim().split(/\s+/).filter(Boolean);
  const kept: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    const [flag, inline] = token.split(/=(.*)/s, 2) as [string, string | undefined];
    if (RUNNER_NODE_FLAGS.has(flag)) continue;
    if (LOADER_FLAGS.has(flag)) {
      const target = inline ?? tokens[i + 1] ?? '';
      if (RUNNER_MODULE.test(target)) {
        if (inline === undefined) i++;
        continue;
      }
    }
    kept.push(token);
  }
  return kept.join(' ');
}
