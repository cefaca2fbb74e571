/** Options of the transcript reporter. */
export interface AgentReporterOptions {
  /** Where the report goes, relative to the project root. Default `.vitest/agent-session`. */
  outputDir?: string;
  /** The base name of the two files (`<name>.json`, `<name>.html`). Default `report`; a shard run adds `.shard-<i>-of-<n>`. */
  fileName?: string;
  /** Write the HTML page next to the JSON. Default true. */
  html?: boolean;
  /** Print where the report was written. Default true. */
  log?: boolean;
}

export const REPORTER_DEFAULTS = {
  outputDir: '.vitest/agent-session',
  fileName: 'report',
} as const;
