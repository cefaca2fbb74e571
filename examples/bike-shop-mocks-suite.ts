/**
 * Mocking a side-effecting tool of the bike-shop agents. The real `book_repair` writes a ticket
 * to the shop's calendar; here a function in this test answers it instead, and a mock that throws
 * forces the branch the test is about: the workshop is fully booked. The agent process itself is
 * unmodified: the harness starts it with a preload that sends the calls of mocked tools here.
 * Each test file calls `bikeShopMocksSuite` with its agent.
 */
import { beforeAll, describe, expect, test } from 'vitest';
import { useAgentSession } from 'agent-session-test/vitest';
import { bikeShopLlm } from './bike-shop-llm.js';
import type { BikeShopTools } from './bike-shop-suite.js';

type Booking = BikeShopTools['book_repair'];

export function bikeShopMocksSuite(agentFile: string, sdk: 'python' | 'js') {
  // What the mocked calendar was asked to book, in order.
  const booked: Booking[] = [];
  const agent = useAgentSession<BikeShopTools>(agentFile, {
    llm: bikeShopLlm(),
    // For the whole file: book_repair never reaches the real calendar. Tools not named here run for real.
    tools: {
      book_repair: (booking: Booking) => {
        booked.push(booking);
        return { ticket: 'T-TEST', ...booking, price: 60 };
      },
    },
  });

  describe(`bike shop with a mocked book_repair (${sdk})`, () => {
    // Only the workshop has book_repair: go there first.
    beforeAll(async () => {
      const turn = await agent.say('I would like to book a repair');
      expect(turn).toHaveReplied('You are with the workshop now.');
    });

    test('books through the mock, with the arguments the model chose', async () => {
      const turn = await agent.say('book a tune-up for SC-1042 on 2026-12-09');

      const chosen = { serial: 'SC-1042', service: 'tune-up', date: '2026-12-09' };
      expect(booked).toEqual([chosen]);
      expect(turn).toHaveCalledTool('book_repair', chosen);
      expect(turn.toolCalls[0]?.mocked).toBe(true);
      expect(turn).toHaveToolOutput('book_repair', { ticket: 'T-TEST', price: 60 });
      expect(turn).toHaveReplied('Booked: ticket T-TEST, 60 euros.');
      expect(turn).toHaveNoErrors();
    });

    test('a mock for one test: a warranty repair costs nothing', async () => {
      const restore = await agent.mockTools({
        book_repair: (booking: Booking) => ({ ticket: 'W-1', ...booking, price: 0 }),
      });
      try {
        const turn = await agent.say('book brakes for SC-2077 on 2026-12-10');

        expect(turn.toolCalls[0]).toMatchObject({ name: 'book_repair', mocked: true });
        expect(turn).toHaveReplied('Booked: ticket W-1, 0 euros.');
      } finally {
        restore(); // the file's mock is back for the tests after this one
      }
    });

    test('a throwing mock forces the failure branch: the workshop is fully booked', async () => {
      const turn = await agent.say('book a flat for SC-2077 on 2026-12-24', {
        // For this turn only. The agent sees the SDK's tool error, with the message thrown here.
        tools: {
          book_repair: () => {
            throw new Error('the workshop is fully booked on 2026-12-24');
          },
        },
      });

      expect(turn).toHaveToolError('book_repair', /fully booked on 2026-12-24/);
      expect(turn).toHaveReplied(/Sorry, I could not do that: the workshop is fully booked on 2026-12-24/);
      expect(turn).not.toHaveReplied(/Booked/);
      expect(turn).toHaveNoErrors({ allowToolErrors: true });
    });

    test("the call log holds every mocked call, with each mock's answer", async () => {
      const calls = await agent.mockCalls();

      expect(calls.map((call) => [call.tool, call.args.date])).toEqual([
        ['book_repair', '2026-12-09'],
        ['book_repair', '2026-12-10'],
        ['book_repair', '2026-12-24'],
      ]);
      expect(calls[0]).toMatchObject({ agentId: 'shop_agent', output: { ticket: 'T-TEST' } });
      expect(calls[2]).toMatchObject({ error: 'the workshop is fully booked on 2026-12-24' });
      // Only the file's mock wrote to `booked`: the other two scopes answered in its place.
      expect(booked).toHaveLength(1);
    });
  });
}
