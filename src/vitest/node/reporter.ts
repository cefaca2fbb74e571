/**
 * `agent-session-test/vitest/reporter`: a Vitest reporter that writes every agent conversation of the
 * run to `<outputDir>/report.json` and a static `report.html` to open from CI artifacts.
 * Works per shard (`--shard=i/n` writes `report.shard-i-of-n.*`) and on `--merge-reports`.
 *
 * @example
 * // vitest.config.ts
 * export default defineConfig({ test: { reporters: ['default', 'agent-session-test/vitest/reporter'] } });
 * // or: plugins: [agentSession({ report: true })]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Reporter, TestModule, Vitest } from 'vitest/node';
import { createRedactor, findSecrets, redactInPlace } from '../../process/redact.js';
import { renderReportHtml } from '../../reporter/html.js';
import { REPORTER_DEFAULTS, type AgentReporterOptions } from '../../reporter/options.js';
import { buildReport } from '../../reporter/report.js';

export type { AgentReporterOptions } from '../../reporter/options.js';
export type { AgentSessionReport, ReportTest, ReportTurn } from '../../reporter/report.js';
export { buildReport, REPORT_VERSION } from '../../reporter/report.js';
export { renderReportHtml } from '../../reporter/html.js';

/** The reporter. Vitest builds it from the module name with the options given in the config. */
export default class AgentSessionReporter implements Reporter {
  private vitest: Vitest | undefined;

  constructor(private readonly options: AgentReporterOptions = {}) {}

  onInit(vitest: Vitest): void {
    this.vitest = vitest;
  }

  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    const config = this.vitest?.config;
    const root = config?.root ?? process.cwd();
    const shard = config?.shard ? { index: config.shard.index, count: config.shard.count } : undefined;
    // Turns were redacted in the workers; a test's own failure message may still quote a secret of the environment.
    const report = redactInPlace(buildReport(testModules, root, shard), createRedactor(findSecrets(process.env)));

    const dir = path.resolve(root, this.options.outputDir ?? REPORTER_DEFAULTS.outputDir);
    const base = (this.options.fileName ?? REPORTER_DEFAULTS.fileName) + (shard ? `.shard-${shard.index}-of-${shard.count}` : '');
    mkdirSync(dir, { recursive: true });
    const jsonFile = path.join(dir, `${base}.json`);
    writeFileSync(jsonFile, `${JSON.stringify(report, null, 2)}\n`);
    const written = [jsonFile];
    if (this.options.html !== false) {
      const htmlFile = path.join(dir, `${base}.html`);
      writeFileSync(htmlFile, renderReportHtml(report));
      written.push(htmlFile);
    }
    if (this.options.log !== false && report.tests.length > 0) {
      const list = written.map((f) => path.relative(process.cwd(), f)).join(', ');
      (this.vitest?.logger ?? console).log(`agent-session-test: ${report.summary.tests} conversation(s) written to ${list}`);
    }
  }
}
