/**
 * The scripted model: holds the rules, picks the one that answers each request, resolves its
 * reply and keeps the records tests assert on. The HTTP side lives in `server.ts`.
 */

import { createCredential, credentialEnv } from './auth.js';
import { explainUnmatched, type RuleUsage } from './explain.js';
import { buildRequestView, InvalidChatRequestError } from './request-view.js';
import { agentEnvDefaults } from './provider-keys.js';
import { resolveReply, type ReplyCounts } from './reply.js';
import { matchCondition, type ConditionMatch } from './rules.js';
import { startServer, type ChatBackend, type ChatOutcome, type ListeningServer } from './server.js';
import type { LlmRecordedRequest, LlmReply, LlmRequestView, LlmRule, OpenAiChatMessage } from './types.js';

/** Options of {@link scriptedLlm}. */
export interface ScriptedLlmOptions {
  /** The model listed by `GET /v1/models` besides those requested, and echoed when a request names none. */
  defaultModel?: string;
}

/** Where to listen. */
export interface ScriptedLlmListenOptions {
  /** Defaults to `127.0.0.1`. */
  host?: string;
  /** Defaults to 0: a free port chosen by the system. */
  port?: number;
  /** The credential requests must carry. Defaults to a new random one; the pre-spawn broker passes the one its agent was started with. */
  credential?: string;
}

/**
 * Environment variables that point OpenAI-compatible clients and LiveKit inference at the
 * server, with the server's per-session credential as their keys (the server answers nothing
 * else), and the defaults of `agentEnvDefaults` (speech-provider keys, `HF_HUB_OFFLINE`) where the
 * test process sets none. A type alias rather than an interface so it can be spread into
 * `process.env`-like records.
 */
export type ScriptedLlmEnv = {
  OPENAI_BASE_URL: string;
  LIVEKIT_INFERENCE_URL: string;
} & ReturnType<typeof credentialEnv> &
  Record<string, string>;

/** A running scripted LLM server. */
export interface ScriptedLlmServer {
  /** The OpenAI base URL, `http://127.0.0.1:PORT/v1`. */
  readonly url: string;
  readonly port: number;
  /** Variables to pass to the agent process. */
  readonly env: ScriptedLlmEnv;
  /** The credential every request must carry (also in `env` as the agent's keys). */
  readonly credential: string;
  /** Stops the server, dropping open connections at once. Safe to call more than once. */
  close(): Promise<void>;
}

const DEFAULT_MODEL = 'scripted';
const PREFIX = 'agent-session-test:';

function validateRule(rule: LlmRule, index: number): void {
  const where = `${PREFIX} scripted LLM rule #${index}${rule?.name !== undefined ? ` ${JSON.stringify(rule.name)}` : ''}`;
  if (typeof rule !== 'object' || rule === null) throw new TypeError(`${where} must be an object`);
  if (typeof rule.reply !== 'function' && (typeof rule.reply !== 'object' || rule.reply === null)) {
    throw new TypeError(`${where} needs a \`reply\` object or function`);
  }
  if (rule.when !== undefined && typeof rule.when !== 'function' && (typeof rule.when !== 'object' || rule.when === null)) {
    throw new TypeError(`${where}: \`when\` must be an object of matchers or a function`);
  }
  if (rule.times !== undefined && (!Number.isInteger(rule.times) || rule.times < 0)) {
    throw new TypeError(`${where}: \`times\` must be a non-negative integer`);
  }
}

interface RuleEntry {
  rule: LlmRule;
  /** The rule's number: constructor rules first, then added rules, in the order given. */
  index: number;
  used: number;
}

/**
 * A scripted, OpenAI-compatible chat model served over HTTP. Create it with {@link scriptedLlm}.
 *
 * Rules are tried in order and the first that matches (and is not used up) answers. Rules added
 * with {@link ScriptedLlm.add} are tried before those given at creation and last until
 * {@link ScriptedLlm.reset}, so a file can share one server with fallback rules while each test
 * adds its own.
 */
