/**
 * Every message and hint of an AgentSessionError, one factory per code. Call sites pass the facts
 * (a timeout, an exit code, the line the agent died on); the wording lives here only, so a code
 * reads the same wherever it is raised and docs/errors.md has one place to agree with.
 *
 * Longer than most modules because it is the whole catalogue: splitting it by code would scatter
 * the shared phrases ("Cannot say: ...", the timeout advice) it exists to keep in one place.
 */
import path from 'node:path';
import type { ProtocolFault } from '../protocol/errors.js';
import { AgentSessionError, type AgentErrorCode, type AgentErrorDetails } from './agent-session-error.js';

/** What every factory takes besides its facts: the error's details, and the redaction of the session it comes from. */
export type ErrorContext = Omit<AgentErrorDetails, 'hint'> & {
  /** Applied to the message and the hint, which may quote what the agent printed or sent. */
  redact?: (text: string) => string;
};

/**
 * Where a failure met the caller: during a request it made (`{ during: 'the turn' }`), or when it
 * began one and found the agent gone (`{ cannot: 'say', when: 'while idle' }`).
 */
export type FailedAt = { during: string } | { cannot: string; when: string };

/** The agent that went away after it was ready, as its exit and its output tell. */
export interface AgentEnd {
  /** The exit status, when the agent exited by itself; undefined when it was still running. */
  status: { exitCode: number | null; signal: string | null } | undefined;
  /** The decisive line of its output, when one explains the end. */
  cause?: string | undefined;
  /** What to do about that line. */
  causeHint?: string | undefined;
}

function make(code: AgentErrorCode, message: string, hint: string | undefined, context: ErrorContext): AgentSessionError {
  const { redact = (text: string) => text, ...details } = context;
  return new AgentSessionError(code, redact(message), { ...details, ...(hint !== undefined && { hint: redact(hint) }) });
}

const quote = (cause: string | undefined) => (cause ? `: "${cause}"` : '');
const capitalise = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
const TEST_CANCELLED = 'The test was cancelled or timed out.';
const RAISE_TURN_TIMEOUT = 'raise the timeout with say(text, { timeout }) or turnTimeout if the turn is just slow';

export function agentFileNotFound(
  facts: { file: string; isDirectory: boolean; cli?: boolean },
  context: ErrorContext = {},
): AgentSessionError {
  const where = facts.cli
    ? 'Paths given to `start` are resolved against the current directory'
    : 'Paths given to useAgentSession are resolved relative to the test file';
  const hint = facts.isDirectory
    ? 'The path is a directory; give the agent file itself.'
    : `${where}; check the spelling and the location.`;
  return make('AGENT_FILE_NOT_FOUND', `Agent file not found: ${facts.file}`, hint, { agentFile: facts.file, ...context });
}

export type MissingRuntime =
  | { missing: 'python'; tried: readonly string[] }
  | { missing: 'typescript-loader'; extension: string; nodeVersion: string }
  | { missing: 'command' }
  | { missing: 'extension'; fileName: string };

export function runtimeNotFound(facts: MissingRuntime, context: ErrorContext = {}): AgentSessionError {
  switch (facts.missing) {
    case 'python':
      return make(
        'RUNTIME_NOT_FOUND',
        'No Python interpreter found to run the agent.',
        `Tried ${facts.tried.join('; ')}. Create a virtualenv next to the agent (python3 -m venv .venv && .venv/bin/pip install livekit-agents), activate one, or pass { interpreter: ['/path/to/python'] }.`,
        context,
      );
    case 'typescript-loader':
      return make(
        'RUNTIME_NOT_FOUND',
        `No TypeScript loader found to run the ${facts.extension} agent.`,
        `Tried the tsx package (from the agent's project and from agent-session-test) and Node's type stripping (needs Node >= 22.6; this is ${facts.nodeVersion}). Install tsx, compile the agent to .js, or pass { interpreter: [...] }.`,
        context,
      );
    case 'command':
      return make(
        'RUNTIME_NOT_FOUND',
        'The command option is empty.',
        'Give the whole argv, e.g. ["python", "-m", "livekit.agents", "console", "{file}", "--connect-addr", "{connectAddr}"].',
        context,
      );
    case 'extension':
      return make(
        'RUNTIME_NOT_FOUND',
        `Cannot tell how to run ${facts.fileName}: unknown extension.`,
        'Agents are .py (livekit-agents) or .js/.mjs/.cjs/.ts/.mts/.cts (@livekit/agents); for anything else pass { command: [...] }.',
        context,
      );
  }
}

