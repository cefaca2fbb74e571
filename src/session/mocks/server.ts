/**
 * The channel an agent's tool mocks call back on: an HTTP server on 127.0.0.1 that answers only
 * requests with this session's credential, runs the mock in force for the tool, and keeps a log of
 * the calls and of the agents the agent reports as they take charge, with their tools. Which tools
 * are mocked is also written to a file in a private folder, rewritten on every change, because the
 * SDKs look a mock up synchronously at each call (see preload/).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { renameSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { timingSafeEqual } from 'node:crypto';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createCredential } from '../../process/credential.js';
import { findMock, mockedNames } from './scopes.js';
import type { AgentTools, MockedCall, ToolMocks } from './types.js';

/** The largest call accepted: the arguments of one tool call. */
const MAX_BODY_BYTES = 16 * 1024 * 1024;

export interface ToolMockChannel {
  /** The agent's environment: where to call and with which credential. */
  readonly env: Record<string, string>;
  readonly credential: string;
  /** Every call a mock answered, in order. */
  readonly calls: readonly MockedCall[];
  /** Each agent as it took charge (the first, after each handoff), in order; the last is in charge now. */
  readonly agents: readonly AgentTools[];
  /** Replaces the scopes in force (outermost first), and the names file the agent reads. */
  set(scopes: readonly ToolMocks[]): void;
  close(): Promise<void>;
}

export const TOOL_MOCKS_ENV = 'AGENT_SESSION_TEST_TOOL_MOCKS';

function authorised(request: IncomingMessage, credential: Buffer): boolean {
  const given = Buffer.from((request.headers.authorization ?? '').replace(/^Bearer /, ''));
  return given.length === credential.length && timingSafeEqual(given, credential);
}

async function readBody(request: IncomingMessage): Promise<string | undefined> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** What a thrown value says to the agent: an Error's message, else what it was and how to fix the mock. */
function thrownMessage(tool: string, thrown: unknown): string {
  if (thrown instanceof Error) return thrown.message;
  return `the mock of ${tool} threw ${typeof thrown === 'string' ? JSON.stringify(thrown) : String(thrown)}, not an Error: throw new Error(message) to fail the call`;
}

export async function openToolMockChannel(): Promise<ToolMockChannel> {
  const credential = createCredential();
  const secret = Buffer.from(credential);
  const dir = await mkdtemp(path.join(tmpdir(), 'ast-mocks-'));
  const namesFile = path.join(dir, 'names.json');
  // Replaced whole, never written in place: the agent may read it at any moment.
  const writeNames = (names: object) => {
    const temp = `${namesFile}.tmp`;
    writeFileSync(temp, JSON.stringify(names), { mode: 0o600 });
    renameSync(temp, namesFile);
  };
  writeNames({});
  let scopes: readonly ToolMocks[] = [];
  const calls: MockedCall[] = [];
  const agents: AgentTools[] = [];

  const answer = async (request: IncomingMessage, response: ServerResponse) => {
    // Anyone on the machine can reach a loopback port: without the credential, nothing is said.
    if (request.method !== 'POST' || !authorised(request, secret)) return void response.writeHead(404).end();
    if (request.url !== '/call' && request.url !== '/agent') return void response.writeHead(404).end();
    const body = await readBody(request);
    let call: { tool: string; callId: string; agentId: string; arguments: string };
    try {
      call = JSON.parse(body ?? '') as typeof call;
    } catch {
      return void response.writeHead(400).end();
    }
    if (request.url === '/agent') {
      // Answered once noted: the agent waits for it before the new agent acts, so a turn's end finds it here.
      const report = call as unknown as { agentId?: unknown; tools?: unknown };
      if (typeof report.agentId !== 'string' || !Array.isArray(report.tools)) return void response.writeHead(400).end();
      agents.push({ agentId: report.agentId, tools: report.tools.filter((tool): tool is string => typeof tool === 'string') });
      return void response.writeHead(204).end();
    }
    const started = performance.now();
    let args: Record<string, unknown> = {};
    try {
      args = JSON.parse(call.arguments || '{}') as Record<string, unknown>;
    } catch {
      // the model's arguments were not JSON: the mock gets none
    }
    const mock = findMock(scopes, call.tool, call.agentId);
    const record: MockedCall = { tool: call.tool, callId: call.callId, agentId: call.agentId, args, durationMs: 0 };
    let reply: { output?: unknown; error?: string };
    if (!mock) {
      // Unmocked between the agent's lookup and its call (a restore mid-turn): the agent reports it as a tool error.
      reply = { error: `${call.tool} is no longer mocked` };
    } else {
      try {
        const output: unknown = await mock(args, { tool: call.tool, callId: call.callId, agentId: call.agentId });
        reply = { output: output === undefined ? null : output };
        record.output = output;
      } catch (thrown) {
        reply = { error: thrownMessage(call.tool, thrown) };
        record.error = reply.error;
      }
    }
    record.durationMs = performance.now() - started;
    calls.push(record);
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(reply));
  };

  const server = createServer((request, response) => {
    answer(request, response).catch(() => response.writeHead(500).end());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port: 0 }, resolve);
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('the tool mock channel has no port');
  const config = { url: `http://127.0.0.1:${address.port}`, credential, namesFile };
  return {
    env: { [TOOL_MOCKS_ENV]: JSON.stringify(config) },
    credential,
    calls,
    agents,
    set(next) {
      scopes = [...next];
      writeNames(mockedNames(scopes));
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(dir, { recursive: true, force: true });
    },
  };
}
