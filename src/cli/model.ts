/**
 * The model behind a CLI session, from the start flags: a module of scripted rules (`--llm`), a
 * cassette to record into or replay (`--record`, `--replay`), or the agent's own model (`--live`).
 * Loaded in the daemon only, so `say` and the other short commands never pay for it.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { LlmServerLike } from '../core/model-server.js';
import { cassetteLlm } from '../llm/cassette-llm.js';
import { scriptedLlm } from '../llm/scripted-llm.js';
import type { LlmRule } from '../llm/types.js';
import type { ModelSource } from './state.js';

const isLlm = (value: unknown): value is LlmServerLike =>
  typeof value === 'object' && value !== null && typeof (value as { listen?: unknown }).listen === 'function';

/** How a module provides its model, kept so an export imports the same thing. */
export interface ModuleModel {
  exportName: string;
  form: 'rules' | 'server' | 'factory';
}

/** The model server for the session (undefined for a live model) and, for a module, which export gave it. */
export async function loadModel(source: ModelSource): Promise<{ llm: LlmServerLike | undefined; from?: ModuleModel }> {
  switch (source.kind) {
    case 'live':
      return { llm: undefined };
    case 'record':
      return { llm: cassetteLlm({ cassette: source.cassette, mode: 'record' }) };
    case 'replay':
      return { llm: cassetteLlm({ cassette: source.cassette, mode: 'replay' }) };
    case 'scripted':
      return fromModule(source.module);
  }
}

/**
 * The model a module provides: its default export or, failing that, its first named export that is
 * a model server, an array of rules, or a function of no arguments returning either (a factory
 * such as `weatherLlm`).
 */
async function fromModule(file: string): Promise<{ llm: LlmServerLike; from: ModuleModel }> {
  const exports = await importModule(file);
  const names = ['default' in exports ? 'default' : undefined, ...Object.keys(exports)].filter((name) => name !== undefined);
  for (const exportName of names) {
    const candidate = exports[exportName];
    const direct = asModel(candidate);
    if (direct) return { llm: direct, from: { exportName, form: Array.isArray(candidate) ? 'rules' : 'server' } };
    if (typeof candidate === 'function' && candidate.length === 0) {
      const made = asModel(await (candidate as () => unknown)());
      if (made) return { llm: made, from: { exportName, form: 'factory' } };
    }
  }
  throw new Error(
    `${file} exports no model: export a scriptedLlm(...) server, an array of rules, or a function of no arguments returning one.`,
  );
}

function asModel(value: unknown): LlmServerLike | undefined {
  if (isLlm(value)) return value;
  if (Array.isArray(value)) return scriptedLlm(value as LlmRule[]);
  return undefined;
}

/** Imports a module; TypeScript through tsx, which is loaded only for it. */
async function importModule(file: string): Promise<Record<string, unknown>> {
  const url = pathToFileURL(file).href;
  if (/\.[mc]?tsx?$/.test(path.extname(file))) {
    const { tsImport } = await import('tsx/esm/api');
    return (await tsImport(url, import.meta.url)) as Record<string, unknown>;
  }
  return (await import(url)) as Record<string, unknown>;
}
