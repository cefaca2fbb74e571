/**
 * Starting a LiveKit agent session: the model server, the agent's environment and launch, then
 * either a spare the pre-spawn broker started ahead of time (see ./prespawned.ts) or a launch of
 * our own, and the wait for the agent to connect, answer a ping and switch to text mode.
 */
import type { Socket } from 'node:net';
import path from 'node:path';
import {
  aborted,
  agentCrashed,
  agentExited,
  agentKilled,
  startupTimeout as startupTimeoutError,
  toolMocksUnsupported,
} from '../errors/index.js';
import { race } from '../core/race.js';
import { modelMark, type ModelMark } from '../core/model-calls.js';
import type { AgentProcessLike, ExitStatus } from '../process/agent-process.js';
import { CRASH_MARKERS, diagnose } from '../process/diagnose.js';
import { launchGuarded } from '../process/launch.js';
import { untrackAgent } from '../process/registry.js';
import { createRedactor, knownSecrets } from '../process/redact.js';
import { withoutRunnerEnv } from '../process/runner-env.js';
import { agentTag } from '../process/run-tag.js';
import { resolveLaunch, type Launch } from '../process/runtime.js';
import { checkFrameCap } from '../protocol/framing.js';
import { forkableLaunch } from '../process/forkable.js';
import { currentBroker, learnSpec, requestFork, requestSpare, type SpareOffer } from '../prespawn/client.js';
import { FORK_REQUEST_WAIT_MS } from '../prespawn/messages.js';
import { CONNECT_PLACEHOLDER, llmServerPort, spawnSpec, type SpawnSpec } from '../prespawn/spec.js';
import { AgentSession } from './livekit-session.js';
import { DEFAULTS, type AgentSessionOptions, type LlmListening, type LlmServerLike } from './options.js';
import { claimSpare } from './prespawned.js';
import { preloadEnv } from './mocks/preload.js';
import { checkMocks } from './mocks/scopes.js';
import { openToolMockChannel, TOOL_MOCKS_ENV, type ToolMockChannel } from './mocks/server.js';

/** How much longer than the broker's own wait for a fork server a session waits for its answer. */
const FORK_ANSWER_SLACK_MS = 3000;

/** Output still arriving after a crash marker is usually the traceback; give it a moment. */
const CRASH_OUTPUT_SETTLE_MS = 300;

/**
 * Starts the agent in `file` (resolved against the current directory) and waits until it is ready
 * to take turns in text mode. Where the Vitest plugin pre-spawns agents, the agent may be a spare
 * started ahead of time with exactly the same launch; otherwise it is started here.
 */
