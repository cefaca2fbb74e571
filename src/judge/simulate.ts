/**
 * A simulated user: a model plays the user and drives the real agent turn by turn, while the
 * judge grades the goal after each turn. The run stops on the goal, on `until`, when the user ends
 * it, or at `maxTurns`, where the judge, not a default, decides.
 */
import { judgeFailed } from '../errors/messages.js';
import type { ToolMap, TurnRecord } from '../turn/types.js';
import { judgeConversation } from './judge.js';
import { callJudge, DEFAULT_JUDGE_MODEL, isServer, JUDGE_ENV, JudgeCallError, judgeServer } from './model.js';
import { parseUserLine, userRequest } from './user-prompt.js';
import type { JudgeResult, SimulateUserOptions, SimulationResult, SimulationStop } from './types.js';

/** What the simulation drives: a session or its handle (typed by its tool map, or not). */
export interface SayingAgent<Tools extends ToolMap = ToolMap> {
  say(text: string): Promise<TurnRecord<Tools>>;
}

const DEFAULT_MAX_TURNS = 10;

function checkSimulation(options: SimulateUserOptions): number {
  for (const key of ['persona', 'goal'] as const) {
    if (typeof options?.[key] !== 'string' || options[key].trim() === '')
      throw new TypeError(`simulateUser() needs \`${key}\`: a non-empty string`);
  }
  const maxTurns = options.maxTurns ?? DEFAULT_MAX_TURNS;
  if (!Number.isInteger(maxTurns) || maxTurns < 1)
    throw new TypeError(`simulateUser(): \`maxTurns\` must be a whole number >= 1, got ${String(options.maxTurns)}`);
  for (const [i, step] of (options.script ?? []).entries()) {
    const ok =
      typeof step === 'string' ||
      (typeof step === 'object' &&
        step !== null &&
        (typeof (step as { check?: unknown }).check === 'function' || Number.isInteger((step as { simulate?: unknown }).simulate)));
    if (!ok)
      throw new TypeError(
        `simulateUser(): script step ${i + 1} must be a user line (string), { simulate: n } or { check: (turns) => ... }`,
      );
  }
  return maxTurns;
}

/**
 * Drives `agent` with a model playing the user, and judges the goal.
 *
 * @example
 * const result = await simulateUser(agent, {
 *   persona: 'a cyclist whose brakes squeal',
 *   goal: 'Get a brake repair booked for next week',
 *   maxTurns: 6,
 * });
 * expect(result.passed).toBe(true);
 */
export async function simulateUser<Tools extends ToolMap = ToolMap>(
  agent: SayingAgent<Tools>,
  options: SimulateUserOptions,
): Promise<SimulationResult<Tools>> {
  const maxTurns = checkSimulation(options);
  const criteria = [options.goal, ...(options.judge?.criteria ?? [])];
  const turns: TurnRecord<Tools>[] = [];
  const userModel = options.model ?? process.env[JUDGE_ENV.model] ?? DEFAULT_JUDGE_MODEL;
  let judged: { at: number; result: JudgeResult } | undefined;
  let endReason: string | undefined;

  const judge = async () => {
    if (judged?.at !== turns.length) {
      // The judge reads any turn: the tool map only types the test's view of it.
      judged = { at: turns.length, result: await judgeConversation(turns as unknown as TurnRecord[], { ...options.judge, criteria }) };
    }
    return judged.result;
  };
  /** The user's next line, or undefined when it ends the conversation. */
  const nextLine = async (): Promise<string | undefined> => {
    let completion: unknown;
    try {
      completion = await callJudge(
        judgeServer(options, 'user'),
        userRequest(userModel, options.persona, options.goal, turns as unknown as TurnRecord[]),
      );
    } catch (error) {
      const endpoint = !isServer(options.llm);
      throw error instanceof JudgeCallError
        ? judgeFailed({ status: error.status, detail: error.detail, role: 'user', endpoint })
        : judgeFailed({ detail: String(error), role: 'user', endpoint }, { cause: error });
    }
    const answer = parseUserLine(completion);
    if ('problem' in answer) throw judgeFailed({ detail: answer.problem, role: 'user', endpoint: !isServer(options.llm) });
    if ('end' in answer) {
      endReason = answer.end;
      return undefined;
    }
    return answer.say;
  };
  /** One turn of the user's line; true when the run must stop (and why is set). */
  const take = async (line: string): Promise<SimulationStop | undefined> => {
    const turn = await agent.say(line);
    turns.push(turn);
    if (options.until && (await options.until(turn as unknown as TurnRecord, turns as unknown as TurnRecord[]))) return 'until';
    return undefined;
  };

  let stoppedBy: SimulationStop | undefined;
  if (options.script) {
    steps: for (const step of options.script) {
      if (typeof step === 'object' && 'check' in step) {
        await step.check(turns as unknown as TurnRecord[]);
        continue;
      }
      for (let i = 0; i < (typeof step === 'string' ? 1 : step.simulate); i++) {
        if (turns.length >= maxTurns) {
          stoppedBy = 'maxTurns';
          break steps;
        }
        const line = typeof step === 'string' ? step : await nextLine();
        if (line === undefined) {
          stoppedBy = 'user-ended';
          break steps;
        }
        stoppedBy = await take(line);
        if (stoppedBy) break steps;
      }
    }
    stoppedBy ??= 'script-end';
  } else {
    for (;;) {
      if (turns.length >= maxTurns) {
        stoppedBy = 'maxTurns';
        break;
      }
      const line = await nextLine();
      if (line === undefined) {
        stoppedBy = 'user-ended';
        break;
      }
      stoppedBy = await take(line);
      if (stoppedBy) break;
      if ((await judge()).verdicts[0]?.verdict === 'passed') {
        stoppedBy = 'goal';
        break;
      }
    }
  }
  const result = await judge();
  return { turns, verdicts: result.verdicts, passed: result.passed, stoppedBy, ...(endReason !== undefined && { endReason }) };
}
