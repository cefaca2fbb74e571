/**
 * Answers to the CLI's `can_use_tool` requests, from a policy the test sets: allow and deny
 * lists of tool names (strings or RegExps, deny first), or a function that decides.
 */

/** The request as the policy function sees it. */
export interface PermissionRequest {
  toolName: string;
  input: Record<string, unknown>;
  toolCallId?: string;
  requestId: string;
  /** The request body exactly as the CLI sent it (suggestions, blocked path, …). */
  raw: Record<string, unknown>;
}

export type PermissionAnswer =
  { behavior: 'allow'; updatedInput?: Record<string, unknown> } | { behavior: 'deny'; message?: string; interrupt?: boolean };

/** A tool name: exact string, `'*'` for every tool, or a RegExp. */
export type ToolNamePattern = string | RegExp;

export type PermissionPolicy =
  | { allow?: readonly ToolNamePattern[]; deny?: readonly ToolNamePattern[]; otherwise?: 'allow' | 'deny' }
  | ((
      request: PermissionRequest,
    ) => PermissionAnswer | boolean | 'allow' | 'deny' | Promise<PermissionAnswer | boolean | 'allow' | 'deny'>);

export const DEFAULT_DENY_MESSAGE = "Denied by the test's permission policy.";

function matches(patterns: readonly ToolNamePattern[] | undefined, name: string): boolean {
  return (patterns ?? []).some((p) =>
    typeof p === 'string' ? p === '*' || p === name : new RegExp(p.source, p.flags.replace(/[gy]/g, '')).test(name),
  );
}

/**
 * Decides one request. Without a policy every request is denied, so a test never runs a tool it
 * did not allow; the test's own external tools (`ownTools`) are allowed unless a deny list names
 * them. A policy function decides every request itself.
 */
export async function decide(
  policy: PermissionPolicy | undefined,
  request: PermissionRequest,
  ownTools: ReadonlySet<string> = new Set(),
): Promise<PermissionAnswer> {
  if (typeof policy === 'function') {
    const answer = await policy(request);
    if (answer === true || answer === 'allow') return { behavior: 'allow' };
    if (answer === false || answer === 'deny') return { behavior: 'deny', message: DEFAULT_DENY_MESSAGE };
    if (answer && (answer.behavior === 'allow' || answer.behavior === 'deny')) return answer;
    throw new TypeError(`the permission policy returned ${JSON.stringify(answer)}; return true/false, 'allow'/'deny' or { behavior }`);
  }
  if (matches(policy?.deny, request.toolName)) return { behavior: 'deny', message: DEFAULT_DENY_MESSAGE };
  if (ownTools.has(request.toolName) || matches(policy?.allow, request.toolName)) return { behavior: 'allow' };
  return policy?.otherwise === 'allow'
    ? { behavior: 'allow' }
    : {
        behavior: 'deny',
        message: `${DEFAULT_DENY_MESSAGE} No rule allowed ${request.toolName}; add it to { permissions: { allow: [...] } }.`,
      };
}
