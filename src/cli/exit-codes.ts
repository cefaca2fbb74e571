/**
 * The CLI's exit codes, one per outcome a script branches on (docs/cli.md lists them). 64 and 66
 * are the sysexits.h codes for a bad command line and a missing input file.
 */
export const EXIT = {
  ok: 0,
  /** The turn's record has errors, or the command failed (the agent crashed while starting, say). */
  failed: 1,
  /** The turn did not finish within its timeout. */
  timeout: 2,
  /** No session of that name is running. */
  noSession: 3,
  /** `start` found a session of that name running. */
  running: 4,
  /** An unknown command or option, or a missing argument. */
  usage: 64,
  /** The agent file does not exist. */
  noInput: 66,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];
