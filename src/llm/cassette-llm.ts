/**
 * The recording LLM: a local OpenAI-compatible server that forwards the agent's model calls to
 * a real upstream and stores them in a cassette (record), or answers them from the cassette
 * without any network (replay). It works at the network edge, so it serves an agent in any
 * language running in another process.
 *
 * Near 300 lines and kept whole: the class is the state every exchange reads and writes (the
 * mode, the recorded entries, what this run recorded, the upstream targets). What needs none of
 * it is in the cassette-* modules beside it (options, format, diff, store, server).
 */

import path from 'node:path';

import { closestEntry, formatDifferences } from './cassette-diff.js';
import { normaliseBody, requestKey, VOLATILE_FIELDS, type CassetteEntry, type CassetteRequest } from './cassette-format.js';
import { createRedactor, findSecrets, redactCopy, type Secret } from '../process/redact.js';
import { createCredential, credentialEnv, signJwt } from './auth.js';
import { startCassetteServer, type Exchange, type ExchangeResult, type Forwarded } from './cassette-server.js';
import { readCassette, saveCassette } from './cassette-store.js';
import { currentTest } from './current-test.js';
import { agentEnvDefaults } from './provider-keys.js';
import {
  CASSETTE_MODE_ENV,
  isListenable,
  PREFIX,
  resolveCassetteFile,
  resolveCassetteMode,
  type CassetteLlmOptions,
  type CassetteLlmServer,
  type CassetteMode,
  type CassetteRecordedRequest,
  type CassetteUpstream,
  type ListenableUpstream,
} from './cassette-options.js';

const OPENAI_DEFAULT_URL = 'https://api.openai.com/v1';
// The public gateway the LiveKit SDKs use when LIVEKIT_INFERENCE_URL is unset.
const LIVEKIT_INFERENCE_DEFAULT_URL = 'https://agent-gateway.livekit.cloud/v1';
/** Lifetime of the inference tokens this server signs for the gateway, in seconds (the SDKs use the same). */
const INFERENCE_TOKEN_TTL_S = 600;

/**
 * A recording and replaying LLM server for agents under test. Create it with {@link cassetteLlm}
 * and pass it as the `llm` option of a session.
 */
export class CassetteLlm {
  /** The absolute path of the cassette file. */
  readonly file: string;
  /** The mode in effect. */
  readonly mode: CassetteMode;
  readonly #options: CassetteLlmOptions;
  readonly #upstream: CassetteUpstream | ListenableUpstream;
  readonly #inferenceUpstream: CassetteUpstream | undefined;
  /** Redacted from everything stored: upstream keys and the `redact` list (the environment's secrets come on top). */
  readonly #secrets: Secret[];
  readonly #redact: (text: string) => string;
  readonly #ignore: readonly string[];
  readonly #env: NodeJS.ProcessEnv;
  #recorded: CassetteEntry[] | undefined;
  #loading: Promise<CassetteEntry[]> | undefined;
  readonly #occurrences = new Map<string, number>();
  #pending: CassetteEntry[] = [];
  #replaceTests = new Set<string>();
  /** Tests whose old entries a save has already replaced: later saves of this run add to them. */
  readonly #replacedTests = new Set<string>();
  #requests: CassetteRecordedRequest[] = [];
  // Append-only, in the order failures happened: a session counts it before a turn and reads what was added since.
  readonly #misses: CassetteRecordedRequest[] = [];
  readonly #servers = new Set<CassetteLlmServer>();