export class ScriptedLlm {
  readonly #initial: RuleEntry[];
  #added: RuleEntry[] = [];
  #nextIndex: number;
  #requests: LlmRecordedRequest[] = [];
  #unmatched: LlmRecordedRequest[] = [];
  readonly #modelsSeen = new Set<string>();
  readonly #servers = new Set<ScriptedLlmServer>();
  readonly #defaultModel: string;
  // Never reset: the agent keeps earlier tool calls in its history and pairs outputs with calls
  // by id, so ids must stay unique for as long as an agent may talk to this model.
  /** Numbers the ids of tool calls and completions a reply does not give. */
  readonly #counts: ReplyCounts = { calls: 0, completions: 0 };

  constructor(rules: readonly LlmRule[] = [], options: ScriptedLlmOptions = {}) {
    rules.forEach(validateRule);
    this.#initial = rules.map((rule, index) => ({ rule, index, used: 0 }));
    this.#nextIndex = rules.length;
    this.#defaultModel = options.defaultModel ?? DEFAULT_MODEL;
  }

  /** Every chat request served so far, in arrival order (unmatched ones included). A copy. */
  get requests(): readonly LlmRecordedRequest[] {
    return [...this.#requests];
  }

  /**
   * The chat requests the script could not answer, answered with HTTP 400: no rule matched, or the
   * matching rule failed (threw, or gave an invalid reply; its `rule` names it). A copy.
   */
  get unmatched(): readonly LlmRecordedRequest[] {
    return [...this.#unmatched];
  }

  /**
   * Adds rules for the current test. They are tried before the rules given at creation, in the
   * order added, and are removed by {@link ScriptedLlm.reset}.
   */
  add(...rules: LlmRule[]): this {
    rules.forEach((rule, i) => validateRule(rule, this.#nextIndex + i));
    for (const rule of rules) this.#added.push({ rule, index: this.#nextIndex++, used: 0 });
    return this;
  }

  /**
   * Forgets recorded requests, restores every rule's `times` budget and removes the rules added
   * with {@link ScriptedLlm.add}, leaving the rules given at creation.
   */
  reset(): void {
    this.#requests = [];
    this.#unmatched = [];
    this.#added = [];
    this.#nextIndex = this.#initial.length;
    for (const entry of this.#initial) entry.used = 0;
  }

  /** Starts an HTTP server answering from these rules. Each call starts a separate server. */
  async listen(options: ScriptedLlmListenOptions = {}): Promise<ScriptedLlmServer> {
    const credential = options.credential ?? createCredential();
    const listening: ListeningServer = await startServer(this.#backend, options.host ?? '127.0.0.1', options.port ?? 0, credential);
    const url = `${listening.origin}/v1`;
    const server: ScriptedLlmServer = {
      url,
      port: listening.port,
      credential,
      env: { ...agentEnvDefaults(), OPENAI_BASE_URL: url, LIVEKIT_INFERENCE_URL: url, ...credentialEnv(credential) },
      close: async () => {
        this.#servers.delete(server);
        await listening.close();
      },
    };
    this.#servers.add(server);
    return server;
  }

  /** Closes every server started by {@link ScriptedLlm.listen}. */
  async close(): Promise<void> {
    await Promise.all([...this.#servers].map((server) => server.close()));
  }

  /** The rules in the order they are tried. */
  #entries(): RuleEntry[] {
    return [...this.#added, ...this.#initial];
  }

  readonly #backend: ChatBackend = {
    chat: (path, body, receivedAt) => this.#answer(path, body, receivedAt),
    models: () => [this.#defaultModel, ...[...this.#modelsSeen].filter((m) => m !== this.#defaultModel)],
  };

  async #answer(path: string, body: unknown, receivedAt: number): Promise<ChatOutcome> {
    let view: LlmRequestView;
    try {
      view = buildRequestView(path, body);
    } catch (error) {
      if (!(error instanceof InvalidChatRequestError)) throw error;
      return { kind: 'error', status: 400, message: `${PREFIX} ${error.message}`, type: 'invalid_request_error', code: null, delayMs: 0 };
    }
    if (view.model) this.#modelsSeen.add(view.model);

    const record: LlmRecordedRequest = {
      at: receivedAt,
      path,
      model: view.model,
      messages: view.messages as OpenAiChatMessage[],
      tools: [...view.tools],
      stream: view.stream,
      body: view.body as Record<string, unknown>,
    };
    this.#requests.push(record);

    const outcome = await this.#decide(view, record);
    record.response =
      outcome.kind === 'error'
        ? { status: outcome.status, error: outcome.message }
        : {
            status: 200,
            ...(outcome.reply.text !== undefined ? { text: outcome.reply.text } : {}),
            ...(outcome.reply.toolCalls.length > 0 ? { toolCalls: outcome.reply.toolCalls } : {}),
            finishReason: outcome.reply.finishReason,
          };
    return outcome;
  }

  async #decide(view: LlmRequestView, record: LlmRecordedRequest): Promise<ChatOutcome> {
    const entries = this.#entries();
    let chosen: { entry: RuleEntry; match: ConditionMatch } | undefined;
    for (const entry of entries) {
      if (entry.rule.times !== undefined && entry.used >= entry.rule.times) continue;
      let match: ConditionMatch | undefined;
      try {
        match = matchCondition(entry.rule.when, view);
      } catch (error) {
        return this.#ruleFailure(entry, error, record);
      }
      if (match) {
        chosen = { entry, match };
        break;
      }
    }

    if (!chosen) {
      this.#unmatched.push(record);
      const usages: RuleUsage[] = entries.map(({ rule, index, used }) => ({ rule, index, used }));
      // 400 because clients do not retry 4xx: the same request would only fail again.
      return {
        kind: 'error',
        status: 400,
        message: explainUnmatched(view, usages),
        type: 'invalid_request_error',
        code: 'no_rule_matched',
        delayMs: 0,
      };
    }

    const { entry, match } = chosen;
    entry.used++;
    record.rule = entry.rule.name ?? entry.index;
    record.ruleIndex = entry.index;

    let reply: LlmReply;
    try {
      const source = entry.rule.reply;
      reply = typeof source === 'function' ? await source({ request: view, match: match.match, matches: match.matches }) : source;
      return resolveReply(view, reply, this.#counts, this.#defaultModel);
    } catch (error) {
      return this.#ruleFailure(entry, error, record);
    }
  }

  /**
   * A rule's own code threw or produced an invalid reply. Answered with 400 rather than 500:
   * clients retry 5xx with backoff, which would only repeat the failure more slowly. Listed with
   * the unmatched requests: the turn that made the request reports both alike.
   */
  #ruleFailure(entry: RuleEntry, error: unknown, record: LlmRecordedRequest): ChatOutcome {
    const label = `#${entry.index}${entry.rule.name !== undefined ? ` ${JSON.stringify(entry.rule.name)}` : ''}`;
    const reason = error instanceof Error ? error.message : String(error);
    record.rule = entry.rule.name ?? entry.index;
    record.ruleIndex = entry.index;
    this.#unmatched.push(record);
    return {
      kind: 'error',
      status: 400,
      message: `${PREFIX} scripted LLM rule ${label} failed: ${reason}`,
      type: 'invalid_request_error',
      code: 'rule_failed',
      delayMs: 0,
    };
  }
}

/**
 * Creates a scripted LLM from rules. Call `listen()` to serve it and hand `server.env` to the
 * agent process.
 *
 * @example
 * const llm = scriptedLlm([
 *   { when: { user: /weather in (\w+)/i }, reply: ({ match }) => ({ toolCalls: [{ name: 'lookup_weather', args: { city: match![1] } }] }) },
 *   { when: { tool: 'lookup_weather' }, reply: { text: 'It is sunny.' } },
 * ]);
 * const server = await llm.listen();
 */
export function scriptedLlm(rules: readonly LlmRule[] = [], options: ScriptedLlmOptions = {}): ScriptedLlm {
  return new ScriptedLlm(rules, options);
}
