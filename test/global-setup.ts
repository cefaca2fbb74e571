// The harness's own runs fail if any agent outlives them.
import { createGlobalSetup } from '../src/vitest/node/global-setup.js';

export default createGlobalSetup({ failOnLeftovers: true });
