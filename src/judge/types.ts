/** The judge's and the simulated user's public types: what they are asked, the models they ask, and what they give. */
import type { ToolMap, TurnRecord } from '../turn/types.js';

/** The outcome of one criterion. */
export type VerdictOutcome = 'passed' | 'failed' | 'inconclusive';

/** The judge's verdict on one criterion. */
export interface Verdict {
  /** The criterion as the test wrote it. */
  criterion: string;
  verdict: VerdictOutcome;
  /** The model's reasoning, or why the verdict was decided without it (an omitted criterion). */
  reasoning: string;
  /** The transcript lines it relied on, by their ids (`T1.2`: turn 1's second line; `S1.1`: what the agent first said on its own). */
  evidence: string[];
  /** True when the model gave no (readable) verdict on this criterion, which then counts as failed. */
  omitted?: boolean;
}

/** An OpenAI-compatible endpoint the judge calls through a cassette (recorded, then replayed in CI). */
export interface JudgeEndpoint {
  /** The base URL, e.g. `https://api.openai.com/v1`. */
  baseUrl: string;
  apiKey?: string;
}

/** A model server the judge calls as is: `scriptedLlm(...)`, `cassetteLlm(...)`, or the like. */
export interface JudgeServer {
  listen(): Promise<{ url: string; credential?: string; close(): Promise<void> }>;
}

export interface JudgeOptions {
  /** What the conversation must do, one criterion per entry; the judge grades these and nothing else. */
  criteria: readonly string[];
  /**
   * The judge's model: a server (`scriptedLlm(...)`, `cassetteLlm(...)`, called as is) or an
   * endpoint, called through a cassette. Default: the endpoint of `AGENT_SESSION_TEST_JUDGE_BASE_URL`
   * and `AGENT_SESSION_TEST_JUDGE_API_KEY` (else `OPENAI_BASE_URL`, `OPENAI_API_KEY`).
   */
  llm?: JudgeServer | JudgeEndpoint;
  /** The model name sent. Default: `AGENT_SESSION_TEST_JUDGE_MODEL`, else `gpt-4.1-mini`. */
  model?: string;
  /** Whether an inconclusive verdict passes. Default `false`: only `passed` passes. */
  inconclusivePasses?: boolean;
  /**
   * The cassette of an endpoint's calls, resolved against the test file's folder. Default:
   * `__cassettes__/<test file name>.judge.jsonl`. Its mode follows the agent's cassettes: replay
   * when `CI` is set, else record what is missing.
   */
  cassette?: string;
}

/** What the judge found. */
export interface JudgeResult {
  /** True when every criterion passed (or was inconclusive, with `inconclusivePasses`). */
  passed: boolean;
  /** One per criterion, in the order given. */
  verdicts: Verdict[];
  /** The transcript the judge read, with the line ids its evidence cites. */
  transcript: string;
  /** The version of the judge's prompt and verdict format (docs/judge.md). */
  promptVersion: number;
}

/** One step of a scripted simulation. */
export type SimulationStep =
  /** A fixed user line. */
  | string
  /** Lines the simulated user writes (default 1). */
  | { simulate: number }
  /** An assertion on the conversation so far (throw to fail the test). */
  | { check: (turns: readonly TurnRecord[]) => unknown };

export interface SimulateUserOptions {
  /** Who the simulated user is: "a first-time customer in a hurry". */
  persona: string;
  /** What they want; also the first criterion the judge grades, and the goal the run stops on. */
  goal: string;
  /** The most turns the conversation takes; reaching it asks the judge. Default 10. */
  maxTurns?: number;
  /** Stops the run after a turn for which it returns true (checked before the judge). */
  until?: (turn: TurnRecord, turns: readonly TurnRecord[]) => unknown;
  /**
   * Fixed lines, checks and simulated lines, in order, instead of a free run: the conversation is
   * the script (within `maxTurns`), judged once at its end.
   */
  script?: readonly SimulationStep[];
  /**
   * The simulated user's model: a server or an endpoint, as the judge's `llm` (default: the same
   * endpoint as the judge's, through the cassette `__cassettes__/<test file>.user.jsonl`).
   */
  llm?: JudgeServer | JudgeEndpoint;
  /** The model name sent for the user. Default as the judge's. */
  model?: string;
  /** The user's cassette, when `llm` is an endpoint. */
  cassette?: string;
  /** The judge: its options, and more criteria graded after the goal. */
  judge?: Omit<JudgeOptions, 'criteria'> & { criteria?: readonly string[] };
}

/** Why a simulation stopped. */
export type SimulationStop = 'goal' | 'until' | 'maxTurns' | 'user-ended' | 'script-end';

export interface SimulationResult<Tools extends ToolMap = ToolMap> {
  /** The turns of the simulation, in order. */
  turns: TurnRecord<Tools>[];
  /** The judge's last verdicts: the goal first, then the judge's own criteria. */
  verdicts: Verdict[];
  /** True when every verdict passed (see `inconclusivePasses`). */
  passed: boolean;
  stoppedBy: SimulationStop;
  /** What the simulated user said when it ended the conversation. */
  endReason?: string;
}

/** One run of a repeated conversation. */
export interface TrialResult {
  /** 1 for the first. */
  trial: number;
  passed: boolean;
  /** The judge's verdicts, when the trial returned a judge's or a simulation's result. */
  verdicts?: Verdict[];
  /** What the trial threw (an assertion, an agent's error), as its message. */
  error?: string;
}

/** What `trials(k, run)` found. */
export interface TrialsReport {
  k: number;
  /** How many trials passed. */
  passed: number;
  /** pass^k: whether every one of the k trials passed. */
  passAll: boolean;
  /** The share of trials that passed, 0 to 1. */
  passRate: number;
  results: TrialResult[];
  /** One line per trial, with the verdicts that failed: for a test's failure message. */
  summary: string;
}
