// The entries that run in a runner's main process (plugin, reporter, global setups) load and expose what the docs show.
import { expect, test } from 'vitest';

test('the plugin entry makes a Vite plugin with a configureVitest hook', async () => {
  const { agentSession, default: byDefault } = await import('agent-session-test/vitest/plugin');
  const plugin = agentSession();
  expect(plugin.name).toBe('agent-session-test');
  expect(typeof plugin.configureVitest).toBe('function');
  expect(byDefault).toBe(agentSession);
});

test('the reporter entry default-exports a reporter class', async () => {
  const reporter = await import('agent-session-test/vitest/reporter');
  const instance = new reporter.default({ outputDir: 'x' });
  expect(typeof instance.onTestRunEnd).toBe('function');
  expect(typeof reporter.buildReport).toBe('function');
  expect(typeof reporter.renderReportHtml).toBe('function');
});

test('the Jest teardown and setup entries export functions', async () => {
  expect(typeof (await import('agent-session-test/jest/global-setup')).default).toBe('function');
  expect(typeof (await import('agent-session-test/jest/global-teardown')).default).toBe('function');
});
