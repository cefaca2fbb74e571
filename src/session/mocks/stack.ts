/**
 * The mocks in force on a session: the file's, each `mockTools()` until restored, and one turn's,
 * stacked in that order on the channel. When a scope ends it is checked against the agents that
 * were in charge while it was in force, so that a misspelt tool or agent id fails the test that
 * made it instead of letting the real tool run unnoticed.
 */
import { checkMocks, unknownMocks, type MockScopeName, type UnknownMock } from './scopes.js';
import type { ToolMockChannel } from './server.js';
import type { AgentTools, ToolMocks } from './types.js';

/** A scope that ended with mocks no agent in charge could use. */
export interface MockCheck {
  scope: MockScopeName;
  unknown: UnknownMock[];
  /** The agents in charge while it was in force, by id, each with its tools. */
  agents: AgentTools[];
}

interface Scope {
  mocks: ToolMocks;
  /** Where the channel's logs of agents and calls stood when the scope began. */
  agentMark: number;
  callMark: number;
}

export class MockStack {
  readonly #channel: ToolMockChannel;
  readonly #file: Scope;
  readonly #tests: Scope[] = [];
  #turn: Scope | undefined;

  constructor(channel: ToolMockChannel, file: ToolMocks) {
    checkMocks(file, 'the `tools` option');
    this.#channel = channel;
    this.#file = this.#begin({ ...file });
    this.#apply();
  }

  /** Puts `mocks` in force over the others until the returned function ends the scope (and checks it). */
  push(mocks: ToolMocks): () => MockCheck | undefined {
    checkMocks(mocks, 'mockTools()');
    const scope = this.#begin({ ...mocks });
    this.#tests.push(scope);
    this.#apply();
    return () => {
      const at = this.#tests.indexOf(scope);
      if (at === -1) return undefined;
      this.#tests.splice(at, 1);
      this.#apply();
      return this.#check(scope, 'mockTools()');
    };
  }

  /** Puts one turn's mocks in force; the returned function ends them once the turn is over. */
  turn(mocks: ToolMocks): () => MockCheck | undefined {
    checkMocks(mocks, 'say() with `tools`');
    const scope = (this.#turn = this.#begin({ ...mocks }));
    this.#apply();
    return () => {
      this.#turn = undefined;
      this.#apply();
      return this.#check(scope, 'say() with `tools`');
    };
  }

  /** At the session's end: the file's scope and the `mockTools()` never restored. */
  finish(): MockCheck[] {
    const checks = [
      this.#check(this.#file, 'the `tools` option'),
      ...this.#tests.map((scope) => this.#check(scope, 'mockTools() never restored')),
    ];
    return checks.filter((check): check is MockCheck => check !== undefined);
  }

  #begin(mocks: ToolMocks): Scope {
    return { mocks, agentMark: this.#channel.agents.length, callMark: this.#channel.calls.length };
  }

  #apply(): void {
    const scopes = [this.#file, ...this.#tests, ...(this.#turn ? [this.#turn] : [])];
    this.#channel.set(scopes.map((scope) => scope.mocks));
  }

  #check(scope: Scope, name: MockScopeName): MockCheck | undefined {
    const reports = this.#channel.agents;
    // An agent that reports nothing (an SDK the preload cannot follow) leaves nothing to check against.
    if (reports.length === 0) return undefined;
    // The agent in charge when the scope began, and every one after it.
    const during = reports.slice(Math.max(0, scope.agentMark - 1));
    const unknown = unknownMocks(scope.mocks, during, this.#channel.calls.slice(scope.callMark));
    if (unknown.length === 0) return undefined;
    // Agents of one class share an id: list each id once, with the tools of all of them.
    const toolsById = new Map<string, Set<string>>();
    for (const agent of during) toolsById.set(agent.agentId, new Set([...(toolsById.get(agent.agentId) ?? []), ...agent.tools]));
    const agents = [...toolsById].map(([agentId, tools]) => ({ agentId, tools: [...tools] }));
    return { scope: name, unknown, agents };
  }
}
