/**
 * A stand-in for a real judge model, so that the example's judge calls can be recorded without a
 * key: it grades "Reports the weather the tool returned" by checking that an assistant line
 * repeats a lookup_weather output in the transcript it is sent, and leaves other criteria
 * inconclusive. A real judge is any OpenAI-compatible model (docs/judge.md).
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
