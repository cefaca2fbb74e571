/**
 * `agent-session-test export <file.test.ts>`: writes a Vitest test that holds a session's
 * conversation again, and beside it what makes it pass at once and offline: the session's model
 * calls as a cassette, or a reference to the scripted rules it ran with.
 */
import { mkdir, open, stat } from 'node:fs/promises';
import path from 'node:path';

import { agentFileNotFound } from '../errors/messages.js';
import { resolveCassetteFile } from '../llm/cassette-options.js';
import type { TurnRecord } from '../turn/types.js';
import { exportedCassetteText } from './export-cassette.js';
import { exportedTestSource, type ExportedModel } from './export-source.js';
import { formatForProject } from './format.js';

/** Where the session's model answers came from. */
export type SessionModel =
  /** The cassette the session recorded (`--record`) or replayed (`--replay`). */
  | { cassette: string }
  /** The module of scripted rules the session ran with (`--llm`); see {@link ExportedModel} for `exportName` and `form`. */
  | { rules: string; exportName?: string; form?: 'rules' | 'server' | 'factory' };

export interface ExportSessionOptions {
  /** The session's agent file. */
  agentFile: string;
  /** The session's records in order: the greeting (index -1) first when there was one. */
  turns: readonly TurnRecord[];
  /** The test file to write, e.g. `test/weather.test.ts`. */
  testFile: string;
  model: SessionModel;
  /** The test's name. Default: `replays the <agent file name> session`. */
  testName?: string;
  /** Replace an existing test file and cassette. Without it, export refuses to touch them. */
  force?: boolean;
  /** What relative paths are resolved against. Default: the process's working directory. */
  cwd?: string;
}

export interface ExportedSession {
  testFile: string;
  /** The cassette written beside the test, when the model was a cassette. */
  cassette?: string;
}

export const TEST_FILE = /\.(test|spec)\.[cm]?[jt]sx?$/;
const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/** A module specifier for `target` from a file in `fromDir`: relative, with `/`, starting with `.`. */
function relativeSpecifier(fromDir: string, target: string): string {
  const relative = path.relative(fromDir, target).split(path.sep).join('/');
  return relative.startsWith('.') ? relative : `./${relative}`;
}

async function exists(file: string): Promise<boolean> {
  try {
    await stat(file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}

/** Writes `text` to `file`, failing if it exists unless `force`: the check and the write are one open, so nothing is overwritten in between. */
async function writeNew(file: string, text: string, force: boolean): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const handle = await open(file, force ? 'w' : 'wx');
  try {
    await handle.writeFile(text, 'utf8');
  } finally {
    await handle.close();
  }
}

function checkOptions(options: ExportSessionOptions): void {
  if (!TEST_FILE.test(options.testFile)) {
    throw new TypeError(
      `agent-session-test: export writes a test file; its name must end in .test.ts (or .spec.ts, .test.js, ...), got ${options.testFile}`,
    );
  }
  if (options.turns.length === 0 || options.turns.every((turn) => turn.index < 0)) {
    throw new TypeError('agent-session-test: export: the session has no turns yet; say something first, then export');
  }
  const model = options.model;
  if ('rules' in model && model.exportName !== undefined && model.exportName !== 'default' && !IDENTIFIER.test(model.exportName)) {
    throw new TypeError(`agent-session-test: export: ${JSON.stringify(model.exportName)} is not an export name a test can import`);
  }
}

/** The exported test's model, and the cassette text to write beside it. */
async function exportedModel(model: SessionModel, cwd: string, testDir: string, testName: string) {
  if ('cassette' in model) {
    return {
      model: { kind: 'cassette' } as ExportedModel,
      cassetteText: await exportedCassetteText(path.resolve(cwd, model.cassette), testName),
    };
  }
  const specifier = relativeSpecifier(testDir, path.resolve(cwd, model.rules)).replace(/\.([cm]?)ts$/, '.$1js');
  return {
    model: { kind: 'rules', specifier, exportName: model.exportName, form: model.form ?? 'rules' } as ExportedModel,
    cassetteText: undefined,
  };
}

/**
 * Writes the test (and its cassette) for a session. Refuses, naming the file, when the test or
 * the cassette exists, unless `force`: an export never silently replaces a test someone wrote.
 */
export async function exportSession(options: ExportSessionOptions): Promise<ExportedSession> {
  checkOptions(options);
  const cwd = options.cwd ?? process.cwd();
  const testFile = path.resolve(cwd, options.testFile);
  const agentFile = path.resolve(cwd, options.agentFile);
  const testDir = path.dirname(testFile);
  const testName = options.testName ?? `replays the ${path.basename(agentFile)} session`;
  const force = options.force ?? false;
  const agentStat = await stat(agentFile).catch(() => undefined);
  if (!agentStat?.isFile()) throw agentFileNotFound({ file: agentFile, isDirectory: agentStat?.isDirectory() ?? false });

  const { model, cassetteText } = await exportedModel(options.model, cwd, testDir, testName);
  const cassette = cassetteText !== undefined ? resolveCassetteFile(undefined, testFile) : undefined;
  if (!force) {
    for (const file of [testFile, cassette]) {
      if (file !== undefined && (await exists(file))) {
        throw new Error(`agent-session-test: export: ${file} already exists; choose another test file name, or pass --force to replace it`);
      }
    }
  }
  const source = exportedTestSource({ agentSpecifier: relativeSpecifier(testDir, agentFile), testName, turns: options.turns, model });
  // The cassette first: a test without its cassette would fail, a cassette without its test is inert.
  if (cassette !== undefined) await writeNew(cassette, cassetteText!, force);
  await writeNew(testFile, await formatForProject(source, testFile), force);
  return { testFile, ...(cassette !== undefined && { cassette }) };
}
