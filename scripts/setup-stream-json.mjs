#!/usr/bin/env node
// Installs the real stream-json CLIs the e2e tests drive, each into its own folder under
// test/peers/ (gitignored), pinned to the versions the harness is tested with. Safe to run
// before every test run: a stamp left by the last successful install skips the work.
//
//   node scripts/setup-stream-json.mjs            Letta Code (npm run setup:stream-json)
//   node scripts/setup-stream-json.mjs --claude   also Claude Code (a ~380 MB native binary)
//
// STREAM_JSON_PEERS=letta,claude does the same as the flags.

import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const isWindows = process.platform === 'win32';

/** The peers: their folder, the package pinned, and the executable the tests run. */
const PEERS = {
  letta: {
    // 0.30+ does not install from every registry mirror and needs Node 22.19; 0.25.9 is what the tests were written against.
    dependencies: { '@letta-ai/letta-code': '0.25.9' },
    bin: 'letta',
  },
  claude: {
    dependencies: { '@anthropic-ai/claude-code': '2.1.330' },
    bin: 'claude',
    // Its postinstall puts the platform binary in place of a stub; without it `claude` exits 1.
    scripts: true,
  },
};

function log(line) {
  process.stdout.write(`[setup:stream-json] ${line}\n`);
}

function run(cmd, args, cwd) {
  return new Promise((resolve, reject) => {
    let output = '';
    const child = spawn(cmd, args, {
      cwd,
      env: { ...process.env, npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false' },
      stdio: ['ignore', 'pipe', 'pipe'],
      shell: isWindows,
    });
    const keep = (chunk) => {
      output = (output + chunk.toString()).slice(-100_000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.on('error', (err) => reject(new Error(`could not start ${cmd}: ${err.message}`)));
    child.on('close', (code) =>
      code === 0
        ? resolve(output)
        : reject(new Error(`${cmd} ${args.join(' ')} exited with code ${code}\n${output.split('\n').slice(-40).join('\n')}`)),
    );
  });
}

async function install(name) {
  const peer = PEERS[name];
  const dir = path.join(root, 'test', 'peers', name);
  const manifest = { name: `agent-session-test-peer-${name}`, private: true, dependencies: peer.dependencies };
  const key = `${JSON.stringify(manifest)} node${process.versions.node.split('.')[0]}`;
  const stamp = path.join(dir, 'node_modules', '.setup-stream-json-stamp');
  const bin = path.join(dir, 'node_modules', '.bin', peer.bin);
  if (existsSync(bin) && existsSync(stamp) && readFileSync(stamp, 'utf8').trim() === key) {
    log(`${name}: up to date`);
    return;
  }
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  log(
    `${name}: installing ${Object.entries(peer.dependencies)
      .map(([p, v]) => `${p}@${v}`)
      .join(' ')} into test/peers/${name}`,
  );
  const started = Date.now();
  await run('npm', ['install', '--no-package-lock', '--no-audit', '--no-fund', ...(peer.scripts ? [] : ['--ignore-scripts'])], dir);
  if (!existsSync(bin)) throw new Error(`${name}: the install finished but ${path.relative(root, bin)} is missing`);
  writeFileSync(stamp, `${key}\n`);
  log(`${name}: done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

const wanted = new Set(['letta']);
for (const peer of (process.env.STREAM_JSON_PEERS ?? '')
  .split(',')
  .map((s) => s.trim())
  .filter(Boolean))
  wanted.add(peer);
if (process.argv.includes('--claude')) wanted.add('claude');
try {
  for (const name of wanted) {
    if (!(name in PEERS)) throw new Error(`unknown peer ${JSON.stringify(name)}; known: ${Object.keys(PEERS).join(', ')}`);
    await install(name);
  }
} catch (error) {
  process.stderr.write(`[setup:stream-json] failed: ${error.message}\n`);
  process.exit(1);
}
