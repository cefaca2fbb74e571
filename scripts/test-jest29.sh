#!/usr/bin/env bash
# Runs the Jest checks under Jest 29: the Jest type tests against Jest 29's types, and the example
# Jest suites against the real agents. Works in a scratch copy of the working tree (tracked and
# untracked, not ignored, files) so the main install (Jest 30) is left alone; the example agents'
# installs are shared by symlink.
#   scripts/test-jest29.sh
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
# The versions this script was last run green with.
JEST29=(jest@29.7.0 @jest/globals@29.7.0 @jest/expect@29.7.0 @types/jest@29.5.14)

if [ ! -x examples/python/.venv/bin/python ] || [ ! -d examples/node/node_modules ]; then
  echo "== the example agents are not installed: npm run setup:examples"
  npm run setup:examples
fi

work=$(mktemp -d)
# Processes of this run are the ones whose command line holds the scratch path: the agents (their
# file is in it) and Jest's workers.
ours() { pgrep -f -- "$work/" || true; }
cleanup() {
  local pids
  pids=$(ours)
  [ -n "$pids" ] && kill -KILL $pids 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

echo "== copying the working tree to $work"
# Files deleted in the working tree are still listed as tracked; only existing ones are copied.
git ls-files -co --exclude-standard -z \
  | while IFS= read -r -d '' file; do [ -e "$file" ] && printf '%s\0' "$file"; done \
  | tar --null -T - -cf - | tar -xf - -C "$work"
ln -s "$repo/examples/python/.venv" "$work/examples/python/.venv"
ln -s "$repo/examples/node/node_modules" "$work/examples/node/node_modules"

cd "$work"
# One install: the project's dependencies, with Jest 29 in place of the Jest 30 devDependencies.
npm install --no-save --no-audit --no-fund --loglevel=error "${JEST29[@]}"
echo "== node $(node --version), jest $(node -p "require('jest/package.json').version"), @jest/expect $(node -p "require('@jest/expect/package.json').version"), @types/jest $(node -p "require('@types/jest/package.json').version")"

status=0
echo "== Jest type tests (test/types/jest) against Jest 29's types"
npx tsc --noEmit -p test/types/jest/tsconfig.json || status=1
echo "== example Jest suites against the real agents"
NODE_OPTIONS=--experimental-vm-modules npx jest -c examples/jest/jest.config.mjs || status=1
# The Jest global teardown already fails the run on a leftover agent; this also catches a
# teardown that never ran.
sleep 1
leftovers=$(ours)
if [ -n "$leftovers" ]; then
  echo "== processes left running after Jest:"
  ps -o pid=,args= -p $leftovers || true
  status=1
fi
exit "$status"
