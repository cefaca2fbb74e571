/**
 * The JSON report: every test that talked to an agent, with its state, errors, timings, and
 * each turn's record and rendered transcript. Built from Vitest's reported test modules, so
 * the same code serves a normal run, a shard and a `--merge-reports` of blobs.
 */
import path from 'node:path';
import type { TestCase, TestModule } from 'vitest/node';
import { renderTurn, stripAnsi } from '../render/index.js';
import type { TurnRecord } from '../turn/types.js';
import './task-meta.js';

/** The report's format version; bumped on incompatible changes. */
export const REPORT_VERSION = 1;

export interface ReportTurn {
  /** The agent file, relative to the run's working directory. */
  agent: string;
  /** The turn as a plain chat log. */
  transcript: string;
  turn: TurnRecord;
}

export interface ReportTest {
  /** Vitest's test id (stable across shards and merges). */
  id: string;
  /** The test file, relative to the project root. */
  file: string;
  project: string;
  /** Suite names and the test name, joined with ` > `. */
  name: string;
  state: 'passed' | 'failed' | 'skipped' | 'pending';
  /** Test duration in ms, when it ran. */
  durationMs?: number;
  retryCount?: number;
  /** Failure messages, without colour. */
  errors: string[];
  turns: ReportTurn[];
  /** Tool calls over all turns. */
  toolCalls: number;
  /** Summed time of the test's turns, in ms. */
  turnsMs: number;
}

export interface AgentSessionReport {
  version: typeof REPORT_VERSION;
  /** ISO time the report was written. */
  createdAt: string;
  /** The shard this run covered, when it was one. */
  shard?: { index: number; count: number };
  summary: { tests: number; passed: number; failed: number; turns: number; toolCalls: number; turnsMs: number };
  tests: ReportTest[];
}

function reportTest(test: TestCase, root: string): ReportTest | undefined {
  const entries = test.meta().agentTurns;
  if (!entries?.length) return undefined;
  const result = test.result();
  const diagnostic = test.diagnostic();
  const turns = entries.map(({ agent, turn }) => ({ agent, transcript: renderTurn(turn, { color: false, maxLength: Infinity }), turn }));
  return {
    id: test.id,
    file: path.relative(root, test.module.moduleId) || test.module.moduleId,
    project: test.project.name,
    name: test.fullName,
    state: result.state,
    ...(diagnostic && { durationMs: diagnostic.duration, retryCount: diagnostic.retryCount }),
    errors: (result.errors ?? []).map((e) => stripAnsi(e.message ?? String(e))),
    turns,
    toolCalls: turns.reduce((n, t) => n + t.turn.toolCalls.length, 0),
    turnsMs: turns.reduce((n, t) => n + t.turn.timing.durationMs, 0),
  };
}

/** Collects the report from the run's test modules. */
export function buildReport(modules: readonly TestModule[], root: string, shard?: { index: number; count: number }): AgentSessionReport {
  const tests: ReportTest[] = [];
  for (const module of modules) {
    for (const test of module.children.allTests()) {
      const entry = reportTest(test, root);
      if (entry) tests.push(entry);
    }
  }
  tests.sort((a, b) => a.file.localeCompare(b.file) || a.id.localeCompare(b.id));
  return {
    version: REPORT_VERSION,
    createdAt: new Date().toISOString(),
    ...(shard && { shard }),
    summary: {
      tests: tests.length,
      passed: tests.filter((t) => t.state === 'passed').length,
      failed: tests.filter((t) => t.state === 'failed').length,
      turns: tests.reduce((n, t) => n + t.turns.length, 0),
      toolCalls: tests.reduce((n, t) => n + t.toolCalls, 0),
      turnsMs: tests.reduce((n, t) => n + t.turnsMs, 0),
    },
    tests,
  };
}
