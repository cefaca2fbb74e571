/**
 * Redaction of secrets from what goes into a cassette. Headers are never stored at all; this
 * covers secrets that travel inside bodies (a key pasted into a prompt, echoed by a model).
 */

/** What a redacted value is replaced with. */
export const REDACTED = '[REDACTED]';

/** Environment variable names whose values are treated as secrets by default. */
const SECRET_NAME = /KEY|SECRET|TOKEN|PASSWORD|PASSWD|CREDENTIAL|PRIVATE|AUTH/i;
/** Shorter values are too likely to occur by chance (`1`, `true`) to be worth redacting. */
const MIN_SECRET_LENGTH = 8;

/** The values of secret-looking variables in `env`, longest first. */
export function secretsFromEnv(env: NodeJS.ProcessEnv): string[] {
  const values = new Set<string>();
  for (const [name, value] of Object.entries(env)) {
    if (value && value.length >= MIN_SECRET_LENGTH && SECRET_NAME.test(name)) values.add(value);
  }
  return [...values].sort((a, b) => b.length - a.length);
}

/** Replaces every occurrence of the patterns in a string. */
export function redactText(text: string, patterns: readonly (string | RegExp)[]): string {
  let out = text;
  for (const pattern of patterns) {
    if (typeof pattern === 'string') {
      if (pattern !== '') out = out.split(pattern).join(REDACTED);
    } else {
      const flags = pattern.flags.includes('g') ? pattern.flags : `${pattern.flags}g`;
      out = out.replace(new RegExp(pattern.source, flags), REDACTED);
    }
  }
  return out;
}

/** A copy of a JSON value with the patterns redacted from every string, keys included. */
export function redactValue<T>(value: T, patterns: readonly (string | RegExp)[]): T {
  if (patterns.length === 0) return value;
  const walk = (item: unknown): unknown => {
    if (typeof item === 'string') return redactText(item, patterns);
    if (Array.isArray(item)) return item.map(walk);
    if (typeof item !== 'object' || item === null) return item;
    const out: Record<string, unknown> = {};
    for (const [key, child] of Object.entries(item)) out[redactText(key, patterns)] = walk(child);
    return out;
  };
  return walk(value) as T;
}