/** The hint for a program that could not be spawned; a stream-json CLI passes its own from cliSpawnHint. */
export const SPAWN_HINT = 'Check that the interpreter in the command exists and is executable.';

/** A CLI's command that could not be spawned: a relative path resolves against its cwd, not the test's. */
export function cliSpawnHint(bin: string, cwd: string, defaultCwd: boolean): string {
  const check = 'Check that the command exists and is executable (for the bundled peers, run `npm run setup:stream-json`).';
  if (path.isAbsolute(bin) || !/[\\/]/.test(bin)) return check;
  const where = defaultCwd ? `${cwd}, the session's fresh empty directory, since no cwd was given` : cwd;
  return `${check} ${JSON.stringify(bin)} is a relative path, so it resolves against the CLI's working directory (${where}), not the test's: give an absolute path, e.g. path.resolve(${JSON.stringify(bin)}).`;
}

export function agentSpawnFailed(facts: { spawnError: Error; hint?: string | undefined }, context: ErrorContext = {}): AgentSessionError {
  return make('AGENT_SPAWN_FAILED', `Could not start the agent: ${facts.spawnError.message}`, facts.hint ?? SPAWN_HINT, {
    cause: facts.spawnError,
    ...context,
  });
}

export type AgentExit =
  /** The agent exited before it connected; `cause` and `hint` come from its output. */
  | { phase: 'starting'; exitCode: number | null; cause?: string | undefined; hint: string }
  /** A stream-json CLI exited while starting (before it answered a start-up request). */
  | { phase: 'cli-starting' }
  /** A stream-json CLI exited (or was killed) after it started. */
  | { phase: 'cli-running'; exitCode: number | null; signal: string | null; duringTurn: boolean };

export function agentExited(facts: AgentExit, context: ErrorContext = {}): AgentSessionError {
  if (facts.phase === 'starting') {
    return make(
      'AGENT_EXITED',
      `The agent exited with code ${facts.exitCode} before connecting${quote(facts.cause)}.`,
      facts.hint,
      context,
    );
  }
  if (facts.phase === 'cli-starting') {
    return make(
      'AGENT_EXITED',
      'The CLI exited while starting.',
      'Its stderr below says why; check the command line, its flags and its environment.',
      context,
    );
  }
  const how = facts.signal ? `was killed by ${facts.signal}` : `exited with code ${facts.exitCode}`;
  return facts.duringTurn
    ? make(
        'AGENT_EXITED',
        `The CLI ${how} during the turn, before its result.`,
        'It crashed or was killed mid-turn; its stderr below says why.',
        context,
      )
    : make('AGENT_EXITED', `The CLI ${how}.`, 'It ended on its own; its stderr below says why.', context);
}

/** Why a signal the harness did not send ended the agent; `starting` when it never connected. */
function killedHint(signal: string, starting: boolean): string {
  if (starting) {
    return 'Something outside the harness ended it (the kernel when out of memory, a container limit, another process); its output below shows how far it got.';
  }
  return signal === 'SIGKILL'
    ? 'Something outside the harness killed it: the kernel (out of memory), a container limit, or a process or test that sent SIGKILL; the harness only sends signals when it closes the session. Its output below shows what it was doing.'
    : `It received ${signal} from outside the harness (the harness only signals an agent when it closes the session); its output below shows what it was doing.`;
}

