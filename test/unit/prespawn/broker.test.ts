/**
 * The pre-spawn broker with fake agent processes: a tiny Node program that connects to the
 * address on its command line and echoes what it gets, as an agent's session connection would
 * carry frames. Real agents through the plugin are in test/e2e/prespawn.test.ts.
 */
import { once } from 'node:events';
import { afterEach, describe, expect, test } from 'vitest';
import net from 'node:net';
import { anthropicMessages, cassetteLlm, scriptedLlm } from '../../../src/llm/index.js';
import { SpareBroker } from '../../../src/prespawn/broker.js';
import { BrokeredAgent, requestSpare, learnSpec } from '../../../src/prespawn/client.js';
import { CONNECT_PLACEHOLDER, fillSpec, llmServerPort, spawnSpec, specDifference, type SpawnSpec } from '../../../src/prespawn/spec.js';
import { AGENT_TAG_ENV } from '../../../src/process/run-tag.js';
import { alive } from '../../e2e/helpers.js';

describe('spawn specs', () => {
  const llm = { env: { OPENAI_BASE_URL: 'http://127.0.0.1:41234/v1', OPENAI_API_KEY: 'k' }, port: 41234 };
  const env = {
    ...llm.env,
    PATH: '/bin',
    OTHER_URL: 'http://127.0.0.1:41234/',
    VITEST_WORKER_ID: '3',
    VITEST_POOL_ID: '1',
    [AGENT_TAG_ENV]: 'run-1',
    GONE: undefined,
  };

  test('the model server port becomes a placeholder in its own variables only; volatile and unset variables are left out', () => {
    const spec = spawnSpec('/a/agent.py', ['python', 'agent.py', '--connect-addr', CONNECT_PLACEHOLDER], '/a', env, llm);
    expect(spec.env).toEqual({
      OPENAI_BASE_URL: 'http://127.0.0.1:{llmPort}/v1',
      OPENAI_API_KEY: 'k',
      PATH: '/bin',
      OTHER_URL: 'http://127.0.0.1:41234/',
    });
    expect(Object.keys(spec.env)).toEqual([...Object.keys(spec.env)].sort());
    const filled = fillSpec(spec, '127.0.0.1:5000', 6000, 'ast_other');
    expect(filled.argv).toEqual(['python', 'agent.py', '--connect-addr', '127.0.0.1:5000']);
    expect(filled.env['OPENAI_BASE_URL']).toBe('http://127.0.0.1:6000/v1');
  });

  test("the model server's credential becomes a placeholder, so two sessions' servers with their own credentials have the same spec", () => {
    const server = (credential: string, port: number) => ({
      env: { OPENAI_BASE_URL: `http://127.0.0.1:${port}/v1`, OPENAI_API_KEY: credential, LIVEKIT_API_SECRET: credential },
      port,
      credential,
    });
    const one = server('ast_first-credential', 41234);
    const two = server('ast_second-credential', 50000);
    const a = spawnSpec('/a', ['x'], '/', { ...one.env, PATH: '/bin' }, one);
    const b = spawnSpec('/a', ['x'], '/', { ...two.env, PATH: '/bin' }, two);
    expect(a.env).toEqual({
      OPENAI_BASE_URL: 'http://127.0.0.1:{llmPort}/v1',
      OPENAI_API_KEY: '{llmCredential}',
      LIVEKIT_API_SECRET: '{llmCredential}',
      PATH: '/bin',
    });
    expect(specDifference(a, b)).toBeUndefined();
    // The spare gets the credential the broker chose, which the claiming session's server then takes.
    expect(fillSpec(a, '127.0.0.1:5000', 6000, 'ast_spare').env).toMatchObject({
      OPENAI_API_KEY: 'ast_spare',
      LIVEKIT_API_SECRET: 'ast_spare',
    });
  });

  test('a port that is a prefix of a longer number is left alone', () => {
    const spec = spawnSpec('/a', [], '/', { OPENAI_BASE_URL: 'http://h:4123/v1?x=:41234' }, { env: { OPENAI_BASE_URL: '' }, port: 4123 });
    expect(spec.env['OPENAI_BASE_URL']).toBe('http://h:{llmPort}/v1?x=:41234');
  });

  test('two workers with different model ports and worker ids have the same spec', () => {
    const a = spawnSpec('/a', ['x'], '/', env, llm);
    const b = spawnSpec(
      '/a',
      ['x'],
      '/',
      { ...env, OPENAI_BASE_URL: 'http://127.0.0.1:50000/v1', VITEST_WORKER_ID: '7' },
      { ...llm, port: 50000 },
    );
    expect(specDifference(a, b)).toBeUndefined();
  });

  test('a difference is named by field and variable names, never values', () => {
    const a = spawnSpec('/a', ['x'], '/', { SECRET_TOKEN: 'hunter2', B: '1' });
    const b = spawnSpec('/a', ['x'], '/', { SECRET_TOKEN: 'other', C: '1' });
    const reason = specDifference(a, b)!;
    expect(reason).toBe('a different environment (B, C, SECRET_TOKEN)');
    expect(reason).not.toContain('hunter2');
    expect(specDifference(a, { ...a, argv: ['y'] })).toBe('a different command line');
    expect(specDifference(a, { ...a, cwd: '/b' })).toBe('a different working directory');
    expect(specDifference(a, { ...a, agentFile: '/b' })).toBe('a different agent file');
  });

  test('the model port comes from the server, else from its OPENAI_BASE_URL', () => {
    expect(llmServerPort({ env: {}, port: 12 })).toBe(12);
    expect(llmServerPort({ env: { OPENAI_BASE_URL: 'http://127.0.0.1:3456/v1' } })).toBe(3456);
    expect(llmServerPort({ env: { OPENAI_BASE_URL: 'not a url' } })).toBeUndefined();
  });
});

