import { describe, expect, test } from 'vitest';
import { decodeToolOutput } from '../../../src/protocol/tool-output.js';
import { renderSession, renderTurn, shouldColor, stripAnsi, truncate } from '../../../src/render/index.js';
import { loadSession, loadTurn } from '../../fixtures/turns/load.js';

describe('renderTurn', () => {
  test('tool calls with arguments, outputs and a tick, the reply and timing', () => {
    expect(renderTurn(loadTurn('tool-calls'), { color: false })).toBe(
      [
        "user    What's the weather in Paris and in London?",
        'tool    ✓ lookup_weather({"city": "Paris"}) → "sunny, 21°C"',
        'tool    ✓ lookup_weather({"city": "London", "forecast": {"days": 3, "units": "metric"}}) → "light rain, 14°C"',
        "agent   It's sunny and 21°C in Paris, while London has light rain at 14°C.",
        'time    1.84 s · first token 412 ms',
      ].join('\n'),
    );
  });

  test('a tool error gets a cross', () => {
    expect(renderTurn(loadTurn('tool-error'), { color: false })).toBe(
      [
        "user    What's the weather in Atlantis?",
        'tool    ✗ lookup_weather({"city": "Atlantis"}) → Unknown city: Atlantis',
        "agent   Sorry, I couldn't find a city called Atlantis. Which city did you mean?",
        'time    1.44 s · first token 377 ms',
      ].join('\n'),
    );
  });

  test('a handoff', () => {
    expect(renderTurn(loadTurn('handoff'), { color: false })).toBe(
      [
        'user    Great, can you book me a table for two tonight?',
        'tool    ✓ transfer_to_booking({"party_size": 2, "when": "tonight"}) → "Transferring you to the booking desk."',
        'agent   Hello, this is the booking desk. A table for two tonight: what time would suit you?',
        'handoff weather_agent → booking_agent',
        'time    1.67 s · first token 455 ms',
      ].join('\n'),
    );
  });

  test('errors, and no reply', () => {
    expect(renderTurn(loadTurn('error'), { color: false, maxLength: 60 })).toBe(
      [
        'user    And what about tomorrow?',
        'agent   (no reply)',
        "error   [event] type='llm_error' timestamp=1795310090.412 label='livekit.plu… [+99 chars]",
        "error   [event] type='llm_error' timestamp=1795310094.918 label='livekit.plu… [+100 chars]",
        'error   [response] failed to generate LLM completion after 2 attempts',
        'time    4.93 s',
      ].join('\n'),
    );
  });

  test('long outputs and arguments are cut with a marker; the limit is configurable', () => {
    const turn = loadTurn('tool-calls');
    const long = JSON.stringify('x'.repeat(500));
    turn.items = turn.items.map((item) => (item.type === 'function_call_output' ? { ...item, ...decodeToolOutput(long) } : item));
    const rendered = renderTurn(turn, { color: false });
    expect(rendered).toContain(`→ "${'x'.repeat(199)}… [+302 chars]`);
    expect(renderTurn(turn, { color: false, maxLength: 10 })).toContain(
      'tool    ✓ lookup_weather({"city": "… [+7 chars]) → "xxxxxxxxx… [+492 chars]',
    );
    expect(renderTurn(turn, { color: false, maxLength: Infinity })).toContain(long);
  });

  test('multi-line text is indented under its label; newlines in outputs are escaped', () => {
    const turn = loadTurn('reply');
    turn.items = [
      {
        ...turn.items[0],
        type: 'message',
        role: 'assistant',
        text: 'First line.\nSecond line.',
        content: ['First line.', 'Second line.'],
        interrupted: true,
        id: 'm',
        createdAt: 0,
      },
      {
        type: 'function_call_output',
        id: 'o',
        createdAt: 0,
        name: 'lookup_weather',
        callId: 'call_earlier',
        output: 'a\nb',
        isError: false,
      },
      { type: 'function_call', id: 'c', createdAt: 0, name: 'slow_tool', callId: 'call_pending', arguments: '' },
      { type: 'agent_config_update', id: 'u', createdAt: 0, toolsAdded: ['book_table'], toolsRemoved: [], instructions: 'Be brief.' },
    ];
    expect(renderTurn(turn, { color: false })).toBe(
      [
        'user    Hello!',
        'agent   First line.',
        '        Second line. (interrupted)',
        'tool    ✓ lookup_weather → "a\\nb" (call call_earlier was made in an earlier turn)',
        'tool    … slow_tool() (no output)',
        'config  tools added: book_table; instructions: Be brief.',
        'time    697 ms · first token 318 ms',
      ].join('\n'),
    );
  });

  test("a handoff with the new agent's instructions shows them, shortened", () => {
    const turn = loadTurn('handoff');
    turn.items = turn.items.map((item) =>
      item.type === 'agent_handoff' ? { ...item, instructions: `You are the booking desk.${' Be kind.'.repeat(20)}` } : item,
    );
    expect(renderTurn(turn, { color: false })).toContain(
      'handoff weather_agent → booking_agent (instructions: You are the booking desk. Be kind. Be kind. Be kind. Be kind. Be kind. Be kind. … [+125 chars])',
    );
  });

  test('an output reads the same whether Python or Node sent it', () => {
    const shown = (raw: string): string => {
      const turn = loadTurn('tool-calls');
      turn.items = turn.items.map((item) => (item.type === 'function_call_output' ? { ...item, ...decodeToolOutput(raw) } : item));
      return renderTurn(turn, { color: false });
    };
    expect(shown("[{'id': 'AZ123', 'direct': True, 'note': None}]")).toBe(shown('[{"id":"AZ123","direct":true,"note":null}]'));
    expect(shown("[{'id': 'AZ123', 'direct': True, 'note': None}]")).toContain('→ [{"id":"AZ123","direct":true,"note":null}]');
    expect(shown('sunny, 21°C')).toBe(shown('"sunny, 21°C"'));
    expect(shown('sunny, 21°C')).toContain('→ "sunny, 21°C"');
  });

  test('colour on and off', () => {
    const plain = renderTurn(loadTurn('tool-error'), { color: false });
    const colored = renderTurn(loadTurn('tool-error'), { color: true });
    expect(plain).not.toContain('\u001B[');
    expect(colored).toContain('\u001B[31m✗\u001B[39m');
    expect(colored).toContain('\u001B[1m\u001B[36muser\u001B[39m\u001B[22m');
    expect(stripAnsi(colored)).toBe(plain);
  });

  test('indent prefixes every line', () => {
    expect(
      renderTurn(loadTurn('reply'), { color: false, indent: '> ' })
        .split('\n')
        .every((l) => l.startsWith('> ')),
    ).toBe(true);
  });
});

