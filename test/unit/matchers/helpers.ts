import { stripAnsi } from '../../../src/render/color.js';

/** Runs an assertion that must fail and returns its message without colour. */
export function failureOf(assertion: () => unknown): string {
  try {
    assertion();
  } catch (error) {
    return stripAnsi((error as Error).message);
  }
  throw new Error('expected the assertion to fail, but it passed');
}

/** How the tool-calls fixture turn renders in failure messages: the tail every such message ends with. */
export const TOOL_CALLS_TRANSCRIPT = [
  'Transcript:',
  "  user    What's the weather in Paris and in London?",
  '  tool    ✓ lookup_weather({"city": "Paris"}) → "sunny, 21°C"',
  '  tool    ✓ lookup_weather({"city": "London", "forecast": {"days": 3, "units": "metric"}}) → "light rain, 14°C"',
  "  agent   It's sunny and 21°C in Paris, while London has light rain at 14°C.",
  '  time    1.84 s · first token 412 ms',
];
