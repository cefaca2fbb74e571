/**
 * The Vitest plugin: one line in `vitest.config.ts` adds the global setup (run id, sweep of
 * leftover agents), registers the matchers in every test file, optionally adds the
 * transcript reporter, and hands project-wide session defaults to the workers.
 *
 * @example
 * // vitest.config.ts
 * import { defineConfig } from 'vitest/config';
 * import { agentSession } from 'agent-session-test/plugin';
 * export default defineConfig({ plugins: [agentSession()] });
 */
import { fileURLToPath } from 'node:url';
// Vite's `Plugin` gets its `configureVitest` hook from this module's declarations.
import type {} from 'vitest/config';
import type { Vite, VitestPluginContext } from 'vitest/node';
import type { AgentReporterOptions } from '../reporter/options.js';
import { PROVIDE_KEY, type AgentSessionDefaults } from './provided.js';

export type { AgentSessionDefaults } from './provided.js';

export interface AgentSessionPluginOptions {
  /** Session options for every `useAgentSession` / `agentSessionFixture` of the project; a test file's own options win. */
  defaults?: AgentSessionDefaults;
  /** Fail the run (exit code 1) when agents outlived it, instead of killing them with a warning. Default false. */
  failOnLeftovers?: boolean;
  /** Register the matchers in every test file. Default true. */
  matchers?: boolean;
  /**
   * Add the `agent-session-test/reporter` reporter (a JSON and an HTML report of every test's
   * conversation): `true`, or its options. Default false. The configured reporters (or the
   * default one) keep running.
   */
  report?: boolean | AgentReporterOptions;
}

// The sibling modules, in whichever form this module has (sources under test, or the build).
const ext = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
const sibling = (name: string) => fileURLToPath(new URL(`./${name}${ext}`, import.meta.url));
const reporterModule = () => fileURLToPath(new URL(`../reporter/index${ext}`, import.meta.url));

const toArray = (value: string | string[] | undefined): string[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

/** The plugin. Put it in `plugins` of `vitest.config.ts` (or of one project in `test.projects`). */
export function agentSession(options: AgentSessionPluginOptions = {}): Vite.Plugin {
  return {
    name: 'agent-session-test',
    configureVitest({ project, vitest }: VitestPluginContext) {
      const config = project.config;
      config.globalSetup = [...toArray(config.globalSetup), sibling('plugin-global-setup')];
      if (options.matchers !== false) config.setupFiles = [...config.setupFiles, sibling('matchers')];
      project.provide(PROVIDE_KEY, { defaults: options.defaults ?? {}, failOnLeftovers: options.failOnLeftovers ?? false });
      if (options.report) {
        const reporterOptions = options.report === true ? {} : options.report;
        const reporters = vitest.config.reporters;
        if (!reporters.some((r) => Array.isArray(r) && r[0] === reporterModule())) reporters.push([reporterModule(), { ...reporterOptions }]);
      }
    },
  };
}

export default agentSession;
