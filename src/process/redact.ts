/**
 * The one redaction of the harness: keeps secrets out of everything it shows or writes (output
 * tails, error messages, turn records, transcripts, reports, cassettes). A secret is a value
 * (or a pattern) with an optional name; every occurrence becomes `[redacted $NAME]`, or
 * `[redacted]` for a secret without a name.
 */

/** Variable names whose values are treated as secrets. */
export const SECRET_NAME = /KEY|TOKEN|SECRET|PASSWORD|PASSWD|AUTH|CREDENTIAL|PRIVATE/i;

/** Shorter values, and single words, are not redacted: they turn up by chance in ordinary text (`1`, `enabled`). */
const MIN_SECRET_LENGTH = 8;
const PLAIN_WORD = /^[A-Za-z]+$/;

export interface Secret {
  /** The variable (or option) it came from; named in the marker. */
  name?: string;
  value: string | RegExp;
}

/** What an occurrence of a secret is replaced with. */
export function redactionMarker(name?: string): string {
  return name === undefined ? '[redacted]' : `[redacted $${name}]`;
}

/**
 * The secrets in `env`: values of variables whose names match {@link SECRET_NAME} or one of
 * `extraNames` (exact names, or patterns).
 */
export function findSecrets(env: Readonly<Record<string, string | undefined>>, extraNames: readonly (string | RegExp)[] = []): Secret[] {
  const listed = (name: string) =>
    extraNames.some((entry) =>
      typeof entry === 'string' ? entry === name : new RegExp(entry.source, entry.flags.replace(/[gy]/g, '')).test(name),
    );
  const secrets: Secret[] = [];
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined || value.length < MIN_SECRET_LENGTH || PLAIN_WORD.test(value)) continue;
    if (SECRET_NAME.test(name) || listed(name)) secrets.push({ name, value });
  }
  return secrets;
}

/**
 * Every secret the harness knows of for a process it starts with `env`: the test process's own
 * environment (before a model server's variables replaced its real keys with the session
 * credential), `env`'s, and `extra` (e.g. a model server's upstream keys). Variables named in
 * `secretEnv` count too.
 */
export function knownSecrets(
  env: Readonly<Record<string, string | undefined>>,
  secretEnv: readonly (string | RegExp)[] = [],
  extra: readonly Secret[] = [],
): Secret[] {
  return [...findSecrets(process.env, secretEnv), ...findSecrets(env, secretEnv), ...extra];
}

/**
 * A function replacing every secret in a string with its marker. Literal values go longest
 * first, so a secret that contains another is replaced whole; patterns after them. Identity
 * when there are none.
 */
export function createRedactor(secrets: readonly Secret[]): (text: string) => string {
  const literals = secrets
    .filter((s): s is Secret & { value: string } => typeof s.value === 'string' && s.value !== '')
    .sort((a, b) => b.value.length - a.value.length);
  const patterns = secrets
    .filter((s): s is Secret & { value: RegExp } => s.value instanceof RegExp)
    .map((s) => ({
      marker: redactionMarker(s.name),
      pattern: new RegExp(s.value.source, s.value.flags.includes('g') ? s.value.flags : `${s.value.flags}g`),
    }));
  if (literals.length === 0 && patterns.length === 0) return (text) => text;
  return (text) => {
    let out = text;
    for (const { name, value } of literals) {
      if (out.includes(value)) out = out.replaceAll(value, redactionMarker(name));
    }
    for (const { marker, pattern } of patterns) out = out.replace(pattern, marker);
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

/** A copy of a JSON value with `redact` applied to every string, object keys included (for stored files). */
export function redactCopy<T>(value: T, redact: (text: string) => string): T {
  const walk = (item: unknown): unknown => {
    if (typeof item === 'string') return redact(item);
    if (Array.isArray(item)) return item.map(walk);
    if (typeof item !== 'object' || item === null) return item;
    const out: Record<string, unknown> = {};
    for (const [key, child] of Object.entries(item)) out[redact(key)] = walk(child);
    return out;
  };
  return walk(value) as T;
}
