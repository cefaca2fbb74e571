#!/usr/bin/env bash
# The Vitest 5 gate: the type programs, the build, the unit tests, the runner integration and the
# example suites under Vitest 5 on Node 22, in a scratch copy of the working tree (what is on
# disk, committed or not), so the main install (Vitest 4.1 on Node 20) is left alone.
#   scripts/test-vitest5.sh [vitest version, default the one tested]
# Node 22 comes from the npm registry's binary package for this platform (node-<os>-<arch>).
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=lib/scratch-copy.sh
source scripts/lib/scratch-copy.sh
version=${1:-5.1.1}
started=$SECONDS

scratch_copy vitest5
cd "$work"
nodepkg="node-$(node -p 'process.platform')-$(node -p 'process.arch')"
echo "== installing (lockfile) + vitest@$version, @types/node@22, $nodepkg@22"
npm install --no-save --no-audit --no-fund --loglevel=error "vitest@$version" "@types/node@22" "$nodepkg@22"
export PATH="$work/node_modules/$nodepkg/bin:$PATH"
echo "== node $(node --version), vitest $(node -p "require('vitest/package.json').version"), typescript $(node -p "require('typescript/package.json').version"), @types/node $(node -p "require('@types/node/package.json').version")"

# The Vitest 5 type program: the library sources, the examples, the config and the Vitest 5
# type tests (test/types/vitest5/tsconfig.json says what it holds and why).
step "types: sources under Vitest 5" npx tsc -p test/types/vitest5/tsconfig.json
step "build" npm run build --silent
# The same type tests against the built package, declarations checked (no skipLibCheck).
step "types: the built package under Vitest 5" npx tsc -p test/types/vitest5/tsconfig.dist.json
step "unit tests and the Vitest 5 type tests" npx vitest run --project unit
step "plugin, transcripts in reports (junit, JSON, github-actions), shard and merge, file-wide tool mocks checked at the end (child Vitest runs)" npx vitest run --project e2e test/e2e/runner-reports.test.ts test/e2e/runner-github-actions.test.ts test/e2e/runner-mocks.test.ts
step "example suites through the plugin, real Python and Node agents" npx vitest run --project examples

check_no_leftovers

echo
if [ "$status" -eq 0 ]; then echo "== Vitest $version on Node 22: all passed ($((SECONDS - started)) s)"; else echo "== Vitest $version on Node 22: FAILED ($((SECONDS - started)) s)"; fi
exit "$status"
