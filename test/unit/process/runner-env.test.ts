import { describe, expect, test } from 'vitest';
import { withoutRunnerEnv } from '../../../src/process/runner-env.js';

describe('the runner environment is kept from the agent', () => {
  test("Vitest's variables go, the user's stay", () => {
    const env = withoutRunnerEnv({
      VITEST: 'true',
      VITEST_POOL_ID: '1',
      VITEST_WORKER_ID: '3',
      TEST: 'true',
      NODE_ENV: 'test',
      MODE: 'test',
      BASE_URL: '/',
      PROD: '',
      DEV: '1',
      SSR: '',
      PATH: '/usr/bin',
      OPENAI_API_KEY: 'sk-x',
    });
    expect(env).toEqual({ PATH: '/usr/bin', OPENAI_API_KEY: 'sk-x' });
  });

  test("Jest's worker id and its NODE_ENV go; NODE_OPTIONS keeps what is not the runner's", () => {
    const env = withoutRunnerEnv({
      JEST_WORKER_ID: '1',
      NODE_ENV: 'test',
      NODE_OPTIONS: '--experimental-vm-modules --max-old-space-size=4096 --require /p/node_modules/jest-circus/runner.js --import=tsx',
    });
    expect(env).toEqual({ NODE_OPTIONS: '--max-old-space-size=4096 --import=tsx' });
  });

  test('values the user chose are kept: NODE_ENV other than test, MODE of their own, TEST without Vitest', () => {
    expect(withoutRunnerEnv({ VITEST: 'true', NODE_ENV: 'production', MODE: 'staging', BASE_URL: '/app/' })).toEqual({
      NODE_ENV: 'production',
      MODE: 'staging',
      BASE_URL: '/app/',
    });
    expect(withoutRunnerEnv({ TEST: 'true', NODE_ENV: 'test', DEV: '1' })).toEqual({ TEST: 'true', NODE_ENV: 'test', DEV: '1' });
  });

  test('a NODE_OPTIONS of runner flags only is removed', () => {
    expect(withoutRunnerEnv({ VITEST: 'true', NODE_OPTIONS: '--loader vitest/loader' })).toEqual({});
  });
});
