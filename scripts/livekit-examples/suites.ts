// Conversations with LiveKit's own example agents, written as a newcomer to the harness would:
// the checks a conversation should pass, with no allowance for what the harness lacks: the
// greeting from `agent.greeting()`, tool calls and their decoded outputs, handoffs (by
// instructions where every desk is one class), and `toHaveNoErrors()` with nothing ignored.
// Copied into a scratch project by try.sh. Soft assertions, so a run lists every failing check.
import { describe, expect, test } from 'vitest';
import { useAgentSession } from 'agent-session-test/vitest';
import { examplesLlm } from './llm.js';

const camel = (s: string) => s.replace(/_(\w)/g, (_, c: string) => c.toUpperCase());

function start(file: string) {
  const llm = examplesLlm();
  return { llm, agent: useAgentSession(file, { llm }) };
}

export function driveThru(file: string, sdk: 'python' | 'js') {
  const { llm, agent } = start(file);
  const t = (n: string) => (sdk === 'js' ? camel(n) : n);
  describe(`drive-thru (${sdk})`, () => {
    test('orders a medium coke', async () => {
      const turn = await agent.say('Can I get a medium coke?');
      expect.soft(turn).toHaveCalledTool(t('order_regular_item'), { [t('item_id')]: 'coca_cola', size: 'M' });
      expect.soft(turn).toHaveToolOutput(t('order_regular_item'), /^The item was added: .*"coca_cola"/);
      expect.soft(turn).toHaveReplied(/Noted: The item was added/);
      expect.soft(turn).toHaveNoErrors();
    });
    test('lists the order', async () => {
      const turn = await agent.say("What's in my order?");
      expect.soft(turn).toHaveCalledTool(t('list_order_items'));
      expect.soft(turn).toHaveToolOutput(t('list_order_items'), /"coca_cola"/);
      expect.soft(turn).toHaveNoErrors();
    });
    test('refuses an item not on the menu', async () => {
      const turn = await agent.say('And a big salad');
      expect.soft(turn).toHaveToolError(t('order_regular_item'), /big_salad/);
      expect.soft(turn).toHaveNoErrors({ allowToolErrors: true });
      expect.soft(llm.unmatched).toEqual([]);
    });
  });
}

export function restaurant(file: string, sdk: 'python' | 'js') {
  const { llm, agent } = start(file);
  const t = (n: string) => (sdk === 'js' ? camel(n) : n);
  // Python: one class per desk (ids greeter, reservation); Node: every desk a BaseAgent, told
  // apart by its instructions.
  const reservation = sdk === 'python' ? 'reservation' : { instructions: /reservation agent/ };
  const greeter = sdk === 'python' ? 'greeter' : { instructions: /restaurant receptionist/ };
  describe(`restaurant (${sdk})`, () => {
    test('greets', async () => {
      const greeting = await agent.greeting();
      expect.soft(greeting).toHaveReplied(/Hi, this is the greeter desk/i);
      expect.soft(greeting).toHaveNoErrors();
    });
    /** One turn that calls `tool`, hands off to `to`, and is greeted by the desk taking over. */
    const handoff = async (input: string, tool: string, to: string | { instructions: RegExp }, desk: RegExp) => {
      const turn = await agent.say(input);
      expect.soft(turn).toHaveCalledTool(t(tool));
      expect.soft(turn).toHaveHandedOffTo(to);
      expect.soft(turn).toHaveReplied(desk);
      expect.soft(turn).toHaveNoErrors();
    };
    test('hands off to the reservation desk', async () => {
      await handoff("I'd like to make a reservation", 'to_reservation', reservation, /this is the reservation desk/i);
    });
    test('takes time, name and phone', async () => {
      const time = await agent.say('Tomorrow at 7pm');
      expect.soft(time).toHaveCalledTool(t('update_reservation_time'), { time: '7pm' });
      expect.soft(time).toHaveToolOutput(t('update_reservation_time'), 'The reservation time is updated to 7pm');
      expect.soft(time).toHaveNoErrors();
      const name = await agent.say('My name is Ada');
      expect.soft(name).toHaveCalledTool(t('update_name'), { name: 'Ada' });
      expect.soft(name).toHaveToolOutput(t('update_name'), 'The name is updated to Ada');
      expect.soft(name).toHaveNoErrors();
      const phone = await agent.say('My phone is 555-0100');
      expect.soft(phone).toHaveCalledTool(t('update_phone'), { phone: '555-0100' });
      expect.soft(phone).toHaveToolOutput(t('update_phone'), 'The phone number is updated to 555-0100');
      expect.soft(phone).toHaveNoErrors();
    });
    test('confirms and goes back to the greeter', async () => {
      await handoff('Confirm, please', 'confirm_reservation', greeter, /this is the greeter desk/i);
      expect.soft(llm.unmatched).toEqual([]);
    });
  });
}

export function multiAgent(file: string) {
  const { llm, agent } = start(file);
  describe('multi-agent story (js)', () => {
    test('greets', async () => {
      const greeting = await agent.greeting();
      expect.soft(greeting).toHaveReplied(/What is your name/);
      expect.soft(greeting).toHaveNoErrors();
    });
    test('hands off to the storyteller, which starts the story', async () => {
      const turn = await agent.say("I'm Ada from Lisbon");
      expect.soft(turn).toHaveCalledTool('informationGathered', { name: 'Ada', location: 'Lisbon' });
      expect.soft(turn).toHaveToolOutput('informationGathered', "Let's start the story!");
      expect.soft(turn).toHaveHandedOffTo('story_agent', { from: 'intro_agent' });
      expect.soft(turn).toHaveReplied(/Once upon a time/);
      expect.soft(turn).toHaveNoErrors();
      expect.soft(llm.unmatched).toEqual([]);
    });
  });
}