/** The agent was killed by a signal before connecting (no `at`), or after it was ready. */
export function agentKilled(facts: { signal: string; at?: FailedAt }, context: ErrorContext = {}): AgentSessionError {
  if (facts.at === undefined) {
    return make(
      'AGENT_KILLED',
      `The agent was killed by signal ${facts.signal} before connecting.`,
      killedHint(facts.signal, true),
      context,
    );
  }
  return make(
    'AGENT_KILLED',
    endMessage(`the agent was killed by signal ${facts.signal}`, facts.at, ''),
    killedHint(facts.signal, false),
    context,
  );
}

export function agentCrashed(facts: { cause?: string | undefined; hint: string }, context: ErrorContext = {}): AgentSessionError {
  return make(
    'AGENT_CRASHED',
    `The agent crashed while starting (its job failed; the process was still running)${quote(facts.cause)}.`,
    facts.hint,
    context,
  );
}

/** "The agent exited with code 1 during the turn: "x"." or "Cannot say: the agent exited with code 1 while idle: "x"." */
function endMessage(what: string, at: FailedAt, quoted: string): string {
  return 'during' in at ? `${capitalise(what)} during ${at.during}${quoted}.` : `Cannot ${at.cannot}: ${what} ${at.when}${quoted}.`;
}

const CRASHED = 'It crashed; the output below shows why.';

/** How an agent ended, as a clause ("the agent exited with code 1"), with its code, quoted cause and hint (none: say why yourself). */
export function describeAgentEnd(end: AgentEnd): { code: AgentErrorCode; what: string; quoted: string; hint: string | undefined } {
  const { status } = end;
  if (status?.signal)
    return {
      code: 'AGENT_KILLED',
      what: `the agent was killed by signal ${status.signal}`,
      quoted: '',
      hint: killedHint(status.signal, false),
    };
  if (status)
    return {
      code: 'AGENT_EXITED',
      what: `the agent exited with code ${status.exitCode}`,
      quoted: quote(end.cause),
      hint: end.cause ? (end.causeHint ?? CRASHED) : CRASHED,
    };
  return { code: 'AGENT_DISCONNECTED', what: 'the agent closed the connection', quoted: quote(end.cause), hint: end.causeHint };
}

/**
 * An agent that went away after it was ready: killed by a signal (AGENT_KILLED), exited by itself
 * (AGENT_EXITED), or closed the connection while still running (AGENT_DISCONNECTED).
 */
export function agentEnded(end: AgentEnd, at: FailedAt, context: ErrorContext = {}): AgentSessionError {
  const { code, what, quoted, hint } = describeAgentEnd(end);
  if (code === 'AGENT_DISCONNECTED') return agentDisconnected({ at, cause: end.cause, hint }, context);
  return make(code, endMessage(what, at, quoted), hint, context);
}

/** Later calls on a session whose agent (or CLI) an earlier error already reported gone. */
export interface GoneEarlier {
  cannot: string;
  /** How it went: "the agent exited with code 1", or the first error's short message. */
  how: string;
  /** 'CLI' for a stream-json session. */
  program?: 'agent' | 'CLI';
}

export type Disconnect = { at: FailedAt; cause?: string | undefined; hint?: string | undefined } | { gone: GoneEarlier };

export function agentDisconnected(facts: Disconnect, context: ErrorContext = {}): AgentSessionError {
  if ('gone' in facts) {
    const program = facts.gone.program ?? 'agent';
    return make(
      'AGENT_DISCONNECTED',
      `Cannot ${facts.gone.cannot}: the ${program} has gone away (${facts.gone.how}).`,
      `An earlier failure ended the ${program}; see the error that failed first.`,
      context,
    );
  }
  const { at, cause } = facts;
  // Without a line that explains it, the usual reason: the agent session ended itself.
  const hint =
    facts.hint ??
    ('during' in at
      ? 'The agent session ended itself, usually after repeated unrecoverable errors (e.g. the LLM failing); see the errors in the earlier turns and in the output below.'
      : 'The agent ended its session by itself between requests; the output below shows what it did last.');
  const message =
    'during' in at
      ? `The agent closed the connection during ${at.during} but kept running; it was stopped${quote(cause)}.`
      : `Cannot ${at.cannot}: the agent closed the connection ${at.when} and was stopped${quote(cause)}.`;
  return make('AGENT_DISCONNECTED', message, hint, context);
}

