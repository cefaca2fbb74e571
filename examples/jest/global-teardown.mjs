// This repository's own Jest runs fail if an agent outlives them (see global-setup.mjs for why
// tsx, and why no top-level await).
import { tsImport } from 'tsx/esm/api';

export default async function globalTeardown() {
  const { createGlobalTeardown } = await tsImport('../../src/jest/node/global-teardown.ts', import.meta.url);
  return createGlobalTeardown({ failOnLeftovers: true })();
}
