import { describe, expect, test } from 'vitest';
import { diagnose } from '../../src/process/diagnose.js';
import type { Launch } from '../../src/process/runtime.js';

const python: Launch = { kind: 'python', file: '/a/agent.py', argv: [], cwd: '/a', interpreterSource: 'the virtualenv /a/.venv' };

describe('diagnose', () => {
  // livekit-agents 1.5 has a `python -m livekit.agents` with only `download-files`: its argparse
  // rejects `console`. The output below is what that parser prints (from the 1.5.17 wheel's
  // __main__.py); installing 1.5 in CI to see it live would cost minutes.
  test('livekit-agents older than 1.6 is told to upgrade', () => {
    const output = [
      'usage: python -m livekit.agents [-h] {download-files} ...',
      "python -m livekit.agents: error: argument command: invalid choice: 'console' (choose from 'download-files')",
    ].join('\n');
    expect(diagnose(output, python)).toMatch(/too old for the console launch: upgrade to livekit-agents >= 1\.6/);
  });

  test('a missing livekit names the package and the interpreter used', () => {
    const output = "/usr/bin/python3: Error while finding module specification for 'livekit.agents' (ModuleNotFoundError: No module named 'livekit')";
    expect(diagnose(output, python)).toMatch(/the virtualenv \/a\/\.venv\) does not have livekit-agents installed/);
  });
});
