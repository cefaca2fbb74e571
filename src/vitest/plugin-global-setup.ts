/**
 * The global setup the `agentSession()` plugin adds: the run id and the sweep of leftover
 * agents, with the plugin's `failOnLeftovers` setting.
 */
import type { TestProject } from 'vitest/node';
import { createGlobalSetup } from './global-setup.js';
import { PROVIDE_KEY } from './provided.js';

export default function setup(project: TestProject): () => Promise<void> {
  const failOnLeftovers = project.getProvidedContext()[PROVIDE_KEY]?.failOnLeftovers ?? false;
  return createGlobalSetup({ failOnLeftovers })();
}
