// The runner integration end to end: Vitest runs the fixture project (test/fixtures/runner/reports, set
// up with the one-line plugin) in child processes against the real Node weather agent.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { junitCase, readReport, runFixtureVitest, tempDir } from './runner-helpers.js';

const FAILING = 'fails on purpose after two turns';

describe('the plugin and the reports', () => {
  test('one plugin line wires set-up and matchers; a failed conversation shows in junit and in the JSON report', async () => {
    const dir = tempDir();
    const junit = path.join(dir, 'junit.xml');
    const run = await runFixtureVitest(['--reporter=default', '--reporter=junit', `--outputFile.junit=${junit}`], dir);

    // One failure on purpose; the wiring tests (matchers, run tag, provided defaults) pass.
    expect(run.exitCode, run.output).toBe(1);
    expect(run.output).toMatch(/Tests\s+1 failed \| 4 passed \(5\)/);
    expect(run.output).not.toMatch(/still running at teardown/);
    // The default reporter prints the annotation under the failure.
    expect(run.output).toContain('agent transcript');

    const xml = readFileSync(junit, 'utf8');
    const failed = junitCase(xml, FAILING);
    expect(failed).toContain('<property name="agent transcript"');
    expect(failed).toContain('user    weather in London?');
    expect(failed).toContain('user    forecast for 3 days in Tokyo');
    expect(failed).toContain('get_forecast({&quot;city&quot;:&quot;Tokyo&quot;,&quot;days&quot;:3})');
    // A passing conversation carries no annotation.
    expect(junitCase(xml, 'answers from its tool')).not.toContain('<property');

    const report = readReport(path.join(dir, 'report.json'));
    expect(report.summary).toMatchObject({ tests: 3, passed: 2, failed: 1, turns: 4, toolCalls: 5 });
    const entry = report.tests.find((t) => t.name === FAILING);
    expect(entry).toMatchObject({ file: 'weather.test.ts', state: 'failed', toolCalls: 2 });
    expect(entry?.errors[0]).toMatch(/to contain 'Berlin'/);
    expect(entry?.turns.map((t) => t.turn.input)).toEqual(['weather in London?', 'forecast for 3 days in Tokyo']);
    expect(entry?.turns[1]?.agent).toBe(path.join('examples', 'node', 'weather_agent.ts'));
    expect(entry?.turns[1]?.transcript).toMatch(/^user {4}forecast for 3 days in Tokyo$/m);
    expect(entry?.turns[1]?.turn.toolCalls[0]).toMatchObject({ name: 'get_forecast', args: { city: 'Tokyo', days: 3 }, isError: false });
    expect(entry?.turns[1]?.turn.timing.durationMs).toBeGreaterThan(0);
    expect(entry?.turns[1]?.turn.usage?.models).toContainEqual(expect.objectContaining({ kind: 'llm' }));

    const html = readFileSync(path.join(dir, 'report.html'), 'utf8');
    expect(html).toContain(FAILING);
    expect(html).toContain('forecast for 3 days in Tokyo');
    // Self-contained: nothing to fetch, nothing to run.
    expect(html).not.toMatch(/<script|<link|src=|https?:\/\//);
  }, 180_000);

  test('shards keep their transcripts through --merge-reports', async () => {
    const dir = tempDir();
    const blobs = path.join(dir, 'blobs');
    for (const shard of [1, 2]) {
      const run = await runFixtureVitest(
        [`--shard=${shard}/2`, '--reporter=blob', `--outputFile=${path.join(blobs, `blob-${shard}-2.json`)}`],
        dir,
      );
      expect(run.exitCode, run.output).toBeTypeOf('number');
      expect(existsSync(path.join(dir, `report.shard-${shard}-of-2.json`)), run.output).toBe(true);
    }
    const shards = [1, 2].map((shard) => readReport(path.join(dir, `report.shard-${shard}-of-2.json`)));
    expect(shards.map((r) => r.shard)).toEqual([
      { index: 1, count: 2 },
      { index: 2, count: 2 },
    ]);
    // Each shard ran part of the conversations; together, all of them.
    expect(shards.every((r) => r.tests.length > 0)).toBe(true);
    expect(shards[0]!.tests.length + shards[1]!.tests.length).toBe(3);

    const mergedDir = path.join(dir, 'merged');
    const junit = path.join(mergedDir, 'junit.xml');
    const merge = await runFixtureVitest([`--merge-reports=${blobs}`, '--reporter=junit', `--outputFile.junit=${junit}`], mergedDir);
    expect(merge.exitCode, merge.output).toBe(1);

    const merged = readReport(path.join(mergedDir, 'report.json'));
    expect(merged.shard).toBeUndefined();
    expect(merged.summary).toMatchObject({ tests: 3, failed: 1, turns: 4 });
    const fromShards = shards.flatMap((r) => r.tests).map((t) => [t.id, t.turns.map((turn) => turn.turn)]);
    expect(Object.fromEntries(merged.tests.map((t) => [t.id, t.turns.map((turn) => turn.turn)]))).toEqual(Object.fromEntries(fromShards));
    expect(junitCase(readFileSync(junit, 'utf8'), FAILING)).toContain('user    forecast for 3 days in Tokyo');
  }, 240_000);
});
