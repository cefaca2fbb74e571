/** Marking a turn's tool calls that a mock of the test answered, by their call ids. */
import type { TurnRecord } from '../../turn/types.js';
import type { MockedCall } from './types.js';

export function markMocked(record: TurnRecord, calls: readonly MockedCall[] | undefined): void {
  if (!calls || calls.length === 0) return;
  const ids = new Set(calls.map((call) => call.callId));
  for (const call of record.toolCalls) if (ids.has(call.callId)) call.mocked = true;
}
