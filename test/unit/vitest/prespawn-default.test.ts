import { describe, expect, test } from 'vitest';
import { autoPrespawn, projectWorkers } from '../../../src/vitest/node/prespawn-default.js';

describe("prespawn: 'auto'", () => {
  test('resolves the workers as Vitest does: project, then root, then the cores', () => {
    expect(projectWorkers({ project: 2, root: 4 }, 8)).toBe(2);
    expect(projectWorkers({ root: 4 }, 8)).toBe(4);
    expect(projectWorkers({ project: '50%' }, 8)).toBe(4);
    expect(projectWorkers({ project: '10%' }, 4)).toBe(1);
    expect(projectWorkers({}, 2)).toBe(1);
    expect(projectWorkers({}, 8)).toBe(7);
    expect(projectWorkers({ watch: true }, 8)).toBe(4);
    expect(projectWorkers({}, 1)).toBe(1);
  });

  test('keeps spares only when a core is left free', () => {
    // Vitest's default on two cores (one worker): on.
    expect(autoPrespawn(projectWorkers({}, 2), 2)).toBe(true);
    // Two workers on two cores: off.
    expect(autoPrespawn(projectWorkers({ project: 2 }, 2), 2)).toBe(false);
    // One core: nothing is free.
    expect(autoPrespawn(projectWorkers({}, 1), 1)).toBe(false);
    expect(autoPrespawn(3, 8)).toBe(true);
  });
});
