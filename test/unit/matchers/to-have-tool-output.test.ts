import { describe, expect, test } from 'vitest';
import 'agent-session-test/vitest';
import { decodeToolOutput } from '../../../src/protocol/tool-output.js';
import { loadSession, loadTurn } from '../../fixtures/turns/load.js';
import { failureOf, TOOL_CALLS_TRANSCRIPT } from './helpers.js';

const turn = loadTurn('tool-calls');

describe('toHaveToolOutput', () => {
  test('matches the decoded output and the output as sent', () => {
    // The agent sent "\"sunny, 21°C\"": the tool returned the string sunny, 21°C.
    expect(turn).toHaveToolOutput('lookup_weather', 'sunny, 21°C');
    expect(turn).toHaveToolOutput('lookup_weather', '"sunny, 21°C"');
    expect(turn).toHaveToolOutput('lookup_weather');
    expect(turn).not.toHaveToolOutput('lookup_weather', 'sunny');
  });

  test('matches decoded objects partially', () => {
    const structured = loadTurn('tool-calls');
    const sent = decodeToolOutput('{"sky": "sunny", "temperature": {"value": 21, "unit": "C"}}');
    structured.items = structured.items.map((item) => (item.type === 'function_call_output' ? { ...item, ...sent } : item));
    structured.toolCalls = structured.toolCalls.map((call) => ({ ...call, ...sent }));
    expect(structured).toHaveToolOutput('lookup_weather', { temperature: { value: expect.any(Number) } });
    expect(structured).not.toHaveToolOutput('lookup_weather', { sky: 'rain' });
  });

  test('object patterns match what Python and Node send alike', () => {
    const sentBy = (raw: string) => {
      const structured = loadTurn('tool-calls');
      const sent = decodeToolOutput(raw);
      structured.items = structured.items.map((item) => (item.type === 'function_call_output' ? { ...item, ...sent } : item));
      structured.toolCalls = structured.toolCalls.map((call) => ({ ...call, ...sent }));
      return structured;
    };
    for (const structured of [
      sentBy("[{'id': 'AZ123', 'price': 129, 'direct': True, 'note': None}]"),
      sentBy('[{"id":"AZ123","price":129,"direct":true,"note":null}]'),
    ]) {
      expect(structured).toHaveToolOutput('lookup_weather', [{ id: 'AZ123', direct: true, note: null }]);
      expect(structured).toHaveToolOutput('lookup_weather', [expect.objectContaining({ price: 129 })]);
      expect(structured).toHaveToolOutput('lookup_weather', '[{"id":"AZ123","price":129,"direct":true,"note":null}]');
      expect(structured).not.toHaveToolOutput('lookup_weather', [{ id: 'LH9' }]);
      expect(structured).toMatchTrajectory([{ type: 'function_call_output', output: [{ id: 'AZ123' }] }], { mode: 'superset' });
    }
  });

  test('accepts asymmetric matchers and RegExps', () => {
    expect(turn).toHaveToolOutput('lookup_weather', expect.stringContaining('rain'));
    expect(turn).toHaveToolOutput('lookup_weather', /\d+°C/);
    expect(turn).toHaveToolOutput(expect.any(String), expect.stringMatching(/^light rain/));
    expect(turn).not.toHaveToolOutput('lookup_weather', expect.stringContaining('snow'));
  });

  test('isError narrows to failed or successful outputs', () => {
    expect(turn).toHaveToolOutput('lookup_weather', 'sunny, 21°C', { isError: false });
    expect(turn).not.toHaveToolOutput('lookup_weather', 'sunny, 21°C', { isError: true });
    const failed = loadTurn('tool-error');
    expect(failed).toHaveToolOutput('lookup_weather', 'Unknown city: Atlantis', { isError: true });
    expect(failed).not.toHaveToolOutput('lookup_weather', undefined, { isError: false });
  });

  test('fails with the outputs there were', () => {
    expect(failureOf(() => expect(turn).toHaveToolOutput('lookup_weather', 'snow'))).toBe(
      [
        'expect(turn).toHaveToolOutput(name, output)',
        '',
        'Expected: an output of "lookup_weather" matching "snow"',
        'Received: 2 tool calls, none matching:',
        '  lookup_weather ✓ "sunny, 21°C"',
        '  lookup_weather ✓ "light rain, 14°C"',
        '',
        ...TOOL_CALLS_TRANSCRIPT,
      ].join('\n'),
    );
    const isError = failureOf(() => expect(turn).toHaveToolOutput('lookup_weather', undefined, { isError: true }));
    expect(isError).toContain('Expected: an error from "lookup_weather"\n');
  });

  test('.not fails with the matching outputs', () => {
    const message = failureOf(() => expect(turn).not.toHaveToolOutput('lookup_weather', /rain/));
    expect(message).toContain('expect(turn).not.toHaveToolOutput(name, output)');
    expect(message).toContain(
      'Expected: no output of "lookup_weather" matching /rain/\nReceived: 1 matching output:\n  lookup_weather ✓ "light rain, 14°C"\n',
    );
  });

  test('a list of turns, and the turn option', () => {
    const turns = loadSession();
    expect(turns).toHaveToolOutput('transfer_to_booking', 'Transferring you to the booking desk.');
    expect(turns).toHaveToolOutput('lookup_weather', 'sunny, 21°C', { turn: 1 });
    expect(turns).not.toHaveToolOutput('lookup_weather', 'sunny, 21°C', { turn: 2 });
  });

  test('rejects a received value that is not a turn', () => {
    expect(() => expect('sunny').toHaveToolOutput('lookup_weather', 'sunny')).toThrow(
      'expected a turn record returned by say(), or a list of them, received "sunny"',
    );
  });
});
