/**
 * Adding the plugin to a Vitest config that already exists. A config is code, so it is edited only
 * when the change is unambiguous: an ES module with one `defineConfig({`, and at most one
 * `plugins: [`. Anything else (a function config, several configs, CommonJS) is left alone and the
 * user is shown the two lines to add.
 */

export const PLUGIN_IMPORT = "import { agentSession } from 'agent-session-test/vitest/plugin';";
export const PLUGIN_CALL = 'agentSession()';
/** What marks a config that already has the plugin. */
const PLUGIN_ENTRY = 'agent-session-test/vitest/plugin';

/** A new config with the plugin, for a project that has none. */
export const NEW_CONFIG = `import { defineConfig } from 'vitest/config';
${PLUGIN_IMPORT}

export default defineConfig({
  plugins: [${PLUGIN_CALL}],
  test: {
    // One worker process runs test file after test file instead of a new one per file: each file
    // still gets its own agent, and a suite of agent files takes about half the time. Remove it if
    // your tests rely on per-file module isolation (vi.mock of a shared module, global state).
    isolate: false,
  },
});
`;

export type ConfigEdit = { kind: 'present' } | { kind: 'edited'; text: string } | { kind: 'manual'; reason: string };

const count = (text: string, pattern: RegExp) => [...text.matchAll(new RegExp(pattern.source, 'g'))].length;

/** The config with the plugin added, or why it must be added by hand. */
export function addPlugin(text: string): ConfigEdit {
  if (text.includes(PLUGIN_ENTRY)) return { kind: 'present' };
  if (/\brequire\s*\(/.test(text) || !/^\s*import\s/m.test(text)) return { kind: 'manual', reason: 'it is not an ES module with imports' };
  if (count(text, /defineConfig\(\s*\{/) !== 1) return { kind: 'manual', reason: 'it does not have exactly one `defineConfig({`' };
  const plugins = count(text, /\bplugins\s*:\s*\[/);
  if (plugins > 1) return { kind: 'manual', reason: 'it has more than one `plugins: [`' };
  if (plugins === 0 && /\bplugins\s*[:,}]/.test(text)) return { kind: 'manual', reason: 'its `plugins` is not a plain list' };

  const withPlugin =
    plugins === 1
      ? text.replace(/\bplugins\s*:\s*\[(\s*\])?/, (found, empty?: string) =>
          empty ? `plugins: [${PLUGIN_CALL}]` : `${found}${PLUGIN_CALL}, `,
        )
      : text.replace(/defineConfig\(\s*\{/, (found) => `${found}\n  plugins: [${PLUGIN_CALL}],`);
  // The import goes after the last top-level import statement (which may span lines up to its `from '...'`).
  const imports = [...withPlugin.matchAll(/^import[\s\S]*?from\s*['"][^'"]+['"];?[^\n]*$/gm)];
  const last = imports.at(-1);
  if (!last) return { kind: 'edited', text: `${PLUGIN_IMPORT}\n${withPlugin}` };
  const at = last.index + last[0].length;
  return { kind: 'edited', text: `${withPlugin.slice(0, at)}\n${PLUGIN_IMPORT}${withPlugin.slice(at)}` };
}
