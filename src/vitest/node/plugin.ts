/**
 * The Vitest plugin: one line in `vitest.config.ts` adds the global setup (run id, sweep of
 * leftover agents), registers the matchers in every test file, optionally adds the
 * transcript reporter, and hands project-wide session defaults to the workers.
 *
 * @example
 * // vitest.config.ts
 * import { defineConfig } from 'vitest/config';
 * import { agentSession } from 'agent-session-test/vitest/plugin';
 * export default defineConfig({ plugins: [agentSession()] });
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
// Vite's `Plugin` gets its `configureVitest` hook from this module's declarations.
import type {} from 'vitest/config';
import type { Reporter, TestProject, Vite, VitestPluginContext } from 'vitest/node';
import { SpareBroker } from '../../prespawn/broker.js';
import { registerBroker, unregisterBroker } from '../../prespawn/registry.js';
import type { AgentReporterOptions } from '../../reporter/options.js';
import { autoPrespawn, projectWorkers } from './prespawn-default.js';
import { PROVIDE_KEY, type AgentSessionDefaults } from '../provided.js';

export type { AgentSessionDefaults } from '../provided.js';

export interface AgentSessionPluginOptions {
  /** Session options for every `useAgentSession` / `agentSessionFixture` of the project; a test file's own options win. */
  defaults?: AgentSessionDefaults;
  /** Fail the run (exit code 1) when agents outlived it, instead of killing them with a warning. Default false. */
  failOnLeftovers?: boolean;
  /** Register the matchers in every test file. Default true. */
  matchers?: boolean;
  /**
   * Add the `agent-session-test/vitest/reporter` reporter (a JSON and an HTML report of every test's
   * conversation): `true`, or its options. Default false. The configured reporters (or the
   * default one) keep running.
   */
  report?: boolean | AgentReporterOptions;
  /**
   * Start agents before test files need them. Once a file of the project has started an agent,
   * the runner's main process keeps up to `spares` more of that exact launch running while files
   * are still queued, and a later file's session takes one of them (through a loopback relay)
   * instead of starting its own. A session whose launch differs in any way starts its own as
   * usual. Python agents are started by forking from a server that did their imports once
   * (`fork: false` turns that off), which costs a fraction of a cold start; the launches a run's
   * files used are remembered in Vitest's cache folder (paths only), so the next run starts
   * their fork servers as it starts and its first file is forked too. `true` keeps
   * {@link DEFAULT_SPARES} spares; `false` turns it all off. Default `'auto'`: one forked spare
   * for a Python agent always, and one spare of any other agent when the project's workers leave a
   * CPU core free, e.g. Vitest's default of one worker on a 2-core machine (docs/performance.md).
   */
  prespawn?: boolean | 'auto' | { spares?: number; fork?: boolean };
}

/** Spares kept by `prespawn: true`. */
export const DEFAULT_SPARES = 1;

/** Vitest's own default time for one test. */
const VITEST_TEST_TIMEOUT = 5000;
/** The per-test time the plugin gives when the project kept Vitest's default: two turns' worth of the turn timeout. */
const DEFAULT_TEST_TIMEOUT = 60_000;

/** Feeds the broker the run's test files of `project`, and stops its spares when the run ends. */
function demandReporter(broker: SpareBroker, project: TestProject): Reporter {
  const ours = (candidate: TestProject) => candidate.name === project.name;
  return {
    onTestRunStart(specifications) {
      broker.expect(specifications.filter((spec) => ours(spec.project)).map((spec) => spec.moduleId));
    },
    onTestModuleQueued(module) {
      if (ours(module.project)) broker.queued(module.moduleId);
    },
    async onTestRunEnd() {
      await broker.stopSpares();
    },
  };
}

// The modules the plugin hands to Vitest by path, in whichever form this module has (sources
// under test, or the build): its global setup and reporter here, its setup files in ../worker.
const ext = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
const modulePath = (name: string) => fileURLToPath(new URL(`${name}${ext}`, import.meta.url));
const reporterModule = () => modulePath('./reporter');

const toArray = (value: string | string[] | undefined): string[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

/** The plugin. Put it in `plugins` of `vitest.config.ts` (or of one project in `test.projects`). */
export function agentSession(options: AgentSessionPluginOptions = {}): Vite.Plugin {
  return {
    name: 'agent-session-test',
    // Typed as returning void, but Vitest awaits every configureVitest hook before the run starts.
    // eslint-disable-next-line @typescript-eslint/no-misused-promises
    async configureVitest({ project, vitest }: VitestPluginContext) {
      const config = project.config;
      // Vitest's 5 s would end a hanging turn's test before the turn's own timeout (30 s) could say
      // what was still running and show the transcript. A value set in the config or on the command line stays.
      if (config.testTimeout === VITEST_TEST_TIMEOUT) config.testTimeout = DEFAULT_TEST_TIMEOUT;
      config.globalSetup = [...toArray(config.globalSetup), modulePath('./plugin-global-setup')];
      if (options.matchers !== false) config.setupFiles = [...config.setupFiles, modulePath('../worker/register')];
      let broker: SpareBroker | undefined;
      const prespawn = options.prespawn ?? 'auto';
      const workers = () =>
        projectWorkers({
          project: config.maxWorkers,
          root: vitest.config.maxWorkers,
          watch: vitest.config.watch,
        });
      if (prespawn !== false) {
        const spares = (typeof prespawn === 'object' ? prespawn.spares : undefined) ?? DEFAULT_SPARES;
        if (!(Number.isInteger(spares) && spares >= 0)) {
          throw new TypeError(`agentSession({ prespawn: { spares } }) takes a whole number >= 0, got ${String(spares)}`);
        }
        // A cold spare competes with the running files for the cores; a forked one costs little.
        const coldSpares = prespawn === 'auto' && !autoPrespawn(workers()) ? 0 : spares;
        broker = await SpareBroker.start({
          spares: coldSpares,
          forkedSpares: spares,
          fork: typeof prespawn !== 'object' || prespawn.fork !== false,
          // Beside Vitest's own results cache, and off where that cache is.
          ...(vitest.config.cache !== false && { rememberIn: path.join(project.vite.config.cacheDir, 'agent-session-test', 'forks.json') }),
          onForkUnavailable: (agentFile, reason) =>
            console.warn(`agent-session-test: ${agentFile} starts without forking (${reason}); each file pays the full start.`),
        });
        registerBroker(broker);
        const started = broker;
        vitest.config.reporters.push(demandReporter(started, project));
        vitest.onClose(async () => {
          unregisterBroker(started);
          await started.close();
        });
        config.setupFiles = [...config.setupFiles, modulePath('../worker/use-broker')];
      }
      project.provide(PROVIDE_KEY, {
        defaults: options.defaults ?? {},
        failOnLeftovers: options.failOnLeftovers ?? false,
        ...(broker && { broker: broker.address }),
      });
      if (options.report) {
        const reporterOptions = options.report === true ? {} : options.report;
        const reporters = vitest.config.reporters;
        if (!reporters.some((r) => Array.isArray(r) && r[0] === reporterModule()))
          reporters.push([reporterModule(), { ...reporterOptions }]);
      }
    },
  };
}

export default agentSession;