describe('renderSession', () => {
  test('each turn under a header', () => {
    expect(renderSession(loadSession(), { color: false })).toBe(
      [
        '── turn 0 ──',
        'user    Hello!',
        'agent   Hi! I can tell you the weather or book you a table. What would you like?',
        'time    697 ms · first token 318 ms',
        '',
        '── turn 1 ──',
        "user    What's the weather in Paris and in London?",
        'tool    ✓ lookup_weather({"city": "Paris"}) → "sunny, 21°C"',
        'tool    ✓ lookup_weather({"city": "London", "forecast": {"days": 3, "units": "metric"}}) → "light rain, 14°C"',
        "agent   It's sunny and 21°C in Paris, while London has light rain at 14°C.",
        'time    1.84 s · first token 412 ms',
        '',
        '── turn 2 ──',
        'user    Great, can you book me a table for two tonight?',
        'tool    ✓ transfer_to_booking({"party_size": 2, "when": "tonight"}) → "Transferring you to the booking desk."',
        'agent   Hello, this is the booking desk. A table for two tonight: what time would suit you?',
        'handoff weather_agent → booking_agent',
        'time    1.67 s · first token 455 ms',
      ].join('\n'),
    );
    expect(renderSession([], { color: false })).toBe('(no turns)');
  });

  test('a call a tool mock answered says so', () => {
    const [, second] = loadSession();
    const mocked = { ...second!, toolCalls: second!.toolCalls.map((call, i) => (i === 0 ? { ...call, mocked: true } : call)) };
    const lines = renderTurn(mocked, { color: false }).split('\n');
    expect(lines[1]).toBe('tool    ✓ lookup_weather({"city": "Paris"}) → "sunny, 21°C" (mocked)');
    expect(lines[2]).not.toContain('(mocked)');
  });

  test('what the agent said on its own (a greeting, a timer) has no user line and a header of its own', () => {
    const [first] = loadSession();
    const heard = { ...first!, index: -1, input: '' };
    const text = renderSession([heard, first!], { color: false });
    expect(text.split('\n').slice(0, 3)).toEqual([
      '── on its own ──',
      'user    (nothing: the agent spoke on its own)',
      'agent   Hi! I can tell you the weather or book you a table. What would you like?',
    ]);
    expect(text).toContain('── turn 0 ──');
  });
});

describe('colour detection', () => {
  const tty = { isTTY: true, hasColors: () => true } as unknown as NodeJS.WriteStream;
  const pipe = { isTTY: false } as unknown as NodeJS.WriteStream;

  test('FORCE_COLOR wins, NO_COLOR turns colour off, otherwise a colour terminal decides', () => {
    expect(shouldColor({ FORCE_COLOR: '1', NO_COLOR: '1' }, pipe)).toBe(true);
    expect(shouldColor({ FORCE_COLOR: '0' }, tty)).toBe(false);
    expect(shouldColor({ FORCE_COLOR: 'false' }, tty)).toBe(false);
    expect(shouldColor({ NO_COLOR: '1' }, tty)).toBe(false);
    expect(shouldColor({ NO_COLOR: '' }, tty)).toBe(true);
    expect(shouldColor({ TERM: 'dumb' }, tty)).toBe(false);
    expect(shouldColor({}, tty)).toBe(true);
    expect(shouldColor({}, pipe)).toBe(false);
    expect(shouldColor({}, { isTTY: true, hasColors: () => false } as unknown as NodeJS.WriteStream)).toBe(false);
  });

  test('without options.color, the environment decides', () => {
    const saved = { force: process.env['FORCE_COLOR'], no: process.env['NO_COLOR'] };
    try {
      delete process.env['FORCE_COLOR'];
      process.env['NO_COLOR'] = '1';
      expect(renderTurn(loadTurn('reply'))).not.toContain('\u001B[');
      process.env['FORCE_COLOR'] = '1';
      expect(renderTurn(loadTurn('reply'))).toContain('\u001B[');
    } finally {
      for (const [key, value] of [
        ['FORCE_COLOR', saved.force],
        ['NO_COLOR', saved.no],
      ] as const) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
    }
  });
});

describe('truncate', () => {
  test('keeps short text, cuts long text with the count left out, never splits a surrogate pair', () => {
    expect(truncate('short', 10)).toBe('short');
    expect(truncate('0123456789abc', 10)).toBe('0123456789… [+3 chars]');
    expect(truncate('ab😀cd', 3)).toBe('ab… [+4 chars]');
  });
});