describe('model servers listen on the port they are given', () => {
  async function freePort(): Promise<number> {
    const server = net.createServer().listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as net.AddressInfo;
    await new Promise((resolve) => server.close(resolve));
    return port;
  }

  test.each([
    ['scriptedLlm', () => scriptedLlm()],
    ['cassetteLlm', () => cassetteLlm({ mode: 'off', upstream: { baseUrl: 'http://127.0.0.1:9/v1' } })],
    ['anthropicMessages', () => anthropicMessages(scriptedLlm())],
  ] as const)('%s', async (_name, make) => {
    const port = await freePort();
    const server = await make().listen({ port });
    try {
      expect(llmServerPort(server as { env: Record<string, string> })).toBe(port);
    } finally {
      await server.close();
    }
  });
});

/** Connects to argv[1], prints, echoes; "exit" makes it exit with code 3. */
const FAKE_AGENT = `
const net = require('node:net');
const [host, port] = process.argv[1].split(':');
console.log('fake agent starting ' + (process.env.GREETING || ''));
const socket = net.connect({ host, port: Number(port) }, () => console.log('fake agent connected'));
socket.on('data', (data) => {
  if (String(data).includes('exit')) { console.error('exiting on request'); process.exit(3); }
  socket.write(data);
});
setInterval(() => {}, 1000);
`;
/** Asks the model at once, as an agent's on_enter greeting does, and prints what came back. */
const MODEL_CALLER = `
console.log('asking the model');
fetch(process.env.OPENAI_BASE_URL + '/chat/completions', {
  method: 'POST',
  headers: { 'content-type': 'application/json', authorization: 'Bearer ' + process.env.OPENAI_API_KEY },
  body: JSON.stringify({ model: 'm', messages: [{ role: 'system', content: 'greet' }] }),
}).then((r) => r.text()).then((t) => console.log('model said ' + t), (e) => console.log('model failed ' + e.cause));
setInterval(() => {}, 1000);
`;
/** Exits at once, like an agent with a broken import. */
const BROKEN_AGENT = `console.error('ImportError: nothing here'); process.exit(1);`;

const fakeSpec = (program = FAKE_AGENT, env: Record<string, string> = {}): SpawnSpec =>
  spawnSpec('/fake/agent.js', [process.execPath, '-e', program, CONNECT_PLACEHOLDER], process.cwd(), {
    PATH: process.env['PATH'],
    GREETING: 'hello',
    ...env,
  });

