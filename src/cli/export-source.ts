/**
 * The text of an exported test: one Vitest test that says each turn of a session again, in order,
 * and asserts what the agent did: every tool call with its arguments, every handoff, the reply.
 *
 * One test with sequential says rather than a test per turn: every reply depends on the turns
 * before it (the agent keeps the conversation), and a cassette files its calls under the running
 * test's name, so separate tests would pass only in order and fail when one runs alone (`-t`).
 */
import type { TurnRecord } from '../turn/types.js';
import { regexLiteral, stringLiteral, valueLiteral } from './code-literal.js';

/** Where the exported test's model answers come from. */
export type ExportedModel =
  /** A cassette beside the test, at the default place for the test file (`__cassettes__/<name>.jsonl`). */
  | { kind: 'cassette' }
  /**
   * A module of scripted rules, imported by `specifier` (relative to the test file). Its export
   * `exportName` (default `default`) is the rules array (`form: 'rules'`), a `scriptedLlm` server
   * (`'server'`) or a function returning one (`'factory'`).
   */
  | { kind: 'rules'; specifier: string; exportName?: string; form: 'rules' | 'server' | 'factory' };

export interface ExportedTestSpec {
  /** The agent file, relative to the test file, starting with `./` or `../`. */
  agentSpecifier: string;
  testName: string;
  /** The records in order: the greeting first (index -1) when there was one; later index -1 records are what `listen` heard. */
  turns: readonly TurnRecord[];
  model: ExportedModel;
}

/** Replies longer than this are asserted by their start: the whole text makes a test hard to read and brittle. */
export const LONG_REPLY = 200;
/** How much of a long reply's first line the pattern keeps. */
const PATTERN_PREFIX = 60;

/** The assertion on a reply: the text itself, or for a long reply a pattern of its start. */
function replyAssertion(name: string, reply: string): string | undefined {
  if (reply === '') return undefined;
  if (reply.length <= LONG_REPLY) return `expect(${name}).toHaveReplied(${stringLiteral(reply)});`;
  const firstLine = reply.split('\n')[0]!.slice(0, PATTERN_PREFIX);
  return `expect(${name}).toHaveReplied(${regexLiteral(firstLine, true)});`;
}

/** The statements of one record: how it came (a say, the greeting, a listen), then its assertions. */
function turnStatements(turn: TurnRecord, name: string, came: string): string[] {
  const lines = [`const ${name} = await agent.${came};`];
  // toHaveNoErrors counts a tool that raised as an error too: such a turn asserts the tool error instead.
  if (turn.errors.length === 0 && !turn.toolCalls.some((call) => call.isError)) lines.push(`expect(${name}).toHaveNoErrors();`);
  for (const call of turn.toolCalls) {
    const args = call.args as unknown;
    const withArgs = typeof args === 'object' && args !== null && Object.keys(args).length > 0;
    lines.push(`expect(${name}).toHaveCalledTool(${stringLiteral(call.name)}${withArgs ? `, ${valueLiteral(args)}` : ''});`);
    if (call.isError) lines.push(`expect(${name}).toHaveToolError(${stringLiteral(call.name)});`);
  }
  for (const handoff of turn.handoffs) {
    const from = handoff.from !== undefined ? `, { from: ${stringLiteral(handoff.from)} }` : '';
    // Agents of one class share an id, so a handoff between them is told apart by the new agent's instructions.
    const to =
      handoff.instructions && handoff.from === handoff.to
        ? `{ id: ${stringLiteral(handoff.to)}, instructions: ${stringLiteral(handoff.instructions.split('\n')[0]!.slice(0, PATTERN_PREFIX))} }`
        : stringLiteral(handoff.to);
    lines.push(`expect(${name}).toHaveHandedOffTo(${to}${from});`);
  }
  const reply = replyAssertion(name, turn.reply);
  if (reply) lines.push(reply);
  return lines;
}

function modelLines(model: ExportedModel): { imports: string[]; setup: string[] } {
  if (model.kind === 'cassette') {
    return {
      imports: ["import { cassetteLlm } from 'agent-session-test/llm';"],
      setup: [
        '// The model answers recorded in the session, replayed from __cassettes__/ beside this file.',
        '// Re-record against the real model with AGENT_SESSION_TEST_LLM_MODE=record.',
        'const llm = cassetteLlm();',
      ],
    };
  }
  const exportName = model.exportName ?? 'default';
  const local = exportName === 'default' ? 'scripted' : exportName;
  const binding = exportName === 'default' ? local : `{ ${exportName} }`;
  const imports = [`import ${binding} from ${stringLiteral(model.specifier)};`];
  if (model.form === 'rules') imports.unshift("import { scriptedLlm } from 'agent-session-test/llm';");
  const value = model.form === 'rules' ? `scriptedLlm(${local})` : model.form === 'factory' ? `${local}()` : local;
  return { imports, setup: ['// The scripted rules the session ran with.', `const llm = ${value};`] };
}

/** The exported test file's text (formatted after, with the project's Prettier when it has one). */
export function exportedTestSource(spec: ExportedTestSpec): string {
  const { imports, setup } = modelLines(spec.model);
  const body: string[] = [];
  let said = 0;
  let heard = 0;
  for (const turn of spec.turns) {
    if (body.length > 0) body.push('');
    if (turn.index >= 0) body.push(...turnStatements(turn, `turn${++said}`, `say(${stringLiteral(turn.input)})`));
    // Unprompted speech: before any turn the greeting, after one what a timer or a background task said.
    else if (said === 0 && heard === 0) body.push(...turnStatements(turn, 'greeting', 'greeting()'));
    else body.push(...turnStatements(turn, `heard${++heard}`, 'listen()'));
  }
  return [
    '// Exported from a terminal session by `agent-session-test export`.',
    "import { expect, test } from 'vitest';",
    "import { useAgentSession } from 'agent-session-test/vitest';",
    ...imports,
    '',
    ...setup,
    `const agent = useAgentSession(${stringLiteral(spec.agentSpecifier)}, { llm });`,
    '',
    `test(${stringLiteral(spec.testName)}, async () => {`,
    ...body.map((line) => (line === '' ? '' : `  ${line}`)),
    '});',
    '',
  ].join('\n');
}