export type StartupWait =
  /** No connection came; `refused` counts connections refused for not coming from the agent's process group. */
  | { waitedFor: 'connection'; timeout: number; refused: number }
  | { waitedFor: 'ping'; timeout: number }
  /** A stream-json CLI did not answer a start-up control request. */
  | { waitedFor: 'control'; subtype: string; timeout: number }
  /** A stream-json CLI wrote its first line but never answered `initialize`. */
  | { waitedFor: 'initialize'; firstLine: string; afterMs: number };

export function startupTimeout(facts: StartupWait, context: ErrorContext = {}): AgentSessionError {
  const raise = (slow: string) => `raise { startupTimeout } if ${slow}`;
  switch (facts.waitedFor) {
    case 'connection':
      return make(
        'AGENT_STARTUP_TIMEOUT',
        `The agent did not connect within the startup timeout (${facts.timeout} ms).`,
        facts.refused > 0
          ? `${facts.refused} connection(s) to the session port were refused because they did not come from a process in the agent's process group; a launcher that runs the agent elsewhere (a container, a daemon, a process that calls setsid) cannot drive the session.`
          : `It may be stuck before AgentSession.start() (e.g. waiting on a network call) or just slow: ${raise('it is slow to import')}, and check that its entrypoint starts an AgentSession.`,
        context,
      );
    case 'ping':
      return make(
        'AGENT_STARTUP_TIMEOUT',
        `The agent connected but did not answer a ping within the startup timeout (${facts.timeout} ms).`,
        `Its event loop may be blocked, or the program on the other end is not a LiveKit agent; ${raise('it is just slow')}.`,
        context,
      );
    case 'control':
      return make(
        'AGENT_STARTUP_TIMEOUT',
        `The CLI did not answer ${facts.subtype} within the startup timeout (${facts.timeout} ms).`,
        `Check that the command runs in headless stream-json mode (\`--input-format stream-json --output-format stream-json\`), or ${raise('it is just slow')}; pass { initialize: false } for a CLI that does not know the initialize request.`,
        context,
      );
    case 'initialize':
      return make(
        'AGENT_STARTUP_TIMEOUT',
        `The CLI writes stream-json (its first line: ${facts.firstLine}) but did not answer the initialize control request within ${facts.afterMs / 1000} s of it.`,
        'The CLI probably ignores control requests: pass { initialize: false } to start without the handshake (permissions and external tools need a CLI that answers control requests).',
        context,
      );
  }
}

/** A turn that did not finish in time; `running` names the tool calls still open, `cli` a stream-json turn (no result line). */
export function turnTimeout(
  facts: { timeout: number; running?: readonly string[]; cli?: boolean },
  context: ErrorContext = {},
): AgentSessionError {
  if (facts.cli) {
    return make(
      'TURN_TIMEOUT',
      `The CLI did not finish the turn within ${facts.timeout} ms (no result line).`,
      `A tool or the model may be hanging, or a permission request went unanswered; ${RAISE_TURN_TIMEOUT}.`,
      context,
    );
  }
  const running = facts.running ?? [];
  return make(
    'TURN_TIMEOUT',
    `The agent did not finish the turn within ${facts.timeout} ms${running.length > 0 ? `; it was still running ${running.join(', ')}` : ''}.`,
    `A tool may be hanging, or the LLM may not be answering; ${RAISE_TURN_TIMEOUT}. The next say() interrupts this turn first, which takes up to about 5 s.`,
    context,
  );
}

export type GreetingMiss =
  /** `raised`: the agent's own error line that stopped the greeting, when it printed one the harness knows. */
  | { reason: 'unfinished'; timeout: number; raised?: GreetingBlocker }
  /** The model failed the greeting's request; `failure` is the first line of its error. */
  | { reason: 'model-failed'; failure: string }
  /**
   * `unreachable`: the agent's own line saying its model call failed for good (could not connect or
   * timed out), when it printed one; `prespawned`: the agent was a spare, started before its file.
   */
  | { reason: 'none'; timeout: number; unreachable?: string | undefined; prespawned?: boolean }
  /** The first turn began before any greeting. */
  | { reason: 'first-turn-began' };

