/**
 * The command line, parsed without a library: `<command> [positionals] [--flag value | --switch]`.
 * Each command declares which flags take a value, which are switches and which repeat, so a typo
 * is a usage error instead of a silently ignored word.
 */
import { cliUsage } from '../errors/messages.js';

export interface FlagSpec {
  /** Flags followed by a value (`--name N`, or `--name=N`). */
  values?: readonly string[];
  /** Flags that may be given more than once (their values collect in order). */
  repeated?: readonly string[];
  /** Flags without a value. */
  switches?: readonly string[];
}

export interface Parsed {
  positionals: string[];
  values: Map<string, string>;
  repeated: Map<string, string[]>;
  switches: Set<string>;
}

/** Parses the arguments after the command name against the command's flags. */
export function parseArgs(command: string, args: readonly string[], spec: FlagSpec): Parsed {
  const parsed: Parsed = { positionals: [], values: new Map(), repeated: new Map(), switches: new Set() };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--') {
      parsed.positionals.push(...args.slice(i + 1));
      break;
    }
    if (!arg.startsWith('--') || arg === '--') {
      parsed.positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const flag = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
    if (spec.switches?.includes(flag)) {
      if (eq !== -1) throw cliUsage({ problem: `--${flag} takes no value.` });
      parsed.switches.add(flag);
      continue;
    }
    const takesValue = spec.values?.includes(flag) || spec.repeated?.includes(flag);
    if (!takesValue) throw cliUsage({ problem: `Unknown option --${flag} for \`${command}\`.` });
    const value = eq === -1 ? args[++i] : arg.slice(eq + 1);
    if (value === undefined) throw cliUsage({ problem: `--${flag} needs a value.` });
    if (spec.repeated?.includes(flag)) parsed.repeated.set(flag, [...(parsed.repeated.get(flag) ?? []), value]);
    else parsed.values.set(flag, value);
  }
  return parsed;
}

/** A duration flag: milliseconds, or a number with `ms`, `s`, `m` or `h`. */
export function parseDuration(flag: string, text: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  if (!match) throw cliUsage({ problem: `--${flag} must be a duration such as 5000, 30s or 30m, not "${text}".` });
  const unit = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 }[match[2] ?? 'ms']!;
  return Math.round(Number(match[1]) * unit);
}

/** `--env K=V` pairs as an environment. */
export function parseEnv(pairs: readonly string[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw cliUsage({ problem: `--env takes KEY=VALUE, not "${pair}".` });
    env[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return env;
}