export async function startAgentSession(file: string, options: AgentSessionOptions = {}): Promise<AgentSession> {
  // Bad options fail before anything is spawned.
  if (options.maxFrameBytes !== undefined) checkFrameCap(options.maxFrameBytes);
  if (options.tools !== undefined) checkMocks(options.tools, 'the `tools` option');
  const agentFile = path.resolve(file);
  const startupTimeout = options.startupTimeout ?? DEFAULTS.startupTimeout;
  const deadline = Date.now() + startupTimeout;
  const broker = currentBroker();
  // The model server's records so far: requests after this are the agent's (a greeting's, before the first turn).
  const llmMark = modelMark(options.llm);
  // An agent with tool mocks needs the preload and this session's channel in its launch: no spare has them.
  const offer = broker && !options.signal?.aborted && options.tools === undefined ? await requestSpare(broker, agentFile) : undefined;
  let forkOffer: SpareOffer | undefined;
  let llm: LlmListening | undefined;
  let mocks: ToolMockChannel | undefined;
  try {
    llm = options.llm ? await listenLlm(options.llm, offer) : undefined;
    mocks = options.tools === undefined ? undefined : await openToolMockChannel();
    const baseEnv: Record<string, string | undefined> = {
      ...(options.keepRunnerEnv ? process.env : withoutRunnerEnv(process.env)),
      // Unbuffered output, so the tail in an error message is what the agent printed last.
      PYTHONUNBUFFERED: '1',
      // Lets the run's global teardown find this agent even if our process dies first.
      ...agentTag(),
      ...llm?.env,
      ...options.env,
    };
    const env = mocks ? { ...baseEnv, ...mocks.env, ...preloadEnv(baseEnv) } : baseEnv;
    // The launch with a placeholder for the session address, which is only known once listening.
    const template = resolveLaunch(agentFile, CONNECT_PLACEHOLDER, { ...options, env });
    const secrets = [...(llm?.secrets ?? []), ...(mocks ? [{ name: TOOL_MOCKS_ENV, value: mocks.credential }] : [])];
    const redact = createRedactor(knownSecrets(env, options.secretEnv, secrets));
    const startup: Startup = { agentFile, options, deadline, startupTimeout, redact, env, llm, llmMark, mocks };
    const spec =
      broker &&
      spawnSpec(agentFile, template.argv, template.cwd, env, llm && { env: llm.env, port: llmServerPort(llm), credential: llm.credential });
    if (offer && spec) {
      const session = await startBrokered(startup, template, offer, spec);
      if (session) return session;
    }
    if (broker && spec && !offer && options.tools === undefined && !options.signal?.aborted && forkableLaunch(template.argv)) {
      // No spare: a Python launch whose fork server is already importing (started with the run
      // for a launch remembered from the last one) is forked for this session, sooner than a cold
      // start; otherwise the broker gets a server importing for later files while this one starts cold.
      const model = llm && llmServerPort(llm);
      forkOffer =
        llm && model === undefined
          ? undefined
          : await requestFork(
              broker,
              { spec, startupTimeout, llm: llm && model !== undefined ? { port: model, credential: llm.credential ?? '' } : undefined },
              Math.min(deadline - Date.now(), FORK_REQUEST_WAIT_MS + FORK_ANSWER_SLACK_MS),
            );
      const session = forkOffer && (await startBrokered(startup, template, forkOffer, spec));
      if (session) {
        learnSpec(broker, spec, startupTimeout);
        return session;
      }
    } else if (broker && spec) learnSpec(broker, spec, startupTimeout, 'prepare');
    const session = await coldStart(startup, template);
    if (broker && spec) learnSpec(broker, spec, startupTimeout);
    return session;
  } catch (error) {
    // An offer still open would keep the spare from other files until this worker exits.
    offer?.release();
    forkOffer?.release();
    await llm?.close();
    await mocks?.close();
    throw error;
  }
}

interface Startup {
  agentFile: string;
  options: AgentSessionOptions;
  deadline: number;
  startupTimeout: number;
  redact: (text: string) => string;
  env: Record<string, string | undefined>;
  llm: LlmListening | undefined;
  llmMark: ModelMark;
  mocks: ToolMockChannel | undefined;
}

interface CrashWatch {
  /** The user's onOutput, behind a look for crash markers while starting. */
  onOutput: (text: string, stream: 'stdout' | 'stderr') => void;
  crashed: Promise<'crashed'>;
  /** Stops looking: the agent is ready. */
  ready(): void;
}

/** A brokered agent connects to the broker, not to a listener of ours. */
const NO_LISTENER = { refusals: [] as readonly string[], close() {} };

const fillConnect = (argv: readonly string[], connectAddr: string) => argv.map((arg) => arg.replaceAll(CONNECT_PLACEHOLDER, connectAddr));

/** Starts the model server, with the spare's credential when there is one (the spare's calls reach it through the broker). */
async function listenLlm(llm: LlmServerLike, offer: { llmCredential: string } | undefined): Promise<LlmListening> {
  return llm.listen(offer && { credential: offer.llmCredential });
}

/** A job that failed while starting leaves the process running: its output tells. */
function crashWatch(onOutput: AgentSessionOptions['onOutput']): CrashWatch {
  let crashSeen: (() => void) | undefined;
  const crashed = new Promise<'crashed'>((resolve) => (crashSeen = () => setTimeout(() => resolve('crashed'), CRASH_OUTPUT_SETTLE_MS)));
  let ready = false;
  return {
    crashed,
    ready: () => (ready = true),
    onOutput: (text, stream) => {
      if (!ready && crashSeen && CRASH_MARKERS.test(text)) {
        crashSeen();
        crashSeen = undefined;
      }
      onOutput?.(text, stream);
    },
  };
}

/** Takes the agent the broker offered and starts the session on it; undefined when the offer did not fit (it was released). */
async function startBrokered(startup: Startup, template: Launch, offer: SpareOffer, spec: SpawnSpec): Promise<AgentSession | undefined> {
  const { options, redact } = startup;
  const watch = crashWatch(options.onOutput);
  const claimed = await claimSpare(offer, spec, startup.llm, {
    ...(options.outputLimit !== undefined && { outputLimit: options.outputLimit }),
    redact,
    onOutput: watch.onOutput,
  });
  if (!claimed) return undefined;
  const launch = { ...template, argv: fillConnect(template.argv, offer.connectAddr).map(redact) };
  return startWith(startup, launch, claimed, claimed.connection, NO_LISTENER, watch);
}

