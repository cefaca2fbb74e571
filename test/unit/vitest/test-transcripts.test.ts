import { expect, test } from 'vitest';
import { recordTurnsOnTests } from '../../../src/vitest/worker/test-transcripts.js';
import type { TurnRecord } from '../../../src/turn/types.js';

const record = (input: string, index: number) => ({ input, index }) as unknown as TurnRecord;

test('the greeting a test waits for is recorded on the test with its turns', async ({ task }) => {
  const handle = recordTurnsOnTests(
    { say: async (text: string) => record(text, 0), greeting: async () => record('', -1) },
    '/abs/agents/greeter.py',
  );
  await handle.greeting();
  await handle.say('hi');
  expect(task.meta.agentTurns?.map((entry) => entry.turn.index)).toEqual([-1, 0]);
  // These stand-in turns are not records a reporter could render: keep them out of the run's report.
  delete task.meta.agentTurns;
});
