/** Percentiles and a plain-text table, shared by the benchmarks. */
import { fileURLToPath } from 'node:url';

export const repoPath = (p: string) => fileURLToPath(new URL(`../../${p}`, import.meta.url));
export const agents = {
  python: repoPath('examples/python/weather_agent.py'),
  node: repoPath('examples/node/weather_agent.ts'),
} as const;
export type Sdk = keyof typeof agents;

/** Repetitions, from BENCH_REPS (default `fallback`). */
export const reps = (fallback: number): number => Number(process.env['BENCH_REPS'] ?? fallback);

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index]!;
}
export const median = (values: readonly number[]) => percentile(values, 50);

export const ms = (value: number) => (Number.isFinite(value) ? `${value.toFixed(value < 10 ? 2 : 1)} ms` : '-');
export const ratio = (value: number) => (Number.isFinite(value) ? `${value.toFixed(3)}x` : '-');
export const mib = (bytes: number) => `${(bytes / 1048576).toFixed(1)} MiB`;

/** Prints a titled table with right-aligned columns after the first. */
export function table(title: string, header: string[], rows: (string | number)[][], note?: string): void {
  const cells = [header, ...rows.map((row) => row.map(String))];
  const widths = header.map((_, i) => Math.max(...cells.map((row) => (row[i] ?? '').length)));
  const line = (row: string[]) => row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ');
  const out = [`\n## ${title}`, line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)];
  if (note) out.push(note);
  process.stdout.write(`${out.join('\n')}\n`);
}

export const progress = () => process.stderr.write('.');
