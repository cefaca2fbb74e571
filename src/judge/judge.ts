/** Grading a conversation against criteria with a model: one verdict per criterion, failing closed. */
import { judgeFailed } from '../errors/messages.js';
import type { TurnRecord } from '../turn/types.js';
import { callJudge, DEFAULT_JUDGE_MODEL, JUDGE_ENV, JudgeCallError, judgeServer } from './model.js';
import { parseVerdicts } from './parse.js';
import { JUDGE_PROMPT_VERSION, judgeRequest } from './prompt.js';
import { judgeTranscript } from './transcript.js';
import type { JudgeOptions, JudgeResult } from './types.js';

/** Refuses criteria that could never be graded, before any model is called. */
export function checkJudgeOptions(options: JudgeOptions, where: string): void {
  const criteria: unknown = options?.criteria;
  if (!Array.isArray(criteria) || criteria.length === 0) {
    throw new TypeError(`${where} needs \`criteria\`: a non-empty list of what the conversation must do`);
  }
  criteria.forEach((criterion: unknown, i) => {
    if (typeof criterion !== 'string' || criterion.trim() === '') {
      throw new TypeError(`${where}: criterion ${i + 1} must be a non-empty string, got ${JSON.stringify(criterion)}`);
    }
  });
}

/**
 * Asks the judge's model whether the conversation (a turn, or `agent.turns`) meets each criterion.
 * A criterion the model leaves out, or answers unreadably, is failed; `passed` is true when every
 * verdict is `passed` (or `inconclusive`, with `inconclusivePasses`).
 *
 * @example
 * const { passed, verdicts } = await judgeConversation(agent.turns, { criteria: ['The agent confirmed the booking date'] });
 */
export async function judgeConversation(turns: TurnRecord | readonly TurnRecord[], options: JudgeOptions): Promise<JudgeResult> {
  checkJudgeOptions(options, 'judgeConversation()');
  const list = Array.isArray(turns) ? (turns as readonly TurnRecord[]) : [turns as TurnRecord];
  const transcript = judgeTranscript(list);
  const model = options.model ?? process.env[JUDGE_ENV.model] ?? DEFAULT_JUDGE_MODEL;
  let completion: unknown;
  try {
    completion = await callJudge(judgeServer(options), judgeRequest(model, options.criteria, transcript));
  } catch (error) {
    throw judgeFailed(
      error instanceof JudgeCallError
        ? { status: error.status, detail: error.detail }
        : { detail: error instanceof Error ? error.message : String(error) },
      { cause: error },
    );
  }
  const verdicts = parseVerdicts(completion, options.criteria);
  const passes = (verdict: string) => verdict === 'passed' || (verdict === 'inconclusive' && options.inconclusivePasses === true);
  return { passed: verdicts.every((v) => passes(v.verdict)), verdicts, transcript, promptVersion: JUDGE_PROMPT_VERSION };
}
