/**
 * Reading and writing cassette files safely. A save takes a lock file next to the cassette,
 * re-reads it, merges in this writer's changes, writes a temporary file and renames it over the
 * cassette: a parallel worker's entries are kept, and a crash at any point leaves either the old
 * file or the new one, never a truncated one.
 */

import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, stat, unlink } from 'node:fs/promises';
import path from 'node:path';

import { parseCassette, serialiseCassette, type CassetteEntry } from './cassette-format.js';
import { processExists } from '../process/exists.js';

/** How long a save waits for another writer's lock before giving up. */
const LOCK_TIMEOUT_MS = 30_000;
/** A lock older than this is taken to be left behind by a writer that died without cleaning up. */
const LOCK_STALE_MS = 60_000;

/** The entries of a cassette file; none when the file does not exist. */
export async function readCassette(file: string): Promise<CassetteEntry[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  return parseCassette(text, file);
}

/** What one writer changes in a cassette. */
export interface CassetteChanges {
  /** Tests whose earlier entries are all replaced by this writer's (record mode). */
  replaceTests: ReadonlySet<string>;
  /** The entries this writer recorded, in the order recorded. */
  added: readonly CassetteEntry[];
}

const slot = (entry: CassetteEntry) => JSON.stringify([entry.test, entry.key, entry.n]);

/**
 * Merges a writer's changes into the entries on disk. A replaced test's new entries take the
 * place of its old ones (so a re-recording diffs in place); an added entry for a slot already on
 * disk replaces it; anything else is appended.
 */
export function mergeCassette(current: readonly CassetteEntry[], changes: CassetteChanges): CassetteEntry[] {
  const byTest = new Map<string, CassetteEntry[]>();
  const bySlot = new Map<string, CassetteEntry>();
  for (const entry of changes.added) {
    if (changes.replaceTests.has(entry.test)) {
      const list = byTest.get(entry.test) ?? [];
      list.push(entry);
      byTest.set(entry.test, list);
    } else {
      bySlot.set(slot(entry), entry);
    }
  }
  const out: CassetteEntry[] = [];
  const placedTests = new Set<string>();
  for (const entry of current) {
    if (changes.replaceTests.has(entry.test)) {
      if (!placedTests.has(entry.test)) {
        placedTests.add(entry.test);
        out.push(...(byTest.get(entry.test) ?? []));
      }
      continue;
    }
    const key = slot(entry);
    const replacement = bySlot.get(key);
    if (replacement) bySlot.delete(key);
    out.push(replacement ?? entry);
  }
  for (const [test, entries] of byTest) if (!placedTests.has(test)) out.push(...entries);
  out.push(...bySlot.values());
  return out;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Takes `<file>.lock`, breaking it if its owner is dead or it is stale. Returns the release. */
async function lock(file: string): Promise<() => Promise<void>> {
  const lockFile = `${file}.lock`;
  const token = `${process.pid} ${randomBytes(6).toString('hex')}`;
  const deadline = Date.now() + LOCK_TIMEOUT_MS;
  for (;;) {
    try {
      const handle = await open(lockFile, 'wx');
      await handle.writeFile(token);
      await handle.close();
      return async () => {
        // Only remove the lock if it is still ours (it may have been broken as stale).
        const owner = await readFile(lockFile, 'utf8').catch(() => undefined);
        if (owner === token) await unlink(lockFile).catch(() => undefined);
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const owner = await readFile(lockFile, 'utf8').catch(() => '');
    const pid = Number(owner.split(' ')[0]);
    const age = await stat(lockFile).then(
      (s) => Date.now() - s.mtimeMs,
      () => 0,
    );
    if ((owner !== '' && Number.isInteger(pid) && pid > 0 && !processExists(pid)) || age > LOCK_STALE_MS) {
      await unlink(lockFile).catch(() => undefined);
      continue;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `agent-session-test: could not save cassette ${file}: ${lockFile} has been held by process ${owner.split(' ')[0] || '?'} for over ${LOCK_TIMEOUT_MS / 1000} s. If no test run is writing it, delete the lock file`,
      );
    }
    await sleep(20 + Math.random() * 30);
  }
}

/** Removes temporary files left by writers that died mid-write. */
async function removeDeadTemps(file: string): Promise<void> {
  const dir = path.dirname(file);
  const prefix = `${path.basename(file)}.`;
  const names = await readdir(dir).catch(() => [] as string[]);
  for (const name of names) {
    if (!name.startsWith(prefix) || !name.endsWith('.tmp')) continue;
    const pid = Number(name.slice(prefix.length).split('.')[0]);
    if (Number.isInteger(pid) && pid > 0 && !processExists(pid)) await unlink(path.join(dir, name)).catch(() => undefined);
  }
}

/** Writes `text` to `file` through a temporary file and a rename. */
async function writeAtomically(file: string, entries: readonly CassetteEntry[]): Promise<void> {
  const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const handle = await open(temp, 'w');
  try {
    // Line by line: a large cassette is not built as one string.
    const lines = serialiseCassette(entries).split(/(?<=\n)/);
    for (const line of lines) await handle.write(line);
    await handle.datasync();
  } catch (error) {
    await handle.close().catch(() => undefined);
    await unlink(temp).catch(() => undefined);
    throw error;
  }
  await handle.close();
  await rename(temp, file);
}

/**
 * Applies a writer's changes to the cassette file under its lock. Does nothing when there are
 * none, and leaves the file untouched when the merge changes nothing.
 */
export async function saveCassette(file: string, changes: CassetteChanges): Promise<void> {
  if (changes.added.length === 0 && changes.replaceTests.size === 0) return;
  await mkdir(path.dirname(file), { recursive: true });
  const release = await lock(file);
  try {
    await removeDeadTemps(file);
    const current = await readCassette(file);
    const merged = mergeCassette(current, changes);
    if (serialiseCassette(merged) === serialiseCassette(current) && current.length > 0) return;
    await writeAtomically(file, merged);
  } finally {
    await release();
  }
}
