/**
 * The model of the judge (and of the simulated user): a server the test gave (called as is), or an
 * OpenAI-compatible endpoint called through a cassette of its own beside the test file, so that a judged test gives the same
 * verdicts offline: replayed when `CI` is set, recorded where missing otherwise (the agent's
 * cassettes follow the same rule).
 */
import path from 'node:path';
import { cassetteLlm, type CassetteLlm } from '../llm/cassette-llm.js';
import { currentTest } from '../llm/current-test.js';
import type { JudgeEndpoint, JudgeOptions, JudgeServer } from './types.js';

export const JUDGE_ENV = {
  baseUrl: 'AGENT_SESSION_TEST_JUDGE_BASE_URL',
  apiKey: 'AGENT_SESSION_TEST_JUDGE_API_KEY',
  model: 'AGENT_SESSION_TEST_JUDGE_MODEL',
} as const;

export const DEFAULT_JUDGE_MODEL = 'gpt-4.1-mini';

/** One cassette per file: its occurrences of a request must count across the judge's calls. */
const cassettes = new Map<string, CassetteLlm>();

/** Whether the model given is a server the test runs (called as is), not an endpoint. */
export function isServer(llm: JudgeServer | JudgeEndpoint | undefined): llm is JudgeServer {
  return typeof (llm as Partial<JudgeServer> | undefined)?.listen === 'function';
}

function endpointFromEnv(env: NodeJS.ProcessEnv): JudgeEndpoint {
  const apiKey = env[JUDGE_ENV.apiKey] ?? env['OPENAI_API_KEY'];
  return {
    baseUrl: env[JUDGE_ENV.baseUrl] ?? env['OPENAI_BASE_URL'] ?? 'https://api.openai.com/v1',
    ...(apiKey !== undefined && { apiKey }),
  };
}

/** Who the model plays: the judge, or the simulated user; each has a cassette of its own. */
export type ModelRole = 'judge' | 'user';

/** The cassette file: the option (against the test file's folder), else `__cassettes__/<test file>.<role>.jsonl`. */
export function judgeCassettePath(option: string | undefined, testPath: string | undefined, role: ModelRole = 'judge'): string {
  const folder = testPath ? path.dirname(testPath) : process.cwd();
  if (option !== undefined) return path.resolve(folder, option);
  const name = testPath ? path.basename(testPath).replace(/\.[cm]?[jt]sx?$/, '') : role;
  return path.join(folder, '__cassettes__', `${name}.${role}.jsonl`);
}

/** The server to call for `options`, and where its answers come from. */
export function judgeServer(options: Pick<JudgeOptions, 'llm' | 'cassette'>, role: ModelRole = 'judge'): JudgeServer {
  if (options.llm && isServer(options.llm)) return options.llm;
  const file = judgeCassettePath(options.cassette, currentTest().testPath, role);
  let cassette = cassettes.get(file);
  if (!cassette) {
    const endpoint = options.llm ?? endpointFromEnv(process.env);
    cassette = cassetteLlm({ cassette: file, upstream: { baseUrl: endpoint.baseUrl, apiKey: endpoint.apiKey } });
    cassettes.set(file, cassette);
  }
  return cassette;
}

/** A failed call: the status and what the server said (a cassette miss says how the call differs from the closest recorded one). */
export class JudgeCallError extends Error {
  constructor(
    readonly status: number,
    readonly detail: string,
  ) {
    super(detail);
  }
}

/** Sends one chat completion request to the judge's server and returns the parsed answer. */
export async function callJudge(server: JudgeServer, body: Record<string, unknown>): Promise<unknown> {
  const listening = await server.listen();
  try {
    const response = await fetch(`${listening.url.replace(/\/$/, '')}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(listening.credential && { authorization: `Bearer ${listening.credential}` }) },
      body: JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) {
      let detail = text;
      try {
        const parsed = JSON.parse(text) as { error?: { message?: string } };
        detail = parsed.error?.message ?? text;
      } catch {
        // not JSON: the text as is
      }
      throw new JudgeCallError(response.status, detail);
    }
    return JSON.parse(text) as unknown;
  } finally {
    // Closing a cassette's server saves what it recorded.
    await listening.close();
  }
}
