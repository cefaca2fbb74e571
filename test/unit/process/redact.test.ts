import { describe, expect, test } from 'vitest';
import { createRedactor, findSecrets, redactCopy, redactInPlace } from '../../../src/process/redact.js';

describe('findSecrets', () => {
  test('takes values of secret-looking names, and listed ones', () => {
    const env = {
      OPENAI_API_KEY: 'sk-abcdef123456',
      GITHUB_TOKEN: 'ghp_0123456789',
      DB_PASSWORD: 'hunter2-but-longer',
      BASIC_AUTH: 'user:pa55word',
      SERVICE_URL: 'https://user:pw@example.com/x',
      HOME: '/home/someone',
      SHORT_KEY: 'abc',
      AUTH_MODE: 'enabled',
    };
    expect(
      findSecrets(env)
        .map((s) => s.name)
        .sort(),
    ).toEqual(['BASIC_AUTH', 'DB_PASSWORD', 'GITHUB_TOKEN', 'OPENAI_API_KEY']);
    expect(findSecrets(env, ['SERVICE_URL']).map((s) => s.name)).toContain('SERVICE_URL');
    expect(findSecrets(env, [/_URL$/]).map((s) => s.name)).toContain('SERVICE_URL');
  });
});

describe('createRedactor', () => {
  test('replaces every occurrence with a marker naming the variable, longest value first', () => {
    const redact = createRedactor(findSecrets({ A_TOKEN: 'tok-123456', B_TOKEN: 'tok-123456-extended' }));
    expect(redact('x tok-123456-extended y tok-123456 z tok-123456')).toBe(
      'x [redacted $B_TOKEN] y [redacted $A_TOKEN] z [redacted $A_TOKEN]',
    );
  });

  test('takes unnamed values and patterns too, with one marker format', () => {
    const redact = createRedactor([
      ...findSecrets({ MY_API_KEY: 'sk-live-abcdef' }),
      { value: 'upstream-key-9876' },
      { value: /acct-\d+/ },
    ]);
    expect(redact('sk-live-abcdef upstream-key-9876 acct-12 acct-345')).toBe('[redacted $MY_API_KEY] [redacted] [redacted] [redacted]');
  });

  test('is the identity without secrets', () => {
    expect(createRedactor([])('anything')).toBe('anything');
  });
});

describe('redactInPlace', () => {
  test('reaches every string and keeps shared objects shared', () => {
    const redact = createRedactor(findSecrets({ MY_SECRET: 'open-sesame-42' }));
    const message = { role: 'assistant', content: ['the word is open-sesame-42'] };
    const record = { items: [message], messages: [message], errors: [{ message: 'rejected open-sesame-42' }], count: 3 };
    redactInPlace(record, redact);
    expect(record.messages[0]).toBe(record.items[0]);
    expect(JSON.stringify(record)).not.toContain('open-sesame-42');
    expect(record.errors[0]!.message).toBe('rejected [redacted $MY_SECRET]');
    expect(record.count).toBe(3);
  });

  test('reaches object keys too: a decoded tool result may be keyed by a secret', () => {
    const redact = createRedactor(findSecrets({ MY_SECRET: 'open-sesame-42' }));
    const call = { value: { 'open-sesame-42': { ok: true } }, rawOutput: "{'open-sesame-42': {'ok': True}}" };
    redactInPlace(call, redact);
    expect(JSON.stringify(call)).not.toContain('open-sesame-42');
    expect(call.value).toEqual({ '[redacted $MY_SECRET]': { ok: true } });
  });
});

describe('redactCopy', () => {
  test('returns a redacted copy, object keys included, and leaves the original alone', () => {
    const redact = createRedactor([{ name: 'TOKEN', value: 'tok-123456' }]);
    const body = { messages: [{ content: 'use tok-123456' }], 'tok-123456': 1, n: 2 };
    expect(redactCopy(body, redact)).toEqual({ messages: [{ content: 'use [redacted $TOKEN]' }], '[redacted $TOKEN]': 1, n: 2 });
    expect(body.messages[0]!.content).toBe('use tok-123456');
  });
});
