// Tool mocks for a LiveKit agent started by agent-session-test, loaded with `node --import`.
//
// The SDK looks up a mock at each tool call by the current agent's class, in the map that
// `voice.testing.withMockTools(AgentClass, mocks)` sets. Every agent the session runs (the first,
// and each after a handoff) passes through `AgentSession.prototype._updateActivity`; its class is
// registered there once, with a mocks object that answers for the tools the test mocks now for the
// agent in charge (a file the test rewrites before each turn): those calls go to the test process,
// every other tool runs for real. Each agent that takes charge is reported to the test with its
// tools, so that the test can tell a mock of a tool no agent has. The agent's own copy of the SDK
// is patched, so its classes are the ones matched.
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const config = JSON.parse(process.env.AGENT_SESSION_TEST_TOOL_MOCKS ?? 'null');

/** The agent file: the first argument after the runtime's own that names a script. */
function agentFile() {
  const script = process.argv.slice(1).find((arg) => /\.[cm]?[jt]sx?$/.test(arg));
  return path.resolve(script ?? process.argv[1] ?? '.');
}

/** The ES module entry of the SDK the agent itself imports (the CommonJS one is another module instance). */
function sdkEntry(from) {
  const cjs = createRequire(from).resolve('@livekit/agents');
  let root = path.dirname(cjs);
  while (!root.endsWith(path.join('@livekit', 'agents')) && path.dirname(root) !== root) root = path.dirname(root);
  const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
  const exports = pkg.exports?.['.'] ?? pkg.exports;
  const entry = typeof exports?.import === 'string' ? exports.import : (exports?.import?.default ?? pkg.module ?? pkg.main);
  return pathToFileURL(path.join(root, entry)).href;
}

/** Per tool the test mocks now, `true` (any agent) or the agent ids: read at each call, since it changes between turns. */
function mockedNames() {
  try {
    return JSON.parse(readFileSync(config.namesFile, 'utf8'));
  } catch {
    return {};
  }
}

/** The names of an agent's tools: a ToolContext's function tools (1.9), or the plain map of older SDKs. */
function toolNames(agent) {
  const context = agent.toolCtx ?? {};
  return Object.keys(context.functionTools ?? context);
}

// One kept-alive connection: each mocked call then costs a loopback round trip, not a new
// connection and fetch's start-up on top.
const keepAlive = new http.Agent({ keepAlive: true, maxSockets: 4 });

function callTest(route, payload) {
  const body = JSON.stringify(payload);
  return new Promise((resolve, reject) => {
    const request = http.request(
      config.url + route,
      {
        method: 'POST',
        agent: keepAlive,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          authorization: `Bearer ${config.credential}`,
        },
      },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk) => (text += chunk));
        response.on('end', () => {
          try {
            resolve(text ? JSON.parse(text) : undefined);
          } catch (error) {
            reject(error);
          }
        });
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

async function install() {
  let sdk;
  try {
    sdk = await import(sdkEntry(agentFile()));
  } catch {
    return; // not an agent of this SDK: nothing to mock
  }
  const { voice, llm } = sdk;
  const withMockTools = voice?.testing?.withMockTools;
  const update = voice?.AgentSession?.prototype?._updateActivity;
  if (typeof withMockTools !== 'function' || typeof update !== 'function') {
    process.stderr.write('agent-session-test: tool mocks: this @livekit/agents has no voice.testing.withMockTools\n');
    return;
  }
  // The SDK asks by the agent's class; the agent in charge (its id) is the session's.
  let agentInCharge = () => undefined;
  const mocks = new Proxy(
    {},
    {
      get(_target, name) {
        if (typeof name !== 'string') return undefined;
        const scope = mockedNames()[name];
        const current = agentInCharge();
        if (!(scope === true || (Array.isArray(scope) && current && scope.includes(current.id)))) return undefined;
        return async (args, options) => {
          const agent = options?.ctx?.session?.currentAgent ?? current;
          const answer = await callTest('/call', {
            tool: name,
            callId: options?.toolCallId ?? '',
            arguments: JSON.stringify(args ?? {}),
            agentId: agent?.id ?? '',
          });
          if ('error' in answer) throw new llm.ToolError(answer.error);
          return answer.output;
        };
      },
    },
  );
  const registered = new Set();
  voice.AgentSession.prototype._updateActivity = async function (agent, ...rest) {
    agentInCharge = () => this.currentAgent;
    if (agent && !registered.has(agent.constructor)) {
      registered.add(agent.constructor);
      withMockTools(agent.constructor, mocks);
    }
    if (agent) {
      try {
        // Awaited: the test has it before the agent acts, so the turn's end finds it there.
        await callTest('/agent', { agentId: agent.id, tools: toolNames(agent) });
      } catch {
        // the check of mock names is a help; the agent must go on without it
      }
    }
    return update.call(this, agent, ...rest);
  };
}

if (config) await install();
