/**
 * Formatting a written file with the Prettier of the project it lands in, when that project has
 * one, so the file is clean under the project's own settings (print width, quotes). The package
 * does not depend on Prettier: without one, the text is kept as generated, which already follows
 * Prettier's defaults for everything but line width.
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

interface PrettierApi {
  format(source: string, options: Record<string, unknown>): Promise<string>;
  resolveConfig(file: string): Promise<Record<string, unknown> | null>;
}

/** The project's Prettier, resolved from `file`'s folder; undefined when it has none. */
async function projectPrettier(file: string): Promise<PrettierApi | undefined> {
  let entry: string;
  try {
    entry = createRequire(file).resolve('prettier');
  } catch {
    return undefined;
  }
  const loaded = (await import(pathToFileURL(entry).href)) as PrettierApi & { default?: PrettierApi };
  return typeof loaded.format === 'function' ? loaded : loaded.default;
}

/** `source` formatted as the project formats `file`, or unchanged when the project has no Prettier. */
export async function formatForProject(source: string, file: string): Promise<string> {
  const prettier = await projectPrettier(file);
  if (!prettier) return source;
  const config = (await prettier.resolveConfig(file)) ?? {};
  return prettier.format(source, { ...config, filepath: file });
}
