// One set of assertions on tool outputs, handoffs between agents of one class, and repaired tool
// arguments, run against the real Python and the real Node agent with the same tools.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import 'agent-session-test/vitest';
import { scriptedLlm } from '../../src/llm/index.js';
import { renderTurn } from '../../src/render/index.js';
import { startAgentSession, type AgentSession } from '../../src/session/agent-session.js';
import { fixture, pythonEnv } from './helpers.js';

const agents = [
  ['python', 'python/records_agent.py'],
  ['node', 'node/records_agent.ts'],
] as const;

describe.each(agents)('%s agent', (sdk, file) => {
  const llm = scriptedLlm([
    { when: { user: /^call (\w+)$/ }, reply: ({ match }) => ({ toolCalls: [{ name: match![1]!, args: {} }] }) },
    { when: { user: /^flights to (\w+)$/ }, reply: ({ match }) => ({ toolCalls: [{ name: 'find_flights', args: { city: match![1] } }] }) },
    // Invalid JSON: a trailing comma and no closing brace, as a model may stream it.
    { when: { user: /^broken arguments$/ }, reply: { toolCalls: [{ id: 'call_broken', name: 'find_flights', args: '{"city": "Oslo",' }] } },
    { when: { tool: /^transfer_/ }, reply: { text: 'You are in good hands.' } },
    { when: { tool: /./ }, reply: ({ request }) => ({ text: `Result: ${request.lastToolOutput}` }) },
  ]);
  let session: AgentSession;
  beforeAll(async () => {
    session = await startAgentSession(fixture(file), { env: pythonEnv, llm });
  });
  afterAll(async () => {
    await session?.close();
  });

  test('a list of dicts is one decoded value in the record, the matchers, the transcript and the model request', async () => {
    const turn = await session.say('flights to Rome');
    const flights = [
      { id: 'AZ123', price: 129, direct: true, to: 'Rome' },
      { id: 'LH9', price: 99.5, direct: false, to: 'Rome' },
    ];
    expect(turn.toolCalls[0]?.value).toEqual(flights);
    expect(turn.toolCalls[0]?.output).toBe(JSON.stringify(flights));
    expect(turn).toHaveToolOutput('find_flights', [{ id: 'AZ123', direct: true }, expect.objectContaining({ price: 99.5 })]);
    expect(turn).toHaveToolOutput('find_flights', expect.arrayContaining([expect.objectContaining({ id: 'LH9' })]));
    expect(turn).not.toHaveToolOutput('find_flights', [{ id: 'XX1' }, {}]);
    expect(turn).toMatchTrajectory(
      [
        { type: 'function_call', name: 'find_flights', args: { city: 'Rome' } },
        { type: 'function_call_output', output: [{ id: 'AZ123' }, { id: 'LH9' }] },
        { type: 'message', text: `Result: ${JSON.stringify(flights)}` },
      ],
      { mode: 'strict' },
    );
    expect(turn.reply).toBe(`Result: ${JSON.stringify(flights)}`);
    expect(renderTurn(turn, { color: false })).toContain(`find_flights({"city":`);
    expect(renderTurn(turn, { color: false })).toContain(`→ ${JSON.stringify(flights)}`);
  });

  test('a dict with None, a number, a tuple, a string, a dataclass or class instance, and nothing', async () => {
    const status = await session.say('call get_status');
    expect(status).toHaveToolOutput('get_status', { ok: true, note: null, quote: 'it\'s "fine"', codes: [1, 2] });
    expect(status.toolCalls[0]?.output).toBe('{"ok":true,"note":null,"quote":"it\'s \\"fine\\"","codes":[1,2]}');

    const seats = await session.say('call count_seats');
    expect(seats).toHaveToolOutput('count_seats', 42);
    expect(seats.toolCalls[0]).toMatchObject({ output: '42', value: 42, rawOutput: '42' });

    const pair = await session.say('call get_pair');
    expect(pair).toHaveToolOutput('get_pair', ['gate', 7]);

    const label = await session.say('call get_label');
    expect(label.toolCalls[0]).toMatchObject({ output: 'sunny, 21°C', value: 'sunny, 21°C' });
    expect(label).toHaveToolOutput('get_label', 'sunny, 21°C');
    expect(label.reply).toBe('Result: sunny, 21°C');

    // A dataclass is no valid tool result for livekit-agents; Node sends a class instance's fields.
    const fare = await session.say('call get_fare');
    if (sdk === 'python') expect(fare).toHaveToolError('get_fare', 'the tool returned an invalid output');
    else expect(fare).toHaveToolOutput('get_fare', { id: 'AZ123', price: 129 }, { isError: false });

    const nothing = await session.say('call do_nothing');
    expect(nothing.toolCalls[0]).toMatchObject({ output: '', value: '', rawOutput: '' });
    expect([status, seats, pair, label, nothing]).toHaveNoErrors();
    // The Python dataclass error is expected; nothing else may go wrong.
    expect([status, seats, pair, label, fare, nothing]).toHaveNoErrors({
      ignore: [{ source: 'tool', tool: 'get_fare', message: 'invalid output' }],
    });
  });

  test("handoffs between agents of one class carry the new agent's instructions, after its reply", async () => {
    const toSales = await session.say('call transfer_to_sales');
    expect(toSales.handoffs).toEqual([{ from: 'base_agent', to: 'base_agent', instructions: expect.stringContaining('sales desk') }]);
    expect(toSales).toHaveHandedOffTo({ id: 'base_agent', instructions: /sales desk/ }, { from: 'base_agent' });
    expect(toSales).not.toHaveHandedOffTo({ instructions: /support desk/ });
    // Both SDKs add the handoff item after the reply of the turn that made it.
    expect(toSales).toMatchTrajectory(
      [
        { type: 'function_call', name: 'transfer_to_sales' },
        { type: 'function_call_output', output: 'transferred to sales' },
        { type: 'message', role: 'assistant', text: 'You are in good hands.' },
        { type: 'agent_handoff', from: 'base_agent', to: 'base_agent', instructions: /sales desk/ },
      ],
      { mode: 'strict' },
    );

    // That reply came from the agent handing off (the model saw the front desk's instructions);
    // the new agent answers from the next turn on.
    expect(JSON.stringify(llm.requests.at(-1)?.messages[0])).toContain('You are the front desk');

    const toSupport = await session.say('call transfer_to_support');
    expect(toSupport).toHaveHandedOffTo({ id: 'support_desk', instructions: 'the support desk' });
    expect(session.turns).toHaveHandedOffTo({ instructions: /sales desk/ });
  });

  test('arguments the agent repaired: sentArgs keeps what the model sent', async () => {
    const turn = await session.say('broken arguments');
    const call = turn.toolCalls[0];
    expect(call?.sentArgs).toBe('{"city": "Oslo",');
    expect(call?.args).toEqual({ city: 'Oslo' });
    expect(call?.rawArgs).not.toBe(call?.sentArgs);
    expect(turn).toHaveToolOutput('find_flights', [{ to: 'Oslo' }, { to: 'Oslo' }]);
  });
});
