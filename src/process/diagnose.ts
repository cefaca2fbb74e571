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
    pattern:
      /livekit-plugins-turn-detector initialization failed\. (Could not find file "[^"]+")|EOU turn detector: (Required model files not found locally)/,
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
    hint: () =>
      'The module defines no AgentServer. Define one at module level (e.g. `server = AgentServer()` with an @server.rtc_session() entrypoint); livekit-agents >= 1.6 is needed for the console launch.',
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
    hint: () =>
      'A tool in an object map was created with a name; in @livekit/agents the map key is the name, so drop the name from the tool definition.',
  },
  {
    // esbuild's error as the tsx loader prints it: `file:line:column: ERROR: text`.
    pattern: /SyntaxError|IndentationError|^\S.*:\d+:\d+: ERROR: /m,
    hint: () => 'The agent file does not parse; fix the syntax error shown in the output.',
  },
  {
    pattern: /Cannot find (?:module|package) ['"]([^'"]+)['"]/,
    hint: (match) =>
      `The agent imports "${match[1]}", which cannot be resolved from its project. Install it (npm install) in the agent's project.`,
  },
  {
    pattern: /does not provide an export named 'default'|default export/i,
    hint: () => 'A Node agent must `export default defineAgent({...})` and call cli.runApp(...) with its own file.',
  },
];

/** A key a provider plugin wants, as SDKs and provider clients word it. */
const MISSING_KEY = /\bAPI key is required\b|\bMissing credentials\b|\bapi[_ ]key\b[^\n]*\b(?:is required|must be set|not set|missing)\b/i;
/** The environment variable named next to it, e.g. `$OPENAI_API_KEY` or `OPENAI_API_KEY`. */
const KEY_VARIABLE = /\b([A-Z][A-Z0-9]*_(?:API_KEY|KEY|TOKEN|SECRET))\b/;
/** A Node agent's logger line for the error that ended it (pino's `FATAL (pid): ...`). */
const FATAL = /\bFATAL\b(?: \([^)]*\))?:? *(.+)$/m;
/** The last `SomeError: message` line of a Python traceback or a Node error print. */
const RAISED = /^(?:Uncaught )?((?:[\w.]*[A-Z]\w*)?(?:Error|Exception)): (.+)$/gm;

/** What the output says went wrong: the decisive line, and what to do about it. */
export interface Diagnosis {
  /** The line of the agent's output that names the cause, without log prefixes; absent when none does. */
  cause?: string;
  hint: string;
  /**
   * What the hint rests on: a known message, the agent's own fatal log line, the last raised
   * exception (which may be one the agent survived), or only how it exited.
   */
  basis: 'known' | 'fatal' | 'raised' | 'exit';
}

/** How the agent ended, as far as it is known. */
export interface FailureContext {
  /** Whether it failed before connecting or after it was ready. */
  phase: 'starting' | 'running';
  exitCode?: number | null;
  signal?: string | null;
}

/** The whole output line around a match, without its timestamp and log level prefix. */
function lineAt(output: string, index: number): string {
  const start = output.lastIndexOf('\n', index) + 1;
  const end = output.indexOf('\n', index);
  return stripLogPrefix(output.slice(start, end === -1 ? undefined : end));
}

function stripLogPrefix(line: string): string {
  return line
    .replace(/^\[[\d:.]+\]\s+/, '') // pino: [hh:mm:ss.mmm]
    .replace(/^\d\d:\d\d:\d\d\s+/, '') // Python's console log: hh:mm:ss
    .replace(/^(?:FATAL|ERROR|CRITICAL)\b(?: \([^)]*\))?:?\s*/, '')
    .trim();
}

/**
 * Explains why an agent failed, from its output and how it ended; for a TypeScript agent that was
 * not compiled, the hint also says how it was launched and why.
 */
export function diagnose(output: string, launch: Launch, context: FailureContext = { phase: 'starting' }): Diagnosis {
  const diagnosis = explain(output, launch, context);
  return launch.notCompiled ? { ...diagnosis, hint: `${diagnosis.hint} Launched with ${launch.interpreterSource}.` } : diagnosis;
}

function explain(output: string, launch: Launch, context: FailureContext): Diagnosis {
  for (const rule of RULES) {
    const match = output.match(rule.pattern);
    if (match) return { cause: lineAt(output, match.index ?? 0), hint: rule.hint(match, launch), basis: 'known' };
  }
  const missingKey = output.match(MISSING_KEY);
  if (missingKey) {
    const cause = lineAt(output, missingKey.index ?? 0);
    const variable = cause.match(KEY_VARIABLE)?.[1];
    return {
      cause,
      basis: 'known',
      hint:
        `A plugin the agent builds has no API key${variable ? ` (${variable})` : ''}. The harness only provides keys for the model it replaces with { llm } (OPENAI_* and LIVEKIT_*); ` +
        `give other providers theirs through { env } (a dummy value is enough for a plugin text mode never calls, such as STT or TTS), or build that plugin only when its key is set.`,
    };
  }
  if (/room is not connected/.test(output)) {
    return {
      cause: lineAt(output, output.search(/room is not connected/)),
      basis: 'known',
      hint:
        'The agent waits on the room (e.g. ctx.waitForParticipant()), and in console mode there is none: the session runs without a room or participants. ' +
        'Skip room-only steps in console mode, or start the session without waiting for a participant.',
    };
  }
  const fatal = output.match(FATAL);
  if (fatal) {
    const cause = lineAt(output, fatal.index ?? 0);
    return {
      cause,
      basis: 'fatal',
      hint: `The agent stopped on its own fatal error ("${cause}"); nothing failed before it. Fix that in the agent (the lines before it in the output show where).`,
    };
  }
  const raised = [...output.matchAll(RAISED)].at(-1);
  if (raised) {
    return {
      cause: `${raised[1]}: ${raised[2]}`,
      basis: 'raised',
      hint: `The agent raised ${raised[1]}: ${raised[2]}. Fix that in the agent (the traceback is in the output below).`,
    };
  }
  if (context.phase === 'starting' && context.exitCode === 0) {
    return {
      basis: 'exit',
      hint:
        'The agent exited normally (code 0) without connecting, so its program ended before it started a session. Usually the entry is guarded: ' +
        "cli.runApp(...) only runs when an environment check passes (LiveKit's Node examples skip it when VITEST is set; the harness removes the runner's variables unless { keepRunnerEnv } is set, so check { env } and your own variables), " +
        'a `__main__` or `require.main` path that is not taken under the console launch, or a file that is a library rather than the agent.',
    };
  }
  return {
    basis: 'exit',
    hint:
      launch.kind === 'python'
        ? 'Run the command above by hand to see the failure; the agent needs livekit-agents >= 1.6 and a module-level AgentServer.'
        : 'Run the command above by hand to see the failure; the agent needs @livekit/agents >= 1.4.7, a default export from defineAgent and cli.runApp.',
  };
}

/** Output that means the agent's job died even though the process keeps running. */
export const CRASH_MARKERS = /job crashed|console mode failed:/;
