/**
 * The explanation of a replay miss: the recorded request closest to the one that missed, and
 * how the two differ field by field, so a prompt regression reads like a code review.
 */

import type { CassetteEntry, CassetteRequest } from './cassette-format.js';

/** How many differing fields the explanation lists before summarising the rest. */
const SHOWN_DIFFERENCES = 12;
/** How much unchanged text is kept on each side of a change within a long string. */
const CONTEXT_CHARS = 40;

/** One differing field: its path (`messages[2].content`) and the values, absent on one side when added or removed. */
export interface FieldDifference {
  path: string;
  recorded?: unknown;
  actual?: unknown;
}

/** The leaves of a JSON value by path; an empty array or object is a leaf of its own. */
function leaves(value: unknown, prefix = '', out = new Map<string, unknown>()): Map<string, unknown> {
  if (Array.isArray(value) && value.length > 0) {
    value.forEach((item, i) => leaves(item, `${prefix}[${i}]`, out));
  } else if (typeof value === 'object' && value !== null && Object.keys(value).length > 0) {
    for (const [key, item] of Object.entries(value)) leaves(item, prefix ? `${prefix}.${key}` : key, out);
  } else {
    out.set(prefix || '(body)', value);
  }
  return out;
}

/** The fields in which `actual` differs from `recorded`, in the order of the recorded request. */
export function diffRequests(recorded: CassetteRequest, actual: CassetteRequest): FieldDifference[] {
  const diffs: FieldDifference[] = [];
  if (recorded.path !== actual.path) diffs.push({ path: '(path)', recorded: recorded.path, actual: actual.path });
  const before = leaves(recorded.body);
  const after = leaves(actual.body);
  for (const [path, value] of before) {
    if (!after.has(path)) diffs.push({ path, recorded: value });
    else if (JSON.stringify(after.get(path)) !== JSON.stringify(value)) diffs.push({ path, recorded: value, actual: after.get(path) });
  }
  for (const [path, value] of after) if (!before.has(path)) diffs.push({ path, actual: value });
  return diffs;
}

/** The recorded entry nearest to `request`: fewest differing fields, the same test preferred on a tie. */
export function closestEntry(entries: readonly CassetteEntry[], request: CassetteRequest, test: string): { entry: CassetteEntry; diffs: FieldDifference[] } | undefined {
  let best: { entry: CassetteEntry; diffs: FieldDifference[]; score: number } | undefined;
  for (const entry of entries) {
    const diffs = diffRequests(entry.request, request);
    // Half a point against other tests: a tie goes to the running test's own recording.
    const score = diffs.length + (entry.test === test ? 0 : 0.5);
    if (!best || score < best.score) best = { entry, diffs, score };
  }
  return best && { entry: best.entry, diffs: best.diffs };
}

/** Two strings shown around their first difference, the common start and end elided. */
function stringPair(recorded: string, actual: string): [string, string] {
  let start = 0;
  while (start < recorded.length && start < actual.length && recorded[start] === actual[start]) start++;
  let end = 0;
  while (end < recorded.length - start && end < actual.length - start && recorded[recorded.length - 1 - end] === actual[actual.length - 1 - end]) end++;
  const show = (text: string) => {
    const from = Math.max(0, start - CONTEXT_CHARS);
    const to = Math.min(text.length, text.length - end + CONTEXT_CHARS);
    return `${from > 0 ? '…' : ''}${JSON.stringify(text.slice(from, to))}${to < text.length ? '…' : ''}`;
  };
  return [show(recorded), show(actual)];
}

function shown(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 200 ? `${text.slice(0, 199)}…` : text;
}

/** The differences as indented lines: `- recorded`, `+ now`. */
export function formatDifferences(diffs: readonly FieldDifference[]): string[] {
  const lines: string[] = [];
  for (const diff of diffs.slice(0, SHOWN_DIFFERENCES)) {
    lines.push(`  ${diff.path}`);
    if (typeof diff.recorded === 'string' && typeof diff.actual === 'string') {
      const [before, after] = stringPair(diff.recorded, diff.actual);
      lines.push(`    - ${before}`, `    + ${after}`);
      continue;
    }
    if ('recorded' in diff) lines.push(`    - ${shown(diff.recorded)}`);
    if ('actual' in diff) lines.push(`    + ${shown(diff.actual)}`);
  }
  if (diffs.length > SHOWN_DIFFERENCES) lines.push(`  … and ${diffs.length - SHOWN_DIFFERENCES} more`);
  return lines;
}
