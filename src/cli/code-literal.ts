/**
 * JavaScript source text for plain values, for the test files the CLI writes. Strings come out as
 * Prettier would print them (single quotes unless the text holds more of them than double quotes),
 * with every character that could end or change the literal escaped, so a reply or an argument
 * holding quotes, backticks, `${`, backslashes or newlines reads back as the same value.
 */

/** Characters escaped by name rather than as `\uXXXX`. */
const NAMED: Record<string, string> = { '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\b': '\\b', '\f': '\\f', '\v': '\\v' };

/** An escape for characters a string or regex literal cannot hold as is: controls, and the two line separators JS treats as line ends. */
function escapeControl(char: string): string {
  return NAMED[char] ?? `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

// eslint-disable-next-line no-control-regex -- control characters are exactly what must be escaped
const CONTROL = /[\u0000-\u001f\u007f\u2028\u2029]/;

/** A string literal for `text`. */
export function stringLiteral(text: string): string {
  const singles = text.split("'").length - 1;
  const doubles = text.split('"').length - 1;
  const quote = doubles < singles ? '"' : "'";
  let out = quote;
  for (const char of text) {
    if (char === quote) out += `\\${char}`;
    else if (char === '\\' || CONTROL.test(char)) out += escapeControl(char);
    else out += char;
  }
  return out + quote;
}

/** Characters with a meaning in a regular expression (and `/`, which would end the literal). */
const REGEX_SPECIAL = /[\\^$.*+?()[\]{}|/]/;

/** A regular expression literal matching `text` literally, anchored at the start when `anchored`. */
export function regexLiteral(text: string, anchored = false): string {
  let body = '';
  for (const char of text) {
    if (REGEX_SPECIAL.test(char)) body += `\\${char}`;
    else if (CONTROL.test(char)) body += escapeControl(char);
    else body += char;
  }
  return `/${anchored ? '^' : ''}${body}/`;
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/**
 * A literal for a JSON value (what tool arguments parse to), on one line. Object keys are quoted
 * only when they must be, as Prettier's default `quoteProps: 'as-needed'` prints them.
 */
export function valueLiteral(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return stringLiteral(value);
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : 'null';
  if (typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `[${value.map(valueLiteral).join(', ')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 0) return '{}';
    const fields = entries.map(([key, item]) => `${IDENTIFIER.test(key) ? key : stringLiteral(key)}: ${valueLiteral(item)}`);
    return `{ ${fields.join(', ')} }`;
  }
  return 'null';
}
