/**
 * Reading the judge's answer, failing closed: a criterion without a readable verdict of its own is
 * failed, with the reason in place of the model's reasoning; so is every criterion when the answer
 * has no call of the verdict tool.
 */
import { VERDICT_TOOL } from './prompt.js';
import type { Verdict, VerdictOutcome } from './types.js';

const OUTCOMES: readonly VerdictOutcome[] = ['passed', 'failed', 'inconclusive'];

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The arguments of the verdict tool call in a chat completion, or why there are none. */
function verdictArguments(completion: unknown): { args: Record<string, unknown> } | { problem: string } {
  const choices = isRecord(completion) ? completion['choices'] : undefined;
  const message = Array.isArray(choices) && isRecord(choices[0]) ? choices[0]['message'] : undefined;
  const calls = isRecord(message) ? message['tool_calls'] : undefined;
  const call = Array.isArray(calls)
    ? calls.find((c) => isRecord(c) && isRecord(c['function']) && c['function']['name'] === VERDICT_TOOL)
    : undefined;
  if (!isRecord(call) || !isRecord(call['function'])) {
    const text = isRecord(message) && typeof message['content'] === 'string' ? `: it answered "${message['content'].slice(0, 200)}"` : '';
    return { problem: `the judge did not call ${VERDICT_TOOL}${text}` };
  }
  const raw = call['function']['arguments'];
  try {
    const args: unknown = typeof raw === 'string' ? JSON.parse(raw) : raw;
    if (isRecord(args)) return { args };
  } catch {
    // reported below
  }
  return { problem: `the judge's ${VERDICT_TOOL} arguments are not a JSON object: ${String(raw).slice(0, 200)}` };
}

/** One verdict per criterion, in order, from the judge's chat completion. */
export function parseVerdicts(completion: unknown, criteria: readonly string[]): Verdict[] {
  const omitted = (criterion: string, reasoning: string): Verdict => ({
    criterion,
    verdict: 'failed',
    reasoning,
    evidence: [],
    omitted: true,
  });
  const found = verdictArguments(completion);
  if ('problem' in found) return criteria.map((criterion) => omitted(criterion, found.problem));
  const given = Array.isArray(found.args['verdicts']) ? (found.args['verdicts'] as unknown[]) : [];
  const byNumber = new Map<number, unknown[]>();
  for (const entry of given) {
    const number = isRecord(entry) ? Number(entry['criterion']) : NaN;
    if (Number.isInteger(number)) byNumber.set(number, [...(byNumber.get(number) ?? []), entry]);
  }
  return criteria.map((criterion, i) => {
    const entries = byNumber.get(i + 1) ?? [];
    if (entries.length === 0) return omitted(criterion, 'the judge gave no verdict on this criterion');
    if (entries.length > 1) return omitted(criterion, `the judge gave ${entries.length} verdicts on this criterion`);
    const entry = entries[0] as Record<string, unknown>;
    const verdict = entry['verdict'];
    if (typeof verdict !== 'string' || !OUTCOMES.includes(verdict as VerdictOutcome)) {
      return omitted(criterion, `the judge's verdict ${JSON.stringify(verdict)} is none of ${OUTCOMES.join(', ')}`);
    }
    const evidence = Array.isArray(entry['evidence']) ? entry['evidence'].filter((e): e is string => typeof e === 'string') : [];
    const reasoning = typeof entry['reasoning'] === 'string' ? entry['reasoning'] : '';
    return { criterion, verdict: verdict as VerdictOutcome, reasoning, evidence };
  });
}
