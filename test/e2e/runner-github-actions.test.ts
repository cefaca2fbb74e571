// The failed conversation's transcript under Vitest's github-actions reporter: a child Vitest runs
// the fixture project (test/fixtures/runner/reports) against the real Node weather agent, and the
// workflow commands it prints must carry the transcript, placed in the test file.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from 'vitest';
import { runFixtureVitest, runnerFixture, tempDir } from './runner-helpers.js';

interface WorkflowCommand {
  command: string;
  properties: Record<string, string>;
  message: string;
}

/** The `::command k=v,...::message` lines of a run, decoded as GitHub decodes them. */
function workflowCommands(output: string): WorkflowCommand[] {
  const unescape = (s: string) =>
    s.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%3A/g, ':').replace(/%2C/g, ',').replace(/%25/g, '%');
  return output
    .split('\n')
    .map((line) => /^::(\w+)(?: (.*?))?::(.*)$/.exec(line))
    .filter((match) => match !== null)
    .map(([, command, props, message]) => ({
      command: command!,
      properties: Object.fromEntries(
        (props ?? '')
          .split(',')
          .filter(Boolean)
          .map((kv) => {
            const at = kv.indexOf('=');
            return [kv.slice(0, at), unescape(kv.slice(at + 1))];
          }),
      ),
      message: unescape(message ?? ''),
    }));
}

test("the github-actions reporter prints the failed test's transcript, at the failing line", async () => {
  const run = await runFixtureVitest(['weather.test.ts', '--reporter=github-actions'], tempDir());
  expect(run.exitCode, run.output).toBe(1);

  const commands = workflowCommands(run.output);
  const transcripts = commands.filter((c) => c.properties['title'] === 'agent transcript');
  // Only the failing conversation has one; the passing one carries no annotation.
  expect(transcripts, run.output).toHaveLength(1);
  const [transcript] = transcripts;
  expect(transcript!.command).toBe('notice');
  expect(transcript!.message).toMatch(/^user {4}weather in London\?$/m);
  expect(transcript!.message).toMatch(/^user {4}forecast for 3 days in Tokyo$/m);
  expect(transcript!.message).toContain('get_forecast({"city":"Tokyo","days":3})');

  // Placed where the test failed, as the error itself is.
  const file = path.join(runnerFixture, 'weather.test.ts');
  const failingLine =
    readFileSync(file, 'utf8')
      .split('\n')
      .findIndex((line) => line.includes("toContain('Berlin')")) + 1;
  expect(transcript!.properties).toMatchObject({ file, line: String(failingLine) });
  const error = commands.find((c) => c.command === 'error' && c.properties['title']?.includes('fails on purpose after two turns'));
  expect(error?.properties, run.output).toMatchObject({ file, line: String(failingLine) });
}, 180_000);
