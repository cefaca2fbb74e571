import { expect, test } from 'vitest';
import { buildRequestView } from '../../../src/llm/request-view.js';
import { matchCondition } from '../../../src/llm/rules.js';

const afterTool = (content: string) =>
  buildRequestView('/v1/chat/completions', {
    model: 'gpt-4o-mini',
    messages: [
      { role: 'user', content: 'flights to Rome?' },
      { role: 'assistant', tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'find_flights', arguments: '{}' } }] },
      { role: 'tool', tool_call_id: 'call_1', content },
    ],
  });

test('the last tool output reads the same whether Python or Node sent it', () => {
  for (const [python, node] of [
    ['sunny', '"sunny"'],
    ["[{'id': 'AZ123', 'direct': True}]", '[{"id":"AZ123","direct":true}]'],
    ['42', '42'],
  ] as const) {
    const [a, b] = [afterTool(python), afterTool(node)];
    expect(a.lastToolOutput).toBe(b.lastToolOutput);
    expect(a.lastToolValue).toEqual(b.lastToolValue);
    expect([a.lastToolRawOutput, b.lastToolRawOutput]).toEqual([python, node]);
  }
  expect(`It is ${afterTool('"sunny"').lastToolOutput}.`).toBe('It is sunny.');
  expect(afterTool("[{'id': 'AZ123', 'direct': True}]").lastToolOutput).toBe('[{"id":"AZ123","direct":true}]');
  expect(afterTool("[{'id': 'AZ123', 'direct': True}]").lastToolValue).toEqual([{ id: 'AZ123', direct: true }]);
});

test('toolOutput rules match the decoded text', () => {
  expect(matchCondition({ toolOutput: /^sunny$/ }, afterTool('"sunny"'))).toBeTruthy();
  expect(matchCondition({ toolOutput: '{"ok":true}' }, afterTool("{'ok': True}"))).toBeTruthy();
});
