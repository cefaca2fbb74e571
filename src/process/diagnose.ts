/**
 * Turns an agent's dying words into advice. The patterns are the messages the Python and Node
 * SDKs print for the usual set-up mistakes; anything unrecognised gets a generic hint and the
 * output tail speaks for itself.
 */
import type { Launch } from './runtime.js';

interface Rule {
  pattern: RegExp;
  hint: (match: RegExpMatchArray, launch: Launch) => string;
}

const RULES: Rule[] = [
  {
    // The turn-detector plugins (Python livekit-plugins-turn-detector, Node agents-plugin-livekit)
    // read their model from the Hugging Face cache, filled by `download-files`.
    pattern: /livekit-plugins-turn-detector initialization failed\. (Could not find file "[^"]+")|EOU turn detector: (Required model files not found locally)/,
    hint: (match, launch) =>
      `The agent's turn detector plugin cannot find its model files (${match[1] ?? match[2]}): they come from the Hugging Face hub, which the harness never contacts. ` +
      `Download them once where the hub is reachable (${launch.kind === 'python' ? '`python -m livekit.agents download-files <agent file>`' : '`npx livekit-agents download-files`'}) and keep that cache (HF_HOME) for the test runs, ` +
      'or use the turn detector built into the SDK (the default when turn detection is not set; Python `inference.TurnDetector()`), which needs no download.',
  },
  {
    pattern: /No module named ['"]?livekit(?:\.agents)?['"]?/,
    hint: (_, launch) =>
      `The Python used (${launch.interpreterSource}) does not have livekit-agents installed. Install it there (pip install "livekit-agents>=1.6"), or point the harness at the right environment with { interpreter: [...] } or VIRTUAL_ENV.`,
  },
  {
    pattern: /cannot import name ['"](\w+)['"] from ['"]([\w.]+)['"]/,
    hint: (match, launch) =>
      `The agent imports "${match[1]}" from "${match[2]}", which is not installed in ${launch.interpreterSource} (for a plugin: pip install livekit-plugins-...).`,
  },
  {
    pattern: /No module named ['"]?([\w.]+)['"]?/,
    hint: (match, launch) =>
      `The agent imports the Python package "${match[1]}", which is not installed in ${launch.interpreterSource}. Install it there (pip install ...).`,
  },
  {
    pattern: /Could not find AgentServer/i,
    hint: () => 'The module defines no AgentServer. Define one at module level (e.g. `server = AgentServer()` with an @server.rtc_session() entrypoint); livekit-agents >= 1.6 is needed for the console launch.',
  },
  {
    pattern: /unrecognized arguments: .*--connect-addr|No such command ['"]?console|invalid choice: ['"]?console/i,
    hint: () => 'The installed livekit-agents is too old for the console launch: upgrade to livekit-agents >= 1.6.',
  },
  {
    pattern: /unknown option '--connect-addr'/i,
    hint: () => 'The installed @livekit/agents is too old for the console launch: upgrade to @livekit/agents >= 1.4.7.',
  },
  {
    pattern: /must be anonymous/,
    hint: () => 'A tool in an object map was created with a name; in @livekit/agents the map key is the name, so drop the name from the tool definition.',
  },
  {
    pattern: /SyntaxError|IndentationError/,
    hint: () => 'The agent file does not parse; fix the syntax error shown in the output.',
  },
  {
    pattern: /Cannot find (?:module|package) ['"]([^'"]+)['"]/,
    hint: (match) => `The agent imports "${match[1]}", which cannot be resolved from its project. Install it (npm install) in the agent's project.`,
  },
  {
    pattern: /does not provide an export named 'default'|default export/i,
    hint: () => 'A Node agent must `export default defineAgent({...})` and call cli.runApp(...) with its own file.',
  },
];

/** The last `SomeError: message` line of a Python traceback or a Node error print. */
const RAISED = /^(?:Uncaught )?([A-Z]\w*(?:Error|Exception)): (.+)$/gm;

/** Advice for an agent that failed before or while connecting, from its output. */
export function diagnose(output: string, launch: Launch): string {
  for (const rule of RULES) {
    const match = output.match(rule.pattern);
    if (match) return rule.hint(match, launch);
  }
  const raised = [...output.matchAll(RAISED)].at(-1);
  if (raised) return `The agent raised ${raised[1]}: ${raised[2]}. Fix that in the agent (the traceback is in the output below).`;
  return launch.kind === 'python'
    ? 'Run the command above by hand to see the failure; the agent needs livekit-agents >= 1.6 and a module-level AgentServer.'
    : 'Run the command above by hand to see the failure; the agent needs @livekit/agents >= 1.4.7, a default export from defineAgent and cli.runApp.';
}

/** Output that means the agent's job died even though the process keeps running. */
export const CRASH_MARKERS = /job crashed|console mode failed:/;
