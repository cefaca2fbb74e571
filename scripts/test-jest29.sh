#!/usr/bin/env bash
# Runs the Jest checks under Jest 29: the Jest type tests against Jest 29's types, and the example
# Jest suites against the real agents, in a scratch copy of the working tree so the main install
# (Jest 30) is left alone.
#   scripts/test-jest29.sh
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=lib/scratch-copy.sh
source scripts/lib/scratch-copy.sh
# The versions this script was last run green with.
JEST29=(jest@29.7.0 @jest/globals@29.7.0 @jest/expect@29.7.0 @types/jest@29.5.14)

scratch_copy jest29
cd "$work"
# One install: the project's dependencies, with Jest 29 in place of the Jest 30 devDependencies.
npm install --no-save --no-audit --no-fund --loglevel=error "${JEST29[@]}"
echo "== node $(node --version), jest $(node -p "require('jest/package.json').version"), @jest/expect $(node -p "require('@jest/expect/package.json').version"), @types/jest $(node -p "require('@types/jest/package.json').version")"

step "Jest type tests (test/types/jest) against Jest 29's types" npx tsc --noEmit -p test/types/jest/tsconfig.json
step "example Jest suites against the real agents" env NODE_OPTIONS=--experimental-vm-modules npx jest -c examples/jest/jest.config.mjs
check_no_leftovers
exit "$status"
