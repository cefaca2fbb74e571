// Tool mocks for a LiveKit agent started by agent-session-test, loaded with `node --import`.
//
// The SDK looks up a mock at each tool call by the current agent's class, in the map that
// `voice.testing.withMockTools(AgentClass, mocks)` sets. Every agent the session runs (the first,
// and each after a handoff) passes through `AgentSession.prototype._updateActivity`; its class is
// registered there once, with a mocks object that answers for the tools the test mocks now (a
// file the test rewrites before each turn): those calls go to the test process, every other tool
// runs for real. The agent's own copy of the SDK is patched, so its classes are the ones matched.
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

function mockedNames() {
  try {
    return new Set(JSON.parse(readFileSync(config.namesFile, 'utf8')));
  } catch {
    return new Set();
  }
}

// One kept-alive connection: each mocked call then costs a loopback round trip, not a new
// connection and fetch's start-up on top.
const keepAlive = new http.Agent({ keepAlive: true, maxSockets: 4 });

function callTest(payload) {
  const body = JSON.stringify(payload);
  return new Promise((resolve, reject) => {
    const request = http.request(
      config.url,
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
            resolve(JSON.parse(text));
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
  const mocks = new Proxy(
    {},
    {
      get(_target, name) {
        if (typeof name !== 'string' || !mockedNames().has(name)) return undefined;
        return async (args, options) => {
          const agent = options?.ctx?.session?.currentAgent;
          const answer = await callTest({
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
  voice.AgentSession.prototype._updateActivity = function (agent, ...rest) {
    if (agent && !registered.has(agent.constructor)) {
      registered.add(agent.constructor);
      withMockTools(agent.constructor, mocks);
    }
    return update.call(this, agent, ...rest);
  };
}

if (config) await install();
