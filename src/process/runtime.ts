/**
 * Works out how to launch an agent file: which interpreter, which argv, which working
 * directory. Detection follows what agent authors already use (an active or nearby virtualenv,
 * uv, the Node that runs the tests) so a test needs no launch configuration in the common case.
 */
import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { agentFileNotFound, runtimeNotFound } from '../errors/index.js';
import { compileAgent } from './compile-agent.js';

export type AgentKind = 'python' | 'node';

export interface LaunchOptions {
  /**
   * The whole argv, replacing detection. `{file}` and `{connectAddr}` are substituted
   * (e.g. `['uv', 'run', 'python', '-m', 'livekit.agents', 'console', '{file}', '--connect-addr', '{connectAddr}']`).
   */
  command?: readonly string[];
  /** The interpreter argv prefix, replacing only interpreter detection (e.g. `['/opt/py/bin/python']`). */
  interpreter?: readonly string[];
  /** The working directory; defaults to the agent's project root. */
  cwd?: string;
  /**
   * Compile a TypeScript agent (`.ts`, `.mts`) with esbuild and run the output on plain Node.
   * Default true; false runs it through the tsx loader. `interpreter` and `command` skip it too.
   */
  compile?: boolean | undefined;
  /** The environment detection reads (`VIRTUAL_ENV`, `PATH`). */
  env: Readonly<Record<string, string | undefined>>;
}

export interface Launch {
  kind: AgentKind;
  file: string;
  argv: string[];
  cwd: string;
  /** How the interpreter was chosen, for error messages. */
  interpreterSource: string;
  /** Why a TypeScript agent runs through a loader rather than compiled, when compiling it was tried and did not work out. */
  notCompiled?: string;
}

const PYTHON_EXTENSIONS = new Set(['.py']);
const NODE_JS_EXTENSIONS = new Set(['.js', '.mjs', '.cjs']);
const NODE_TS_EXTENSIONS = new Set(['.ts', '.mts', '.cts']);
const PROJECT_MARKERS = ['package.json', 'pyproject.toml', 'uv.lock', 'requirements.txt', 'setup.py'];

const isFile = (p: string): boolean => {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
};

const isExecutable = (p: string): boolean => {
  try {
    accessSync(p, constants.X_OK);
    return statSync(p).isFile();
  } catch {
    return false;
  }
};

function* ancestors(dir: string): Generator<string> {
  let current = dir;
  for (;;) {
    yield current;
    const parent = path.dirname(current);
    if (parent === current) return;
    current = parent;
  }
}

