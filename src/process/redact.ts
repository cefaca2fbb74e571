/**
 * Keeps secrets from the agent's environment out of everything the harness shows or keeps:
 * output tails, error messages, turn records (and so transcripts and recorded files). A value
 * is a secret when its variable's name looks like one (API keys, tokens, passwords) or is listed
 * by the user; every occurrence of the value is replaced by a marker naming the variable.
 */

/** Variable names whose values are treated as secrets. */
export const SECRET_NAME = /KEY|TOKEN|SECRET|PASSWORD|PASSWD|AUTH|CREDENTIAL|PRIVATE/i;

/** Shorter values, and single words, are not redacted: they turn up by chance in ordinary text (`1`, `enabled`). */
const MIN_SECRET_LENGTH = 8;
const PLAIN_WORD = /^[A-Za-z]+$/;

export interface Secret {
  name: string;
  value: string;
}

/**
 * The secrets in `env`: values of variables whose names match {@link SECRET_NAME} or one of
 * `extraNames` (exact names, or patterns).
 */
export function findSecrets(env: Readonly<Record<string, string | undefined>>, extraNames: readonly (string | RegExp)[] = []): Secret[] {
  const listed = (name: string) => extraNames.some((entry) => (typeof entry === 'string' ? entry === name : new RegExp(entry.source, entry.flags.replace(/[gy]/g, '')).test(name)));
  const secrets: Secret[] = [];
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined || value.length < MIN_SECRET_LENGTH || PLAIN_WORD.test(value)) continue;
    if (SECRET_NAME.test(name) || listed(name)) secrets.push({ name, value });
  }
  // Longest first, so a secret that contains another is replaced whole.
  return secrets.sort((a, b) => b.value.length - a.value.length);
}

/** A function replacing every secret in a string with `[redacted $NAME]`. Identity when there are none. */
export function createRedactor(secrets: readonly Secret[]): (text: string) => string {
  if (secrets.length === 0) return (text) => text;
  return (text) => {
    let out = text;
    for (const { name, value } of secrets) {
      if (out.includes(value)) out = out.replaceAll(value, `[redacted $${name}]`);
    }
    return out;
  };
}

/**
 * Applies `redact` to every string in `value`, keys included, in place (plain objects and
 * arrays), and returns it. In place because turn records share objects between their lists (a
 * message is in `items` and in `messages`), which a copy would split.
 */
export function redactInPlace<T>(value: T, redact: (text: string) => string, seen = new Set<object>()): T {
  if (value === null || typeof value !== 'object' || seen.has(value)) return value;
  seen.add(value);
  const record = value as Record<string | number, unknown>;
  for (const key of Object.keys(record)) {
    const item = record[key];
    if (typeof item === 'string') {
      const redacted = redact(item);
      if (redacted !== item) record[key] = redacted;
    } else {
      redactInPlace(item, redact, seen);
    }
    // Keys are data too: a tool's decoded result may be keyed by anything it returned.
    const redactedKey = Array.isArray(record) ? key : redact(key);
    if (redactedKey !== key) {
      Object.defineProperty(record, redactedKey, { value: record[key], enumerable: true, writable: true, configurable: true });
      delete record[key];
    }
  }
  return value;
}
