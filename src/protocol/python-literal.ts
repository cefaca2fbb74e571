/**
 * A parser for the Python literals `str()` produces for tool results (livekit-agents sends
 * `str(result)`, so a dict arrives as `{'ok': True, 'note': None}`). It reads strings in every
 * quote form with their escapes, numbers, True/False/None, lists, tuples, dicts and sets; it
 * never evaluates anything. Tuples and sets become arrays, dict keys become strings.
 */

/** The parsed value, or `undefined` when the text is not one complete literal. */
export function parsePythonLiteral(text: string): { value: unknown } | undefined {
  const parser = new Parser(text);
  try {
    parser.skipSpace();
    const value = parser.value();
    parser.skipSpace();
    return parser.done() ? { value } : undefined;
  } catch (error) {
    if (error instanceof NotALiteral) return undefined;
    throw error;
  }
}

class NotALiteral extends Error {}

const SIMPLE_ESCAPES: Record<string, string> = {
  '\n': '',
  '\\': '\\',
  "'": "'",
  '"': '"',
  a: '\x07',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
};

const NUMBER =
  /^[+-]?(?:0[xX](?:_?[0-9a-fA-F])+|0[oO](?:_?[0-7])+|0[bB](?:_?[01])+|(?:\d(?:_?\d)*(?:\.(?:\d(?:_?\d)*)?)?|\.\d(?:_?\d)*)(?:[eE][+-]?\d(?:_?\d)*)?)/;
// Too deep a structure is not something a tool returns; refusing it keeps the stack safe.
const MAX_DEPTH = 200;

class Parser {
  #pos = 0;
  #depth = 0;
  readonly #text: string;

  constructor(text: string) {
    this.#text = text;
  }

  done(): boolean {
    return this.#pos === this.#text.length;
  }

  skipSpace(): void {
    while (this.#pos < this.#text.length && /\s/.test(this.#text[this.#pos]!)) this.#pos++;
  }

  #fail(): never {
    throw new NotALiteral();
  }