async function until(predicate: () => boolean, what: string, timeout = 15_000): Promise<void> {
  const deadline = Date.now() + timeout;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const brokers: SpareBroker[] = [];
afterEach(async () => {
  for (const broker of brokers.splice(0)) await broker.close();
});

async function startBroker(spares = 1, files = ['a.test.ts', 'b.test.ts', 'c.test.ts']): Promise<SpareBroker> {
  const broker = await SpareBroker.start({ spares });
  brokers.push(broker);
  broker.expect(files);
  return broker;
}

async function claim(broker: SpareBroker, spec = fakeSpec()) {
  const offer = await requestSpare(broker.address, spec.agentFile);
  expect(offer, 'an offer').toBeDefined();
  return { offer: offer!, result: await offer!.claim(spec, undefined) };
}

const read = async (socket: net.Socket) => String((await once(socket, 'data'))[0]);

describe('the broker', () => {
  test('has nothing to offer before a launch is learned', async () => {
    const broker = await startBroker();
    expect(await requestSpare(broker.address, '/fake/agent.js')).toBeUndefined();
    expect(broker.stats.spawned).toBe(0);
  });

  test('keeps a spare of a learned launch; a matching claim relays bytes, output and the exit status', async () => {
    const broker = await startBroker();
    learnSpec(broker.address, fakeSpec(), 10_000);
    await until(() => broker.stats.spawned === 1, 'a spare');
    const { offer, result } = await claim(broker);
    expect(result).toBeInstanceOf(BrokeredAgent);
    const agent = result as BrokeredAgent;
    expect(agent.prespawned).toBe(true);
    expect(agent.pid).toBe(offer.pid);
    const socket = await agent.connection;
    socket.write('ping-1');
    expect(await read(socket)).toBe('ping-1');
    await until(() => agent.output().includes('fake agent connected'), 'the output');
    expect(agent.output()).toContain('fake agent starting hello');
    socket.write('exit');
    expect(await agent.exited).toEqual({ exitCode: 3, signal: null });
    await until(() => agent.output().includes('exiting on request'), 'the last output');
    await until(() => !alive(agent.pid), 'the agent to be reaped');
  });

  test('a claim with another launch is refused, naming what differs; the spare stays for the next file', async () => {
    const broker = await startBroker();
    learnSpec(broker.address, fakeSpec(), 10_000);
    await until(() => broker.stats.spawned === 1, 'a spare');
    const { result } = await claim(broker, fakeSpec(FAKE_AGENT, { API_TOKEN: 'secret-value' }));
    expect(result).toEqual({ mismatch: 'a different environment (API_TOKEN)' });
    const second = await claim(broker);
    expect(second.result).toBeInstanceOf(BrokeredAgent);
    expect(broker.stats).toMatchObject({ spawned: 2, claimed: 1, mismatched: 1 });
    await (second.result as BrokeredAgent).terminate({ graceMs: 0 });
  });

  test('terminate ends the agent with the signal and grace asked for', async () => {
    const broker = await startBroker();
    learnSpec(broker.address, fakeSpec(), 10_000);
    await until(() => broker.stats.spawned === 1, 'a spare');
    const agent = (await claim(broker)).result as BrokeredAgent;
    await agent.connection;
    const status = await agent.terminate({ signal: 'SIGTERM', graceMs: 2000 });
    expect(status).toEqual({ exitCode: null, signal: 'SIGTERM' });
    expect(alive(agent.pid)).toBe(false);
  });

  test('a worker that goes away without terminating: its agent is killed at once', async () => {
    const broker = await startBroker();
    learnSpec(broker.address, fakeSpec(), 10_000);
    await until(() => broker.stats.spawned === 1, 'a spare');
    const { offer, result } = await claim(broker);
    await (result as BrokeredAgent).connection;
    // What a dead worker's kernel does: both of its connections close.
    (offer as unknown as { release(): void }).release();
    await until(() => !alive(offer.pid), 'the orphaned agent to be killed');
  });

  test('an offer that is never claimed goes back to the pool when its connection closes', async () => {
    const broker = await startBroker();
    learnSpec(broker.address, fakeSpec(), 10_000);
    await until(() => broker.stats.spawned === 1, 'a spare');
    const offer = await requestSpare(broker.address, '/fake/agent.js');
    offer!.release();
    const again = await requestSpare(broker.address, '/fake/agent.js');
    expect(again?.pid).toBe(offer!.pid);
    again!.release();
  });

  test('keeps at most `spares` waiting, and none once no file is left to come', async () => {
    const broker = await startBroker(2, ['a', 'b', 'c']);
    learnSpec(broker.address, fakeSpec(), 10_000);
    await until(() => broker.stats.spawned === 2, 'two spares');
    broker.queued('a');
    broker.queued('b');
    broker.queued('c');
    const first = await claim(broker);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(broker.stats.spawned).toBe(2);
    await (first.result as BrokeredAgent).terminate({ graceMs: 0 });
  });

  test('a spare that fails to start stops spares of that launch', async () => {
    const broker = await startBroker(1);
    learnSpec(broker.address, fakeSpec(BROKEN_AGENT), 10_000);
    await until(() => broker.stats.failed === 1, 'the launch to fail');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(broker.stats.spawned).toBe(1);
    expect(await requestSpare(broker.address, '/fake/agent.js')).toBeUndefined();
  });

  test('stopSpares ends unused spares and leaves claimed agents running', async () => {
    const broker = await startBroker(2);
    learnSpec(broker.address, fakeSpec(), 10_000);
    await until(() => broker.stats.spawned === 2, 'two spares');
    const { result } = await claim(broker);
    const agent = result as BrokeredAgent;
    await agent.connection;
    const unused = (await requestSpare(broker.address, '/fake/agent.js'))!;
    unused.release();
    await broker.stopSpares();
    expect(alive(unused.pid)).toBe(false);
    expect(alive(agent.pid)).toBe(true);
    await agent.terminate({ graceMs: 0 });
  });

  test("a spare's model call made before any file takes it is held, then answered by the claiming file's model server", async () => {
    const broker = await startBroker();
    const specOf = (server: { env: Record<string, string>; port: number; credential: string }) =>
      spawnSpec(
        '/fake/agent.js',
        [process.execPath, '-e', MODEL_CALLER, CONNECT_PLACEHOLDER],
        process.cwd(),
        { ...server.env, PATH: process.env['PATH'] },
        server,
      );
    // The file that taught the launch had a server of its own, long gone by the time the spare is taken.
    const first = await scriptedLlm().listen();
    learnSpec(broker.address, specOf(first), 10_000);
    await first.close();
    await until(() => broker.stats.spawned === 1, 'a spare');
    const offer = await requestSpare(broker.address, '/fake/agent.js');
    // The spare asked the model while nobody could answer; give the call time to be refused, as it was before.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const llm = scriptedLlm([{ reply: { text: 'welcome from the file that took me' } }]);
    const server = await llm.listen({ credential: offer!.llmCredential });
    try {
      const result = await offer!.claim(specOf(server), { host: '127.0.0.1', port: server.port });
      expect(result).toBeInstanceOf(BrokeredAgent);
      const agent = result as BrokeredAgent;
      await until(() => /model (said|failed)/.test(agent.output()), 'the model call to end', 10_000);
      expect(agent.output()).toContain('welcome from the file that took me');
      expect(llm.requests).toHaveLength(1);
      await agent.terminate({ signal: 'SIGKILL', graceMs: 0 });
    } finally {
      await server.close();
    }
  });

  test('a claim whose model server is not on loopback is refused: the broker relays to nowhere else', async () => {
    const broker = await startBroker();
    const server = { env: { OPENAI_BASE_URL: 'http://127.0.0.1:41234/v1', OPENAI_API_KEY: 'k' }, port: 41234, credential: 'k' };
    const spec = spawnSpec(
      '/fake/agent.js',
      [process.execPath, '-e', FAKE_AGENT, CONNECT_PLACEHOLDER],
      process.cwd(),
      { ...server.env, PATH: process.env['PATH'] },
      server,
    );
    learnSpec(broker.address, spec, 10_000);
    await until(() => broker.stats.spawned === 1, 'a spare');
    const offer = await requestSpare(broker.address, '/fake/agent.js');
    expect(await offer!.claim(spec, { host: '192.0.2.1', port: 80 })).toEqual({
      mismatch: 'no loopback model server to pass its model calls to',
    });
    expect(await offer!.claim(spec, undefined)).toMatchObject({ mismatch: expect.any(String) });
  });

  test('connections without the token are dropped', async () => {
    const broker = await startBroker();
    learnSpec({ ...broker.address, token: 'wrong' }, fakeSpec(), 10_000);
    expect(await requestSpare({ ...broker.address, token: 'wrong' }, '/fake/agent.js')).toBeUndefined();
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(broker.stats.learned).toBe(0);
  });
});
