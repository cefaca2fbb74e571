import { describe, expect, test } from 'vitest';
import { regexLiteral, stringLiteral, valueLiteral } from '../../../src/cli/code-literal.js';
import { TRICKY } from './turns.js';

const evaluate = (source: string): unknown => new Function(`return ${source};`)();

describe('code literals', () => {
  test.each(TRICKY)('a string literal reads back as the same text: %j', (text) => {
    const literal = stringLiteral(text);
    expect(evaluate(literal)).toBe(text);
    expect(literal).not.toMatch(/[\n\r\u2028\u2029]/);
  });

  test('strings take single quotes unless the text holds more of them than double quotes, as Prettier prints them', () => {
    expect(stringLiteral('plain')).toBe("'plain'");
    expect(stringLiteral("it's")).toBe('"it\'s"');
    expect(stringLiteral(`say "it's"`)).toBe(`'say "it\\'s"'`);
  });

  test.each(TRICKY)('a regex literal matches the text literally: %j', (text) => {
    const pattern = evaluate(regexLiteral(text, true)) as RegExp;
    expect(pattern.test(text)).toBe(true);
    expect(pattern.test(`x${text}`)).toBe(false);
    expect(pattern.test(text.replace(/./, '~'))).toBe(false);
  });

  test('values: nested objects and arrays, keys quoted only where they must be', () => {
    const value = { city: 'Paris', forecast: { days: 3, units: ['c', null, true] }, empty: {} };
    expect(valueLiteral(value)).toBe("{ city: 'Paris', forecast: { days: 3, units: ['c', null, true] }, empty: {} }");
    expect(evaluate(`(${valueLiteral(value)})`)).toEqual(value);
    const odd = { 'first-name': 'Ada', last: '`${x}`' };
    expect(valueLiteral(odd)).toBe("{ 'first-name': 'Ada', last: '`${x}`' }");
    expect(evaluate(`(${valueLiteral(odd)})`)).toEqual(odd);
  });
});