/** Spawns the agent here, with a guarded listener of its own for it to connect to. */
async function coldStart(startup: Startup, template: Launch): Promise<AgentSession> {
  const { agentFile, options, redact } = startup;
  const watch = crashWatch(options.onOutput);
  let argv: string[] = [];
  const { agent, listener } = await launchGuarded({
    agentFile,
    spawnOptions: (connectAddr) => {
      argv = fillConnect(template.argv, connectAddr);
      return {
        argv,
        cwd: template.cwd,
        env: startup.env,
        ...(options.outputLimit !== undefined && { outputLimit: options.outputLimit }),
        redact,
        onOutput: watch.onOutput,
      };
    },
  });
  // From here on the launch is only shown (errors, session.launch): without secrets on its command line.
  const launch = { ...template, argv: argv.map(redact) };
  return startWith(startup, launch, agent, listener.connection, listener, watch);
}

/** Waits for the agent's connection, then pings it and switches it to text mode. */
async function startWith(
  startup: Startup,
  launch: Launch,
  agent: AgentProcessLike,
  connection: Promise<Socket>,
  listener: { readonly refusals: readonly string[]; close(): void },
  watch: CrashWatch,
): Promise<AgentSession> {
  const { options, deadline } = startup;
  try {
    const socket = await raceStartup(
      connection,
      listener.refusals,
      agent,
      watch.crashed,
      launch,
      deadline,
      startup.startupTimeout,
      options.signal,
    );
    const session = new AgentSession(
      startup.agentFile,
      launch,
      agent,
      listener,
      socket,
      startup.llm,
      options,
      startup.redact,
      startup.llmMark,
      startup.mocks,
    );
    await session.ready(deadline, options.signal).catch(async (error: unknown) => {
      // A failed start needs no grace period: report it as soon as the agent is gone.
      await agent.terminate({ graceMs: 0 });
      await session.close();
      throw error;
    });
    watch.ready();
    const unsupported = startup.mocks && /agent-session-test: tool mocks: [^\n]*/.exec(agent.output());
    if (unsupported) {
      await session.close();
      throw toolMocksUnsupported(
        { sdk: launch.kind === 'python' ? 'python' : 'node', line: unsupported[0] },
        { agentFile: startup.agentFile, output: agent.output() },
      );
    }
    return session;
  } catch (error) {
    listener.close();
    await agent.terminate({ graceMs: 0 });
    if (agent.pid !== undefined) untrackAgent(agent.pid);
    throw error;
  }
}

/** The agent's connection, or the error for whatever came first: its exit, a crash, the deadline, an abort. */
async function raceStartup(
  connection: Promise<Socket>,
  refusals: readonly string[],
  agent: AgentProcessLike,
  crashed: Promise<'crashed'>,
  launch: Launch,
  deadline: number,
  startupTimeout: number,
  signal: AbortSignal | undefined,
): Promise<Socket> {
  const outcome = await race(Promise.race([connection, agent.exited, crashed]), { ms: deadline - Date.now(), signal });
  const details = { agentFile: launch.file, command: launch.argv, pid: agent.pid };
  if (outcome.kind === 'timeout') {
    const refused = refusals.filter((reason) => reason.includes('not the spawned agent')).length;
    throw startupTimeoutError({ waitedFor: 'connection', timeout: startupTimeout, refused }, { ...details, output: agent.output() });
  }
  if (outcome.kind === 'aborted') throw aborted({ starting: true }, { ...details, output: agent.output() });
  const first = outcome.value;
  if (first !== null && typeof first === 'object' && 'remoteAddress' in first) return first;
  const output = agent.output();
  if (first === 'crashed') {
    const diagnosis = diagnose(output, launch, { phase: 'starting' });
    throw agentCrashed({ cause: diagnosis.cause, hint: diagnosis.hint }, { ...details, output });
  }
  const status: ExitStatus = first;
  if (status.signal) throw agentKilled({ signal: status.signal }, { ...details, signal: status.signal, output });
  const diagnosis = diagnose(output, launch, { phase: 'starting', exitCode: status.exitCode });
  throw agentExited(
    { phase: 'starting', exitCode: status.exitCode, cause: diagnosis.cause, hint: diagnosis.hint },
    { ...details, exitCode: status.exitCode, signal: status.signal, output },
  );
}
