#!/usr/bin/env node
// Installs what the bundled example agents need: a Python venv for examples/python and
// node_modules for examples/node. Safe to run before every test run: each part is skipped when
// a stamp left by the last successful install still matches its inputs, so the usual case does
// no network and spawns at most one short process.
//
//   node scripts/setup-examples.mjs        (npm run setup:examples)
//
// PYTHON=/path/to/python3 picks the interpreter used to create the venv (Python 3.11+).

import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const pyDir = path.join(root, 'examples', 'python');
const nodeDir = path.join(root, 'examples', 'node');
const venvDir = path.join(pyDir, '.venv');
const isWindows = process.platform === 'win32';
const venvPython = path.join(venvDir, isWindows ? 'Scripts' : 'bin', isWindows ? 'python.exe' : 'python');
const pyStamp = path.join(venvDir, '.setup-examples-stamp');
const nodeStamp = path.join(nodeDir, 'node_modules', '.setup-examples-stamp');
const MIN_PYTHON = [3, 11];
const TAIL_LINES = 40;

class StepError extends Error {
  constructor(step, detail, output = '') {
    super(`${step}: ${detail}`);
    this.step = step;
    this.detail = detail;
    this.output = output;
  }
}

function log(line) {
  process.stdout.write(`[setup:examples] ${line}\n`);
}

function sha256(...parts) {
  const h = createHash('sha256');
  for (const p of parts) h.update(p).update('\0');
  return h.digest('hex');
}

function readStamp(file) {
  try {
    return readFileSync(file, 'utf8').trim();
  } catch {
    return null;
  }
}

