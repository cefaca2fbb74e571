import { describe, expect, test } from 'vitest';
import { heardIds, unpromptedItems } from '../../../src/session/unprompted.js';
import type { TurnItem, TurnRecord } from '../../../src/turn/types.js';

const message = (id: string, role: 'user' | 'assistant' | 'system', text: string): TurnItem =>
  ({ type: 'message', id, role, content: [text], interrupted: false, createdAt: 0 }) as unknown as TurnItem;
const config = (id: string): TurnItem => ({ type: 'agent_config_update', id, createdAt: 0 }) as unknown as TurnItem;

describe('unprompted items', () => {
  const history = [
    message('sys', 'system', 'You are helpful.'),
    message('u1', 'user', 'remind me'),
    message('a1', 'assistant', 'Reminder set.'),
    config('c1'),
    message('a2', 'assistant', 'Reminder: the tea!'),
  ];

  test('are the agent items after the last user message that no record holds', () => {
    expect(unpromptedItems(history, new Set(['a1'])).map((item) => item.id)).toEqual(['a2']);
  });

  test('nothing before the last user message counts, however unheard', () => {
    const later = [...history, message('u2', 'user', 'hello')];
    expect(unpromptedItems(later, new Set())).toEqual([]);
  });

  test('the ids a set of records holds, skipping missing ones', () => {
    const record = { items: [history[2], history[4]] } as unknown as TurnRecord;
    expect([...heardIds([record, null, undefined])]).toEqual(['a1', 'a2']);
  });
});
