/**
 * The spawn spec of an agent: what a worker would launch, with the parts that change from one
 * launch to the next (the session port, the model server's port, per-worker variables) replaced
 * or left out, so that a spare started earlier by the broker can stand in for a cold start only
 * when the two launches would be the same program with the same environment.
 */
import { AGENT_TAG_ENV } from '../process/run-tag.js';

/** Stands for the session address (`host:port`) in a spec's argv. */
export const CONNECT_PLACEHOLDER = '{connectAddr}';
/** Stands for the model server's port in a spec's environment. */
export const LLM_PORT_PLACEHOLDER = '{llmPort}';
/** Stands for the model server's per-session credential in a spec's environment. */
export const LLM_CREDENTIAL_PLACEHOLDER = '{llmCredential}';

/** Variables that differ between workers of one run and mean nothing to an agent. */
export const VOLATILE_ENV = new Set(['VITEST_WORKER_ID', 'VITEST_POOL_ID', AGENT_TAG_ENV]);

export interface SpawnSpec {
  agentFile: string;
  /** The argv, with {@link CONNECT_PLACEHOLDER} for the session address. */
  argv: string[];
  cwd: string;
  /**
   * The environment without volatile keys, sorted by name, with {@link LLM_PORT_PLACEHOLDER} for
   * the model server's port and {@link LLM_CREDENTIAL_PLACEHOLDER} for its credential.
   */
  env: Record<string, string>;
}

/**
 * The spec of a launch. `argv` must carry {@link CONNECT_PLACEHOLDER} where the session address
 * goes; `llm` is what the model server's `listen()` returned (its env and credential) and the
 * port it listens on.
 */
export function spawnSpec(
  agentFile: string,
  argv: readonly string[],
  cwd: string,
  env: Readonly<Record<string, string | undefined>>,
  llm?: { env: Record<string, string>; port: number | undefined; credential?: string | undefined },
): SpawnSpec {
  const port = llm?.port === undefined ? undefined : new RegExp(`:${llm.port}(?!\\d)`, 'g');
  const out: Record<string, string> = {};
  for (const key of Object.keys(env).sort()) {
    const value = env[key];
    if (value === undefined || VOLATILE_ENV.has(key)) continue;
    // Only the model server's own variables can hold its port; elsewhere the digits are a coincidence.
    if (!llm || !(key in llm.env)) {
      out[key] = value;
      continue;
    }
    const ported = port ? value.replace(port, `:${LLM_PORT_PLACEHOLDER}`) : value;
    out[key] = llm.credential ? ported.replaceAll(llm.credential, LLM_CREDENTIAL_PLACEHOLDER) : ported;
  }
  return { agentFile, argv: [...argv], cwd, env: out };
}

/** The concrete launch of a spec: the placeholders filled in. */
export function fillSpec(
  spec: SpawnSpec,
  connectAddr: string,
  llmPort: number,
  llmCredential: string,
): { argv: string[]; env: Record<string, string> } {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(spec.env))
    env[key] = value.replaceAll(LLM_PORT_PLACEHOLDER, String(llmPort)).replaceAll(LLM_CREDENTIAL_PLACEHOLDER, llmCredential);
  return { argv: spec.argv.map((arg) => arg.replaceAll(CONNECT_PLACEHOLDER, connectAddr)), env };
}

/**
 * Why two specs differ, naming fields and variable names only (values may be secrets);
 * undefined when they are the same.
 */
export function specDifference(a: SpawnSpec, b: SpawnSpec): string | undefined {
  if (a.agentFile !== b.agentFile) return 'a different agent file';
  if (a.cwd !== b.cwd) return 'a different working directory';
  if (a.argv.length !== b.argv.length || a.argv.some((arg, i) => arg !== b.argv[i])) return 'a different command line';
  const keys = new Set([...Object.keys(a.env), ...Object.keys(b.env)]);
  const differing = [...keys].filter((key) => a.env[key] !== b.env[key]).sort();
  if (differing.length > 0) return `a different environment (${differing.join(', ')})`;
  return undefined;
}

/**
 * Where a model server listens: the host of its OPENAI_BASE_URL (loopback when it has none) and
 * {@link llmServerPort}; undefined when the port is unknown.
 */
export function llmServerAddress(server: { env: Record<string, string>; port?: unknown }): { host: string; port: number } | undefined {
  const port = llmServerPort(server);
  if (port === undefined) return undefined;
  let host = '127.0.0.1';
  try {
    host = new URL(server.env['OPENAI_BASE_URL'] ?? '').hostname.replace(/^\[(.*)\]$/, '$1') || host;
  } catch {
    // no URL: the harness's servers listen on loopback
  }
  return { host, port };
}

/** The port a model server listens on: its `port`, else the port of its OPENAI_BASE_URL. */
export function llmServerPort(server: { env: Record<string, string>; port?: unknown }): number | undefined {
  if (typeof server.port === 'number') return server.port;
  const url = server.env['OPENAI_BASE_URL'];
  if (!url) return undefined;
  try {
    const port = Number(new URL(url).port);
    return port > 0 ? port : undefined;
  } catch {
    return undefined;
  }
}
