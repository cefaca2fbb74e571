import { describe, expect, test } from 'vitest';
import { diagnose } from '../../../src/process/diagnose.js';
import type { Launch } from '../../../src/process/runtime.js';

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
    expect(diagnose(output, python).hint).toMatch(/too old for the console launch: upgrade to livekit-agents >= 1\.6/);
  });

  test('a missing livekit names the package and the interpreter used', () => {
    const output =
      "/usr/bin/python3: Error while finding module specification for 'livekit.agents' (ModuleNotFoundError: No module named 'livekit')";
    expect(diagnose(output, python).hint).toMatch(/the virtualenv \/a\/\.venv\) does not have livekit-agents installed/);
  });

  // The lines below are what the installed SDKs print (see the e2e fault suite, which runs them).
  const node: Launch = { kind: 'node', file: '/a/agent.ts', argv: [], cwd: '/a', interpreterSource: 'node' };

  test('a TypeScript syntax error, as the tsx loader prints it, is one; and the launch says why the agent was not compiled', () => {
    const output = [
      'Error [TransformError]: Transform failed with 1 error:',
      '/a/agent.ts:1:18: ERROR: Unexpected ";"',
      '    at failureErrorWithLog (/a/node_modules/esbuild/lib/main.js:1752:15)',
    ].join('\n');
    const reason = 'compiling failed: agent.ts:1:18: Unexpected ";"';
    const launch = { ...node, interpreterSource: `Node.js with the tsx TypeScript loader (${reason})`, notCompiled: reason };
    const diagnosis = diagnose(output, launch, { phase: 'starting', exitCode: 1 });
    expect(diagnosis.cause).toBe('/a/agent.ts:1:18: ERROR: Unexpected ";"');
    expect(diagnosis.hint).toBe(
      'The agent file does not parse; fix the syntax error shown in the output. Launched with Node.js with the tsx TypeScript loader (compiling failed: agent.ts:1:18: Unexpected ";").',
    );
    expect(diagnose(output, node).hint).toBe('The agent file does not parse; fix the syntax error shown in the output.');
  });

  test("a Node agent's fatal log line is quoted without its prefix", () => {
    const output = '[05:56:58.246] DEBUG (14191): Session ended\n[05:56:58.296] FATAL (14191): console mode failed: something broke\n';
    const diagnosis = diagnose(output, node, { phase: 'running', exitCode: 1 });
    expect(diagnosis.cause).toBe('console mode failed: something broke');
    expect(diagnosis.basis).toBe('fatal');
    expect(diagnosis.hint).toMatch(/its own fatal error/);
  });

  test('a missing provider key names the variable, in either wording', () => {
    const nodeKey = diagnose(
      '[06:03:38.371] FATAL (20508): console mode failed: OpenAI API key is required, whether as an argument or as $OPENAI_API_KEY',
      node,
    );
    expect(nodeKey.cause).toMatch(/^console mode failed: OpenAI API key is required/);
    expect(nodeKey.hint).toMatch(/no API key \(OPENAI_API_KEY\)/);
    const pythonKey = diagnose(
      'Traceback (most recent call last):\nopenai.OpenAIError: Missing credentials. Please pass an `api_key`, or set the `DEEPGRAM_API_KEY` environment variable.',
      python,
    );
    expect(pythonKey.cause).toMatch(/^openai\.OpenAIError: Missing credentials/);
    expect(pythonKey.hint).toMatch(/no API key \(DEEPGRAM_API_KEY\)/);
  });

  test('the last line of a Python traceback is the cause, dotted exception names included', () => {
    const output =
      'Traceback (most recent call last):\n  File "a.py", line 3\nValueError: first\nDuring handling...\nmypkg.errors.ConfigError: the real one';
    expect(diagnose(output, python).cause).toBe('mypkg.errors.ConfigError: the real one');
  });

  test('an exit with code 0 before connecting points at a guarded entry', () => {
    const diagnosis = diagnose('', node, { phase: 'starting', exitCode: 0 });
    expect(diagnosis.cause).toBeUndefined();
    expect(diagnosis.hint).toMatch(/exited normally \(code 0\)[\s\S]*cli\.runApp[\s\S]*VITEST[\s\S]*keepRunnerEnv/);
    // An exit with a failure code says nothing about guards.
    expect(diagnose('', node, { phase: 'starting', exitCode: 1 }).hint).toMatch(/Run the command above by hand/);
  });
});

describe('diagnose: turn detector plugins without their model files', () => {
  const node: Launch = { kind: 'node', file: '/a/agent.ts', argv: [], cwd: '/a', interpreterSource: 'Node.js' };

  test('Python: names the missing file and the download-files command', () => {
    // What livekit-plugins-turn-detector 1.8.9 raises with an empty Hugging Face cache.
    const output = 'RuntimeError: livekit-plugins-turn-detector initialization failed. Could not find file "languages.json".';
    const { hint } = diagnose(output, python);
    expect(hint).toContain('cannot find its model files (Could not find file "languages.json")');
    expect(hint).toContain('`python -m livekit.agents download-files <agent file>`');
    expect(hint).toContain('inference.TurnDetector()');
  });

  test('Node: the agents-plugin-livekit message gets the Node command', () => {
    // The message agents-plugin-livekit throws (plugins/livekit/src/turn_detector/base.ts).
    const output =
      'Error: agents-plugins-livekit failed to initialize multilingual EOU turn detector: Required model files not found locally.';
    const { hint } = diagnose(output, node);
    expect(hint).toContain('(Required model files not found locally)');
    expect(hint).toContain('`npx livekit-agents download-files`');
  });
});
