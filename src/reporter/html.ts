/**
 * The report as one static HTML page: no scripts, no network, so it opens from a CI artifact
 * as is. Failed tests come first and open; each turn shows the user line, tool calls with
 * arguments and outputs, handoffs, the reply, errors, timing and usage.
 */
import type { ModelUsage, TurnRecord } from '../turn/types.js';
import type { AgentSessionReport, ReportTest } from './report.js';

const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const ms = (value: number) => (value >= 1000 ? `${(value / 1000).toFixed(2)} s` : `${Math.round(value)} ms`);

const json = (value: unknown) => {
  const text = JSON.stringify(value);
  return text === undefined ? '' : text;
};

function usageLine(models: readonly ModelUsage[] | undefined): string {
  const llm = models?.filter((m) => m.kind === 'llm') ?? [];
  const list = llm.map((m) => `${escape(m.model || m.provider)} ${m.inputTokens} in / ${m.outputTokens} out tokens`).join(', ');
  // The agent reports its session's running totals, not the turn's own.
  return list && `session usage: ${list}`;
}

function renderTurn(agent: string, turn: TurnRecord): string {
  const rows: string[] = [`<div class="row user"><span class="who">user</span><span class="text">${escape(turn.input)}</span></div>`];
  const outputs = new Map(turn.toolCalls.map((c) => [c.callId, c]));
  for (const item of turn.items) {
    if (item.type === 'message' && item.role === 'assistant') {
      rows.push(`<div class="row agent"><span class="who">agent</span><span class="text">${escape(item.text)}</span></div>`);
    } else if (item.type === 'function_call') {
      const call = outputs.get(item.callId);
      const mark = call?.isError === true ? '<span class="bad">✗</span>' : call?.isError === false ? '<span class="ok">✓</span>' : '…';
      const output =
        call?.output === undefined ? '' : ` → <span class="${call.isError ? 'bad' : 'out'}">${escape(json(call.output))}</span>`;
      rows.push(
        `<div class="row tool"><span class="who">tool</span><span class="text">${mark} <b>${escape(item.name)}</b>(<code>${escape(item.arguments || '{}')}</code>)${output}</span></div>`,
      );
    } else if (item.type === 'agent_handoff') {
      rows.push(
        `<div class="row handoff"><span class="who">handoff</span><span class="text">${escape(item.oldAgentId ?? '—')} → ${escape(item.newAgentId)}</span></div>`,
      );
    }
  }
  for (const error of turn.errors) {
    rows.push(
      `<div class="row error"><span class="who">error</span><span class="text">[${error.source}] ${escape(error.message)}</span></div>`,
    );
  }
  const timing = [`turn ${turn.index + 1}`, ms(turn.timing.durationMs)];
  if (turn.timing.llmTtftMs !== undefined) timing.push(`first token ${ms(turn.timing.llmTtftMs)}`);
  const usage = usageLine(turn.usage?.models);
  if (usage) timing.push(usage);
  timing.push(escape(agent));
  return `<div class="turn">${rows.join('')}<div class="meta">${timing.join(' · ')}</div></div>`;
}

function renderTest(test: ReportTest): string {
  const errors = test.errors.map((e) => `<pre class="failure">${escape(e)}</pre>`).join('');
  const facts = [
    `${test.turns.length} turn${test.turns.length === 1 ? '' : 's'}`,
    `${test.toolCalls} tool call${test.toolCalls === 1 ? '' : 's'}`,
  ];
  if (test.durationMs !== undefined) facts.push(ms(test.durationMs));
  return `<details class="test ${test.state}"${test.state === 'failed' ? ' open' : ''}>
<summary><span class="badge ${test.state}">${test.state}</span> <span class="name">${escape(test.name)}</span> <span class="file">${escape(test.file)}${test.project ? ` [${escape(test.project)}]` : ''}</span> <span class="facts">${facts.join(' · ')}</span></summary>
${errors}${test.turns.map((t) => renderTurn(t.agent, t.turn)).join('\n')}
</details>`;
}

const STYLE = `
body{font:14px/1.45 system-ui,sans-serif;margin:0;background:#f6f7f9;color:#1d2330}
header{padding:16px 24px;background:#1d2330;color:#fff}header h1{font-size:18px;margin:0 0 4px}
header .sum span{margin-right:16px}main{padding:16px 24px;max-width:1100px}
.test{background:#fff;border:1px solid #dde1e7;border-radius:6px;margin:0 0 10px;padding:0 12px}
.test.failed{border-left:4px solid #c62828}.test.passed{border-left:4px solid #2e7d32}
summary{cursor:pointer;padding:10px 0;list-style-position:inside}.name{font-weight:600}
.file,.facts{color:#667;font-size:12px;margin-left:8px}
.badge{font-size:11px;text-transform:uppercase;padding:1px 6px;border-radius:3px;color:#fff;background:#889}
.badge.failed{background:#c62828}.badge.passed{background:#2e7d32}
pre.failure{background:#fff4f4;border:1px solid #f3c4c4;padding:8px;overflow:auto;font-size:12px;white-space:pre-wrap}
.turn{border-top:1px solid #eef0f3;padding:8px 0}.row{display:flex;gap:10px;padding:2px 0}
.who{flex:0 0 64px;color:#667;font-size:12px;text-transform:uppercase;padding-top:2px}
.text{white-space:pre-wrap;word-break:break-word}.user .text{font-weight:600}
.tool code{font-size:12px;background:#f1f3f6;padding:0 3px;border-radius:3px}
.ok{color:#2e7d32}.bad{color:#c62828}.out{color:#35507a}.error .text{color:#c62828}.handoff .text{color:#6a3fa0}
.meta{color:#889;font-size:12px;padding:4px 0 0 74px}
`;

/** The whole page for a report. */
export function renderReportHtml(report: AgentSessionReport): string {
  const { summary } = report;
  const order = { failed: 0, passed: 1, pending: 2, skipped: 3 } as const;
  const tests = [...report.tests].sort((a, b) => order[a.state] - order[b.state]);
  const shard = report.shard ? ` · shard ${report.shard.index}/${report.shard.count}` : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Agent conversations: ${summary.failed} failed, ${summary.passed} passed</title><style>${STYLE}</style></head>
<body><header><h1>Agent conversations</h1><div class="sum"><span>${summary.tests} tests</span><span>${summary.failed} failed</span><span>${summary.passed} passed</span><span>${summary.turns} turns</span><span>${summary.toolCalls} tool calls</span><span>${ms(summary.turnsMs)} in turns</span><span>${escape(report.createdAt)}${shard}</span></div></header>
<main>${tests.length ? tests.map(renderTest).join('\n') : '<p>No test talked to an agent.</p>'}</main></body></html>
`;
}
