// The runner's real key never reaches anything the harness writes. A child Vitest run (the fixture
// project in test/fixtures/runner/secrets, with the plugin's report) has OPENAI_API_KEY set to a live-looking
// key; the user's text and the model's reply both carry it, through the real Node agent and a
// recording cassette, and the test fails on purpose.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { junitCase, runFixtureVitest, secretsFixture, tempDir } from './runner-helpers.js';

const count = (text: string, needle: string) => text.split(needle).length - 1;

describe('secrets of the runner', () => {
  test('the key shows 0 times in report.json, report.html, junit, the JSON reporter, the console and the cassette', async () => {
    const dir = tempDir();
    const key = `sk-live-${randomBytes(18).toString('hex')}`;
    const files = {
      report: path.join(dir, 'report.json'),
      html: path.join(dir, 'report.html'),
      junit: path.join(dir, 'junit.xml'),
      json: path.join(dir, 'vitest.json'),
      cassette: path.join(dir, 'leak.jsonl'),
    };
    const run = await runFixtureVitest(
      ['--reporter=default', '--reporter=junit', `--outputFile.junit=${files.junit}`, '--reporter=json', `--outputFile.json=${files.json}`],
      dir,
      { root: secretsFixture, env: { OPENAI_API_KEY: key, SECRETS_CASSETTE: files.cassette } },
    );
    expect(run.exitCode, run.output).toBe(1);
    expect(run.output).toMatch(/Tests\s+1 failed \(1\)/);

    const written = Object.fromEntries(Object.entries(files).map(([name, file]) => [name, readFileSync(file, 'utf8')]));
    const outputs = { ...written, console: run.output };
    expect(Object.fromEntries(Object.entries(outputs).map(([name, text]) => [name, count(text, key)]))).toEqual({
      report: 0,
      html: 0,
      junit: 0,
      json: 0,
      cassette: 0,
      console: 0,
    });

    // The key did travel (said by the user, repeated by the model): each place shows where it was.
    const marker = '[redacted $OPENAI_API_KEY]';
    const report = JSON.parse(written['report']!) as {
      tests: { errors: string[]; turns: { transcript: string; turn: { input: string; reply: string } }[] }[];
    };
    const turn = report.tests[0]!.turns[0]!;
    expect(turn.turn.input).toBe(`my key is ${marker}`);
    expect(turn.turn.reply).toContain(`your key is ${marker}`);
    expect(turn.transcript).toContain(marker);
    expect(report.tests[0]!.errors.join('\n')).toContain(marker);
    expect(written['html']).toContain(marker);
    expect(junitCase(written['junit']!, 'fails on purpose with the key in the conversation')).toContain(marker);
    expect(written['cassette']).toContain(marker);
    expect(run.output).toContain(marker);
  }, 180_000);
});
