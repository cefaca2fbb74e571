/** External tools: implemented in the test, offered to the CLI (Letta Code) and run at its request. */

/** What an external tool's `execute` may return: text, or text with an error flag. */
export type ExternalToolResult = string | { text: string; isError?: boolean };

export interface ExternalTool {
  name: string;
  description: string;
  /** JSON schema of the arguments. */
  parameters: Record<string, unknown>;
  label?: string;
  /**
   * Runs the tool. A string is the output; `{ text, isError }` marks it as an error or not. Any
   * other value, and a throw, is sent to the agent as an error result saying what went wrong.
   */
  execute(input: Record<string, unknown>, context: { toolCallId: string }): ExternalToolResult | Promise<ExternalToolResult>;
}

/** Runs a tool and normalises what it returned (or threw). */
export async function runExternalTool(
  tool: ExternalTool | undefined,
  name: string,
  input: Record<string, unknown>,
  toolCallId: string,
): Promise<{ text: string; isError: boolean }> {
  if (!tool) return { text: `No external tool named ${JSON.stringify(name)} was registered by the test.`, isError: true };
  try {
    const result = await tool.execute(input, { toolCallId });
    if (typeof result === 'string') return { text: result, isError: false };
    if (result && typeof result.text === 'string') return { text: result.text, isError: result.isError === true };
    return { text: `The external tool ${name} returned ${JSON.stringify(result)}; return a string or { text, isError }.`, isError: true };
  } catch (error) {
    return { text: error instanceof Error ? error.message : String(error), isError: true };
  }
}
