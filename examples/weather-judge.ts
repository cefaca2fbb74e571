/**
 * Stand-ins for real models, so that the examples' judge and simulated-user calls can be recorded
 * without a key. The judge grades "Reports the weather the tool returned" (an assistant line
 * repeats a lookup_weather output) and "Learn the weather in <city>" (an assistant line gives it),
 * and leaves other criteria inconclusive. The user asks for the weather in Tokyo and ends the
 * conversation once it has it. Real ones are any OpenAI-compatible model (docs/judge.md).
 */
import { scriptedLlm } from 'agent-session-test/llm';

export function standInJudge() {
  return scriptedLlm([
    {
      name: 'judge',
      when: { user: /^Criteria:/ },
      reply: ({ request }) => {
        const [criteria = '', transcript = ''] = (request.lastUserText ?? '').split('\nTranscript:\n');
        const outputs = [...transcript.matchAll(/^\[([\w.]+)\] tool call: lookup_weather\(.*\) -> output: "(.*)"$/gm)];
        const verdicts = [...criteria.matchAll(/^(\d+)\. (.*)$/gm)].map(([, number, criterion]) => {
          const city = /^Learn the weather in (\w+)$/.exec(criterion!)?.[1];
          if (city !== undefined) {
            const line = new RegExp(`^\\[([\\w.]+)\\] assistant: .*in ${city}`, 'm').exec(transcript);
            return line
              ? { criterion: Number(number), verdict: 'passed', reasoning: `The agent gave the weather in ${city}.`, evidence: [line[1]] }
              : { criterion: Number(number), verdict: 'failed', reasoning: `No reply gives the weather in ${city}.`, evidence: [] };
          }
          if (criterion !== 'Reports the weather the tool returned') {
            return { criterion: Number(number), verdict: 'inconclusive', reasoning: 'not graded by this stand-in', evidence: [] };
          }
          const repeated = outputs.find(([, , output]) => transcript.includes(`assistant: Right now it is ${output}.`));
          return repeated
            ? { criterion: Number(number), verdict: 'passed', reasoning: `The reply repeats "${repeated[2]}".`, evidence: [repeated[1]] }
            : { criterion: Number(number), verdict: 'failed', reasoning: 'No reply repeats what lookup_weather returned.', evidence: [] };
        });
        return { toolCalls: [{ name: 'record_verdicts', args: { verdicts } }] };
      },
    },
  ]);
}

export function standInUser() {
  return scriptedLlm([
    { name: 'opening', when: { user: /^\(The conversation starts/ }, reply: { text: "what's the weather in Tokyo?" } },
    {
      name: 'done',
      when: { user: /in Tokyo/ },
      reply: { toolCalls: [{ name: 'end_conversation', args: { reason: 'I know the weather in Tokyo' } }] },
    },
    { name: 'again', reply: { text: 'weather in Tokyo?' } },
  ]);
}
