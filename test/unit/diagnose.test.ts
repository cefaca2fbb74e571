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

describe('diagnose: turn detector plugins without their model files', () => {
  const node: Launch = { kind: 'node', file: '/a/agent.ts', argv: [], cwd: '/a', interpreterSource: 'Node.js' };

  test('Python: names the missing file and the download-files command', () => {
    // What livekit-plugins-turn-detector 1.8.9 raises with an empty Hugging Face cache.
    const output = 'RuntimeError: livekit-plugins-turn-detector initialization failed. Could not find file "languages.json".';
    const hint = diagnose(output, python);
    expect(hint).toContain('cannot find its model files (Could not find file "languages.json")');
    expect(hint).toContain('`python -m livekit.agents download-files <agent file>`');
    expect(hint).toContain('inference.TurnDetector()');
  });

  test('Node: the agents-plugin-livekit message gets the Node command', () => {
    // The message agents-plugin-livekit throws (plugins/livekit/src/turn_detector/base.ts).
    const output = 'Error: agents-plugins-livekit failed to initialize multilingual EOU turn detector: Required model files not found locally.';
    const hint = diagnose(output, node);
    expect(hint).toContain('(Required model files not found locally)');
    expect(hint).toContain('`npx livekit-agents download-files`');
  });
});
