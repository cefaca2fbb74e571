import { describe, expect, test } from 'vitest';
import { mergeModelMisses, modelMark } from '../../../src/core/model-calls.js';
import type { LlmServerLike } from '../../../src/core/model-server.js';
import type { TurnError, TurnEvent } from '../../../src/turn/types.js';

/** A model server's records, as a session sees them; the test appends what it served. */
function server() {
  const unmatched: { response?: { error?: string } }[] = [];
  const requests: { response?: { error?: string } }[] = [];
  const llm: LlmServerLike = { listen: () => Promise.reject(new Error('not started in these tests')), unmatched, requests };
  return { llm, unmatched, requests };
}

describe('mergeModelMisses', () => {
  test('adds each miss since the mark once, as an llm error, whatever came before the mark', () => {
    const { llm, unmatched } = server();
    unmatched.push({ response: { error: 'an earlier turn' } });
    const mark = modelMark(llm);
    // The agents retry a failed call: one missing rule shows up several times.
    unmatched.push({ response: { error: 'no rule matched "hi"' } }, { response: { error: 'no rule matched "hi"' } }, {});
    const errors: TurnError[] = [];
    mergeModelMisses(llm, mark, { add: (error) => errors.push(error) });
    expect(errors).toEqual([
      { source: 'llm', message: 'no rule matched "hi"' },
      { source: 'llm', message: 'the scripted LLM had no rule for a request' },
    ]);
  });

  test('skips a miss the turn already quotes, however its whitespace was re-encoded', () => {
    const { llm, unmatched } = server();
    const mark = modelMark(llm);
    unmatched.push({ response: { error: 'no rule matched\nthe request "hi"' } }, { response: { error: 'a rule threw' } });
    const errors: TurnError[] = [{ source: 'event', message: '400 no rule matched\\n the request  "hi"' }];
    mergeModelMisses(llm, mark, { reported: errors, add: (error) => errors.push(error) });
    expect(errors).toEqual([
      { source: 'event', message: '400 no rule matched\\n the request  "hi"' },
      { source: 'llm', message: 'a rule threw' },
    ]);
  });

  test('gives an error event that names only the model the reason the server sent', () => {
    const { llm, unmatched, requests } = server();
    const mark = modelMark(llm);
    requests.push({ response: { error: 'no rule matched "hi"' } });
    unmatched.push({ response: { error: 'no rule matched "hi"' } });
    const events: TurnEvent[] = [{ at: 0, type: 'error', message: 'openai.LLM' }];
    const errors: TurnError[] = [];
    mergeModelMisses(llm, mark, { events, add: (error) => errors.push(error) });
    expect(events[0]).toMatchObject({ message: 'openai.LLM: no rule matched "hi"' });
    expect(errors).toEqual([{ source: 'llm', message: 'no rule matched "hi"' }]);
  });

  test('adds nothing without a model server', () => {
    const errors: TurnError[] = [];
    mergeModelMisses(undefined, modelMark(undefined), { add: (error) => errors.push(error) });
    expect(errors).toEqual([]);
  });
});
