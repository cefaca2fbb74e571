/**
 * How the mocks get into the agent: the package's preload for its language, run before the agent's
 * own code (Python: a `sitecustomize` first on PYTHONPATH; Node: `--import` in NODE_OPTIONS), both
 * inherited by the job processes the SDKs start.
 */
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The package's `preload/` folder: three levels up from here in `src/` and in `dist/` alike. */
const preloadDir = fileURLToPath(new URL('../../../preload/', import.meta.url));

/** The variables that load the preload in the agent, over its environment `env`. */
export function preloadEnv(env: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const python = path.join(preloadDir, 'python');
  const node = pathToFileURL(path.join(preloadDir, 'node', 'tool-mocks.mjs')).href;
  const pythonPath = env['PYTHONPATH'];
  const nodeOptions = env['NODE_OPTIONS'];
  return {
    PYTHONPATH: pythonPath ? `${python}${path.delimiter}${pythonPath}` : python,
    // A file URL has no spaces (they are %20), so it needs no quoting in NODE_OPTIONS.
    NODE_OPTIONS: `${nodeOptions ? `${nodeOptions} ` : ''}--import ${node}`,
  };
}
