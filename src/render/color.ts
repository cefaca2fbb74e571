/**
 * Terminal colour: when to use it and the few styles the transcript needs. Raw ANSI keeps this
 * dependency-free and identical on every Node version we support.
 */

/** The styles the renderer and the failure messages use. Each returns its input when colour is off. */
export interface Palette {
  readonly enabled: boolean;
  bold(text: string): string;
  dim(text: string): string;
  red(text: string): string;
  green(text: string): string;
  yellow(text: string): string;
  blue(text: string): string;
  magenta(text: string): string;
  cyan(text: string): string;
}

const style =
  (open: number, close: number) =>
  (text: string): string =>
    text === '' ? text : `\u001B[${open}m${text}\u001B[${close}m`;

const COLORED: Palette = {
  enabled: true,
  bold: style(1, 22),
  dim: style(2, 22),
  red: style(31, 39),
  green: style(32, 39),
  yellow: style(33, 39),
  blue: style(34, 39),
  magenta: style(35, 39),
  cyan: style(36, 39),
};

const identity = (text: string): string => text;

const PLAIN: Palette = {
  enabled: false,
  bold: identity,
  dim: identity,
  red: identity,
  green: identity,
  yellow: identity,
  blue: identity,
  magenta: identity,
  cyan: identity,
};

/**
 * Whether output should be coloured when the caller did not say: `FORCE_COLOR` wins (unless it is
 * `0` or `false`), then `NO_COLOR` and `NODE_DISABLE_COLORS` turn colour off, and otherwise colour
 * is on only when stdout is a terminal that has colours. This is the order Node itself uses.
 */
export function shouldColor(env: NodeJS.ProcessEnv = process.env, stream: NodeJS.WriteStream | undefined = process.stdout): boolean {
  const force = env['FORCE_COLOR'];
  if (force !== undefined) return force !== '0' && force !== 'false';
  if (env['NO_COLOR'] || env['NODE_DISABLE_COLORS'] || env['TERM'] === 'dumb') return false;
  if (!stream?.isTTY) return false;
  return typeof stream.hasColors === 'function' ? stream.hasColors() : true;
}

/** The palette for an explicit choice, or for the detected one when `color` is undefined. */
export function palette(color?: boolean): Palette {
  return (color ?? shouldColor()) ? COLORED : PLAIN;
}

/** Removes ANSI styling, e.g. to measure or compare rendered text. */
export function stripAnsi(text: string): string {
  // eslint-disable-next-line no-control-regex -- an ANSI sequence starts with the ESC control character
  return text.replace(/\u001B\[[0-9;]*m/g, '');
}
