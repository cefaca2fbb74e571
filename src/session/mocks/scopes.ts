/**
 * The scopes of tool mocks (the file's, each `mockTools()`, one turn's), stacked outermost first:
 * which mock answers a call, which tools the agent must send to the test, and which mocks name a
 * tool that no agent in charge during their scope had.
 */
import type { AgentTools, ToolMock, ToolMocks } from './types.js';

/** Where a scope came from, in the words of the API that set it. */
export type MockScopeName = 'the `tools` option' | 'mockTools()' | 'mockTools() never restored' | 'say() with `tools`';

/** Refuses a scope whose entries are neither a mock nor mocks by agent id, naming the entry. */
export function checkMocks(mocks: ToolMocks, where: MockScopeName): void {
  if (typeof mocks !== 'object' || mocks === null || Array.isArray(mocks)) {
    throw new TypeError(`${where} takes an object of mocks by tool name, got ${describe(mocks)}`);
  }
  for (const [tool, entry] of Object.entries(mocks)) {
    if (typeof entry === 'function') continue;
    if (typeof entry === 'object' && entry !== null && !Array.isArray(entry)) {
      for (const [agentId, mock] of Object.entries(entry)) {
        if (typeof mock !== 'function') {
          throw new TypeError(
            `${where}: the mock of ${tool} for agent ${agentId} is ${describe(mock)}; give a function (args, call) => output`,
          );
        }
      }
      continue;
    }
    throw new TypeError(
      `${where}: the mock of ${tool} is ${describe(entry)}; give a function (args, call) => output, or an object of them by agent id`,
    );
  }
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'string' ? `the string ${JSON.stringify(value)}` : `a ${typeof value}`;
}

/** The mock that answers `tool` called by `agentId`: the innermost scope that mocks it for that agent. */
export function findMock(scopes: readonly ToolMocks[], tool: string, agentId: string): ToolMock | undefined {
  for (let i = scopes.length - 1; i >= 0; i--) {
    const entry = Object.hasOwn(scopes[i]!, tool) ? scopes[i]![tool] : undefined;
    if (typeof entry === 'function') return entry as ToolMock;
    if (entry && Object.hasOwn(entry, agentId)) return entry[agentId] as ToolMock;
  }
  return undefined;
}

/** What the agent reads before each call: per tool, `true` for any agent or the agent ids mocked. */
export function mockedNames(scopes: readonly ToolMocks[]): Record<string, true | string[]> {
  const names: Record<string, true | string[]> = {};
  for (const scope of scopes) {
    for (const [tool, entry] of Object.entries(scope)) {
      const before = names[tool];
      if (typeof entry === 'function' || before === true) names[tool] = true;
      else names[tool] = [...new Set([...(before ?? []), ...Object.keys(entry)])];
    }
  }
  return names;
}

/** A mock that could not have answered: its tool, and the agent it was for when scoped to one. */
export interface UnknownMock {
  tool: string;
  agentId?: string;
  /** Why: no agent had the tool, the agent had no such tool, or the agent was never in charge. */
  reason: 'no-agent-has-it' | 'agent-lacks-it' | 'agent-not-in-charge';
}

/**
 * The mocks of `scope` that name a tool no agent in `agents` (those in charge while the scope was
 * in force) has. A tool a mock answered exists, whatever the reports say (an agent may add tools
 * after it takes charge).
 */
export function unknownMocks(
  scope: ToolMocks,
  agents: readonly AgentTools[],
  answered: readonly { tool: string; agentId: string }[],
): UnknownMock[] {
  const toolsOf = new Map<string, Set<string>>();
  for (const agent of [...agents, ...answered.map((call) => ({ agentId: call.agentId, tools: [call.tool] }))]) {
    toolsOf.set(agent.agentId, new Set([...(toolsOf.get(agent.agentId) ?? []), ...agent.tools]));
  }
  const unknown: UnknownMock[] = [];
  for (const [tool, entry] of Object.entries(scope)) {
    if (typeof entry === 'function') {
      if (![...toolsOf.values()].some((tools) => tools.has(tool))) unknown.push({ tool, reason: 'no-agent-has-it' });
      continue;
    }
    for (const agentId of Object.keys(entry)) {
      const tools = toolsOf.get(agentId);
      if (tools === undefined) unknown.push({ tool, agentId, reason: 'agent-not-in-charge' });
      else if (!tools.has(tool)) unknown.push({ tool, agentId, reason: 'agent-lacks-it' });
    }
  }
  return unknown;
}
