#!/usr/bin/env bash
# Checks the package as a user gets it: packs it, installs the tarball into a fresh project with
# the peer dependencies from the registry, then imports every entry of package.json "exports",
# type-checks them strictly without skipLibCheck, lints the package and its type resolution, and
# holds one real conversation with the example Node agent from a Vitest test of that project.
# A second project installs the tarball alone, no test runner, and holds one from a plain Node
# script through the runner-neutral entries.
#   scripts/check-pack.sh
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)

if [ ! -d examples/node/node_modules ]; then
  echo "== setting up the example agents in the repository"
  npm run setup:examples
fi

# shellcheck source=lib/scratch-copy.sh
source scripts/lib/scratch-copy.sh
# scratch_cleanup removes $work, and ends what still runs from it, on exit.
work=$(mktemp -d "${TMPDIR:-/tmp}/agent-session-test-pack.XXXXXX")
trap scratch_cleanup EXIT
scratch="$work/project"
plain="$work/plain"

# The first failing step ends the script, naming the step.
must() {
  step "$@"
  if [ "$status" -ne 0 ]; then
    echo "== check-pack failed at: $1"
    exit 1
  fi
}

# The version range of one of our devDependencies, so the scratch project uses what we test with.
dev_version() { node -p "require('./package.json').devDependencies['$1']"; }
SCRATCH_DEPS=(
  "vitest@$(dev_version vitest)"
  "jest@$(dev_version jest)"
  "@jest/globals@$(dev_version @jest/globals)"
  "typescript@$(dev_version typescript)"
  "@types/node@$(dev_version @types/node)"
  "publint@$(dev_version publint)"
  "@arethetypeswrong/cli@$(dev_version @arethetypeswrong/cli)"
)

pack() {
  # prepack builds dist/ first.
  npm pack --silent --pack-destination "$work" >"$work/pack.out"
  tarball="$work/$(tail -n 1 "$work/pack.out")"
  [ -f "$tarball" ] && echo "== packed $(basename "$tarball"): $(tar -tzf "$tarball" | wc -l) files"
}

# new_project DIR PACKAGE...: a fresh ESM project in DIR with the packages installed.
new_project() {
  # Chained: step runs this inside an if, where set -e does not apply.
  mkdir -p "$1" && cd "$1" &&
    printf '{ "name": "pack-check", "private": true, "type": "module" }\n' >package.json &&
    npm install --no-audit --no-fund --loglevel=error "${@:2}"
}

install() { new_project "$scratch" "$tarball" "${SCRATCH_DEPS[@]}"; }

# Entries that import @jest/globals, which Jest only provides inside its test environment (the
# real module throws when imported elsewhere): they are imported from a Jest test instead.
JEST_ONLY='["./jest"]'

# From the installed package.json: an import check per entry under Node (imports.mjs) or under
# Jest (jest-imports.test.mjs), and a type import per entry (types.ts).
write_imports() {
  node --input-type=module -e '
    import { readFileSync, writeFileSync } from "node:fs";
    const pkg = JSON.parse(readFileSync("node_modules/agent-session-test/package.json", "utf8"));
    const jestOnly = JSON.parse(process.argv[1]);
    const keys = Object.keys(pkg.exports);
    const name = (key) => JSON.stringify(pkg.name + key.slice(1));
    const check = (key, i) => `const m${i} = await import(${name(key)});\nif (Object.keys(m${i}).length === 0) throw new Error(${JSON.stringify(key + " exports nothing")});`;
    const node = keys.filter((key) => !jestOnly.includes(key));
    writeFileSync("imports.mjs", node.map(check).join("\n") + `\nconsole.log("imported ${node.length} entries: ${node.join(" ")}");\n`);
    const jest = keys.filter((key) => jestOnly.includes(key));
    writeFileSync("jest-imports.test.mjs", jest.map(check).join("\n") + `\ntest("imports ${jest.join(" ")}", () => {});\n`);
    writeFileSync("types.ts", keys.map((key, i) => `import type * as T${i} from ${name(key)};\nexport type E${i} = keyof typeof T${i};`).join("\n") + "\n");
  ' "$JEST_ONLY"
}

imports() { cd "$scratch" && write_imports && node imports.mjs; }

# The maps point at ../src, which is not published: each must carry its sources.
source_maps() {
  cd "$scratch/node_modules/agent-session-test"
  node --input-type=module -e '
    import { readdirSync, readFileSync } from "node:fs";
    const maps = readdirSync("dist", { recursive: true }).filter((f) => f.endsWith(".js.map"));
    const bare = maps.filter((f) => !JSON.parse(readFileSync(`dist/${f}`, "utf8")).sourcesContent?.every((c) => typeof c === "string"));
    if (maps.length === 0 || bare.length > 0) throw new Error(`${maps.length} maps, without their sources: ${bare.join(" ")}`);
    console.log(`${maps.length} source maps carry their sources`);
  '
}

jest_imports() {
  cd "$scratch"
  NODE_OPTIONS=--experimental-vm-modules npx jest --rootDir . --testMatch '**/jest-imports.test.mjs' --injectGlobals
}

