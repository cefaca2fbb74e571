/**
 * Tool results read the same whichever SDK sent them. Node sends `JSON.stringify(result)`, Python
 * `str(result)` (a Python literal for dicts, lists and tuples; the plain text for a string), so
 * each output is decoded once, as JSON first and then as a Python literal, into one value.
 */
import { parsePythonLiteral } from './python-literal.js';

export interface ToolOutput {
  /** The output as text: a decoded string as is, any other decoded value as compact JSON, else what was sent. */
  output: string;
  /** The decoded value (an object, array, number, boolean, null or string); the text when it decodes to nothing. */
  value: unknown;
  /** The output exactly as the agent sent it. */
  rawOutput: string;
}

/** Decodes a tool output as sent by either SDK. */
export function decodeToolOutput(raw: string): ToolOutput {
  let decoded = decodeValue(raw);
  // A string result reaches us as Node's JSON string but as Python's bare text, which the line
  // above already decoded: decode Node's once more, so a string holding JSON reads the same.
  if (typeof decoded?.value === 'string' && raw.trimStart().startsWith('"')) decoded = decodeValue(decoded.value) ?? decoded;
  if (decoded === undefined || typeof decoded.value === 'string') {
    const text = decoded === undefined ? raw : (decoded.value as string);
    return { output: text, value: text, rawOutput: raw };
  }
  return { output: JSON.stringify(decoded.value), value: decoded.value, rawOutput: raw };
}

function decodeValue(raw: string): { value: unknown } | undefined {
  if (raw.trim() === '') return undefined;
  try {
    return { value: JSON.parse(raw) as unknown };
  } catch {
    return parsePythonLiteral(raw);
  }
}
