/**
 * Registers the turn matchers on Vitest's `expect`, at run time only: the plugin adds it to
 * `setupFiles`, and both Vitest entries import it. Their types live in one entry per Vitest
 * major (`../index.ts` for Vitest 4, `../../vitest5/index.ts` for Vitest 5): the majors declare
 * `Matchers` with different type parameters, and every declaration of an interface must repeat
 * its parameters, so no single augmentation fits both.
 */
import { expect } from 'vitest';
import { matchers } from '../../matchers/index.js';
import { conversationSnapshotMatcher } from '../../matchers/to-match-conversation-snapshot.js';

expect.extend({ ...matchers, toMatchConversationSnapshot: conversationSnapshotMatcher(expect) });
