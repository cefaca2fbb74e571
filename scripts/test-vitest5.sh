#!/usr/bin/env bash
# The Vitest 5 gate: the type programs, the build, the unit tests, the runner integration and the
# example suites under Vitest 5 on Node 22, in a scratch copy of the working tree (what is on
# disk, committed or not), so the main install (Vitest 4.1 on Node 20) is left alone.
#   scripts/test-vitest5.sh [vitest version, default the one tested]
# Node 22 comes from the npm registry's binary package for this platform (node-<os>-<arch>).
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
version=${1:-5.1.1}
started=$SECONDS

# The example agents' installs are reused from the repository, not installed again.
if [ ! -d examples/python/.venv ] || [ ! -d examples/node/node_modules ]; then
  echo "== setting up the example agents in the repository"
  npm run setup:examples
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/agent-session-test-vitest5.XXXXXX")
# Agents started from the scratch copy carry its path on their command line.
leftovers() { pgrep -f -- "$work/" || true; }
cleanup() {
  local left
  left=$(leftovers)
  # shellcheck disable=SC2086 # one process id per word
  [ -z "$left" ] || kill -KILL $left 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

echo "== copying the working tree to $work"
git ls-files -z -co --exclude-standard | while IFS= read -r -d '' file; do
  # A tracked file deleted on disk is not part of the working tree.
  if [ -e "$file" ] || [ -L "$file" ]; then printf '%s\0' "$file"; fi
done | tar -c --null -T - -f - | tar -x -C "$work"
ln -s "$repo/examples/python/.venv" "$work/examples/python/.venv"
ln -s "$repo/examples/node/node_modules" "$work/examples/node/node_modules"
# The Node fixture agents use the examples' install, as scripts/setup-examples.mjs arranges.
[ -d "$work/test/fixtures/agents/node" ] && ln -sfn ../../../../examples/node/node_modules "$work/test/fixtures/agents/node/node_modules"

cd "$work"
nodepkg="node-$(node -p 'process.platform')-$(node -p 'process.arch')"
echo "== installing (lockfile) + vitest@$version, @types/node@22, $nodepkg@22"
npm install --no-save --no-audit --no-fund --loglevel=error "vitest@$version" "@types/node@22" "$nodepkg@22"
export PATH="$work/node_modules/$nodepkg/bin:$PATH"
echo "== node $(node --version), vitest $(node -p "require('vitest/package.json').version"), typescript $(node -p "require('typescript/package.json').version"), @types/node $(node -p "require('@types/node/package.json').version")"

status=0
step() {
  local name=$1 began=$SECONDS
  shift
  echo
  echo "== $name: $*"
  if "$@"; then
    echo "== $name: ok ($((SECONDS - began)) s)"
  else
    echo "== $name: FAILED ($((SECONDS - began)) s)"
    status=1
  fi
}
# The Vitest 5 type program: the library sources, the examples, the config and the Vitest 5
# type tests (test/types/vitest5/tsconfig.json says what it holds and why).
step "types: sources under Vitest 5" npx tsc -p test/types/vitest5/tsconfig.json
step "build" npm run build --silent
# The same type tests against the built package, declarations checked (no skipLibCheck).
step "types: the built package under Vitest 5" npx tsc -p test/types/vitest5/tsconfig.dist.json
step "unit tests and the Vitest 5 type tests" npx vitest run --project unit
step "plugin, transcripts in reports, shard and merge (child Vitest runs)" npx vitest run --project e2e test/e2e/runner-reports.test.ts
step "example suites through the plugin, real Python and Node agents" npx vitest run --project examples

left=$(leftovers)
if [ -n "$left" ]; then
  echo "== FAILED: processes outlived the runs:"
  ps -o pid=,args= -p "$(echo $left | tr ' ' ,)" || true
  status=1
fi

echo
if [ "$status" -eq 0 ]; then echo "== Vitest $version on Node 22: all passed ($((SECONDS - started)) s)"; else echo "== Vitest $version on Node 22: FAILED ($((SECONDS - started)) s)"; fi
exit "$status"