// Runs a command with no stdin (CI has none, and nothing here may prompt) and keeps its combined
// output in memory so a failure can show the tail that explains it.
function run(step, cmd, args, { cwd = root, env = {} } = {}) {
  return new Promise((resolve, reject) => {
    let output = '';
    const keep = (chunk) => {
      output += chunk.toString();
      // Bounded: pip and npm can be chatty, and only the tail is ever shown.
      if (output.length > 200_000) output = output.slice(-100_000);
    };
    let child;
    try {
      child = spawn(cmd, args, {
        cwd,
        env: { ...process.env, ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
        // npm is a .cmd shim on Windows, which only a shell can start.
        shell: isWindows && cmd === 'npm',
      });
    } catch (err) {
      reject(new StepError(step, `could not start ${cmd}: ${err.message}`));
      return;
    }
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.on('error', (err) => {
      const hint = err.code === 'ENOENT' ? ` (is ${cmd} installed and on PATH?)` : '';
      reject(new StepError(step, `could not start ${cmd}: ${err.message}${hint}`, output));
    });
    child.on('close', (code, signal) => {
      if (code === 0) resolve(output);
      else
        reject(
          new StepError(step, `${[cmd, ...args].join(' ')} ${signal ? `was killed by ${signal}` : `exited with code ${code}`}`, output),
        );
    });
  });
}

async function pythonVersion(python, step) {
  const out = await run(step, python, ['-c', 'import sys; print("%d.%d.%d" % sys.version_info[:3])']);
  return out.trim().split(/\s+/).pop();
}

function atLeast(version, [major, minor]) {
  const [a, b] = version.split('.').map(Number);
  return a > major || (a === major && b >= minor);
}

async function setupPython() {
  const requirements = readFileSync(path.join(pyDir, 'requirements.txt'));

  // A venv whose interpreter no longer runs (moved, or its base Python was removed) is rebuilt.
  let version = null;
  if (existsSync(venvPython)) {
    try {
      version = await pythonVersion(venvPython, 'check the existing venv');
    } catch {
      log('python: existing .venv is broken, recreating it');
      rmSync(venvDir, { recursive: true, force: true });
    }
  }

  // An explicit PYTHON that names another version than the venv's asks for a new venv.
  const requested = process.env.PYTHON;
  if (version !== null && requested) {
    const requestedVersion = await pythonVersion(requested, `find Python (${requested})`);
    if (requestedVersion !== version) {
      log(`python: .venv has Python ${version} but PYTHON is ${requestedVersion}, recreating it`);
      rmSync(venvDir, { recursive: true, force: true });
      version = null;
    }
  }

  if (version === null) {
    const base = requested || (isWindows ? 'python' : 'python3');
    const baseVersion = await pythonVersion(base, `find Python (${base})`);
    if (!atLeast(baseVersion, MIN_PYTHON)) {
      throw new StepError(
        `find Python (${base})`,
        `found Python ${baseVersion}; the example needs ${MIN_PYTHON.join('.')}+ (set PYTHON to a newer interpreter)`,
      );
    }
    log(`python: creating examples/python/.venv with ${base} (Python ${baseVersion})`);
    try {
      await run('create the venv', base, ['-m', 'venv', venvDir]);
    } catch (err) {
      // A half-made venv would pass the existence check next time.
      rmSync(venvDir, { recursive: true, force: true });
      err.detail += ' (on Debian/Ubuntu the venv module may need the python3-venv package)';
      throw err;
    }
    version = await pythonVersion(venvPython, 'check the new venv');
  }

  // The interpreter version is part of the key: compiled wheels are per-version.
  const key = sha256(requirements, version);
  if (readStamp(pyStamp) === key) {
    log(`python: up to date (Python ${version})`);
    return;
  }

  const pipEnv = { PIP_DISABLE_PIP_VERSION_CHECK: '1', PIP_NO_INPUT: '1' };
  log('python: upgrading pip');
  try {
    await run('upgrade pip', venvPython, ['-m', 'pip', 'install', '--quiet', '--upgrade', 'pip'], { env: pipEnv });
  } catch (err) {
    // The pip that ships with the venv can still install the pinned set.
    log(`python: warning: could not upgrade pip, continuing with the bundled one (${err.detail})`);
  }
  log('python: installing examples/python/requirements.txt');
  await run(
    'pip install -r examples/python/requirements.txt',
    venvPython,
    ['-m', 'pip', 'install', '--quiet', '-r', path.join(pyDir, 'requirements.txt')],
    { cwd: pyDir, env: pipEnv },
  );
  // Catches a broken install here, with a clear message, rather than as an agent that never connects.
  await run('import the installed packages', venvPython, ['-c', 'import livekit.agents, livekit.plugins.openai']);
  writeFileSync(pyStamp, `${key}\n`);
  log('python: done');
}

async function setupNode() {
  const lockPath = path.join(nodeDir, 'package-lock.json');
  if (!existsSync(lockPath)) {
    throw new StepError('npm ci in examples/node', 'examples/node/package-lock.json is missing');
  }
  // npm ci refuses a lock that disagrees with package.json, so both feed the key; so does the
  // Node major, since native packages pick their binaries at install time.
  const key = sha256(readFileSync(path.join(nodeDir, 'package.json')), readFileSync(lockPath), process.versions.node.split('.')[0]);
  if (readStamp(nodeStamp) === key) {
    log('node: up to date');
    return;
  }
  log('node: npm ci in examples/node');
  await run('npm ci in examples/node', 'npm', ['ci', '--no-audit', '--no-fund'], {
    cwd: nodeDir,
    env: { npm_config_yes: 'true', npm_config_update_notifier: 'false' },
  });
  writeFileSync(nodeStamp, `${key}\n`);
  log('node: done');
}

// The harness's own Node fixture agents (test/fixtures/agents/node) import @livekit/agents the
// way a user's agent does, from a node_modules beside them: link the examples' install there.
function linkNodeFixtures() {
  const link = path.join(root, 'test', 'fixtures', 'agents', 'node', 'node_modules');
  if (!existsSync(path.dirname(link)) || existsSync(link)) return;
  symlinkSync(path.relative(path.dirname(link), path.join(nodeDir, 'node_modules')), link, isWindows ? 'junction' : 'dir');
  log('node: linked test/fixtures/agents/node/node_modules');
}

const started = Date.now();
try {
  await setupPython();
  await setupNode();
  linkNodeFixtures();
  log(`ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
} catch (err) {
  if (!(err instanceof StepError)) throw err;
  process.stderr.write(`\n[setup:examples] FAILED at step "${err.step}"\n  ${err.detail}\n`);
  const tail = err.output.trimEnd().split('\n').slice(-TAIL_LINES);
  if (tail.length && tail[0] !== '') {
    process.stderr.write(`  last ${tail.length} lines of its output:\n`);
    for (const line of tail) process.stderr.write(`    ${line}\n`);
  }
  process.exit(1);
}
