/**
 * The orphan guard. An exit handler cannot run when the test runner is SIGKILLed or killed by the
 * OOM killer, and real agents do not exit when their socket closes, so each process that starts
 * agents also starts one tiny watchdog process. It reads the agents' process groups from a pipe
 * whose other end only this process holds; when that pipe closes (the kernel closes it however
 * this process dies) it SIGKILLs every group still registered, then every process whose
 * environment carries one of the registered session tags (what an agent started in a session or
 * group of its own: a process group kill misses it), then exits.
 *
 * It costs one short-lived `node -e` per worker, spawned without waiting (nothing on the startup
 * path), detached so a Ctrl-C aimed at the runner cannot kill the guard before it acts, and
 * untagged so the run's leftover scan never mistakes it for an agent.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { RUN_TAG_ENV, SESSION_TAG_ENV } from './run-tag.js';

/**
 * The watchdog's program: `+pgid` / `-pgid` and `+@tag` / `-@tag` lines in, and `~pgid deadline tag`
 * for an agent already signalled to end, whose grace runs until `deadline` (ms since the epoch).
 * On end of input: group kills, then two passes over /proc (the second takes what forked during
 * the first). An agent in its grace is left to finish its shutdown until its deadline (or its
 * group is gone) and ended then, with the processes that carry its tag.
 */
const PROGRAM = `
const fs = require('node:fs');
const groups = new Set();
const tags = new Set();
const ending = new Map();
let buffered = '';
const kill = (target) => { try { process.kill(target, 'SIGKILL'); } catch {} };
const alive = (pgid) => { try { process.kill(-pgid, 0); return true; } catch { return false; } };
const sweep = (spared) => {
  if (tags.size === 0) return;
  let entries = [];
  try { entries = fs.readdirSync('/proc').filter((e) => /^\\d+$/.test(e)); } catch { return; }
  for (const entry of entries) {
    let environ;
    try { environ = fs.readFileSync('/proc/' + entry + '/environ', 'latin1') + '\\0'; } catch { continue; }
    for (const tag of tags) {
      if (spared.has(tag)) continue;
      if (!environ.includes(${JSON.stringify(SESSION_TAG_ENV)} + '=' + tag + '\\0')) continue;
      kill(-Number(entry));
      kill(Number(entry));
      break;
    }
  }
};
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => {});
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => {
  const lines = (buffered + chunk).split('\\n');
  buffered = lines.pop();
  for (const line of lines) {
    if (line[0] === '~') {
      const [pgid, deadline, tag] = line.slice(1).split(' ');
      ending.set(Number(pgid), { deadline: Number(deadline), tag });
      continue;
    }
    if (line[1] === '@') {
      if (line[0] === '+') tags.add(line.slice(2));
      else tags.delete(line.slice(2));
      continue;
    }
    const pgid = Number(line.slice(1));
    if (!(pgid > 1)) continue;
    if (line[0] === '+') groups.add(pgid);
    else {
      groups.delete(pgid);
      ending.delete(pgid);
    }
  }
});
const release = () => {
  const waiting = new Map([...ending].filter(([pgid, end]) => groups.has(pgid) && end.deadline > Date.now()));
  for (const pgid of groups) if (!waiting.has(pgid)) kill(-pgid);
  const spared = new Set([...waiting.values()].map((end) => end.tag));
  sweep(spared);
  sweep(spared);
  const settle = () => {
    for (const [pgid, end] of waiting) {
      if (alive(pgid) && end.deadline > Date.now()) continue;
      kill(-pgid);
      waiting.delete(pgid);
    }
    if (waiting.size > 0) return setTimeout(settle, 50);
    sweep(new Set());
    sweep(new Set());
    process.exit(0);
  };
  settle();
};
process.stdin.on('end', release);
process.stdin.on('error', release);
`;

let watchdog: ChildProcess | undefined;
let failed = false;

function start(): ChildProcess | undefined {
  if (watchdog || failed || process.platform === 'win32') return watchdog;
  const env = { ...process.env };
  delete env[RUN_TAG_ENV];
  try {
    watchdog = spawn(process.execPath, ['-e', PROGRAM], { detached: true, stdio: ['pipe', 'ignore', 'ignore'], env });
  } catch {
    failed = true;
    return undefined;
  }
  // Never keep this process alive for the watchdog's sake, and never fail because it is gone.
  watchdog.on('error', () => {
    failed = true;
    watchdog = undefined;
  });
  watchdog.on('exit', () => (watchdog = undefined));
  watchdog.stdin?.on('error', () => {});
  watchdog.unref();
  (watchdog.stdin as unknown as { unref?: () => void } | null)?.unref?.();
  return watchdog;
}

function send(line: string): void {
  start()?.stdin?.write(`${line}\n`);
}

/** Puts an agent's process group under the watchdog of this process (started on first use). */
export function guardGroup(pgid: number): void {
  send(`+${pgid}`);
}

/** Takes a reaped agent's group off the watchdog's list. */
export function unguardGroup(pgid: number): void {
  if (watchdog) send(`-${pgid}`);
}

/**
 * The agent of this group was signalled to end and has until `deadline` (ms since the epoch): should
 * this process die meanwhile, the watchdog lets it finish its shutdown until then.
 */
export function guardEnding(pgid: number, deadline: number, tag: string): boolean {
  if (!watchdog) return false;
  send(`~${pgid} ${deadline} ${tag}`);
  return true;
}

/** Has the watchdog sweep processes carrying this session tag too. */
export function guardTag(tag: string): void {
  send(`+@${tag}`);
}

/** The tag's processes were swept; forget it. */
export function unguardTag(tag: string): void {
  if (watchdog) send(`-@${tag}`);
}

/** The watchdog's pid, if one is running (for tests). */
export function watchdogPid(): number | undefined {
  return watchdog?.pid;
}
