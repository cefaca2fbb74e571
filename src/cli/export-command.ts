/**
 * `export <file.test.ts>` and `init <agent-file>`: the command-line ends of `exportSession` and
 * `init` (./export.ts, ./init.ts). Export takes the running session's turns from its daemon and
 * its model from the state file.
 */
import { cliUsage } from '../errors/messages.js';
import { parseArgs } from './args.js';
import { EXIT, type ExitCode } from './exit-codes.js';
import { exportSession, TEST_FILE, type SessionModel } from './export.js';
import { init } from './init.js';
import { ask, liveState } from './session-client.js';
import { DEFAULT_NAME, shownPath, type ModelSource } from './state.js';

const REQUEST_TIMEOUT = 20_000;

function sessionModel(model: ModelSource, name: string): SessionModel {
  if (model.kind === 'scripted') {
    return { rules: model.module, ...(model.exportName && { exportName: model.exportName }), ...(model.form && { form: model.form }) };
  }
  if (model.kind === 'record' || model.kind === 'replay') return { cassette: model.cassette };
  throw cliUsage({
    problem: `The session "${name}" runs the agent's live model, so there is no model traffic to replay: start it with --record <cassette> or --llm <module> to export it.`,
  });
}

export async function exportCommand(args: readonly string[]): Promise<ExitCode> {
  const parsed = parseArgs('export', args, { values: ['name', 'test-name'], switches: ['force'] });
  const [testFile, ...extra] = parsed.positionals;
  if (testFile === undefined || extra.length > 0)
    throw cliUsage({ problem: '`export` takes one test file: agent-session-test export <file.test.ts>.' });
  if (!TEST_FILE.test(testFile))
    throw cliUsage({
      problem: `\`export\` writes a test file: its name must end in .test.ts (or .spec.ts, .test.js, ...), not ${testFile}.`,
    });
  const name = parsed.values.get('name') ?? DEFAULT_NAME;
  const { state } = await liveState(name);
  if (state.target) {
    throw cliUsage({
      problem: `The session "${name}" holds a stream-json CLI (${state.agentFile}); export writes tests of LiveKit agent files. Write its test with useStreamJsonSession (docs/stream-json.md); \`history --json\` gives the turns to assert.`,
    });
  }
  // What cannot be exported at all says so first, before whether there is anything yet.
  const model = sessionModel(state.model, name);
  const answer = await ask(name, { command: 'history' }, REQUEST_TIMEOUT);
  if (!answer.ok || !('turns' in answer)) {
    process.stderr.write(`${answer.ok ? 'The daemon sent no turns.' : answer.message}\n`);
    return EXIT.failed;
  }
  if (answer.turns.every((turn) => turn.index < 0))
    throw cliUsage({ problem: `The session "${name}" has no turns yet: \`say\` something first, then export.` });
  const exported = await exportSession({
    agentFile: state.agentFile,
    turns: answer.turns,
    testFile,
    model,
    ...(parsed.values.has('test-name') && { testName: parsed.values.get('test-name')! }),
    force: parsed.switches.has('force'),
  });
  process.stderr.write(`Wrote ${shownPath(exported.testFile)}${exported.cassette ? ` and ${shownPath(exported.cassette)}` : ''}.\n`);
  return EXIT.ok;
}

export async function initCommand(args: readonly string[]): Promise<ExitCode> {
  const parsed = parseArgs('init', args, {});
  const [agentFile, ...extra] = parsed.positionals;
  if (agentFile === undefined || extra.length > 0)
    throw cliUsage({ problem: '`init` takes the agent file: agent-session-test init <agent-file>.' });
  const result = await init({ cwd: process.cwd(), agentFile });
  for (const message of result.messages) process.stderr.write(`${message}\n`);
  return EXIT.ok;
}
