/**
 * Gives an annotation made after a test ran a place in the test file. Vitest locates an
 * annotation at the frame of the test file in the stack of the `annotate` call; made from an
 * `onTestFailed` handler, that stack holds no such frame, and an annotation without a location
 * is skipped by the github-actions reporter (it needs a file and a line). For the one
 * synchronous `annotate` call, the stack Vitest reads is extended with stack lines of the test
 * file, so Vitest picks the location itself, as it would for an `annotate` written in the test.
 */
import type { RunnerTestCase } from 'vitest';

/** A V8 stack frame line: `    at fn (file:line:column)` or `    at file:line:column`. */
const FRAME = /^\s*at\s.*:\d+:\d+\)?\s*$/;

/** The frame lines of a stack trace, without the message (which may itself span lines). */
export function stackFrames(stack: string | undefined): string[] {
  return stack ? stack.split('\n').filter((line) => FRAME.test(line)) : [];
}

/**
 * Where a failed test's annotation belongs, best first, as stack lines: where it failed (its
 * errors' stacks), where it last talked to an agent (`lastCall`, an Error made at that call),
 * the test's own line (with `includeTaskLocation`), and the first line of the test file. Vitest
 * takes the first line that is in the test file, so an annotation always lands in it.
 */
export function failureFrames(test: RunnerTestCase, lastCall?: Error): string[] {
  const file = test.file.filepath;
  const frames = (test.result?.errors ?? []).flatMap((error) => stackFrames(error.stack));
  frames.push(...stackFrames(lastCall?.stack));
  if (test.location) frames.push(`    at ${file}:${test.location.line}:${test.location.column}`);
  frames.push(`    at ${file}:1:1`);
  return frames;
}

/** V8's own layout, for when no formatter is installed. */
function defaultStack(error: Error, callSites: NodeJS.CallSite[]): string {
  return [String(error), ...callSites.map((site) => `    at ${site}`)].join('\n');
}

/** Runs `call` with every stack trace made meanwhile ending in `frames`. Synchronous only. */
export function withExtraFrames<T>(frames: readonly string[], call: () => T): T {
  if (frames.length === 0) return call();
  const own = Object.getOwnPropertyDescriptor(Error, 'prepareStackTrace');
  const format = Error.prepareStackTrace;
  Error.prepareStackTrace = (error, callSites) => {
    const stack: unknown = format ? format(error, callSites) : defaultStack(error, callSites);
    return typeof stack === 'string' ? `${stack}\n${frames.join('\n')}` : stack;
  };
  try {
    return call();
  } finally {
    if (own) Object.defineProperty(Error, 'prepareStackTrace', own);
    else Reflect.deleteProperty(Error, 'prepareStackTrace');
  }
}
