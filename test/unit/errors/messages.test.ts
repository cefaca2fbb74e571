import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import {
  aborted,
  agentCrashed,
  agentDisconnected,
  agentEnded,
  agentExited,
  agentFileNotFound,
  agentKilled,
  agentSpawnFailed,
  AgentSessionError,
  cliNoSession,
  cliSessionRunning,
  toolMocksUnsupported,
  toolMockUnknown,
  judgeFailed,
  cliSpawnHint,
  cliUsage,
  describeAgentEnd,
  ERROR_CODES,
  FACTORIES,
  noGreeting,
  greetingBlocker,
  modelUnreachable,
  protocolError,
  requestFailed,
  requestTimeout,
  runtimeNotFound,
  sessionClosed,
  SPAWN_HINT,
  startupTimeout,
  turnTimeout,
  type AgentErrorCode,
} from '../../../src/errors/index.js';

const DOCS = new URL('../../../docs/troubleshooting.md', import.meta.url);

/** The codes named in the first column of the codes table of docs/troubleshooting.md (the one before "## Troubleshooting"), in order. */
function documentedCodes(markdown: string): string[] {
  const section = markdown.split(/^## Troubleshooting$/m)[0] ?? '';
  return [...section.matchAll(/^\| `([A-Z_]+)` \|/gm)].map((match) => match[1]!);
}

describe('the codes table of docs/troubleshooting.md', () => {
  test('has one row per code, in the order of ERROR_CODES, and no row for a code that does not exist', () => {
    expect(documentedCodes(readFileSync(DOCS, 'utf8'))).toEqual([...ERROR_CODES]);
  });

  test('the check fails on a missing row and on an unknown code', () => {
    const docs = readFileSync(DOCS, 'utf8');
    expect(documentedCodes(docs.replace(/^\| `ABORTED` \|.*\n/m, ''))).not.toEqual([...ERROR_CODES]);
    expect(documentedCodes(docs.replace('| `ABORTED` |', '| `CANCELLED` |'))).not.toEqual([...ERROR_CODES]);
  });

  test('every code has a factory that raises it', () => {
    expect(Object.keys(FACTORIES).sort()).toEqual([...ERROR_CODES].sort());
  });
});

/** One error of each code, built by its factory, checked for the code it carries. */
const samples: Record<AgentErrorCode, AgentSessionError> = {
  AGENT_FILE_NOT_FOUND: agentFileNotFound({ file: '/p/agent.py', isDirectory: false }),
  RUNTIME_NOT_FOUND: runtimeNotFound({ missing: 'command' }),
  AGENT_SPAWN_FAILED: agentSpawnFailed({ spawnError: new Error('spawn python ENOENT') }),
  AGENT_EXITED: agentExited({ phase: 'cli-starting' }),
  AGENT_KILLED: agentKilled({ signal: 'SIGKILL' }),
  AGENT_CRASHED: agentCrashed({ hint: 'h' }),
  AGENT_STARTUP_TIMEOUT: startupTimeout({ waitedFor: 'ping', timeout: 10 }),
  TURN_TIMEOUT: turnTimeout({ timeout: 10 }),
  NO_GREETING: noGreeting({ reason: 'first-turn-began' }),
  REQUEST_TIMEOUT: requestTimeout({ request: 'the getSessionState request', timeout: 10 }),
  AGENT_DISCONNECTED: agentDisconnected({ gone: { cannot: 'say', how: 'connection closed' } }),
  PROTOCOL_ERROR: protocolError({ during: 'the turn', message: 'bad frame', fault: 'undecodable-frame' }),
  REQUEST_FAILED: requestFailed({ failed: 'answered', request: 'getAgentInfo', error: 'boom' }),
  SESSION_CLOSED: sessionClosed({ cannot: 'say' }),
  ABORTED: aborted({ starting: true }),
  CLI_USAGE: cliUsage({ problem: 'Unknown command "frobnicate".' }),
  CLI_NO_SESSION: cliNoSession({ name: 'default', stale: { pid: 42 } }),
  CLI_SESSION_RUNNING: cliSessionRunning({ name: 'default', pid: 42, agentFile: '/p/agent.py' }),
  TOOL_MOCKS_UNSUPPORTED: toolMocksUnsupported({ sdk: 'python', line: 'agent-session-test: tool mocks: no registry' }),
  TOOL_MOCK_UNKNOWN: toolMockUnknown({
    scope: 'mockTools()',
    unknown: [{ tool: 'lookup_wether', reason: 'no-agent-has-it' }],
    agents: [{ agentId: 'weather_agent', tools: ['lookup_weather'] }],
  }),
  JUDGE_FAILED: judgeFailed({ status: 400, detail: 'no recorded call matches' }),
};

test.each(ERROR_CODES)('%s: its factory raises an AgentSessionError with that code', (code) => {
  expect(samples[code]).toBeInstanceOf(AgentSessionError);
  expect(samples[code].code).toBe(code);
});

describe('messages and hints', () => {
  test('the details are on the error and in the message; the short message is the first line', () => {
    const error = runtimeNotFound(
      { missing: 'python', tried: ['an active virtualenv (VIRTUAL_ENV is not set)', 'python3 and python on PATH'] },
      { agentFile: '/p/agent.py' },
    );
    expect(error.shortMessage).toBe('No Python interpreter found to run the agent.');
    expect(error.agentFile).toBe('/p/agent.py');
    expect(error.hint).toMatch(/^Tried an active virtualenv \(VIRTUAL_ENV is not set\); python3 and python on PATH\. Create a virtualenv/);
    expect(error.message).toContain('Agent: /p/agent.py');
    expect(error.message).toContain(`What to do: ${error.hint}`);
  });

  test('the redaction of the context applies to the message and the hint', () => {
    const redact = (text: string) => text.replaceAll('s3cret-value', '[redacted $TOKEN]');
    const error = requestFailed({ failed: 'send', request: 'the turn', error: new Error('s3cret-value'), tooLarge: false }, { redact });
    expect(error.shortMessage).toBe('Sending the turn failed: Error: [redacted $TOKEN]');
    expect(error.hint).toBeUndefined();
    expect(error.cause).toBeInstanceOf(Error);
    expect(
      startupTimeout({ waitedFor: 'initialize', firstLine: '{"k":"s3cret-value"}', afterMs: 15_000 }, { redact }).message,
    ).not.toContain('s3cret-value');
  });

  test('an agent file that is a directory, or missing', () => {
    expect(agentFileNotFound({ file: '/p', isDirectory: true }).hint).toBe('The path is a directory; give the agent file itself.');
    expect(agentFileNotFound({ file: '/p/a.py', isDirectory: false }).hint).toMatch(/relative to the test file/);
  });

  test('a spawn failure: the default hint, or the one for a stream-json CLI whose command is relative', () => {
    expect(agentSpawnFailed({ spawnError: new Error('x') }).hint).toBe(SPAWN_HINT);
    expect(cliSpawnHint('letta', '/w', true)).not.toContain('relative path');
    const hint = cliSpawnHint('node_modules/.bin/letta', '/w', true);
    expect(hint).toMatch(
      /"node_modules\/\.bin\/letta" is a relative path, so it resolves against the CLI's working directory \(\/w, the session's fresh empty directory/,
    );
    expect(hint).toContain('path.resolve("node_modules/.bin/letta")');
    expect(cliSpawnHint('./letta', '/w', false)).toContain('working directory (/w), not the test');
  });

  test('a turn timeout names the tool calls still running', () => {
    const error = turnTimeout({ timeout: 500, running: ['slow({"s":1})'] });
    expect(error.shortMessage).toBe('The agent did not finish the turn within 500 ms; it was still running slow({"s":1}).');
    expect(error.hint).toMatch(/tool may be hanging[\s\S]*say\(text, \{ timeout \}\)/);
    expect(turnTimeout({ timeout: 500, cli: true }).shortMessage).toBe('The CLI did not finish the turn within 500 ms (no result line).');
  });

  test('a startup timeout with refused connections says why they were refused', () => {
    expect(startupTimeout({ waitedFor: 'connection', timeout: 100, refused: 1 }).hint).toMatch(
      /^1 connection\(s\) to the session port were refused because they did not come from a process in the agent's process group/,
    );
    expect(startupTimeout({ waitedFor: 'connection', timeout: 100, refused: 0 }).hint).toMatch(/raise \{ startupTimeout \}/);
    expect(startupTimeout({ waitedFor: 'control', subtype: 'initialize', timeout: 100 }).shortMessage).toBe(
      'The CLI did not answer initialize within the startup timeout (100 ms).',
    );
    expect(startupTimeout({ waitedFor: 'initialize', firstLine: '{}', afterMs: 15_000 }).shortMessage).toContain('within 15 s of it');
  });

  test('the greeting: each way it can be missing has its own advice', () => {
    expect(noGreeting({ reason: 'unfinished', timeout: 9 }).hint).toMatch(/greeting\(\{ timeout \}\)/);
    // What livekit-agents 1.8.9 prints when an on_enter greeting meets an agent without a TTS.
    const output = [
      '01:10:55 INFO livekit.agents starting worker',
      'RuntimeError: `tts_node` called but no TTS node is available. If audio output is not needed, disable it using `session.output.set_audio_enabled(False)`.',
    ].join('\n');
    const raised = greetingBlocker(output);
    expect(raised?.line).toMatch(/^RuntimeError: `tts_node` called/);
    const noTts = noGreeting({ reason: 'unfinished', timeout: 9, raised });
    expect(noTts.shortMessage).toContain('the agent raised RuntimeError: `tts_node` called but no TTS node is available');
    expect(noTts.hint).toMatch(/Give the session a TTS/);
    expect(greetingBlocker('nothing of the kind')).toBeUndefined();
    expect(noGreeting({ reason: 'model-failed', failure: 'no rule' }).shortMessage).toBe(
      "The agent's greeting got no answer from the model: no rule",
    );
    expect(noGreeting({ reason: 'none', timeout: 9 }).hint).toMatch(/on_enter\/onEnter[\s\S]*generate_reply/);
    // What livekit-agents 1.8.9 prints when an agent's model server is not listening.
    const refused = [
      '    raise APIConnectionError(request=request) from err',
      'openai.APIConnectionError: Connection error.',
      'livekit.agents._exceptions.APIConnectionError: Connection error. (caused by ConnectError: All connection attempts failed)',
      '07:08:09 DEBUG livekit.agents http_session(): closing the httpclient ctx',
    ].join('\n');
    const unreachable = modelUnreachable(refused);
    expect(unreachable).toBe(
      'livekit.agents._exceptions.APIConnectionError: Connection error. (caused by ConnectError: All connection attempts failed)',
    );
    expect(noGreeting({ reason: 'none', timeout: 9, unreachable, prespawned: false }).shortMessage).toContain(
      'its model call failed: livekit.agents._exceptions.APIConnectionError',
    );
    // What it prints when a spare's held greeting call waited longer than the SDK's timeouts and retries.
    const timedOut = [
      'livekit.agents._exceptions.APITimeoutError: Request timed out.',
      'The above exception was the direct cause of the following exception:',
      'livekit.agents._exceptions.APIConnectionError: failed to generate LLM completion after 4 attempts (caused by APITimeoutError: Request timed out.)',
    ].join('\n');
    const spare = noGreeting({ reason: 'none', timeout: 9, unreachable: modelUnreachable(timedOut), prespawned: true });
    expect(spare.shortMessage).toContain(
      'its model call failed: livekit.agents._exceptions.APIConnectionError: failed to generate LLM completion after 4 attempts',
    );
    expect(spare.hint).toMatch(/spare[\s\S]*gave up first[\s\S]*`prespawn: false`/);
    expect(noGreeting({ reason: 'none', timeout: 9, unreachable, prespawned: false }).hint).toMatch(/session's `llm`/);
    expect(modelUnreachable('nothing of the kind')).toBeUndefined();
    expect(noGreeting({ reason: 'first-turn-began' }).hint).toContain('await agent.greeting()');
  });

  test('a closed session and a closed handle share one hint', () => {
    expect(sessionClosed({ cannot: 'say' }).shortMessage).toBe('Cannot say: the session was closed.');
    expect(sessionClosed({ label: 'agent.py' }).shortMessage).toBe('The session for agent.py was closed; it cannot be started again.');
    expect(sessionClosed({ cannot: 'say' }).hint).toBe(sessionClosed({ label: 'agent.py' }).hint);
  });

  test('aborts: starting, or a wait with the signal reason', () => {
    expect(aborted({ starting: true }).hint).toBeUndefined();
    expect(aborted({ waitingFor: 'the turn', reason: 'Test timed out' }).shortMessage).toBe(
      'Waiting for the turn was aborted (Test timed out).',
    );
    expect(aborted({ waitingFor: 'the interrupt control request' }).shortMessage).toBe(
      'Waiting for the interrupt control request was aborted.',
    );
  });

  test('protocol violations: an oversized frame points at maxFrameBytes; stream-json lines at their own fixes', () => {
    expect(protocolError({ during: 'the turn', message: 'too big', fault: 'oversized-frame' }).hint).toMatch(/raise \{ maxFrameBytes \}/);
    expect(protocolError({ during: 'the turn', message: 'bad', fault: undefined }).hint).not.toMatch(/maxFrameBytes/);
    expect(protocolError({ cli: 'unknown-type', type: 'x', excerpt: '{"type":"x"}' }).hint).toContain("unknownMessages: 'ignore'");
    expect(protocolError({ cli: 'malformed-line', message: 'Unexpected token', line: 'hello' }).shortMessage).toBe(
      'The CLI wrote a malformed line on stdout: Unexpected token: hello',
    );
  });

  test('requests: timeouts and failed answers, from an agent and from a CLI', () => {
    expect(requestTimeout({ request: 'the getAgentInfo request', timeout: 5 }).hint).toMatch(/too old/);
    expect(requestTimeout({ request: 'the interrupt control request', timeout: 5, cli: true }).shortMessage).toBe(
      'The CLI did not answer the interrupt control request within 5 ms.',
    );
    expect(requestFailed({ failed: 'answered', request: 'the x control request', error: 'no', cli: true }).hint).toMatch(
      /CLI may not support it/,
    );
    expect(requestFailed({ failed: 'send', request: 'the turn', error: new Error('big'), tooLarge: true }).hint).toMatch(
      /Nothing was sent; the session goes on/,
    );
    expect(requestFailed({ failed: 'external-tools', reason: 'unknown subtype' }).hint).toMatch(/Only Letta Code/);
  });

  test('the stream-json CLI exits: while starting, mid-turn, or on its own', () => {
    expect(agentExited({ phase: 'cli-running', exitCode: null, signal: 'SIGTERM', duringTurn: true }).shortMessage).toBe(
      'The CLI was killed by SIGTERM during the turn, before its result.',
    );
    expect(agentExited({ phase: 'cli-running', exitCode: 3, signal: null, duringTurn: false }).shortMessage).toBe(
      'The CLI exited with code 3.',
    );
    expect(agentExited({ phase: 'starting', exitCode: 1, cause: 'ImportError: x', hint: 'install x' }).shortMessage).toBe(
      'The agent exited with code 1 before connecting: "ImportError: x".',
    );
  });
});

describe('an agent that went away after it was ready', () => {
  const during = { during: 'the turn' };
  const idle = { cannot: 'say', when: 'while idle' };

  test('killed: the signal, and who may have sent it', () => {
    const error = agentEnded({ status: { exitCode: null, signal: 'SIGKILL' } }, during);
    expect(error.code).toBe('AGENT_KILLED');
    expect(error.shortMessage).toBe('The agent was killed by signal SIGKILL during the turn.');
    expect(error.hint).toMatch(/out of memory/);
    expect(agentEnded({ status: { exitCode: null, signal: 'SIGTERM' } }, idle).shortMessage).toBe(
      'Cannot say: the agent was killed by signal SIGTERM while idle.',
    );
    expect(agentKilled({ signal: 'SIGKILL' }).shortMessage).toBe('The agent was killed by signal SIGKILL before connecting.');
  });

  test('exited: the code and the decisive line, or "it crashed" without one', () => {
    const error = agentEnded({ status: { exitCode: 1, signal: null }, cause: 'FATAL boom', causeHint: 'fix boom' }, idle);
    expect(error.code).toBe('AGENT_EXITED');
    expect(error.shortMessage).toBe('Cannot say: the agent exited with code 1 while idle: "FATAL boom".');
    expect(error.hint).toBe('fix boom');
    expect(agentEnded({ status: { exitCode: 2, signal: null } }, during).hint).toBe('It crashed; the output below shows why.');
  });

  test('disconnected while running: the usual reason unless a line explains it', () => {
    const error = agentEnded({ status: undefined }, during);
    expect(error.code).toBe('AGENT_DISCONNECTED');
    expect(error.shortMessage).toBe('The agent closed the connection during the turn but kept running; it was stopped.');
    expect(error.hint).toMatch(/repeated unrecoverable errors/);
    expect(agentEnded({ status: undefined }, idle).shortMessage).toBe(
      'Cannot say: the agent closed the connection while idle and was stopped.',
    );
    expect(agentEnded({ status: undefined }, idle).hint).toMatch(/between requests/);
    expect(agentEnded({ status: undefined, cause: 'room is not connected', causeHint: 'skip room steps' }, during).hint).toBe(
      'skip room steps',
    );
  });

  test('later calls point back at the first error', () => {
    const error = agentDisconnected({ gone: { cannot: 'say', how: 'the agent exited with code 1', program: 'agent' } });
    expect(error.shortMessage).toBe('Cannot say: the agent has gone away (the agent exited with code 1).');
    expect(error.hint).toMatch(/earlier failure/);
    expect(agentDisconnected({ gone: { cannot: 'interrupt', how: 'x', program: 'CLI' } }).hint).toBe(
      'An earlier failure ended the CLI; see the error that failed first.',
    );
  });

  test('describeAgentEnd gives the clause the later calls quote', () => {
    expect(describeAgentEnd({ status: { exitCode: 1, signal: null } }).what).toBe('the agent exited with code 1');
    expect(describeAgentEnd({ status: undefined }).hint).toBeUndefined();
  });
});
