/**
 * The same conversation through each SDK's own in-process test helpers, as LiveKit documents
 * them: pytest with livekit-agents' `AgentSession.run()` (Python), and Vitest with
 * @livekit/agents' `session.run().wait()` (Node). Each file holds one conversation with the example
 * weather agent's own agent class and tools, on the OpenAI plugin's LLM, which reads the scripted
 * model's address and key from the environment the benchmark passes. A file appends `passed` to
 * passed.log once every assertion held.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { agents, repoPath } from './stats.js';
import { freshDir, timedRun, TURNS } from './vitest-suite.js';

export const PASSED_LOG = 'passed.log';
export const venvPython = repoPath('examples/python/.venv/bin/python');

/**
 * pytest and the plugin that runs coroutine tests, with the two packages of theirs the example
 * venv lacks; the rest (packaging, Pygments, typing_extensions) are pinned in its requirements.
 */
export const PYTEST_PACKAGES = ['pytest==9.2.0', 'pytest-asyncio==1.5.0', 'pluggy==1.7.0', 'iniconfig==2.3.1'];

/**
 * A folder for PYTHONPATH holding {@link PYTEST_PACKAGES}, installed once per set of versions
 * and kept in node_modules/.cache: the example venv itself is left as the examples need it.
 */
export function ensurePytest(): string {
  const dir = repoPath(`node_modules/.cache/agent-session-bench/anchors-pytest-${PYTEST_PACKAGES.join('_').replaceAll('==', '-')}`);
  const stamp = `${dir}/installed`;
  if (existsSync(stamp)) return `${dir}/site`;
  freshDir(dir);
  process.stderr.write(`installing ${PYTEST_PACKAGES.join(', ')} for the pytest anchor\n`);
  try {
    execFileSync(
      venvPython,
      ['-m', 'pip', 'install', '--disable-pip-version-check', '--quiet', '--no-deps', '--target', `${dir}/site`, ...PYTEST_PACKAGES],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
    );
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    throw new Error(`installing pytest failed:\n${stdout}${stderr}`);
  }
  writeFileSync(stamp, '');
  return `${dir}/site`;
}

const [PARIS, HELLO, COMPARE] = TURNS.map((turn) => JSON.stringify(turn));

/** `files` pytest files, one conversation each, with a conftest that loads the example agent by path. */
export function writePytestSuite(dir: string, files: number): void {
  freshDir(dir);
  // Its own ini makes the folder pytest's root, so no configuration of the repository applies.
  writeFileSync(`${dir}/pytest.ini`, '[pytest]\nasyncio_default_fixture_loop_scope = function\n');
  writeFileSync(
    `${dir}/conftest.py`,
    `import importlib.util
import sys

# The example agent is a file, not a package: load it by path, once for the session.
_spec = importlib.util.spec_from_file_location("weather_agent", ${JSON.stringify(agents.python)})
_module = importlib.util.module_from_spec(_spec)
sys.modules["weather_agent"] = _module
_spec.loader.exec_module(_module)
`,
  );
  for (let i = 0; i < files; i++) {
    writeFileSync(
      `${dir}/test_conversation_${i}.py`,
      `import pytest
from livekit.agents import AgentSession
from livekit.plugins import openai
from weather_agent import WeatherAgent


@pytest.mark.asyncio
async def test_three_turns() -> None:
    async with openai.LLM(model="gpt-4o-mini") as llm, AgentSession(llm=llm) as session:
        await session.start(WeatherAgent())

        result = await session.run(user_input=${PARIS})
        result.expect.next_event().is_function_call(name="lookup_weather", arguments={"city": "Paris"})
        result.expect.next_event().is_function_call_output()
        reply = result.expect.next_event().is_message(role="assistant")
        assert "21°C in Paris" in reply.event().item.text_content
        result.expect.no_more_events()

        result = await session.run(user_input=${HELLO})
        reply = result.expect.next_event().is_message(role="assistant")
        assert reply.event().item.text_content.startswith("Hello!")
        result.expect.no_more_events()

        result = await session.run(user_input=${COMPARE})
        result.expect.contains_function_call(name="lookup_weather", arguments={"city": "London"})
        result.expect.contains_function_call(name="lookup_weather", arguments={"city": "Tokyo"})
        reply = result.expect[-1].is_message(role="assistant")
        assert "18°C in Tokyo" in reply.event().item.text_content

    with open(${JSON.stringify(`${dir}/${PASSED_LOG}`)}, "a") as log:
        log.write("passed\\n")
`,
    );
  }
}

/** `python -m pytest` on the suite in `dir`, with pytest from `site` and the model's `env`. */
export function pytestRun(dir: string, site: string, env: Record<string, string>): Promise<number> {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env, PYTHONPATH: site, PYTHONUNBUFFERED: '1' };
  delete childEnv['NODE_OPTIONS'];
  return timedRun(venvPython, ['-m', 'pytest', '-q', '-p', 'no:cacheprovider', dir], { cwd: dir, env: childEnv });
}

