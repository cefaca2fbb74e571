import { conversationSnapshot } from '../render/snapshot.js';
import { openMatcher } from './frame.js';
import type { MatcherContext, MatcherResult } from './utils.js';

/** The part of a runner's `expect` the snapshot matcher needs: its own snapshot assertion. */
export interface SnapshotExpect {
  (actual: unknown): { toMatchSnapshot(hint?: string): unknown };
}

/**
 * `expect(agent.turns).toMatchConversationSnapshot(hint?)`: the conversation as stable text
 * (`conversationSnapshot`: no ids, timings or usage; tool arguments and outputs kept) through the
 * runner's own `toMatchSnapshot`, so `-u` updates it and a change shows as the runner's diff.
 * Made per runner, since only the runner's `expect` knows the running test's snapshot file.
 */
export function conversationSnapshotMatcher(runnerExpect: SnapshotExpect) {
  return function toMatchConversationSnapshot(this: MatcherContext, received: unknown, hint?: string): MatcherResult {
    const { isNot, header, turns } = openMatcher(this, 'toMatchConversationSnapshot', received, [['hint', hint]], undefined);
    if (isNot) throw new TypeError(`${header}\n\n.not cannot be used with a snapshot: a snapshot either matches or is updated`);
    if (hint !== undefined && typeof hint !== 'string')
      throw new TypeError(`${header}\n\nthe hint must be a string, received ${typeof hint}`);
    // Throws the runner's own failure (with its diff) when the snapshot differs.
    // Jest counts the arguments: an explicit `undefined` would be read as snapshot properties.
    const assertion = runnerExpect(conversationSnapshot(turns));
    if (hint === undefined) assertion.toMatchSnapshot();
    else assertion.toMatchSnapshot(hint);
    return { pass: true, message: () => `${header}\n\nthe conversation matches its snapshot` };
  };
}
