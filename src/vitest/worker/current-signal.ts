/** The abort signal of the Vitest test running now, if any: aborted on its timeout, Ctrl-C or bail. */
import { TestRunner } from 'vitest';

export function currentSignal(): AbortSignal | undefined {
  try {
    return TestRunner.getCurrentTest()?.context?.signal;
  } catch {
    return undefined;
  }
}
