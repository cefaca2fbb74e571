/**
 * Repeated trials: the same conversation k times, for a live or recording model whose answers vary
 * from run to run. A trial passes when it returns true, a passing judge's or simulation's result,
 * or nothing; it fails when it returns false, a failing result, or throws.
 */
import type { TrialResult, TrialsReport, Verdict } from './types.js';

type TrialOutcome = boolean | void | undefined | { passed: boolean; verdicts?: Verdict[] };

function summarise(k: number, results: readonly TrialResult[]): string {
  const passed = results.filter((r) => r.passed).length;
  const lines = [`${k} trial${k === 1 ? '' : 's'}: ${passed} passed, ${k - passed} failed (pass^${k}: ${passed === k ? 'yes' : 'no'})`];
  for (const result of results) {
    if (result.passed) {
      lines.push(`  trial ${result.trial}  ✓ passed`);
      continue;
    }
    const why =
      result.error ??
      result.verdicts
        ?.filter((v) => v.verdict !== 'passed')
        .map((v) => `${v.criterion}: ${v.verdict} (${v.reasoning})`)
        .join('; ');
    lines.push(`  trial ${result.trial}  ✗ failed${why ? `: ${why.split('\n')[0]}` : ''}`);
  }
  return lines.join('\n');
}

/**
 * Runs `run` k times, one after another (agents share the machine's cores), and reports each trial
 * and pass^k.
 *
 * @example
 * const report = await trials(5, async () => {
 *   const session = await startAgentSession('./agent.py', { llm: cassetteLlm({ mode: 'off' }) });
 *   try {
 *     return await simulateUser(session, { persona, goal });
 *   } finally {
 *     await session.close();
 *   }
 * });
 * expect(report.passAll, report.summary).toBe(true);
 */
export async function trials(k: number, run: (trial: number) => Promise<TrialOutcome> | TrialOutcome): Promise<TrialsReport> {
  if (!Number.isInteger(k) || k < 1) throw new TypeError(`trials() takes a whole number of trials >= 1, got ${String(k)}`);
  if (typeof run !== 'function') throw new TypeError('trials() takes the trial as a function (trial) => result');
  const results: TrialResult[] = [];
  for (let trial = 1; trial <= k; trial++) {
    try {
      const outcome = await run(trial);
      if (outcome === undefined || typeof outcome === 'boolean') results.push({ trial, passed: outcome !== false });
      else if (typeof outcome === 'object' && outcome !== null && typeof outcome.passed === 'boolean') {
        results.push({ trial, passed: outcome.passed, ...(outcome.verdicts && { verdicts: outcome.verdicts }) });
      } else {
        throw new TypeError(`trial ${trial} returned ${typeof outcome}: return true/false, a judge's or simulation's result, or nothing`);
      }
    } catch (error) {
      results.push({ trial, passed: false, error: error instanceof Error ? error.message : String(error) });
    }
  }
  const passed = results.filter((r) => r.passed).length;
  return { k, passed, passAll: passed === k, passRate: passed / k, results, summary: summarise(k, results) };
}