/** An error in the agent's output known to stop a greeting. */
export interface GreetingBlocker {
  kind: 'no-tts';
  /** The agent's line, as it printed it. */
  line: string;
}

/** The first line of `output` known to stop a greeting (the SDK found no TTS for the speech). */
export function greetingBlocker(output: string): GreetingBlocker | undefined {
  const line = /^.*tts_node.*no TTS.*$/m.exec(output)?.[0].trim();
  return line === undefined ? undefined : { kind: 'no-tts', line };
}

/** Whether the agent printed that its model client gave up on a call after its retries (both SDKs word it so). */
export function modelGaveUp(output: string): boolean {
  return /failed to generate LLM completion after \d+ attempts/.test(output);
}

/** The agent's last line saying its model client could not connect (both SDKs name it APIConnectionError). */
export function modelUnreachable(output: string): string | undefined {
  return output
    .match(/^.*APIConnectionError.*$/gm)
    ?.at(-1)
    ?.trim();
}

export function noGreeting(facts: GreetingMiss, context: ErrorContext = {}): AgentSessionError {
  switch (facts.reason) {
    case 'unfinished':
      if (facts.raised?.kind === 'no-tts')
        return make(
          'NO_GREETING',
          `The agent's greeting did not finish within ${facts.timeout} ms: the agent raised ${facts.raised.line}`,
          "The SDK had no TTS for the greeting's speech: its audio output was still on when the greeting started (before the harness switched the agent to text mode). Give the session a TTS (a plugin or an inference model string; text mode never calls it for turns, and a plugin needs only a dummy key).",
          context,
        );
      return make(
        'NO_GREETING',
        `The agent's greeting did not finish within ${facts.timeout} ms.`,
        'A tool it calls while greeting may hang, or the LLM may not answer; raise the wait with greeting({ timeout }) if it is just slow.',
        context,
      );
    case 'model-failed':
      return make(
        'NO_GREETING',
        `The agent's greeting got no answer from the model: ${facts.failure}`,
        "Add a scripted rule for the greeting's model request: it has no user message, e.g. `when: (req) => !req.messages.some((m) => m.role === 'user')`.",
        context,
      );
    case 'none':
      if (facts.unreachable !== undefined)
        return make(
          'NO_GREETING',
          `The agent did not greet: its model call failed: ${facts.unreachable}`,
          facts.prespawned
            ? "The agent was started ahead of time as a spare and asked the model for its greeting before this file took it. Such calls wait until a file takes the spare, but the agent's client gave up first (livekit-agents after four attempts of 10 s each): the files before this one kept the spare waiting that long. Set `prespawn: false` in the plugin's options for agents that greet by asking the model in suites of files that long (docs/runners.md, Pre-spawning agents)."
            : "The greeting's model request did not reach a server: check that the session's `llm` is the endpoint the agent's model client reads from its environment.",
          context,
        );
      return make(
        'NO_GREETING',
        `The agent did not greet within ${facts.timeout} ms.`,
        "Nothing in the agent replied on its own: its on_enter/onEnter (or the code after session.start) should call generate_reply/generateReply or say. With a scripted LLM, check that a rule answers the greeting's request (it has no user message).",
        context,
      );
    case 'first-turn-began':
      return make(
        'NO_GREETING',
        'The agent gave no greeting: the first turn began while it was listening with nothing said.',
        'Wait for the greeting before the first say(): `await agent.greeting()`. An agent that greets late (after some awaited set-up) may still be starting it when the first turn is sent.',
        context,
      );
  }
}

/** A request other than a turn got no answer: `request` names it ("the getChatHistory request made to wait for the greeting"). */
export function requestTimeout(facts: { request: string; timeout: number; cli?: boolean }, context: ErrorContext = {}): AgentSessionError {
  return facts.cli
    ? make(
        'REQUEST_TIMEOUT',
        `The CLI did not answer ${facts.request} within ${facts.timeout} ms.`,
        'The CLI may not know this request, or it reads control requests only between turns.',
        context,
      )
    : make(
        'REQUEST_TIMEOUT',
        `The agent did not finish ${facts.request} within ${facts.timeout} ms.`,
        'The agent may be too old to know this request (agents send no reply to unknown requests), or it is blocked.',
        context,
      );
}