types() {
  cd "$scratch"
  cat >tsconfig.json <<'EOF'
{
  "compilerOptions": {
    "strict": true,
    "module": "nodenext",
    "moduleResolution": "nodenext",
    "target": "es2022",
    "types": ["node"],
    "skipLibCheck": false,
    "noEmit": true
  },
  "files": ["types.ts"]
}
EOF
  npx tsc --noEmit -p tsconfig.json
}

lint() { cd "$scratch" && npx publint node_modules/agent-session-test --pack false --strict; }

# The types each resolution mode sees; ESM only, so resolution from CommonJS and node10 is ignored.
types_resolve() { cd "$scratch" && npx attw "$tarball" --profile esm-only --format table-flipped; }

conversation() {
  cd "$scratch"
  local agent_file
  agent_file=$(node -p 'JSON.stringify(process.argv[1])' "$repo/examples/node/weather_agent.ts")
  cat >conversation.test.ts <<EOF
import { expect, test } from 'vitest';
import { useAgentSession } from 'agent-session-test/vitest';
import { scriptedLlm } from 'agent-session-test/llm';

const llm = scriptedLlm([
  { when: { user: /weather in (\w+)/ }, reply: ({ match }) => ({ toolCalls: [{ name: 'lookup_weather', args: { city: match![1]! } }] }) },
  { when: { tool: 'lookup_weather' }, reply: ({ request }) => ({ text: \`It is \${request.lastToolOutput}.\` }) },
]);
const agent = useAgentSession($agent_file, { llm });

test('talks to the example Node agent', async () => {
  const turn = await agent.say('what is the weather in Paris?');
  expect(turn).toHaveCalledTool('lookup_weather', { city: 'Paris' });
  expect(turn).toHaveReplied(/sunny, 21°C in Paris/);
});
EOF
  npx vitest run --root . conversation.test.ts
}

# The tarball alone (the test runners are optional peers, so npm leaves them out), and a plain
# Node script: the root starts a session and renders its turn, the matchers entry checks it.
plain_node() {
  new_project "$plain" "$tarball" || return 1
  cd "$plain"
  local runner
  for runner in vitest jest @jest/globals; do
    if [ -e "node_modules/$runner" ]; then
      echo "$runner is installed in the plain project"
      return 1
    fi
  done
  local agent_file
  agent_file=$(node -p 'JSON.stringify(process.argv[1])' "$repo/examples/node/weather_agent.ts")
  cat >plain.mjs <<SCRIPT
import { AgentSessionError, renderTurn, startAgentSession } from 'agent-session-test';
import { expectTurn } from 'agent-session-test/matchers';
import { scriptedLlm } from 'agent-session-test/llm';

const llm = scriptedLlm([
  { when: { user: /weather in (\w+)/ }, reply: ({ match }) => ({ toolCalls: [{ name: 'lookup_weather', args: { city: match[1] } }] }) },
  { when: { tool: 'lookup_weather' }, reply: ({ request }) => ({ text: \`It is \${request.lastToolOutput}.\` }) },
]);
if (typeof AgentSessionError !== 'function') throw new Error('AgentSessionError is not exported');
const session = await startAgentSession($agent_file, { llm });
try {
  const turn = await session.say('what is the weather in Paris?');
  expectTurn(turn).contains('function_call', { name: 'lookup_weather', args: { city: 'Paris' } });
  expectTurn(turn).contains('message', { role: 'assistant', text: /sunny, 21°C in Paris/ });
  console.log(renderTurn(turn, { color: false }));
} finally {
  await session.close();
}
SCRIPT
  node plain.mjs
}

# The README's links to pages (docs/*.md, CHANGELOG.md) resolve inside the installed package, where
# the package page and an editor opening node_modules show them. Links to example agents stay
# repository-only.
readme_links() {
  node --input-type=module -e '
    import { existsSync, readFileSync } from "node:fs";
    const dir = "node_modules/agent-session-test/";
    const text = readFileSync(dir + "README.md", "utf8").replace(/```[\s\S]*?```/g, "");
    const targets = [...text.matchAll(/\]\(([^)\s#]+)[^)]*\)/g)].map((m) => m[1]).filter((t) => t.endsWith(".md") && !/^[a-z][a-z0-9+.-]*:/i.test(t));
    const unique = [...new Set(targets)];
    const missing = unique.filter((t) => !existsSync(dir + t));
    if (missing.length > 0) throw new Error("README links to files the package lacks: " + missing.join(", "));
    console.log(`${unique.length} pages the README links to are in the package`);
  '
}

must "pack" pack
must "install into a fresh project" install
must "README links resolve in the package" readme_links
must "import every entry under Node" imports
must "import the Jest entries under Jest" jest_imports
must "source maps carry their sources" source_maps
must "type-check every entry (strict, nodenext, no skipLibCheck)" types
must "publint" lint
must "are the types wrong (esm-only)" types_resolve
must "one conversation with the example Node agent" conversation
must "one conversation from a plain Node script, no test runner installed" plain_node
echo
echo "== check-pack: ok"
