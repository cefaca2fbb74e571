// This repository's own Jest runs fail if an agent outlives them (see global-setup.mjs for why tsx).
import { tsImport } from 'tsx/esm/api';

const { createGlobalTeardown } = await tsImport('../../src/jest/global-teardown.ts', import.meta.url);
export default createGlobalTeardown({ failOnLeftovers: true });