/**
 * How the Node anchor gets the example's agent class. The example file exports only its entry
 * point (`defineAgent`), and runs LiveKit's CLI when imported; LiveKit's own examples guard that
 * call for tests, this one does not. So each test file stubs `cli.runApp`, and this module runs
 * the entry with `AgentSession.start` stubbed to keep the agent it is handed: the class of that
 * agent is the example's, tools and all.
 */
const NODE_AGENT_MODULE = `import { voice } from '@livekit/agents';
import { vi } from 'vitest';

export async function weatherAgentClass(): Promise<new () => voice.Agent> {
  const { default: example } = await import(${JSON.stringify(agents.node)});
  let agent: voice.Agent | undefined;
  const start = vi.spyOn(voice.AgentSession.prototype, 'start').mockImplementation(async (options) => {
    agent = options.agent;
  });
  try {
    await example.entry({ room: undefined, connect: async () => {} } as never);
  } finally {
    start.mockRestore();
  }
  if (!agent) throw new Error('the example entry started no agent');
  return agent.constructor as new () => voice.Agent;
}
`;

/** Where the Node anchor's suites go: below examples/node, so '@livekit/agents' resolves as the example's. */
export const voiceTestingRoot = (name: string) => repoPath(`examples/node/node_modules/.cache/agent-session-bench/${name}`);

/** `files` Vitest files, one conversation each through `voice.AgentSession.run()`, and a plain config. */
export function writeVoiceTestingSuite(dir: string, files: number): void {
  freshDir(dir);
  writeFileSync(
    `${dir}/vitest.config.ts`,
    `import { defineConfig } from 'vitest/config';
export default defineConfig({ test: { include: ['*.test.ts'], testTimeout: 120_000 } });
`,
  );
  writeFileSync(`${dir}/weather-agent.ts`, NODE_AGENT_MODULE);
  for (let i = 0; i < files; i++) {
    writeFileSync(
      `${dir}/conversation-${i}.test.ts`,
      `import { appendFileSync } from 'node:fs';
import { initializeLogger, voice } from '@livekit/agents';
import * as openai from '@livekit/agents-plugin-openai';
import { expect, test, vi } from 'vitest';
import { weatherAgentClass } from './weather-agent.js';

// The example runs LiveKit's CLI when imported; a test has no use for it.
vi.mock('@livekit/agents', async (importOriginal) => {
  const actual = await importOriginal<typeof import('@livekit/agents')>();
  return { ...actual, cli: { ...actual.cli, runApp: () => {} } };
});

initializeLogger({ pretty: false, level: 'warn' });

test('three turns', async () => {
  const WeatherAgent = await weatherAgentClass();
  const session = new voice.AgentSession({ llm: new openai.LLM({ model: 'gpt-4o-mini' }) });
  await session.start({ agent: new WeatherAgent() });
  try {
    const first = await session.run({ userInput: ${PARIS} }).wait();
    first.expect.nextEvent().isFunctionCall({ name: 'lookup_weather', args: { city: 'Paris' } });
    first.expect.nextEvent().isFunctionCallOutput();
    expect(first.expect.nextEvent().isMessage({ role: 'assistant' }).event().item.textContent).toContain('21°C in Paris');
    first.expect.noMoreEvents();

    const second = await session.run({ userInput: ${HELLO} }).wait();
    expect(second.expect.nextEvent().isMessage({ role: 'assistant' }).event().item.textContent).toMatch(/^Hello!/);
    second.expect.noMoreEvents();

    const third = await session.run({ userInput: ${COMPARE} }).wait();
    third.expect.containsFunctionCall({ name: 'lookup_weather', args: { city: 'London' } });
    third.expect.containsFunctionCall({ name: 'lookup_weather', args: { city: 'Tokyo' } });
    expect(third.expect.at(-1).isMessage({ role: 'assistant' }).event().item.textContent).toContain('18°C in Tokyo');
  } finally {
    await session.close();
  }
  appendFileSync(${JSON.stringify(`${dir}/${PASSED_LOG}`)}, 'passed\\n');
});
`,
    );
  }
}

/** The versions the footnote names: Python, livekit-agents and its OpenAI plugin, @livekit/agents and its. */
export function sdkVersions(): { python: string; node: string } {
  const py = execFileSync(
    venvPython,
    [
      '-c',
      'import platform; from importlib.metadata import version as v; ' +
        "print(f\"Python {platform.python_version()}, livekit-agents {v('livekit-agents')}, livekit-plugins-openai {v('livekit-plugins-openai')}\")",
    ],
    { encoding: 'utf8' },
  ).trim();
  const version = (pkg: string) =>
    (JSON.parse(readFileSync(repoPath(`examples/node/node_modules/${pkg}/package.json`), 'utf8')) as { version: string }).version;
  return {
    python: py,
    node: `@livekit/agents ${version('@livekit/agents')}, @livekit/agents-plugin-openai ${version('@livekit/agents-plugin-openai')}`,
  };
}
