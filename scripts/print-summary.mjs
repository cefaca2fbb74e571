// Prints a plain "N passed, N failed" line from Vitest's JSON report, so a CI log states the
// outcome in one line whatever reporter formatting precedes it.
import { existsSync, readFileSync } from 'node:fs';

const file = process.argv[2] ?? '.vitest/results.json';
if (!existsSync(file)) {
  console.log(`no test report at ${file}`);
  process.exit(1);
}
const report = JSON.parse(readFileSync(file, 'utf8'));
const skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
console.log(`${report.numPassedTests} passed, ${report.numFailedTests} failed${skipped ? `, ${skipped} skipped` : ''}`);
