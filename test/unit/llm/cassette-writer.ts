// A separate process recording into a cassette, for the concurrency and crash tests of
// cassette-store.test.ts. Env: CASSETTE, UPSTREAM (an OpenAI base URL) and UPSTREAM_KEY, NAME (prompt prefix),
// COUNT (requests), SAVE_EACH (save after every request), CRASH_AT_WRITE (die during the save's
// n-th file write).
import { open } from 'node:fs/promises';

import { cassetteLlm } from '../../../src/llm/index.js';

const env = (name: string) => process.env[name] ?? '';
// Runs as a test named NAME, through the state object Jest's `expect` keeps (read as a runner's would be).
(globalThis as Record<symbol, unknown>)[Symbol.for('$$jest-matchers-object')] = { state: { currentTestName: env('NAME') } };
const llm = cassetteLlm({ cassette: env('CASSETTE'), mode: 'record', upstream: { baseUrl: env('UPSTREAM'), apiKey: env('UPSTREAM_KEY') } });
const server = await llm.listen();
const count = Number(env('COUNT') || '1');

for (let i = 0; i < count; i++) {
  const response = await fetch(`${server.url}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${server.credential}` },
    body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: `${env('NAME')} ${i} ${'x'.repeat(2000)}` }] }),
  });
  if (response.status !== 200) throw new Error(`request ${i} answered ${response.status}: ${await response.text()}`);
  if (env('SAVE_EACH')) await llm.save();
}

const crashAt = Number(env('CRASH_AT_WRITE') || '0');
if (crashAt > 0) {
  // Die the hard way in the middle of writing the temporary file, as a killed worker would.
  const probe = await open('/dev/null', 'r');
  const proto = Object.getPrototypeOf(probe) as { write: (...args: unknown[]) => Promise<unknown> };
  await probe.close();
  const write = proto.write;
  let writes = 0;
  proto.write = function (this: unknown, ...args: unknown[]) {
    if (++writes === crashAt) process.kill(process.pid, 'SIGKILL');
    return write.apply(this, args);
  };
}
await server.close();
