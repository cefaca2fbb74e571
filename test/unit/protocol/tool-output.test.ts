import { describe, expect, test } from 'vitest';
import { parsePythonLiteral } from '../../../src/protocol/python-literal.js';
import { decodeToolOutput } from '../../../src/protocol/tool-output.js';

const parsed = (text: string): unknown => parsePythonLiteral(text)?.value;

describe('parsePythonLiteral', () => {
  test('strings in every quote form, with their escapes', () => {
    expect(parsed("'sunny'")).toBe('sunny');
    expect(parsed('"it\'s"')).toBe("it's");
    expect(parsed("'it\\'s \"fine\"'")).toBe('it\'s "fine"');
    expect(parsed("'''three\nlines'''")).toBe('three\nlines');
    expect(parsed('"""a "quoted" word"""')).toBe('a "quoted" word');
    expect(parsed("'tab\\there\\nnew \\\\ back'")).toBe('tab\there\nnew \\ back');
    expect(parsed("'\\x41\\u00e9\\U0001F600\\101\\0'")).toBe('Aé😀A\0');
    expect(parsed("'\\d stays'")).toBe('\\d stays');
    expect(parsed("r'C:\\new'")).toBe('C:\\new');
    expect(parsed("b'bytes'")).toBe('bytes');
    expect(parsed("'21°C in Zürich'")).toBe('21°C in Zürich');
  });

  test('numbers, booleans and None', () => {
    expect(parsed('42')).toBe(42);
    expect(parsed('-7')).toBe(-7);
    expect(parsed('99.5')).toBe(99.5);
    expect(parsed('1e+100')).toBe(1e100);
    expect(parsed('1_000')).toBe(1000);
    expect(parsed('0x1f')).toBe(31);
    expect(parsed('True')).toBe(true);
    expect(parsed('False')).toBe(false);
    expect(parsed('None')).toBe(null);
  });

  test('lists, tuples, dicts and sets, nested', () => {
    expect(parsed("[{'id': 'AZ123', 'price': 129}]")).toEqual([{ id: 'AZ123', price: 129 }]);
    expect(parsed("{'ok': True, 'note': None}")).toEqual({ ok: true, note: null });
    expect(parsed("('gate', 7)")).toEqual(['gate', 7]);
    expect(parsed('(1,)')).toEqual([1]);
    expect(parsed('()')).toEqual([]);
    expect(parsed('(5)')).toBe(5);
    expect(parsed('{1, 2, 3}')).toEqual([1, 2, 3]);
    expect(parsed('set()')).toEqual([]);
    expect(parsed('{}')).toEqual({});
    expect(parsed("{1: 'a', None: 'b', 'x': [1, (2, 3)], }")).toEqual({ 1: 'a', None: 'b', x: [1, [2, 3]] });
    expect(parsed("{'__proto__': 1}")).toEqual(JSON.parse('{"__proto__": 1}'));
  });

  test('anything else is not a literal: nothing is evaluated', () => {
    for (const text of [
      'sunny, 21°C',
      "__import__('os').system('x')",
      'Flight(id=1)',
      'datetime.date(2024, 1, 1)',
      '[1, 2',
      "{'a' 1}",
      "{'a': 1} trailing",
      'nan',
      'inf',
      '(1+2j)',
      '007',
      "'unterminated",
      "'line\nbreak'",
      '['.repeat(500) + ']'.repeat(500),
      '',
    ]) {
      expect(parsePythonLiteral(text), text).toBeUndefined();
    }
  });
});

describe('decodeToolOutput', () => {
  test('what Python (str) and Node (JSON.stringify) send decodes to one value and one text', () => {
    const pairs: [python: string, node: string, value: unknown, text: string][] = [
      [
        "[{'id': 'AZ123', 'price': 129, 'direct': True}]",
        '[{"id":"AZ123","price":129,"direct":true}]',
        [{ id: 'AZ123', price: 129, direct: true }],
        '[{"id":"AZ123","price":129,"direct":true}]',
      ],
      ["{'ok': True, 'note': None}", '{"ok":true,"note":null}', { ok: true, note: null }, '{"ok":true,"note":null}'],
      ["['gate', 7]", '["gate",7]', ['gate', 7], '["gate",7]'],
      ['42', '42', 42, '42'],
      ['sunny, 21°C', '"sunny, 21°C"', 'sunny, 21°C', 'sunny, 21°C'],
      ['', '', '', ''],
      // A string result that holds JSON (or a literal): Python sends the text, Node that text JSON-encoded.
      ['{"items": ["coke"]}', JSON.stringify('{"items": ["coke"]}'), { items: ['coke'] }, '{"items":["coke"]}'],
      ["{'size': 'M'}", JSON.stringify("{'size': 'M'}"), { size: 'M' }, '{"size":"M"}'],
      ['7', '"7"', 7, '7'],
    ];
    for (const [python, node, value, text] of pairs) {
      expect(decodeToolOutput(python), python).toEqual({ output: text, value, rawOutput: python });
      expect(decodeToolOutput(node), node).toEqual({ output: text, value, rawOutput: node });
    }
  });

  test('a string result stays the plain string; what decodes to nothing stays as sent', () => {
    expect(decodeToolOutput('unknown city: Atlantis')).toEqual({
      output: 'unknown city: Atlantis',
      value: 'unknown city: Atlantis',
      rawOutput: 'unknown city: Atlantis',
    });
    expect(decodeToolOutput('"a \\"quoted\\" word"').value).toBe('a "quoted" word');
    expect(decodeToolOutput("Flight(id='AZ123')").value).toBe("Flight(id='AZ123')");
    expect(decodeToolOutput('"unterminated').output).toBe('"unterminated');
  });
});
