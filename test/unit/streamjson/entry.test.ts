import { expect, test } from 'vitest';

test('the stream-json sessions load from the root, their Vitest declaration from the Vitest entry', async () => {
  const root = await import('agent-session-test');
  expect(typeof root.startStreamJsonSession).toBe('function');
  expect(root.lettaCode().command).toEqual(expect.arrayContaining(['--input-format', 'stream-json', '--permission-mode', 'default']));
  expect(root.claudeCode().command).toEqual(expect.arrayContaining(['--verbose', '--permission-prompt-tool', 'stdio']));
  expect(typeof (await import('agent-session-test/vitest')).useStreamJsonSession).toBe('function');
  expect(typeof (await import('agent-session-test/llm')).anthropicMessages).toBe('function');
});

test('a preset without a model to talk to says what to give it', async () => {
  const { lettaCode, claudeCode } = await import('agent-session-test');
  const context = { llmEnv: undefined, workDir: '/nonexistent', cwd: '/nonexistent' };
  await expect(lettaCode().prepare(context)).rejects.toThrow(/needs a model to talk to/);
  await expect(claudeCode().prepare(context)).rejects.toThrow(/Anthropic Messages API/);
});

test('bad options are refused before anything starts', async () => {
  const { startStreamJsonSession } = await import('agent-session-test');
  await expect(startStreamJsonSession({ command: [] })).rejects.toThrow(/non-empty array of strings/);
  await expect(startStreamJsonSession({ command: ['x'], protocol: 'jsonrpc' as never })).rejects.toThrow(/only 'stream-json'/);
});
