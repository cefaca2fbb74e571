/**
 * The commands that talk to a running session: `say`, `listen`, `restart`, `stop`, `history`,
 * `status`, `logs`, `list`.
 * Records go to stdout (a transcript, or JSON with --json), messages to stderr.
 */
import { closeSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { cliUsage } from '../errors/messages.js';
import { shouldColor, stripAnsi } from '../render/color.js';
import { renderSession, renderTurn } from '../render/render-turn.js';
import type { TurnRecord } from '../turn/types.js';
import { parseArgs, parseDuration } from './args.js';
import type { ControlAnswer, ControlFailure } from './control.js';
import { EXIT, type ExitCode } from './exit-codes.js';
import { ask } from './session-client.js';
import { agentLogPath, clearDir, DEFAULT_NAME, pidAlive, readState, sessionDir, sessionNames } from './state.js';

/** The session's own turn timeout when `say` gives none. */
const DEFAULT_TURN_TIMEOUT = 30_000;
/** What the daemon needs beyond the turn's own timeout to answer (an interrupted turn, a slow machine). */
const ANSWER_MARGIN = 15_000;
const REQUEST_TIMEOUT = 20_000;
/** How long `listen` waits for the agent to speak when not told. */
const DEFAULT_LISTEN_TIMEOUT = 5_000;
/** A restart starts the agent again: its start-up budget and the old one's shutdown. */
const RESTART_TIMEOUT = 90_000;
/** How often `logs --follow` looks for more output. */
const FOLLOW_POLL_MS = 200;

const out = (text: string) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
const color = () => shouldColor(process.env, process.stdout);

function failed(answer: ControlFailure): ExitCode {
  process.stderr.write(`${answer.message}\n`);
  return answer.code === 'TURN_TIMEOUT' ? EXIT.timeout : answer.code === 'CLI_USAGE' ? EXIT.usage : EXIT.failed;
}

export async function say(args: readonly string[]): Promise<ExitCode> {
  const parsed = parseArgs('say', args, { values: ['name', 'timeout'], switches: ['json'] });
  let text = parsed.positionals.join(' ');
  if (text === '' && !process.stdin.isTTY) text = (await readStdin()).trim();
  if (text === '') throw cliUsage({ problem: '`say` needs the text: agent-session-test say "hello" (or the text on stdin).' });
  const timeout = parsed.values.has('timeout') ? parseDuration('timeout', parsed.values.get('timeout')!) : undefined;
  const name = parsed.values.get('name') ?? DEFAULT_NAME;
  const answer = await ask(
    name,
    { command: 'say', text, ...(timeout !== undefined && { timeout }) },
    (timeout ?? DEFAULT_TURN_TIMEOUT) + ANSWER_MARGIN,
  );
  if (!answer.ok) {
    if (answer.turn && parsed.switches.has('json')) out(JSON.stringify(answer.turn));
    return failed(answer);
  }
  const turn = (answer as { turn: TurnRecord }).turn;
  out(parsed.switches.has('json') ? JSON.stringify(turn) : renderTurn(turn, { color: color() }));
  return turn.errors.length > 0 ? EXIT.failed : EXIT.ok;
}

export async function listen(args: readonly string[]): Promise<ExitCode> {
  const parsed = parseArgs('listen', args, { values: ['name', 'timeout'], switches: ['json'] });
  if (parsed.positionals.length > 0) throw cliUsage({ problem: `\`listen\` takes no text; got ${parsed.positionals.join(' ')}.` });
  const timeout = parsed.values.has('timeout') ? parseDuration('timeout', parsed.values.get('timeout')!) : DEFAULT_LISTEN_TIMEOUT;
  const answer = await ask(parsed.values.get('name') ?? DEFAULT_NAME, { command: 'listen', timeout }, timeout + ANSWER_MARGIN);
  if (!answer.ok) return failed(answer);
  const heard = 'heard' in answer ? answer.heard : null;
  if (parsed.switches.has('json')) out(JSON.stringify(heard));
  else if (heard) out(renderTurn(heard, { color: color() }));
  if (!heard) process.stderr.write(`The agent said nothing on its own within ${timeout} ms.\n`);
  return heard && heard.errors.length > 0 ? EXIT.failed : EXIT.ok;
}

export async function restart(args: readonly string[]): Promise<ExitCode> {
  const parsed = parseArgs('restart', args, { values: ['name'], switches: ['json'] });
  const name = parsed.values.get('name') ?? DEFAULT_NAME;
  const answer = await ask(name, { command: 'restart' }, RESTART_TIMEOUT);
  if (!answer.ok) return failed(answer);
  const agentPid = 'restarted' in answer ? answer.restarted.agentPid : undefined;
  if (parsed.switches.has('json')) out(JSON.stringify({ ok: true, agentPid }));
  else process.stderr.write(`Restarted "${name}" (agent pid ${String(agentPid)}); the conversation starts again.\n`);
  return EXIT.ok;
}

export async function stop(args: readonly string[]): Promise<ExitCode> {
  const parsed = parseArgs('stop', args, { values: ['name'], switches: ['transcript', 'json'] });
  const name = parsed.values.get('name') ?? DEFAULT_NAME;
  const dir = sessionDir(name);
  const state = readState(dir);
  if (state?.ended !== undefined) {
    // The daemon already exited when its agent went: only the folder is left.
    clearDir(dir);
    process.stderr.write(`Stopped "${name}" (its agent had already gone).\n`);
    return EXIT.ok;
  }
  let answer: ControlAnswer | undefined;
  try {
    answer = await ask(name, { command: 'stop' }, REQUEST_TIMEOUT);
  } catch (error) {
    // Whatever went wrong, stop leaves nothing behind: the daemon is killed (its watchdog takes the agent) and the state removed.
    if (state && pidAlive(state.pid)) process.kill(state.pid, 'SIGKILL');
    clearDir(dir);
    throw error;
  }
  if (state) await waitGone(state.pid);
  const turns = answer.ok && 'turns' in answer ? answer.turns : [];
  if (parsed.switches.has('transcript'))
    out(parsed.switches.has('json') ? JSON.stringify(turns) : renderSession(turns, { color: color() }));
  process.stderr.write(`Stopped "${name}".\n`);
  return EXIT.ok;
}

export async function history(args: readonly string[]): Promise<ExitCode> {
  const parsed = parseArgs('history', args, { values: ['name'], switches: ['json'] });
  const answer = await ask(parsed.values.get('name') ?? DEFAULT_NAME, { command: 'history' }, REQUEST_TIMEOUT);
  if (!answer.ok) return failed(answer);
  const turns = 'turns' in answer ? answer.turns : [];
  out(parsed.switches.has('json') ? JSON.stringify(turns) : renderSession(turns, { color: color() }));
  return EXIT.ok;
}

export async function status(args: readonly string[]): Promise<ExitCode> {
  const parsed = parseArgs('status', args, { values: ['name'], switches: ['json'] });
  const answer = await ask(parsed.values.get('name') ?? DEFAULT_NAME, { command: 'status' }, REQUEST_TIMEOUT);
  if (!answer.ok) return failed(answer);
  if (!('status' in answer)) return EXIT.failed;
  const { agent, ...rest } = answer.status;
  if (parsed.switches.has('json')) {
    out(JSON.stringify({ ...rest, agent }));
    return EXIT.ok;
  }
  out(
    [
      `session      ${rest.name} (${rest.turns} turns)`,
      `agent file   ${rest.agentFile}`,
      `agent        ${agent.id} (${agent.sdk} ${agent.sdkVersion})`,
      `tools        ${agent.tools.join(', ') || '(none)'}`,
      `model        ${'module' in rest.model ? `${rest.model.kind} ${rest.model.module}` : 'cassette' in rest.model ? `${rest.model.kind} ${rest.model.cassette}` : rest.model.kind}`,
      `instructions ${agent.instructions ?? '(none)'}`,
    ].join('\n'),
  );
  return EXIT.ok;
}

/**
 * The tail of the agent's output, read from its log file (the daemon need not be asked, so it
 * works after a crash). `--follow` then prints what the agent writes until the daemon exits.
 */
export async function logs(args: readonly string[]): Promise<ExitCode> {
  const parsed = parseArgs('logs', args, { values: ['name', 'lines'], switches: ['follow'] });
  const unknown = parsed.positionals.filter((arg) => arg !== '-f');
  if (unknown.length > 0) throw cliUsage({ problem: `\`logs\` takes no ${unknown[0]}: try --lines N or --follow.` });
  const name = parsed.values.get('name') ?? DEFAULT_NAME;
  const lines = Number(parsed.values.get('lines') ?? 50);
  if (!Number.isInteger(lines) || lines < 1)
    throw cliUsage({ problem: `--lines must be a positive whole number, not "${parsed.values.get('lines')}".` });
  const dir = sessionDir(name);
  let text: string;
  try {
    text = readFileSync(agentLogPath(dir), 'utf8');
  } catch {
    const flag = name === DEFAULT_NAME ? '' : ` --name ${name}`;
    process.stderr.write(
      `No output of a session named "${name}".\nWhat to do: \`agent-session-test list\` shows the sessions of this project; \`agent-session-test start <agent-file>${flag}\` starts one.\n`,
    );
    return EXIT.noSession;
  }
  // The agent's own colours (its log formatter's) stay out of a pipe, as ours do.
  const plain = !color();
  if (text !== '') out(shown(text.trimEnd().split('\n').slice(-lines).join('\n'), plain));
  if (parsed.switches.has('follow') || parsed.positionals.includes('-f')) await follow(dir, Buffer.byteLength(text), plain);
  return EXIT.ok;
}

/** Prints what is appended to the agent's log from `offset` on, until its daemon has exited. */
async function follow(dir: string, offset: number, plain: boolean): Promise<void> {
  const file = agentLogPath(dir);
  let position = offset;
  for (;;) {
    const state = readState(dir);
    const alive = state !== undefined && pidAlive(state.pid) && state.ended === undefined;
    let size = 0;
    try {
      size = statSync(file).size;
    } catch {
      return;
    }
    if (size > position) {
      const handle = openSync(file, 'r');
      const chunk = Buffer.alloc(size - position);
      readSync(handle, chunk, 0, chunk.length, position);
      closeSync(handle);
      position = size;
      process.stdout.write(plain ? shown(chunk.toString('utf8'), true) : chunk);
    }
    if (!alive) return;
    await new Promise((resolve) => setTimeout(resolve, FOLLOW_POLL_MS));
  }
}

export function list(args: readonly string[]): ExitCode {
  const parsed = parseArgs('list', args, { switches: ['json'] });
  const rows = sessionNames().flatMap((name) => {
    const state = readState(sessionDir(name));
    if (!state) return [];
    const { credential: _secret, port: _port, ...shown } = state;
    return [{ ...shown, alive: pidAlive(state.pid) && state.ended === undefined }];
  });
  if (parsed.switches.has('json')) out(JSON.stringify(rows));
  else if (rows.length === 0) process.stderr.write('No sessions in this project.\n');
  else
    for (const row of rows) out(`${row.name}\t${row.alive ? row.status : row.ended ? 'ended' : 'stale'}\tpid ${row.pid}\t${row.agentFile}`);
  return EXIT.ok;
}

/** The agent's output as a pipe should get it: without colour codes and carriage returns. */
function shown(text: string, plain: boolean): string {
  return plain ? stripAnsi(text).replaceAll('\r', '') : text;
}

async function readStdin(): Promise<string> {
  let text = '';
  process.stdin.setEncoding('utf8');
  for await (const chunk of process.stdin) text += chunk as string;
  return text;
}

/** Waits (briefly) until the daemon has exited, so `stop` returning means the agent is gone. */
async function waitGone(pid: number): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (pidAlive(pid) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 25));
}