/** Finds an executable on PATH, as a shell would. */
export function which(name: string, env: LaunchOptions['env']): string | undefined {
  for (const dir of (env['PATH'] ?? '').split(path.delimiter)) {
    if (dir === '') continue;
    const candidate = path.join(dir, name);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

/** The nearest ancestor holding a project marker, else the file's own directory. */
export function projectRoot(file: string): string {
  const dir = path.dirname(file);
  for (const candidate of ancestors(dir)) {
    if (PROJECT_MARKERS.some((marker) => existsSync(path.join(candidate, marker)))) return candidate;
  }
  return dir;
}

export function agentKind(file: string): AgentKind | undefined {
  const ext = path.extname(file).toLowerCase();
  if (PYTHON_EXTENSIONS.has(ext)) return 'python';
  if (NODE_JS_EXTENSIONS.has(ext) || NODE_TS_EXTENSIONS.has(ext)) return 'node';
  return undefined;
}

interface Interpreter {
  argv: string[];
  source: string;
  /** What to run in place of the agent file: its compiled copy. */
  script?: string;
  notCompiled?: string;
}

/** Python: explicit option, active virtualenv, a venv near the agent, uv project, PATH. */
function pythonInterpreter(file: string, env: LaunchOptions['env']): Interpreter {
  const tried: string[] = [];
  const virtualEnv = env['VIRTUAL_ENV'];
  if (virtualEnv) {
    const python = path.join(virtualEnv, 'bin', 'python');
    if (isExecutable(python)) return { argv: [python], source: `the active virtualenv (VIRTUAL_ENV=${virtualEnv})` };
    tried.push(`VIRTUAL_ENV=${virtualEnv} (no bin/python there)`);
  } else {
    tried.push('an active virtualenv (VIRTUAL_ENV is not set)');
  }
  const dir = path.dirname(file);
  for (const candidate of ancestors(dir)) {
    for (const venv of ['.venv', 'venv']) {
      const python = path.join(candidate, venv, 'bin', 'python');
      if (isExecutable(python)) return { argv: [python], source: `the virtualenv ${path.join(candidate, venv)}` };
    }
  }
  tried.push(`.venv/ or venv/ in ${dir} or its parents`);
  for (const candidate of ancestors(dir)) {
    if (isFile(path.join(candidate, 'uv.lock'))) {
      const uv = which('uv', env);
      if (uv) return { argv: [uv, 'run', '--no-sync', 'python'], source: `uv (project ${candidate})` };
      tried.push(`uv for the uv project ${candidate} (uv is not on PATH)`);
      break;
    }
  }
  for (const name of ['python3', 'python']) {
    const python = which(name, env);
    if (python) return { argv: [python], source: `${name} on PATH (${python})` };
  }
  tried.push('python3 and python on PATH');
  throw runtimeNotFound({ missing: 'python', tried }, { agentFile: file });
}

/** Resolves the tsx loader from the agent's project first, then from this package. */
function tsLoader(file: string): string | undefined {
  for (const base of [file, import.meta.url]) {
    try {
      return pathToFileURL(createRequire(base).resolve('tsx')).href;
    } catch {
      // not resolvable from there; try the next place
    }
  }
  return undefined;
}

/**
 * Node: the Node running the tests; for TypeScript, the agent compiled by esbuild (loaders transform
 * every module they load, node_modules included), else the tsx loader, else Node's type stripping.
 */
function nodeInterpreter(file: string, compile: boolean): Interpreter {
  const ext = path.extname(file).toLowerCase();
  if (!NODE_TS_EXTENSIONS.has(ext)) return { argv: [process.execPath], source: `the Node.js running the tests (${process.execPath})` };
  // .cts is CommonJS, which the ES module bundle is not.
  const compiled = compile && ext !== '.cts' ? compileAgent(file) : undefined;
  if (compiled?.ok) {
    // Source maps: stack traces name the agent's .ts lines, not the bundle's.
    return { argv: [process.execPath, '--enable-source-maps'], script: compiled.file, source: 'Node.js, on the agent compiled by esbuild' };
  }
  const notCompiled = compiled?.reason;
  const why = notCompiled ? ` (${notCompiled})` : '';
  const loader = tsLoader(file);
  if (loader) return { argv: [process.execPath, '--import', loader], source: `Node.js with the tsx TypeScript loader${why}`, notCompiled };
  const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
  if (major > 22 || (major === 22 && minor >= 6)) {
    return { argv: [process.execPath, '--experimental-strip-types'], source: `Node.js's own type stripping${why}`, notCompiled };
  }
  throw runtimeNotFound({ missing: 'typescript-loader', extension: ext, nodeVersion: process.version }, { agentFile: file });
}

const substitute = (argv: readonly string[], file: string, connectAddr: string): string[] =>
  argv.map((arg) => arg.replaceAll('{file}', file).replaceAll('{connectAddr}', connectAddr));

/** Builds the launch of `file` (an absolute path) connecting back to `connectAddr`. */
export function resolveLaunch(file: string, connectAddr: string, options: LaunchOptions): Launch {
  if (!isFile(file)) {
    throw agentFileNotFound({ file, isDirectory: existsSync(file) });
  }
  const cwd = options.cwd ?? projectRoot(file);
  const kind = agentKind(file);
  if (options.command) {
    if (options.command.length === 0) {
      throw runtimeNotFound({ missing: 'command' }, { agentFile: file });
    }
    return {
      kind: kind ?? 'node',
      file,
      cwd,
      argv: substitute(options.command, file, connectAddr),
      interpreterSource: 'the command option',
    };
  }
  if (kind === undefined) {
    throw runtimeNotFound({ missing: 'extension', fileName: path.basename(file) }, { agentFile: file });
  }
  const interpreter: Interpreter = options.interpreter
    ? { argv: [...options.interpreter], source: 'the interpreter option' }
    : kind === 'python'
      ? pythonInterpreter(file, options.env)
      : nodeInterpreter(file, options.compile ?? true);
  const argv =
    kind === 'python'
      ? [...interpreter.argv, '-m', 'livekit.agents', 'console', file, '--connect-addr', connectAddr]
      : [...interpreter.argv, interpreter.script ?? file, 'console', '--connect-addr', connectAddr];
  return {
    kind,
    file,
    cwd,
    argv,
    interpreterSource: interpreter.source,
    ...(interpreter.notCompiled !== undefined && { notCompiled: interpreter.notCompiled }),
  };
}
