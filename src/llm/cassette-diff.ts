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

/** A tool's name (chat completions nest it under `function`, the Responses API does not). */
function toolName(item: unknown): string | undefined {
  const tool = item as { name?: unknown; function?: { name?: unknown } } | null;
  const name = tool?.function?.name ?? tool?.name;
  return typeof name === 'string' ? name : undefined;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Compares two JSON values, adding one difference per changed leaf and one per whole element
 * or field added or removed. Tools are paired by name rather than position, so adding a tool is
 * one difference, not a shift of every tool after it.
 */
function diffValues(recorded: unknown, actual: unknown, path: string, out: FieldDifference[]): void {
  const at = (key: string) => (path ? `${path}${key.startsWith('[') ? '' : '.'}${key}` : key);
  if (Array.isArray(recorded) && Array.isArray(actual)) {
    const byName = path === 'tools' && [...recorded, ...actual].every((item) => toolName(item) !== undefined);
    if (byName) {
      const before = new Map(recorded.map((tool) => [toolName(tool)!, tool]));
      const after = new Map(actual.map((tool) => [toolName(tool)!, tool]));
      for (const [name, tool] of before) {
        if (after.has(name)) diffValues(tool, after.get(name), at(`[${JSON.stringify(name)}]`), out);
        else out.push({ path: at(`[${JSON.stringify(name)}]`), recorded: tool });
      }
      for (const [name, tool] of after) if (!before.has(name)) out.push({ path: at(`[${JSON.stringify(name)}]`), actual: tool });
      return;
    }
    for (let i = 0; i < Math.max(recorded.length, actual.length); i++) {
      if (i >= actual.length) out.push({ path: at(`[${i}]`), recorded: recorded[i] });
      else if (i >= recorded.length) out.push({ path: at(`[${i}]`), actual: actual[i] });
      else diffValues(recorded[i], actual[i], at(`[${i}]`), out);
    }
    return;
  }
  if (isObject(recorded) && isObject(actual)) {
    for (const [key, value] of Object.entries(recorded)) {
      if (!(key in actual)) out.push({ path: at(key), recorded: value });
      else diffValues(value, actual[key], at(key), out);
    }
    for (const [key, value] of Object.entries(actual)) if (!(key in recorded)) out.push({ path: at(key), actual: value });
    return;
  }
  if (JSON.stringify(recorded) !== JSON.stringify(actual)) out.push({ path: path || '(body)', recorded, actual });
}

/** The fields in which `actual` differs from `recorded`, in the order of the recorded request. */
export function diffRequests(recorded: CassetteRequest, actual: CassetteRequest): FieldDifference[] {
  const diffs: FieldDifference[] = [];
  if (recorded.path !== actual.path) diffs.push({ path: '(path)', recorded: recorded.path, actual: actual.path });
  diffValues(recorded.body, actual.body, '', diffs);
  return diffs;
}

/** The recorded entry nearest to `request`: fewest differing fields, the same test preferred on a tie. */
export function closestEntry(
  entries: readonly CassetteEntry[],
  request: CassetteRequest,
  test: string,
): { entry: CassetteEntry; diffs: FieldDifference[] } | undefined {
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
  while (
    end < recorded.length - start &&
    end < actual.length - start &&
    recorded[recorded.length - 1 - end] === actual[actual.length - 1 - end]
  )
    end++;
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
