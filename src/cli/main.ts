#!/usr/bin/env node
/**
 * `agent-session-test <command>`: drives an agent from a terminal or a bash tool. Each command's
 * module is imported only when it runs, so `say` loads the renderer and the control client, not
 * the harness that the daemon holds. Errors go to stderr and end in a distinct exit code.
 */
import { EXIT, type ExitCode } from './exit-codes.js';

const USAGE = `Usage: agent-session-test <command> [options]

  start <agent-file>  start a session (a detached daemon holding a LiveKit agent)
  start --letta | --claude | --stream-json -- <command...>
                      or a stream-json CLI  [--bin <path>] [--allow <tool>]... [--cwd <dir>]
      [--name N] [--llm <module> | --record <cassette> | --replay <cassette> | --live]
      [--env K=V]... [--idle-timeout 30m] [--startup-timeout 60s] [--json]
  say <text>          one turn (the text may come on stdin)  [--name N] [--timeout ms] [--json]
  listen              what the agent says on its own (a greeting, a timer)  [--name N] [--timeout 5s] [--json]
  restart             a new agent process on the same file and model (picks up code changes)  [--name N]
  history             every turn so far                     [--name N] [--json]
  status              the agent in charge, its tools and instructions  [--name N] [--json]
  logs                the tail of the agent's output          [--name N] [--lines 50] [--follow|-f]
  stop                stop the daemon and its agent           [--name N] [--transcript] [--json]
  list                the sessions of this project            [--json]
  export <file.test.ts>  write the session as a Vitest test that replays it  [--name N] [--force] [--test-name T]
  init <agent-file>   add the harness, the Vitest plugin and a first test to this project

Exit codes: 0 ok, 1 the turn had errors (or the command failed), 2 turn timeout,
3 no session, 4 session already running, 64 usage, 66 file not found.
State: .agent-session-test/cli/<name>/ under the current directory. Docs: docs/cli.md
`;

const COMMANDS: Record<string, (args: readonly string[]) => Promise<ExitCode> | ExitCode> = {
  start: async (args) => (await import('./start.js')).start(args),
  say: async (args) => (await import('./commands.js')).say(args),
  listen: async (args) => (await import('./commands.js')).listen(args),
  restart: async (args) => (await import('./commands.js')).restart(args),
  stop: async (args) => (await import('./commands.js')).stop(args),
  history: async (args) => (await import('./commands.js')).history(args),
  status: async (args) => (await import('./commands.js')).status(args),
  logs: async (args) => (await import('./commands.js')).logs(args),
  list: async (args) => (await import('./commands.js')).list(args),
  export: async (args) => (await import('./export-command.js')).exportCommand(args),
  init: async (args) => (await import('./export-command.js')).initCommand(args),
};

const CODE_EXITS: Partial<Record<string, ExitCode>> = {
  CLI_USAGE: EXIT.usage,
  CLI_NO_SESSION: EXIT.noSession,
  CLI_SESSION_RUNNING: EXIT.running,
  AGENT_FILE_NOT_FOUND: EXIT.noInput,
  TURN_TIMEOUT: EXIT.timeout,
};

async function main(argv: readonly string[]): Promise<ExitCode> {
  const [command, ...args] = argv;
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
    (command === undefined ? process.stderr : process.stdout).write(USAGE);
    return command === undefined ? EXIT.usage : EXIT.ok;
  }
  const run = COMMANDS[command];
  try {
    if (!run) {
      const { cliUsage } = await import('../errors/messages.js');
      throw cliUsage({ problem: `Unknown command "${command}". The commands are ${[...Object.keys(COMMANDS), 'help'].join(', ')}.` });
    }
    return await run(args);
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    // The harness's errors carry a code; checked by shape, so no command loads the error module just to catch.
    const code = (error as { code?: unknown } | undefined)?.code;
    return (typeof code === 'string' && CODE_EXITS[code]) || EXIT.failed;
  }
}

process.exitCode = await main(process.argv.slice(2));
