import { expect, test } from 'vitest';
import { renderReportHtml, type AgentSessionReport, type ReportTest } from '../../../src/vitest/node/reporter.js';
import { renderTestTranscript } from '../../../src/vitest/worker/test-transcripts.js';
import { loadSession, loadTurn } from '../../fixtures/turns/load.js';

function reportOf(tests: ReportTest[]): AgentSessionReport {
  return {
    version: 1,
    createdAt: '2026-01-01T00:00:00.000Z',
    summary: { tests: tests.length, passed: 0, failed: 0, turns: 0, toolCalls: 0, turnsMs: 0 },
    tests,
  };
}

const entry = (name: string, state: ReportTest['state'], input: string): ReportTest => {
  const turn = { ...loadTurn('tool-calls'), input };
  return {
    id: name,
    file: 'a.test.ts',
    project: '',
    name,
    state,
    errors: state === 'failed' ? ['expected <b> to be "c"'] : [],
    turns: [{ agent: 'agent.py', transcript: '', turn }],
    toolCalls: 2,
    turnsMs: 5,
  };
};

test('the page escapes what agents and users said, and lists failed tests first, open', () => {
  const html = renderReportHtml(reportOf([entry('passes', 'passed', 'hello'), entry('fails', 'failed', '<script>alert(1)</script>')]));
  expect(html).not.toContain('<script>');
  expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  expect(html).toContain('expected &lt;b&gt; to be &quot;c&quot;');
  expect(html.indexOf('>fails<')).toBeLessThan(html.indexOf('>passes<'));
  expect(html).toMatch(/<details class="test failed" open>/);
  expect(html).toMatch(/<details class="test passed">/);
  // Tool calls with their arguments and outputs.
  expect(html).toContain('<b>lookup_weather</b>');
  expect(html).toContain('sunny, 21°C');
});

test('a test that talked to two agents gets one transcript block per agent', () => {
  const [first, second] = loadSession();
  const text = renderTestTranscript([
    { agent: 'a.py', turn: first! },
    { agent: 'b.ts', turn: second! },
  ]);
  expect(text).toMatch(/^a\.py\n/);
  expect(text).toContain('\n\nb.ts\n');
  expect(renderTestTranscript([{ agent: 'a.py', turn: first! }])).not.toContain('a.py');
});
