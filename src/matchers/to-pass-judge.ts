import type { JudgeOptions, Verdict } from '../judge/types.js';
import { failureMessage, openMatcher } from './frame.js';
import type { TurnOptions } from './types.js';
import { type MatcherContext, type MatcherResult } from './utils.js';

/** Options of `toPassJudge`: the judge's, and `turn` to pick one turn of a list. */
export type JudgeMatcherOptions = JudgeOptions & TurnOptions;

const MARKS = { passed: '✓', failed: '✗', inconclusive: '?' } as const;

/**
 * `await expect(turn | agent.turns).toPassJudge({ criteria })`: a model grades the conversation
 * against each criterion (see `judgeConversation`); passes when every criterion passed. The failure
 * message lists each criterion with its verdict and reasoning under the transcript the judge read,
 * whose line ids its evidence cites.
 */
export async function toPassJudge(this: MatcherContext, received: unknown, options: JudgeMatcherOptions): Promise<MatcherResult> {
  const { isNot, p, header, turns, isList } = openMatcher(this, 'toPassJudge', received, [['options', options]], options);
  // The judge brings the model clients and their servers; loaded when a test asks for it, not
  // with the matchers every test worker registers.
  const { checkJudgeOptions, judgeConversation } = await import('../judge/judge.js');
  checkJudgeOptions(options, header);
  const result = await judgeConversation(turns, options);
  const counted = (v: Verdict) => v.verdict === 'passed' || (v.verdict === 'inconclusive' && options.inconclusivePasses === true);
  const notMet = result.verdicts.filter((v) => !counted(v));
  const n = result.verdicts.length;
  const line = (v: Verdict) => {
    const colour = v.verdict === 'passed' ? p.green : v.verdict === 'failed' ? p.red : p.yellow;
    const evidence = v.evidence.length > 0 ? p.dim(` (${v.evidence.join(', ')})`) : '';
    return [
      `  ${colour(`${MARKS[v.verdict]} ${v.verdict}`)}  ${v.criterion}`,
      `      ${v.omitted ? p.red(v.reasoning) : v.reasoning}${evidence}`,
    ];
  };
  return {
    pass: result.passed,
    message: () =>
      failureMessage({
        hint: header,
        expected: isNot
          ? 'some criterion not met'
          : `${n === 1 ? 'the criterion' : `all ${n} criteria`} met${options.inconclusivePasses ? ' (inconclusive passes)' : ''}`,
        received: isNot ? 'every criterion met' : `${notMet.length} of ${n} not met`,
        turns,
        isList,
        // The judge's own transcript: its verdicts cite these line ids.
        transcript: result.transcript,
        after: ['', p.bold(`Verdicts (judge prompt v${result.promptVersion}):`), ...result.verdicts.flatMap(line)],
      }),
  };
}
