/**
 * The global setup the `agentSession()` plugin adds: the run id and the sweep of leftover
 * agents, with the plugin's `failOnLeftovers` setting; with `prespawn`, the unused spares are
 * ended first.
 */
import type { TestProject } from 'vitest/node';
import { runTaggedOf, stopSparesOf } from '../../prespawn/registry.js';
import { createGlobalSetup } from './global-setup.js';
import { PROVIDE_KEY } from '../provided.js';

export default function setup(project: TestProject): () => Promise<void> {
  const provided = project.getProvidedContext()[PROVIDE_KEY];
  const teardown = createGlobalSetup({ failOnLeftovers: provided?.failOnLeftovers ?? false })();
  // Fork servers started with the run carry its id, so its teardown finds them.
  runTaggedOf(provided?.broker?.port);
  return async () => {
    // Spares nobody took are the broker's to end, not leftovers (a run cut short ends before its reporters' end).
    await stopSparesOf(provided?.broker?.port);
    await teardown();
  };
}