  #peek(): string {
    return this.#text[this.#pos] ?? '';
  }

  value(): unknown {
    const c = this.#peek();
    if (c === '[') return this.#sequence('[', ']');
    if (c === '(') return this.#sequence('(', ')');
    if (c === '{') return this.#braces();
    const rest = this.#text.slice(this.#pos);
    const word = /^[A-Za-z_]\w*/.exec(rest)?.[0];
    if (word !== undefined) {
      const quote = rest[word.length];
      if ((quote === "'" || quote === '"') && /^(?:[rRuUbB]|[rR][bB]|[bB][rR])$/.test(word)) {
        this.#pos += word.length;
        return this.#string(/[rR]/.test(word));
      }
      this.#pos += word.length;
      if (word === 'True') return true;
      if (word === 'False') return false;
      if (word === 'None') return null;
      // `str(set())` is the only call `str()` writes for a supported type.
      if (word === 'set' && this.#text.startsWith('()', this.#pos)) {
        this.#pos += 2;
        return [];
      }
      return this.#fail();
    }
    if (c === "'" || c === '"') return this.#string(false);
    const number = NUMBER.exec(rest)?.[0];
    // A number directly followed by a name character (`1j`, `3abc`) is not a plain number.
    if (number === undefined || /^[\w.]/.test(rest.slice(number.length))) return this.#fail();
    this.#pos += number.length;
    const digits = number.replace(/_/g, '');
    const sign = digits.startsWith('-') ? -1 : 1;
    const unsigned = digits.replace(/^[+-]/, '');
    if (/^0[xXoObB]/.test(unsigned)) return sign * Number(unsigned.toLowerCase());
    // Python forbids leading zeros on non-zero integers (`007`); they are not a literal.
    if (/^0\d/.test(unsigned) && !/[.eE]/.test(unsigned)) return this.#fail();
    return sign * Number(unsigned);
  }

  #nested<T>(read: () => T): T {
    if (++this.#depth > MAX_DEPTH) this.#fail();
    try {
      return read();
    } finally {
      this.#depth--;
    }
  }

  /** `[a, b]` or `(a, b)`, trailing comma allowed; a parenthesised single value without a comma is just that value. */
  #sequence(open: string, close: string): unknown {
    return this.#nested(() => {
      this.#pos++;
      const items: unknown[] = [];
      let sawComma = false;
      for (;;) {
        this.skipSpace();
        if (this.#peek() === close) break;
        items.push(this.value());
        this.skipSpace();
        if (this.#peek() === ',') {
          this.#pos++;
          sawComma = true;
          continue;
        }
        if (this.#peek() !== close) this.#fail();
        break;
      }
      this.#pos++;
      return open === '(' && items.length === 1 && !sawComma ? items[0] : items;
    });
  }

  /** `{k: v, ...}` (a dict, keys as strings) or `{a, b}` (a set, as an array). */
  #braces(): unknown {
    return this.#nested(() => {
      this.#pos++;
      this.skipSpace();
      if (this.#peek() === '}') {
        this.#pos++;
        return {};
      }
      const first = this.value();
      this.skipSpace();
      if (this.#peek() === ':') return this.#dictFrom(first);
      const items = [first];
      for (;;) {
        if (this.#peek() === '}') break;
        if (this.#peek() !== ',') this.#fail();
        this.#pos++;
        this.skipSpace();
        if (this.#peek() === '}') break;
        items.push(this.value());
        this.skipSpace();
      }
      this.#pos++;
      return items;
    });
  }

  #dictFrom(firstKey: unknown): Record<string, unknown> {
    const dict: Record<string, unknown> = {};
    let key = firstKey;
    for (;;) {
      this.#pos++; // the colon
      this.skipSpace();
      const value = this.value();
      if (key !== null && typeof key === 'object') this.#fail();
      Object.defineProperty(dict, keyText(key), { value, enumerable: true, writable: true, configurable: true });
      this.skipSpace();
      if (this.#peek() === '}') break;
      if (this.#peek() !== ',') this.#fail();
      this.#pos++;
      this.skipSpace();
      if (this.#peek() === '}') break;
      key = this.value();
      this.skipSpace();
      if (this.#peek() !== ':') this.#fail();
    }
    this.#pos++;
    return dict;
  }

  /** A string literal in any quote form (`'…'`, `"…"`, and their triple forms), raw when `raw`. */
  #string(raw: boolean): string {
    const quote = this.#peek();
    const triple = this.#text.startsWith(quote.repeat(3), this.#pos);
    const end = triple ? quote.repeat(3) : quote;
    this.#pos += end.length;
    let out = '';
    for (;;) {
      if (this.#pos >= this.#text.length) this.#fail();
      if (this.#text.startsWith(end, this.#pos)) {
        this.#pos += end.length;
        return out;
      }
      const c = this.#text[this.#pos]!;
      if (c === '\n' && !triple) this.#fail();
      if (c !== '\\') {
        out += c;
        this.#pos++;
        continue;
      }
      const next = this.#text[this.#pos + 1] ?? '';
      if (raw) {
        // A raw string keeps the backslash, but an escaped quote still does not end it.
        out += c + next;
        this.#pos += 2;
        continue;
      }
      out += this.#escape(next);
    }
  }

  #escape(next: string): string {
    const simple = SIMPLE_ESCAPES[next];
    if (simple !== undefined) {
      this.#pos += 2;
      return simple;
    }
    const hex = (length: number): string => {
      const digits = this.#text.slice(this.#pos + 2, this.#pos + 2 + length);
      if (!new RegExp(`^[0-9a-fA-F]{${length}}$`).test(digits)) this.#fail();
      const code = parseInt(digits, 16);
      if (code > 0x10ffff) this.#fail();
      this.#pos += 2 + length;
      return String.fromCodePoint(code);
    };
    if (next === 'x') return hex(2);
    if (next === 'u') return hex(4);
    if (next === 'U') return hex(8);
    const octal = /^[0-7]{1,3}/.exec(this.#text.slice(this.#pos + 1))?.[0];
    if (octal !== undefined) {
      this.#pos += 1 + octal.length;
      return String.fromCodePoint(parseInt(octal, 8));
    }
    // Python keeps an unknown escape as written (`\d` stays `\d`).
    this.#pos += 2;
    return `\\${next}`;
  }
}

/** A dict key as an object key: Python's own `str()` of it, as JSON would have it for strings. */
function keyText(key: unknown): string {
  if (typeof key === 'string') return key;
  if (key === true) return 'True';
  if (key === false) return 'False';
  if (key === null) return 'None';
  return String(key);
}