export type RequestFailure =
  /** The agent (or CLI) answered with an error. */
  | { failed: 'answered'; request: string; error: string; cli?: boolean }
  /** The request could not be sent; `tooLarge` when it was over the agents' frame limit. */
  | { failed: 'send'; request: string; error: unknown; tooLarge: boolean }
  /** A stream-json CLI refused `register_external_tools`. */
  | { failed: 'external-tools'; reason: string };

export function requestFailed(facts: RequestFailure, context: ErrorContext = {}): AgentSessionError {
  switch (facts.failed) {
    case 'answered':
      return facts.cli
        ? make(
            'REQUEST_FAILED',
            `The CLI answered ${facts.request} with an error: ${facts.error}`,
            'See the CLI documentation for the request; the CLI may not support it.',
            context,
          )
        : make('REQUEST_FAILED', `The agent answered ${facts.request} with an error: ${facts.error}`, undefined, context);
    case 'send':
      return make(
        'REQUEST_FAILED',
        `Sending ${facts.request} failed: ${String(facts.error)}`,
        facts.tooLarge ? 'The agents accept at most 1 MiB per message: send less. Nothing was sent; the session goes on.' : undefined,
        { cause: facts.error, ...context },
      );
    case 'external-tools':
      return make(
        'REQUEST_FAILED',
        `The CLI refused to register the external tools: ${facts.reason}`,
        'Only Letta Code supports external tools (register_external_tools).',
        context,
      );
  }
}

const CLOSED_HINT = 'A session is closed by close(), and a handle after its test file ends; start a new session for further turns.';

/** A closed session was used (`cannot`: what the caller tried), or a closed handle was started again (`label`). */
export function sessionClosed(facts: { cannot: string } | { label: string }, context: ErrorContext = {}): AgentSessionError {
  return 'cannot' in facts
    ? make('SESSION_CLOSED', `Cannot ${facts.cannot}: the session was closed.`, CLOSED_HINT, context)
    : make('SESSION_CLOSED', `The session for ${facts.label} was closed; it cannot be started again.`, CLOSED_HINT, context);
}

/** The caller's signal aborted a wait: starting the agent, or `waitingFor` something, with the signal's reason. */
export function aborted(
  facts: { starting: true } | { waitingFor: string; reason?: string },
  context: ErrorContext = {},
): AgentSessionError {
  if ('starting' in facts) return make('ABORTED', 'Starting the agent was aborted.', undefined, context);
  const reason = facts.reason === undefined ? '' : ` (${facts.reason})`;
  return make('ABORTED', `Waiting for ${facts.waitingFor} was aborted${reason}.`, TEST_CANCELLED, context);
}

export type ProtocolViolation =
  /** The agent broke the session protocol during a request (`during`); `fault` is what ProtocolError saw. */
  | { during: string; message: string; fault: ProtocolFault | undefined }
  | { cli: 'unknown-type'; type: unknown; excerpt: string }
  | { cli: 'malformed-line'; message: string; line: string };

export function protocolError(facts: ProtocolViolation, context: ErrorContext = {}): AgentSessionError {
  if ('during' in facts) {
    const hint =
      facts.fault === 'oversized-frame'
        ? 'If the agent really sends messages this large (a huge tool output or chat history), raise { maxFrameBytes }; otherwise the peer on the session port is not speaking the agent session protocol. The connection was dropped and the agent stopped.'
        : 'The peer on the session port is not speaking the agent session protocol correctly; the connection was dropped and the agent stopped.';
    return make('PROTOCOL_ERROR', `Protocol violation during ${facts.during}: ${facts.message}.`, hint, context);
  }
  if (facts.cli === 'unknown-type') {
    return make(
      'PROTOCOL_ERROR',
      `The CLI sent a message of unknown type ${JSON.stringify(facts.type)}: ${facts.excerpt}`,
      "The harness stopped the CLI, since it cannot tell what the message means for the turn. If the CLI is newer than the harness, pass { unknownMessages: 'ignore' } to skip such lines.",
      context,
    );
  }
  return make(
    'PROTOCOL_ERROR',
    `The CLI wrote a malformed line on stdout: ${facts.message}: ${facts.line}`,
    'Something in the CLI printed to stdout outside the stream-json protocol (a log line, a banner), or it is not running in `--output-format stream-json` mode. The harness stopped it.',
    context,
  );
}

