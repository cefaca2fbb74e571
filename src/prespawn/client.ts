/**
 * The worker's side of the pre-spawn broker: asks for a spare, claims it with the spec of the
 * launch the worker would have made, and drives the claimed agent through the relay. Anything
 * going wrong before the claim means "no spare": the caller starts the agent itself.
 */
import net from 'node:net';
import { race } from '../core/race.js';
import type { AgentProcessLike, ExitStatus, TerminateOptions } from '../process/agent-process.js';
import { OutputTail } from '../process/output-tail.js';
import { readLines, send, type BrokerAddress, type BrokerMessage, type ForkModel } from './messages.js';
import type { ModelTarget } from './model-relay.js';
import type { SpawnSpec } from './spec.js';

let current: BrokerAddress | undefined;
let testFileOf: () => string | undefined = () => undefined;

/**
 * Points this process's sessions at a broker (the Vitest plugin does this in each worker);
 * undefined turns it off. `testFile` names the test file running, which the broker remembers
 * for the next run.
 */
export function useBroker(address: BrokerAddress | undefined, testFile?: () => string | undefined): void {
  current = address;
  if (testFile) testFileOf = testFile;
}

/** The running test file, if the runner says; never throws. */
function testFile(): { testFile?: string } {
  try {
    const file = testFileOf();
    return file ? { testFile: file } : {};
  } catch {
    return {};
  }
}

/** The broker this process's sessions use, if any. */
export function currentBroker(): BrokerAddress | undefined {
  return current;
}

/** How long the broker may take to answer before the worker starts the agent itself. */
const ANSWER_TIMEOUT_MS = 2000;
/** How long a terminate may take beyond its grace period before the worker stops waiting. */
const TERMINATE_SLACK_MS = 5000;

function connect(address: BrokerAddress): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: address.host, port: address.port });
    socket.setNoDelay(true);
    socket.once('connect', () => {
      socket.off('error', reject);
      socket.on('error', () => {});
      resolve(socket);
    });
    socket.once('error', reject);
  });
}

/** Tells the broker that this launch started fine, so it can keep spares of it. Never fails. */
export function learnSpec(address: BrokerAddress, spec: SpawnSpec, startupTimeout: number, kind: 'learn' | 'prepare' = 'learn'): void {
  connect(address).then(
    (socket) => {
      send(socket, { t: kind, token: address.token, spec, startupTimeout });
      socket.end();
    },
    () => {},
  );
}

/** Messages of one control connection, taken one at a time. */
class Inbox {
  readonly #queue: BrokerMessage[] = [];
  #waiter: ((message: BrokerMessage | undefined) => void) | undefined;
  #closed = false;
  onMessage: ((message: BrokerMessage) => void) | undefined;

  constructor(socket: net.Socket) {
    readLines<BrokerMessage>(socket, (message) => {
      if (this.onMessage) this.onMessage(message);
      else if (this.#waiter) this.#take(message);
      else this.#queue.push(message);
    });
    socket.on('close', () => {
      this.#closed = true;
      this.#take(undefined);
    });
  }

  #take(message: BrokerMessage | undefined): void {
    const waiter = this.#waiter;
    this.#waiter = undefined;
    waiter?.(message);
  }

  /** The next message, or undefined when the connection closed or none came in time. */
  next(timeoutMs: number): Promise<BrokerMessage | undefined> {
    const queued = this.#queue.shift();
    if (queued) return Promise.resolve(queued);
    if (this.#closed) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.#take(undefined), timeoutMs);
      this.#waiter = (message) => {
        clearTimeout(timer);
        resolve(message);
      };
    });
  }

  /** Hands every further message (queued ones first) to `handler`. */
  drain(handler: (message: BrokerMessage) => void): void {
    this.onMessage = handler;
    for (const message of this.#queue.splice(0)) handler(message);
  }
}

export interface ClaimOptions {
  outputLimit?: number;
  redact?: (text: string) => string;
  onOutput?: (text: string, stream: 'stdout' | 'stderr') => void;
}

/** A spare the broker offered: claim it with a matching spec, or release it. */
export class SpareOffer {
  readonly id: number;
  /** The credential the worker's model server must take for this spare (the spare has it as its keys). */
  readonly llmCredential: string;
  readonly pid: number;
  /** The address the spare was told to connect to (the broker's), for error messages. */
  readonly connectAddr: string;
  readonly #address: BrokerAddress;
  readonly #control: net.Socket;
  readonly #inbox: Inbox;

  /** @internal */
  constructor(address: BrokerAddress, control: net.Socket, inbox: Inbox, offer: Extract<BrokerMessage, { t: 'offer' }>) {
    this.#address = address;
    this.#control = control;
    this.#inbox = inbox;
    this.id = offer.id;
    this.llmCredential = offer.llmCredential;
    this.pid = offer.pid;
    this.connectAddr = offer.connectAddr;
  }

  /** Gives the spare back to the broker for another file. */
  release(): void {
    this.#control.end();
  }

