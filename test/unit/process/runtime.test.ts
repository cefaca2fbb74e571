import { chmodSync, mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { AgentSessionError } from '../../../src/errors/index.js';
import { projectRoot, resolveLaunch } from '../../../src/process/runtime.js';

let root: string;
const addr = '127.0.0.1:4000';

function file(rel: string, body = ''): string {
  const p = path.join(root, rel);
  mkdirSync(path.dirname(p), { recursive: true });
  writeFileSync(p, body);
  return p;
}
function executable(rel: string): string {
  const p = file(rel, '#!/bin/sh\n');
  chmodSync(p, 0o755);
  return p;
}
function launchError(fn: () => unknown): AgentSessionError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(AgentSessionError);
    return error as AgentSessionError;
  }
  throw new Error('expected an AgentSessionError');
}

beforeEach(() => {
  root = mkdtempSync(path.join(tmpdir(), 'ast-runtime-'));
});
afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

describe('Python agents', () => {
  test('prefer the active virtualenv', () => {
    const agent = file('proj/agent.py');
    const python = executable('activated/bin/python');
    executable('proj/.venv/bin/python');
    const launch = resolveLaunch(agent, addr, { env: { VIRTUAL_ENV: path.join(root, 'activated'), PATH: '' } });
    expect(launch.argv).toEqual([python, '-m', 'livekit.agents', 'console', agent, '--connect-addr', addr]);
    expect(launch.interpreterSource).toMatch(/active virtualenv/);
  });

  test('find a .venv or venv next to the agent or above it', () => {
    const agent = file('proj/agents/agent.py');
    const python = executable('proj/venv/bin/python');
    file('proj/requirements.txt');
    const launch = resolveLaunch(agent, addr, { env: { PATH: '' } });
    expect(launch.argv[0]).toBe(python);
    expect(launch.cwd).toBe(path.join(root, 'proj'));
  });

  test('use uv run --no-sync for a uv project without a venv', () => {
    const agent = file('proj/agent.py');
    file('proj/uv.lock');
    const uv = executable('bin/uv');
    const launch = resolveLaunch(agent, addr, { env: { PATH: path.join(root, 'bin') } });
    expect(launch.argv.slice(0, 5)).toEqual([uv, 'run', '--no-sync', 'python', '-m']);
  });

  test('fall back to python3 on PATH', () => {
    const agent = file('proj/agent.py');
    const python3 = executable('bin/python3');
    expect(resolveLaunch(agent, addr, { env: { PATH: path.join(root, 'bin') } }).argv[0]).toBe(python3);
  });

  test('name everything tried when no interpreter exists', () => {
    const agent = file('proj/agent.py');
    file('proj/uv.lock');
    const error = launchError(() => resolveLaunch(agent, addr, { env: { PATH: path.join(root, 'empty') } }));
    expect(error.code).toBe('RUNTIME_NOT_FOUND');
    expect(error.message).toMatch(/VIRTUAL_ENV is not set/);
    expect(error.message).toMatch(/\.venv\/ or venv\//);
    expect(error.message).toMatch(/uv is not on PATH/);
    expect(error.message).toMatch(/python3 and python on PATH/);
  });

  test('honour an explicit interpreter', () => {
    const agent = file('agent.py');
    expect(resolveLaunch(agent, addr, { interpreter: ['uv', 'run', 'python'], env: {} }).argv.slice(0, 4)).toEqual([
      'uv',
      'run',
      'python',
      '-m',
    ]);
  });
});

describe('Node agents', () => {
  test('run .js and .mjs with the Node running the tests', () => {
    const agent = file('proj/agent.mjs');
    file('proj/package.json', '{}');
    const launch = resolveLaunch(agent, addr, { env: {} });
    expect(launch.argv).toEqual([process.execPath, agent, 'console', '--connect-addr', addr]);
    expect(launch.kind).toBe('node');
  });

  test('compile .ts with esbuild and run the output, the same file while the agent is unchanged', () => {
    const agent = file('proj/agent.ts', 'export default {};\n');
    mkdirSync(path.join(root, 'proj', 'node_modules'));
    const launch = resolveLaunch(agent, addr, { env: {} });
    const cache = path.join(realpathSync(root), 'proj', 'node_modules', '.cache', 'agent-session-test', 'agents');
    expect(launch.argv).toEqual([
      process.execPath,
      '--enable-source-maps',
      expect.stringMatching(/\.mjs$/),
      'console',
      '--connect-addr',
      addr,
    ]);
    expect(path.dirname(launch.argv[2]!)).toBe(cache);
    expect(launch.file).toBe(agent);
    expect(launch.interpreterSource).toBe('Node.js, on the agent compiled by esbuild');
    expect(launch.notCompiled).toBeUndefined();
    expect(resolveLaunch(agent, addr, { env: {} }).argv).toEqual(launch.argv);
  });

  test('run .ts through the tsx loader when it cannot be compiled, saying why', () => {
    const agent = file('proj/agent.ts');
    const launch = resolveLaunch(agent, addr, { env: {} });
    expect(launch.argv[1]).toBe('--import');
    expect(launch.argv[2]).toMatch(/^file:\/\/.*\/tsx\/.*loader\.mjs$/);
    expect(launch.argv.slice(3)).toEqual([agent, 'console', '--connect-addr', addr]);
    expect(launch.notCompiled).toBe('not compiled: no node_modules folder above the agent');
    expect(launch.interpreterSource).toBe('Node.js with the tsx TypeScript loader (not compiled: no node_modules folder above the agent)');
  });

  test("a syntax error esbuild rejects leaves the agent to the loader, whose run shows the agent's own error", () => {
    const agent = file('proj/agent.ts', 'const x: number = ;\n');
    mkdirSync(path.join(root, 'proj', 'node_modules'));
    const launch = resolveLaunch(agent, addr, { env: {} });
    expect(launch.argv.slice(1, 2)).toEqual(['--import']);
    expect(launch.interpreterSource).toMatch(
      /^Node\.js with the tsx TypeScript loader \(compiling failed: agent\.ts:1:18: Unexpected ";"\)$/,
    );
  });

  test('compile: false, .cts and an explicit interpreter keep the agent file as it is', () => {
    mkdirSync(path.join(root, 'proj', 'node_modules'), { recursive: true });
    const agent = file('proj/agent.ts');
    const cts = file('proj/agent.cts');
    expect(resolveLaunch(agent, addr, { compile: false, env: {} }).argv.slice(1, 4)).toEqual([
      '--import',
      expect.stringMatching(/tsx/),
      agent,
    ]);
    expect(resolveLaunch(cts, addr, { env: {} }).argv.slice(1, 4)).toEqual(['--import', expect.stringMatching(/tsx/), cts]);
    expect(resolveLaunch(agent, addr, { interpreter: ['my-node'], env: {} }).argv).toEqual([
      'my-node',
      agent,
      'console',
      '--connect-addr',
      addr,
    ]);
    expect(resolveLaunch(cts, addr, { env: {} }).notCompiled).toBeUndefined();
  });
});

describe('launch errors and overrides', () => {
  test('a missing file says where paths are resolved from', () => {
    const error = launchError(() => resolveLaunch(path.join(root, 'nope.py'), addr, { env: {} }));
    expect(error.code).toBe('AGENT_FILE_NOT_FOUND');
    expect(error.message).toMatch(/Agent file not found: .*nope\.py/);
    expect(error.hint).toMatch(/relative to the test file/);
  });

  test('a directory is not an agent file', () => {
    mkdirSync(path.join(root, 'dir.py'));
    expect(launchError(() => resolveLaunch(path.join(root, 'dir.py'), addr, { env: {} })).hint).toMatch(/directory/);
  });

  test('an unknown extension asks for a command', () => {
    const error = launchError(() => resolveLaunch(file('agent.rb'), addr, { env: {} }));
    expect(error.message).toMatch(/unknown extension/);
    expect(error.hint).toMatch(/command/);
  });

  test('the command option replaces detection, with placeholders filled in', () => {
    const agent = file('agent.py');
    const launch = resolveLaunch(agent, addr, { command: ['my-python', '{file}', '--to={connectAddr}'], env: {} });
    expect(launch.argv).toEqual(['my-python', agent, `--to=${addr}`]);
  });

  test('the project root is the nearest folder with a project marker', () => {
    const agent = file('a/b/c/agent.py');
    file('a/pyproject.toml');
    expect(projectRoot(agent)).toBe(path.join(root, 'a'));
  });
});
