/**
 * The conversation tests for the bike-shop agents, written as LiveKit's current examples are
 * (inference model strings, greetings on enter, agents of one class handing off to each other,
 * tools returning objects). The Python and the Node agent have the same tools, so one suite runs
 * against both: each test file calls `bikeShopSuite` with its agent.
 */
import { describe, expect, test } from 'vitest';
import { useAgentSession } from 'agent-session-test/vitest';
import { bikeShopLlm } from './bike-shop-llm.js';

/** The agents' tools and their arguments: types the tool matchers and `turn.toolCalls`. */
export type BikeShopTools = {
  lookup_bike: { serial: string };
  list_services: Record<string, never>;
  transfer_to_workshop: Record<string, never>;
  book_repair: { serial: string; service: string; date: string };
  transfer_to_front_desk: Record<string, never>;
};

/** Both desks are ShopAgent instances (one agent id), so a handoff is told apart by the desk's instructions. */
const WORKSHOP = { instructions: /workshop of Spoke & Chain/ };
const FRONT_DESK = { instructions: /front desk of Spoke & Chain/ };

export function bikeShopSuite(agentFile: string, sdk: 'python' | 'js') {
  const llm = bikeShopLlm();
  const agent = useAgentSession<BikeShopTools>(agentFile, { llm });

  // Soft assertions: a failing check does not hide the ones after it, so a run shows each
  // feature that works and each that does not.
  describe(`bike shop (${sdk})`, () => {
    test('greets the customer when the session starts', async () => {
      const greeting = await agent.greeting();

      expect.soft(greeting).toHaveReplied('Welcome to Spoke & Chain!');
      expect.soft(greeting).not.toHaveCalledTool();
      expect.soft(greeting).toHaveNoErrors();
    });

    test('lists the services, decoded from the list the tool returned', async () => {
      const turn = await agent.say('what can you fix?');

      expect.soft(turn).toHaveCalledTool('list_services');
      expect.soft(turn).toHaveToolOutput('list_services', [
        { code: 'tune-up', name: 'Tune-up', price: 60 },
        { code: 'flat', name: 'Flat repair', price: 15 },
        { code: 'brakes', name: 'Brake bleed', price: 45 },
      ]);
      expect.soft(turn).toHaveReplied('We offer: tune-up, flat, brakes.');
      expect.soft(turn).toHaveNoErrors();
    });

    test('looks a bike up, decoded from the dict the tool returned', async () => {
      const turn = await agent.say('look up my bike SC-1042');

      expect.soft(turn).toHaveCalledTool('lookup_bike', { serial: 'SC-1042' });
      expect.soft(turn).toHaveToolOutput('lookup_bike', { serial: 'SC-1042', model: 'Trek FX 3', owner: 'Ada' }, { isError: false });
      expect.soft(turn).toHaveToolOutput('lookup_bike', expect.objectContaining({ last_service: '2026-03-14' }));
      expect.soft(turn).toHaveReplied("That is Ada's Trek FX 3.");
      expect.soft(turn).toHaveNoErrors();
    });

    test('reports an unknown bike as a tool error', async () => {
      const turn = await agent.say('look up SC-9999');

      expect.soft(turn).toHaveToolError('lookup_bike', /no bike with serial SC-9999/);
      expect.soft(turn).toHaveReplied(/could not do that/);
      expect.soft(turn).toHaveNoErrors({ allowToolErrors: true });
    });

    test('hands off to the workshop, another desk of the same class, which greets', async () => {
      const turn = await agent.say('I would like to book a repair');

      expect.soft(turn).toHaveCalledTool('transfer_to_workshop');
      expect.soft(turn).toHaveHandedOffTo(WORKSHOP);
      expect.soft(turn).toHaveHandedOffTo('shop_agent', { from: 'shop_agent' });
      expect.soft(turn).toHaveReplied('You are with the workshop now.');
      expect.soft(turn).toHaveNoErrors();

      const info = await agent.info();
      expect.soft(info).toMatchObject({ id: 'shop_agent', sdk });
      expect.soft(info.instructions).toMatch(/workshop of Spoke & Chain/);
      expect.soft(info.tools).toEqual(expect.arrayContaining(['book_repair', 'transfer_to_front_desk']));
      expect.soft(info.tools).not.toContain('lookup_bike');
    });

    test('books a repair and returns the ticket as an object', async () => {
      const turn = await agent.say('book a tune-up for SC-1042 on 2026-12-09');

      expect.soft(turn).toHaveCalledTool('book_repair', { serial: 'SC-1042', service: 'tune-up', date: '2026-12-09' });
      expect
        .soft(turn)
        .toHaveToolOutput('book_repair', { ticket: 'R-1', serial: 'SC-1042', service: 'tune-up', date: '2026-12-09', price: 60 });
      expect.soft(turn).toHaveReplied('Booked: ticket R-1, 60 euros.');
      expect.soft(turn).toHaveNoErrors();
    });

    test('hands back to the front desk, which greets again', async () => {
      const turn = await agent.say('something else, please');

      expect.soft(turn).toHaveHandedOffTo(FRONT_DESK);
      expect.soft(turn).not.toHaveHandedOffTo(WORKSHOP);
      expect.soft(turn).toHaveReplied('Welcome to Spoke & Chain!');
      expect.soft(turn).toHaveNoErrors();
      expect.soft((await agent.info()).tools).toEqual(expect.arrayContaining(['lookup_bike', 'list_services', 'transfer_to_workshop']));

      // Over the whole conversation: two handoffs, and every request the agent made was scripted.
      expect.soft(agent.turns.flatMap((t) => t.handoffs)).toHaveLength(2);
      expect.soft(llm.unmatched).toEqual([]);
    });
  });
}
