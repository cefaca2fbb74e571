// Jest loads global setup outside its module system, where the package name is not mapped to
// this repository's TypeScript sources; tsx loads them. A user's project points straight at
// 'agent-session-test/jest/global-setup' instead.
import { tsImport } from 'tsx/esm/api';

const { default: globalSetup } = await tsImport('../../src/jest/global-setup.ts', import.meta.url);
export default globalSetup;
