// The public entries as a user's type checker sees them: what each one offers, and what moved
// out of it (the runner-neutral root no longer declares test-file sessions; internals are gone).
import { describe, expectTypeOf, test } from 'vitest';
import type * as Root from 'agent-session-test';
import type {
  AgentSession,
  AgentSessionHandle,
  StreamJsonSession,
  StreamJsonSessionHandle,
  StreamJsonSessionOptions,
  TurnRecord,
  AgentSessionOptions,
  SayOptions,
  ToolMocks,
  ToolMocksByAgent,
  MockedCall,
} from 'agent-session-test';
import type * as Matchers from 'agent-session-test/matchers';
import type * as Vitest from 'agent-session-test/vitest';
import type { AgentSessionPluginOptions } from 'agent-session-test/vitest/plugin';
import type { AgentReporterOptions } from 'agent-session-test/vitest/reporter';

describe('the root entry', () => {
  test('starts sessions of both kinds, as promises of the session', () => {
    expectTypeOf<typeof Root.startAgentSession>().returns.toEqualTypeOf<Promise<AgentSession>>();
    expectTypeOf<typeof Root.startStreamJsonSession>().parameter(0).toEqualTypeOf<StreamJsonSessionOptions>();
    expectTypeOf<typeof Root.startStreamJsonSession>().returns.toEqualTypeOf<Promise<StreamJsonSession>>();
    expectTypeOf<typeof Root.renderSession>().toBeFunction();
  });

  test('has no test-file declarations and no internals', () => {
    expectTypeOf<typeof Root>().not.toHaveProperty('useAgentSession');
    expectTypeOf<typeof Root>().not.toHaveProperty('useStreamJsonSession');
    expectTypeOf<typeof Root>().not.toHaveProperty('matchers');
    expectTypeOf<typeof Root>().not.toHaveProperty('resolveAgentFile');
    expectTypeOf<typeof Root>().not.toHaveProperty('NdjsonReader');
    expectTypeOf<typeof Root>().not.toHaveProperty('formatCommand');
  });
});

describe('the Vitest entry', () => {
  test('declares a LiveKit agent by its file, a stream-json CLI by its options', () => {
    expectTypeOf<typeof Vitest.useAgentSession>().parameter(0).toEqualTypeOf<string>();
    expectTypeOf<typeof Vitest.useAgentSession>().returns.toEqualTypeOf<AgentSessionHandle>();
    expectTypeOf<typeof Vitest.useStreamJsonSession>().returns.toEqualTypeOf<StreamJsonSessionHandle>();
    expectTypeOf<typeof Vitest>().not.toHaveProperty('resolveAgentFile');
    expectTypeOf<typeof Vitest>().not.toHaveProperty('matchers');
  });

  test('mocks tools at three scopes, with a restore function and a call log', () => {
    expectTypeOf<AgentSessionOptions['tools']>().toEqualTypeOf<ToolMocks | undefined>();
    expectTypeOf<AgentSessionHandle['mockTools']>().returns.resolves.toEqualTypeOf<() => void>();
    expectTypeOf<AgentSession['mockTools']>().returns.toEqualTypeOf<() => void>();
    expectTypeOf<AgentSession['mockCalls']>().toEqualTypeOf<readonly MockedCall[]>();
    expectTypeOf<NonNullable<SayOptions['tools']>>().toEqualTypeOf<ToolMocks>();
    expectTypeOf<TurnRecord['toolCalls'][number]['mocked']>().toEqualTypeOf<boolean | undefined>();
    // A mock may declare the argument type it expects.
    expectTypeOf<(args: { city: string }) => string>().toMatchTypeOf<ToolMocks[string]>();
    // Or be one per agent id, for a tool that several agents have.
    expectTypeOf<{ billing: (args: { name: string }) => object }>().toMatchTypeOf<ToolMocksByAgent>();
    expectTypeOf<ToolMocksByAgent>().toMatchTypeOf<ToolMocks[string]>();
    expectTypeOf<{ billing: string }>().not.toMatchTypeOf<ToolMocks[string]>();
    expectTypeOf<'sunny'>().not.toMatchTypeOf<ToolMocks[string]>();
    // An unannotated mock gets the arguments as an object, as the README writes one.
    const mocks: ToolMocks = { book_repair: (booking) => ({ ticket: 'T-TEST', ...booking }) };
    expectTypeOf(mocks).toEqualTypeOf<ToolMocks>();
  });

  test('judges a conversation, and simulates a user against a typed agent', () => {
    expectTypeOf<typeof Root.judgeConversation>().returns.resolves.toHaveProperty('verdicts');
    type Tools = { lookup: { city: string } };
    // A typed handle drives it, and the turns it gives back keep their tool map.
    type Run = (agent: AgentSessionHandle<Tools>, options: Root.SimulateUserOptions) => ReturnType<typeof Root.simulateUser<Tools>>;
    expectTypeOf<Run>().returns.resolves.toHaveProperty('turns').toEqualTypeOf<TurnRecord<Tools>[]>();
    expectTypeOf<Awaited<ReturnType<Run>>['stoppedBy']>().toEqualTypeOf<Root.SimulationStop>();
    expectTypeOf<ReturnType<typeof Root.trials>>().resolves.toEqualTypeOf<Root.TrialsReport>();
    expectTypeOf<Root.SimulationStep>().toMatchTypeOf<
      string | { simulate: number } | { check: (turns: readonly TurnRecord[]) => unknown }
    >();
  });

  test('listens for what the agent says on its own, which may be nothing', () => {
    expectTypeOf<AgentSessionHandle['listen']>().returns.resolves.toEqualTypeOf<TurnRecord | undefined>();
    expectTypeOf<AgentSession['listen']>().returns.resolves.toEqualTypeOf<TurnRecord | undefined>();
    expectTypeOf<AgentSession['ended']>().toEqualTypeOf<Promise<void>>();
  });
});

describe('the matchers entry', () => {
  test('has the matchers and the cursor, not their helpers', () => {
    expectTypeOf<typeof Matchers.matchers>().toHaveProperty('toHaveCalledTool');
    expectTypeOf<typeof Matchers.expectTurn>().toBeFunction();
    expectTypeOf<typeof Matchers>().not.toHaveProperty('matchesPattern');
    expectTypeOf<typeof Matchers>().not.toHaveProperty('toHaveCalledTool');
  });
});

describe('the main-process entries', () => {
  test('take their options', () => {
    expectTypeOf<AgentSessionPluginOptions['report']>().toEqualTypeOf<boolean | AgentReporterOptions | undefined>();
  });
});
