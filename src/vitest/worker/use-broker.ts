/**
 * A setup file the `agentSession()` plugin adds when `prespawn` is on: points the sessions of
 * this worker at the broker in the runner's main process.
 */
import { expect } from 'vitest';
import { useBroker } from '../../prespawn/client.js';
import { providedConfig } from './provided.js';

useBroker(providedConfig()?.broker, () => expect.getState().testPath);
