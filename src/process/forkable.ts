/**
 * Which launches a fork server (./fork-server.ts) can start: apart from it, since a session asks
 * this before every Python start and needs nothing else of the server.
 */

/** The `python -m livekit.agents console ...` launch a fork server can stand in for, split at `-m`. */
export function forkableLaunch(argv: readonly string[]): { interpreter: string[]; args: string[]; agentFile: string } | undefined {
  const m = argv.indexOf('-m');
  if (m < 1 || argv[m + 1] !== 'livekit.agents' || argv[m + 2] !== 'console') return undefined;
  const agentFile = argv[m + 3];
  if (agentFile === undefined || !agentFile.endsWith('.py')) return undefined;
  return { interpreter: argv.slice(0, m), args: argv.slice(m + 2), agentFile };
}