/** The terminal CLI was called wrongly: `problem` says how; the hint points at the usage. */
export function cliUsage(facts: { problem: string }, context: ErrorContext = {}): AgentSessionError {
  return make('CLI_USAGE', facts.problem, 'Run `agent-session-test help` for the commands and their options.', context);
}

/** A CLI command needs a running session named `name` and there is none (`stale`: its daemon had died, and its state was cleared). */
export function cliNoSession(
  facts: { name: string; stale?: { pid: number }; ended?: string },
  context: ErrorContext = {},
): AgentSessionError {
  const stale = facts.stale ? ` (its daemon, pid ${facts.stale.pid}, was gone; the stale state was cleared)` : '';
  const flag = facts.name === 'default' ? '' : ` --name ${facts.name}`;
  if (facts.ended !== undefined) {
    return make(
      'CLI_NO_SESSION',
      `The session "${facts.name}" has ended: its agent went away between commands.\n${facts.ended}`,
      `\`agent-session-test logs${flag}\` shows all it printed; \`agent-session-test start <agent-file>${flag}\` starts it again (\`stop${flag}\` clears what is left).`,
      context,
    );
  }
  return make(
    'CLI_NO_SESSION',
    `No session named "${facts.name}" is running${stale}.`,
    `Start one with \`agent-session-test start <agent-file>${flag}\`; \`agent-session-test list\` shows the running ones.`,
    context,
  );
}

/** `start` found a live daemon for the name already. */
export function cliSessionRunning(facts: { name: string; pid: number; agentFile: string }, context: ErrorContext = {}): AgentSessionError {
  return make(
    'CLI_SESSION_RUNNING',
    `A session named "${facts.name}" is already running: daemon pid ${facts.pid}, agent ${facts.agentFile}.`,
    `Stop it with \`agent-session-test stop --name ${facts.name}\`, or start another with a different --name.`,
    context,
  );
}

/** The agent's SDK has no mock registry the preload can use (it said so while starting). */
export function toolMocksUnsupported(facts: { sdk: 'python' | 'node'; line: string }, context: ErrorContext = {}): AgentSessionError {
  const needed = facts.sdk === 'python' ? 'livekit-agents 1.6.5' : '@livekit/agents 1.5.0';
  return make(
    'TOOL_MOCKS_UNSUPPORTED',
    `The agent's SDK cannot take tool mocks: "${facts.line}".`,
    `Tool mocks need ${needed} or later: upgrade the agent's SDK, or drop the \`tools\` option.`,
    context,
  );
}

/** A scope of tool mocks that ended with mocks no agent in charge could use (see session/mocks/stack.ts). */
export interface UnknownMocks {
  /** Where the mocks were given; `mockTools()` never restored is checked when the session closes. */
  scope: 'the `tools` option' | 'mockTools()' | 'mockTools() never restored' | 'say() with `tools`';
  unknown: readonly { tool: string; agentId?: string; reason: 'no-agent-has-it' | 'agent-lacks-it' | 'agent-not-in-charge' }[];
  agents: readonly { agentId: string; tools: readonly string[] }[];
}

