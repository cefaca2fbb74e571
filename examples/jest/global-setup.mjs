// Jest loads global setup outside its module system, where the package name is not mapped to
// this repository's TypeScript sources; tsx loads them. A user's project points straight at
// 'agent-session-test/jest/global-setup' instead.
// No top-level await: Jest 29 loads this file with require() first, which Node refuses for a
// module that awaits at the top level.
import { tsImport } from 'tsx/esm/api';

export default async function globalSetup(...args) {
  const { default: setup } = await tsImport('../../src/jest/node/global-setup.ts', import.meta.url);
  return setup(...args);
}