  /**
   * Takes the spare if it was launched exactly as `spec` says; otherwise answers why not (and
   * the spare goes back to the broker). `model` is where this session's model server listens:
   * the broker passes the spare's model calls there, those made before the claim included.
   */
  async claim(spec: SpawnSpec, model: ModelTarget | undefined, options: ClaimOptions = {}): Promise<BrokeredAgent | { mismatch: string }> {
    send(this.#control, { t: 'claim', id: this.id, spec, ...(model && { model }) });
    const answer = await this.#inbox.next(ANSWER_TIMEOUT_MS);
    if (answer?.t !== 'claimed') {
      this.#control.destroy();
      return { mismatch: answer?.t === 'mismatch' ? answer.reason : 'the broker did not answer' };
    }
    const agent = new BrokeredAgent(this.pid, this.#control, options);
    agent.pushOutput(answer.output, 'stderr');
    this.#inbox.drain((message) => agent.onMessage(message));
    agent.openData(this.#address, this.id);
    return agent;
  }
}

/**
 * Asks the broker for a spare of `agentFile`. Undefined when it has none, or does not answer
 * in time: the caller starts the agent itself.
 */
export async function requestSpare(address: BrokerAddress, agentFile: string): Promise<SpareOffer | undefined> {
  let control: net.Socket | undefined;
  try {
    control = await connect(address);
    const inbox = new Inbox(control);
    send(control, { t: 'want', token: address.token, agentFile, ...testFile() });
    const answer = await inbox.next(ANSWER_TIMEOUT_MS);
    if (answer?.t === 'offer') return new SpareOffer(address, control, inbox, answer);
  } catch {
    // No broker to reach: start the agent here.
  }
  control?.destroy();
  return undefined;
}

/**
 * Asks the broker to fork an agent of exactly `spec` for this session (a Python launch whose
 * fork server is importing or ready), its model calls going to `llm`. Undefined when it cannot,
 * or does not answer within `waitMs`: the caller starts the agent itself.
 */
export async function requestFork(
  address: BrokerAddress,
  request: { spec: SpawnSpec; startupTimeout: number; llm?: ForkModel | undefined },
  waitMs: number,
): Promise<SpareOffer | undefined> {
  let control: net.Socket | undefined;
  try {
    control = await connect(address);
    const inbox = new Inbox(control);
    const { spec, startupTimeout, llm } = request;
    send(control, { t: 'fork', token: address.token, spec, startupTimeout, ...(llm && { llm }), ...testFile() });
    const answer = await inbox.next(Math.max(0, waitMs));
    if (answer?.t === 'offer') return new SpareOffer(address, control, inbox, answer);
  } catch {
    // No broker to reach: start the agent here.
  }
  control?.destroy();
  return undefined;
}

/** An agent the broker started and handed over: its session bytes, output and exit come through the broker. */
export class BrokeredAgent implements AgentProcessLike {
  readonly pid: number;
  readonly prespawned = true;
  readonly exited: Promise<ExitStatus>;
  /** Resolves with the data connection once the agent has connected (never rejects; see `exited`). */
  readonly connection: Promise<net.Socket>;
  readonly #control: net.Socket;
  readonly #tail: OutputTail;
  readonly #options: ClaimOptions;
  #status: ExitStatus | undefined;
  #exit!: (status: ExitStatus) => void;
  #connected!: () => void;
  #data: net.Socket | undefined;
  #terminating: Promise<ExitStatus> | undefined;

  /** @internal */
  constructor(pid: number, control: net.Socket, options: ClaimOptions) {
    this.pid = pid;
    this.#control = control;
    this.#options = options;
    this.#tail = new OutputTail(options.outputLimit);
    this.exited = new Promise<ExitStatus>((resolve) => (this.#exit = resolve)).then((status) => (this.#status = status));
    const connected = new Promise<void>((resolve) => (this.#connected = resolve));
    this.connection = connected.then(() => this.#data!);
    control.on('close', () => {
      // The broker went away (the runner is ending); its orphan guard has ended the agent.
      if (this.#status === undefined) {
        this.pushOutput("\n[agent-session-test: the runner's pre-spawn broker closed the connection]\n", 'stderr');
        this.#exit({ exitCode: null, signal: null });
      }
      this.#data?.destroy();
    });
  }

  get status(): ExitStatus | undefined {
    return this.#status;
  }

  output(): string {
    const redact = this.#options.redact ?? ((text: string) => text);
    return redact(this.#tail.text());
  }

  /** @internal */
  pushOutput(text: string, stream: 'stdout' | 'stderr'): void {
    if (text === '') return;
    this.#tail.push(text);
    this.#options.onOutput?.((this.#options.redact ?? ((t: string) => t))(text), stream);
  }

  /** @internal */
  onMessage(message: BrokerMessage): void {
    if (message.t === 'output') this.pushOutput(message.text, message.stream);
    else if (message.t === 'connected') this.#connected();
    else if (message.t === 'exit') this.#exit({ exitCode: message.status.exitCode, signal: message.status.signal });
  }

  /** @internal Opens the data connection; the broker joins it to the agent's once the agent is in. */
  openData(address: BrokerAddress, id: number): void {
    const data = net.connect({ host: address.host, port: address.port });
    data.setNoDelay(true);
    data.on('error', () => {});
    data.write(`${JSON.stringify({ t: 'data', token: address.token, id })}\n`);
    this.#data = data;
  }

  terminate(options: TerminateOptions = {}): Promise<ExitStatus> {
    this.#terminating ??= (async () => {
      const graceMs = options.graceMs ?? 3000;
      this.#data?.destroy();
      if (this.#status === undefined) send(this.#control, { t: 'terminate', signal: options.signal ?? 'SIGINT', graceMs });
      const outcome = await race(this.exited, { ms: graceMs + TERMINATE_SLACK_MS });
      const status: ExitStatus = outcome.kind === 'done' ? outcome.value : { exitCode: null, signal: null };
      // Closing the control connection tells the broker we are done (it ends the agent if still running).
      this.#control.end();
      return status;
    })();
    return this.#terminating;
  }
}
