/**
 * Ties each turn to the test that took it: the turn records go into the test's metadata
 * (`task.meta.agentTurns`, which reporters, the JSON report and `--merge-reports` carry), and
 * when the test fails, an annotation holds the rendered transcript of its turns, so the
 * default, html, junit and github-actions reporters show the conversation next to the error.
 */
import path from 'node:path';
import { TestRunner, type RunnerTestCase } from 'vitest';
import { failureFrames, withExtraFrames } from './annotation-location.js';
import { renderSession } from '../../render/index.js';
import type { AgentTurnEntry } from '../../reporter/task-meta.js';
import type { TurnRecord } from '../../turn/types.js';

export type { AgentTurnEntry };

/** The annotation type of a failed test's transcript. */
export const TRANSCRIPT_ANNOTATION = 'agent transcript';

const armed = new WeakSet<RunnerTestCase>();
/** Where each test last called `say`, kept unformatted (cheap) until a failure needs it. */
const lastCalls = new WeakMap<RunnerTestCase, Error>();

function currentTest(): RunnerTestCase | undefined {
  try {
    return TestRunner.getCurrentTest();
  } catch {
    return undefined;
  }
}

/** The transcript of a test's turns, one block per agent when it talked to several. */
export function renderTestTranscript(entries: readonly AgentTurnEntry[]): string {
  const agents = [...new Set(entries.map((e) => e.agent))];
  return agents
    .map((agent) => {
      const turns = entries.filter((e) => e.agent === agent).map((e) => e.turn);
      const body = renderSession(turns, { color: false });
      return agents.length > 1 ? `${agent}\n${body}` : body;
    })
    .join('\n\n');
}

/**
 * Annotates a test that has already failed. Vitest refuses `annotate` once a test's state is
 * no longer "run", which it is by the time `onTestFailed` handlers run; the state is lifted
 * back for the synchronous check only, and the annotation then travels the normal way. It is
 * placed where the test failed (see annotation-location.ts), which the github-actions
 * reporter needs to show it.
 */
function annotateFailed(test: RunnerTestCase, message: string): Promise<unknown> | undefined {
  const result = test.result;
  if (!result) return undefined;
  const frames = failureFrames(test, lastCalls.get(test));
  const state = result.state;
  result.state = 'run';
  try {
    return withExtraFrames(frames, () => test.context.annotate(message, TRANSCRIPT_ANNOTATION));
  } finally {
    result.state = state;
  }
}

function armFailureTranscript(test: RunnerTestCase): void {
  if (armed.has(test)) return;
  armed.add(test);
  test.context.onTestFailed(async () => {
    const entries = test.meta.agentTurns;
    if (!entries?.length) return;
    await annotateFailed(test, renderTestTranscript(entries));
  });
}

/**
 * Wraps a handle so that every `say()` made inside a test is recorded on that test, and the
 * greeting too when a test asks for it. Outside a test (in a beforeAll, a script) turns are not
 * attributed to any test.
 */
export function recordTurnsOnTests<Handle extends TurnTaker>(handle: Handle, agentLabel: string): Handle {
  const agent = path.isAbsolute(agentLabel) ? path.relative(process.cwd(), agentLabel) || agentLabel : agentLabel;
  // A copy of the handle with its accessors intact (`turns` is a getter), and `say` wrapped.
  const wrapped = Object.defineProperties({}, Object.getOwnPropertyDescriptors(handle)) as Handle;
  const recorded =
    <A extends unknown[]>(call: (...args: A) => Promise<unknown>, label: string) =>
    async (...args: A) => {
      const test = currentTest();
      // Armed before the turn, so a test failing in or after this turn shows the earlier ones.
      if (test) {
        armFailureTranscript(test);
        // Made here, where the caller (the test) is still on the stack.
        lastCalls.set(test, new Error(label));
      }
      const turn = await call(...args);
      if (test) (test.meta.agentTurns ??= []).push({ agent, turn: turn as TurnRecord });
      return turn;
    };
  wrapped.say = recorded((text: string, options?: never) => handle.say(text, options), 'say');
  const greeting = handle.greeting;
  if (greeting) wrapped.greeting = recorded((options?: never) => greeting.call(handle, options), 'greeting');
  return wrapped;
}

/** Anything that takes turns: the LiveKit and the stream-json handles. */
export interface TurnTaker {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- each handle has its own options type; `unknown` would refuse both
  say(text: string, options?: any): Promise<unknown>;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- as for say
  greeting?(options?: any): Promise<unknown>;
}
