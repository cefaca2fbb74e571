/** Grading a conversation against criteria with a model: one verdict per criterion, failing closed. */
import { judgeFailed } from '../errors/messages.js';
import type { TurnRecord } from '../turn/types.js';
import { callJudge, DEFAULT_JUDGE_MODEL, isServer, JUDGE_ENV, JudgeCallError, judgeServer } from './model.js';
import { parseVerdicts } from './parse.js';
import { JUDGE_PROMPT_VERSION, judgeRequest } from './prompt.js';
import { judgeTranscript } from './transcript.js';
import type { JudgeOptions, JudgeResult, Verdict } from './types.js';

/** Evidence must be lines of the transcript: ids that are not are taken out, and said so in the reasoning. */
function checkEvidence(verdicts: Verdict[], transcript: string): Verdict[] {
  const ids = new Set([...transcript.matchAll(/^\[([^\]]+)\]/gm)].map((match) => match[1]!));
  return verdicts.map((verdict) => {
    const unknown = verdict.evidence.filter((id) => !ids.has(id));
    if (unknown.length === 0) return verdict;
    const note = `(cited lines not in the transcript: ${unknown.join(', ')})`;
    return {
      ...verdict,
      evidence: verdict.evidence.filter((id) => ids.has(id)),
      reasoning: verdict.reasoning ? `${verdict.reasoning} ${note}` : note,
    };
  });
}

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
    // A refused call's detail is the whole story (a cassette miss's field diff): no cause to repeat it.
    const endpoint = !isServer(options.llm);
    throw error instanceof JudgeCallError
      ? judgeFailed({ status: error.status, detail: error.detail, endpoint })
      : judgeFailed({ detail: error instanceof Error ? error.message : String(error), endpoint }, { cause: error });
  }
  const verdicts = checkEvidence(parseVerdicts(completion, options.criteria), transcript);
  const passes = (verdict: string) => verdict === 'passed' || (verdict === 'inconclusive' && options.inconclusivePasses === true);
  return { passed: verdicts.every((v) => passes(v.verdict)), verdicts, transcript, promptVersion: JUDGE_PROMPT_VERSION };
}