/** Mocks that no agent in charge while they were in force could use: a misspelt tool or agent id. */
export function toolMockUnknown(check: UnknownMocks, context: ErrorContext = {}): AgentSessionError {
  const [head, during] = {
    'say() with `tools`': ['The mocks given to say()', 'the turn'],
    'mockTools()': ['The mocks of mockTools()', 'them, until restore()'],
    'mockTools() never restored': ['The mocks of a mockTools() never restored', 'them, until the session closed'],
    'the `tools` option': ['The `tools` option', 'the session'],
  }[check.scope];
  const lines = check.unknown.map(({ tool, agentId, reason }) => {
    if (reason === 'no-agent-has-it') return `  - ${tool}: no agent in charge had a tool of that name`;
    if (reason === 'agent-lacks-it') return `  - ${tool} for ${agentId}: ${agentId} has no tool of that name`;
    return `  - ${tool} for ${agentId}: no agent ${agentId} was in charge`;
  });
  const agents = check.agents.map((agent) => `  - ${agent.agentId}: ${agent.tools.join(', ') || '(no tools)'}`);
  const fix = 'Name each tool as the model calls it, and each agent by its id, as listed.';
  // Only a scope that outlives a turn can hold mocks for an agent its turns did not reach.
  const later =
    check.scope === 'say() with `tools`'
      ? ''
      : ' If the tool is right but its agent was not reached, mock it in the turn or test that reaches it (say(text, { tools }) or mockTools()).';
  const unrestored =
    check.scope === 'mockTools() never restored' ? ' Call the restore function mockTools() returned at the end of its test.' : '';
  return make(
    'TOOL_MOCK_UNKNOWN',
    [
      `${head} could not be used by any agent in charge during ${during}:`,
      ...lines,
      'The agents in charge, and their tools:',
      ...agents,
    ].join('\n'),
    fix + later + unrestored,
    context,
  );
}

/**
 * The judge's (or the simulated user's) model could not be asked, or answered with nothing usable:
 * a cassette miss (with how the call differs), a refused or unreachable endpoint.
 */
export function judgeFailed(
  facts: { status?: number; detail: string; role?: 'judge' | 'user'; endpoint?: boolean },
  context: ErrorContext = {},
): AgentSessionError {
  const who = facts.role === 'user' ? "The simulated user's model" : "The judge's model";
  const miss = /cassette/i.test(facts.detail);
  const where = facts.role === 'user' ? 'the user' : 'the judge';
  // With a server of the test's own (a cassetteLlm), the variables below play no part.
  const endpoint = facts.endpoint
    ? ' (AGENT_SESSION_TEST_JUDGE_BASE_URL and AGENT_SESSION_TEST_JUDGE_API_KEY, else OPENAI_BASE_URL and OPENAI_API_KEY)'
    : '';
  return make(
    'JUDGE_FAILED',
    `${who} call failed${facts.status !== undefined ? ` (HTTP ${facts.status})` : ''}: ${facts.detail}`,
    miss
      ? `Record the call: run the test without CI (what is missing from the cassette of ${where} is recorded) with its model reachable${endpoint}, then commit the cassette.`
      : `Check the model of ${where}: its \`llm\` option${endpoint}.`,
    context,
  );
}

/** The factory of each code, for tests and documentation checks that must cover every code. */
export const FACTORIES: Record<AgentErrorCode, (...args: never[]) => AgentSessionError> = {
  AGENT_FILE_NOT_FOUND: agentFileNotFound,
  RUNTIME_NOT_FOUND: runtimeNotFound,
  AGENT_SPAWN_FAILED: agentSpawnFailed,
  AGENT_EXITED: agentExited,
  AGENT_KILLED: agentKilled,
  AGENT_CRASHED: agentCrashed,
  AGENT_STARTUP_TIMEOUT: startupTimeout,
  TURN_TIMEOUT: turnTimeout,
  NO_GREETING: noGreeting,
  REQUEST_TIMEOUT: requestTimeout,
  AGENT_DISCONNECTED: agentDisconnected,
  PROTOCOL_ERROR: protocolError,
  REQUEST_FAILED: requestFailed,
  SESSION_CLOSED: sessionClosed,
  ABORTED: aborted,
  CLI_USAGE: cliUsage,
  CLI_NO_SESSION: cliNoSession,
  CLI_SESSION_RUNNING: cliSessionRunning,
  TOOL_MOCKS_UNSUPPORTED: toolMocksUnsupported,
  TOOL_MOCK_UNKNOWN: toolMockUnknown,
  JUDGE_FAILED: judgeFailed,
};
