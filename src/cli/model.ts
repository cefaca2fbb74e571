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

/** The model server for the session, or undefined for a live model. */
export async function loadModel(source: ModelSource): Promise<LlmServerLike | undefined> {
  switch (source.kind) {
    case 'live':
      return undefined;
    case 'record':
      return cassetteLlm({ cassette: source.cassette, mode: 'record' });
    case 'replay':
      return cassetteLlm({ cassette: source.cassette, mode: 'replay' });
    case 'scripted':
      return fromModule(source.module);
  }
}

/**
 * The model a module provides: its default export or, failing that, its first named export that is
 * a model server, an array of rules, or a function of no arguments returning either (a factory
 * such as `weatherLlm`).
 */
async function fromModule(file: string): Promise<LlmServerLike> {
  const exports = await importModule(file);
  const candidates = ['default' in exports ? exports['default'] : undefined, ...Object.values(exports)];
  for (const candidate of candidates) {
    const model =
      asModel(candidate) ?? (typeof candidate === 'function' && candidate.length === 0 ? asModel(await candidate()) : undefined);
    if (model) return model;
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