  constructor(options: CassetteLlmOptions = {}) {
    if (typeof options !== 'object' || options === null) throw new TypeError(`${PREFIX} cassetteLlm takes an options object`);
    this.#options = options;
    this.#env = { ...process.env };
    this.mode = resolveCassetteMode(options.mode, this.#env);
    this.file = resolveCassetteFile(options.cassette, currentTest().testPath);
    this.#upstream = options.upstream ?? {
      baseUrl: this.#env['OPENAI_BASE_URL'] || OPENAI_DEFAULT_URL,
      ...(this.#env['OPENAI_API_KEY'] && { apiKey: this.#env['OPENAI_API_KEY'] }),
    };
    if (!isListenable(this.#upstream) && typeof this.#upstream.baseUrl !== 'string') {
      throw new TypeError(`${PREFIX} cassetteLlm \`upstream\` needs a \`baseUrl\` (or a server with \`listen()\`)`);
    }
    this.#inferenceUpstream =
      options.inferenceUpstream ??
      (isListenable(this.#upstream) ? undefined : { baseUrl: this.#env['LIVEKIT_INFERENCE_URL'] || LIVEKIT_INFERENCE_DEFAULT_URL });
    const upstreamKeys = [this.#upstream, this.#inferenceUpstream]
      .map((u) => (u && !isListenable(u) ? u.apiKey : undefined))
      .filter((k): k is string => !!k);
    this.#secrets = [...upstreamKeys, ...(options.redact ?? [])].map((value) => ({ value }));
    // Named environment secrets first: the same value found both ways is marked with its variable.
    this.#redact = createRedactor([...findSecrets(this.#env), ...this.#secrets]);
    this.#ignore = options.ignoreFields ?? VOLATILE_FIELDS;
  }

  /** Every chat request served so far, in arrival order. A copy. */
  get requests(): readonly CassetteRecordedRequest[] {
    return [...this.#requests];
  }

  /**
   * The requests that got no answer: replay misses, and upstream failures while recording. Each
   * one that happens during a turn becomes an error of that turn. A copy.
   */
  get unmatched(): readonly CassetteRecordedRequest[] {
    return [...this.#misses];
  }

  /**
   * Starts a server for the agent on `port` (default: a free one), taking only requests that
   * carry `credential` (default: a new random one). Each call starts a separate one; closing it
   * saves the cassette.
   */
  async listen(options: { port?: number; credential?: string } = {}): Promise<CassetteLlmServer> {
    // Read now, so an unreadable cassette fails the session start rather than every request, or
    // (recording, which merges into the file) the save after every test has spent upstream calls.
    if (this.mode !== 'off') await this.#load();
    let upstreamServer: Promise<{ url?: string; env: Record<string, string>; close(): Promise<void> }> | undefined;
    const credential = options.credential ?? createCredential();
    const listening = await startCassetteServer(
      {
        exchange: (exchange) => this.#exchange(exchange, () => (upstreamServer ??= (this.#upstream as ListenableUpstream).listen())),
        models: () => this.#models(),
        timing: this.#options.timing === true,
      },
      options.port,
      credential,
    );
    const url = `${listening.origin}/v1`;
    let closing: Promise<void> | undefined;
    const server: CassetteLlmServer = {
      url,
      port: listening.port,
      credential,
      secrets: this.#secrets,
      // The real keys are added upstream by this server; the agent only ever has the session credential.
      env: {
        // Speech is never recorded (text mode has none), so the same defaults serve in every mode.
        ...agentEnvDefaults(this.#env),
        OPENAI_BASE_URL: url,
        LIVEKIT_INFERENCE_URL: `${listening.origin}/inference/v1`,
        ...credentialEnv(credential),
      },
      close: () =>
        (closing ??= (async () => {
          this.#servers.delete(server);
          await listening.close();
          if (upstreamServer) await (await upstreamServer.catch(() => undefined))?.close();
          await this.save();
        })()),
    };
    this.#servers.add(server);
    return server;
  }

  /**
   * Writes what was recorded since the last save into the cassette. Servers call it when they
   * close; call it yourself when driving the server without a session.
   */
  async save(): Promise<void> {
    const changes = { replaceTests: this.#replaceTests, added: this.#pending };
    this.#pending = [];
    this.#replaceTests = new Set();
    try {
      await saveCassette(this.file, changes);
      for (const test of changes.replaceTests) this.#replacedTests.add(test);
    } catch (error) {
      // Keep the changes for a later attempt.
      this.#pending.unshift(...changes.added);
      for (const test of changes.replaceTests) this.#replaceTests.add(test);
      throw error;
    }
  }

  /** Closes every server started by {@link CassetteLlm.listen}, saving the cassette. */
  async close(): Promise<void> {
    await Promise.all([...this.#servers].map((server) => server.close()));
  }

  #load(): Promise<CassetteEntry[]> {
    this.#loading ??= readCassette(this.file).then((entries) => (this.#recorded = entries));
    return this.#loading;
  }

  #models(): string[] {
    const models = new Set<string>();
    for (const entry of this.#recorded ?? []) {
      const model = (entry.request.body as Record<string, unknown> | null)?.['model'];
      if (typeof model === 'string') models.add(model);
    }
    return [...models];
  }

  async #exchange(
    exchange: Exchange,
    startUpstream: () => Promise<{ url?: string; env: Record<string, string> }>,
  ): Promise<ExchangeResult> {
    const test = currentTest().currentTestName ?? '';
    const request: CassetteRequest = { path: exchange.path, body: redactCopy(normaliseBody(exchange.body, this.#ignore), this.#redact) };
    const key = requestKey(request);
    const slot = JSON.stringify([test, key]);
    const n = this.#occurrences.get(slot) ?? 0;
    this.#occurrences.set(slot, n + 1);
    // Status 0 until answered.
    const record: CassetteRecordedRequest = {
      at: exchange.receivedAt,
      test,
      path: exchange.path,
      body: request.body,
      key,
      n,
      source: 'miss',
      response: { status: 0 },
    };
    this.#requests.push(record);

    if (this.mode === 'replay' || this.mode === 'auto') {
      const recorded = (this.#recorded ?? []).find((e) => e.test === test && e.key === key && e.n === n);
      if (recorded) {
        record.source = 'replay';
        record.response = { status: recorded.response.status };
        return { kind: 'replay', response: recorded.response };
      }
      if (this.mode === 'replay') {
        const message = this.#explainMiss(request, test, key, n);
        record.response = { status: 400, error: message };
        this.#misses.push(record);
        // 400 because clients do not retry 4xx: the same request would only miss again.
        return { kind: 'error', status: 400, message, code: 'cassette_miss' };
      }
    }

    const target = await this.#target(exchange.path, startUpstream).catch((error: unknown) => error as Error);
    if (target instanceof Error) {
      const message = `${PREFIX} could not start the upstream LLM to record from: ${target.message}`;
      record.response = { status: 400, error: message };
      this.#misses.push(record);
      return { kind: 'error', status: 400, message, code: 'upstream_failed' };
    }
    return {
      kind: 'forward',
      target,
      done: (outcome: Forwarded) => {
        if (outcome.kind !== 'ok') {
          const message =
            outcome.kind === 'unreachable'
              ? `${PREFIX} could not reach the upstream LLM at ${target.url} to record (${outcome.reason}). Check the upstream URL and network, or replay from the cassette (mode 'replay')`
              : `${PREFIX} the upstream LLM at ${target.url} answered ${outcome.status}${outcome.body ? `: ${outcome.body.slice(0, 500)}` : ''}`;
          record.response = { status: outcome.status, error: message };
          this.#misses.push(record);
          return;
        }
        record.source = 'upstream';
        record.response = { status: outcome.response.status };
        if (this.mode === 'off') return;
        const entry: CassetteEntry = { test, key, n, request, response: redactCopy(outcome.response, this.#redact) };
        this.#pending.push(entry);
        if (this.mode === 'record' && !this.#replacedTests.has(test)) this.#replaceTests.add(test);
      },
    };
  }

  /** The upstream URL and headers for a request path. */
  async #target(requestPath: string, startUpstream: () => Promise<{ url?: string; env: Record<string, string> }>) {
    const inference = requestPath.startsWith('/inference/');
    const rest = requestPath.replace(/^\/inference/, '').replace(/^\/v1(?=\/)/, '');
    let upstream: CassetteUpstream;
    if (inference && this.#inferenceUpstream)
      upstream = { ...this.#inferenceUpstream, apiKey: this.#inferenceUpstream.apiKey ?? this.#inferenceToken() };
    else if (isListenable(this.#upstream)) {
      const started = await startUpstream();
      const baseUrl = started.url ?? started.env['OPENAI_BASE_URL'];
      if (!baseUrl) throw new Error('its listen() gave neither `url` nor `env.OPENAI_BASE_URL`');
      upstream = { baseUrl, ...(started.env['OPENAI_API_KEY'] && { apiKey: started.env['OPENAI_API_KEY'] }) };
    } else upstream = this.#upstream;
    return { url: `${upstream.baseUrl.replace(/\/+$/, '')}${rest}`, apiKey: upstream.apiKey, headers: upstream.headers ?? {} };
  }

  /**
   * A LiveKit inference token signed with the test process's own pair, as the SDKs sign theirs;
   * undefined without the pair (the gateway then refuses, and the miss says so).
   */
  #inferenceToken(): string | undefined {
    const key = this.#env['LIVEKIT_INFERENCE_API_KEY'] || this.#env['LIVEKIT_API_KEY'];
    const secret = this.#env['LIVEKIT_INFERENCE_API_SECRET'] || this.#env['LIVEKIT_API_SECRET'];
    if (!key || !secret) return undefined;
    const now = Math.floor(Date.now() / 1000);
    return signJwt({ sub: 'agent', iss: key, nbf: now, exp: now + INFERENCE_TOKEN_TTL_S, inference: { perform: true } }, secret);
  }

  #explainMiss(request: CassetteRequest, test: string, key: string, n: number): string {
    const recorded = this.#recorded ?? [];
    const lines = [
      `${PREFIX} no recorded LLM response for this request (replay mode)`,
      `  cassette: ${path.relative(process.cwd(), this.file) || this.file}`,
      `  test:     ${JSON.stringify(test)}`,
      `  request:  POST ${request.path} (key ${key}, occurrence ${n})`,
      '',
    ];
    const sameKey = recorded.filter((e) => e.test === test && e.key === key);
    if (sameKey.length > 0) {
      lines.push(`This exact request was recorded ${sameKey.length} time(s) in this test; the agent has now made it ${n + 1} times.`);
    } else if (recorded.length === 0) {
      lines.push('The cassette is empty or does not exist yet.');
    } else {
      const closest = closestEntry(recorded, request, test);
      if (closest) {
        const where = closest.entry.test === test ? 'this test' : `test ${JSON.stringify(closest.entry.test)}`;
        lines.push(
          `Closest recorded request (${where}, occurrence ${closest.entry.n}): ${closest.diffs.length} difference(s), - recorded, + now:`,
        );
        lines.push(...formatDifferences(closest.diffs));
      }
    }
    lines.push(
      '',
      `To update the cassette, run with ${CASSETTE_MODE_ENV}=record (or auto, to record only what is missing) and access to the real model.`,
    );
    return lines.join('\n');
  }
}

/**
 * Creates a recording/replaying LLM for the agent under test: pass it as `llm` to
 * `useAgentSession`. Record once against the real model, commit the cassette, and CI replays it
 * offline and deterministically.
 *
 * @example
 * const llm = cassetteLlm(); // __cassettes__/<this file>.jsonl, mode from the environment
 * const agent = useAgentSession('./agent.py', { llm });
 */
export function cassetteLlm(options: CassetteLlmOptions = {}): CassetteLlm {
  return new CassetteLlm(options);
}
