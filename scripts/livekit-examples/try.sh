#!/usr/bin/env bash
# Drives LiveKit's own example agents through this harness, as a newcomer would: copies them out
# of clones of livekit/agents and livekit/agents-js, unmodified, into a scratch folder with its
# own Python venv and npm project, and runs a small Vitest project there that imports the
# harness from this repository's sources (as vitest.config.ts does) with a scripted model.
#
#   scripts/livekit-examples/try.sh PY_REPO JS_REPO [SCRATCH]
#
# PY_REPO, JS_REPO: git directories (bare or not) of livekit/agents and livekit/agents-js.
# SCRATCH: default /tmp/lk-examples; the venv and node_modules there are reused when present.
#
# Two passes, each test file on its own:
#   1. the agents as published;
#   2. copies without their STT and TTS arguments (and multi_agent.ts without its
#      waitForParticipant), run with VITEST removed from the agents' environment: what works
#      once those obstacles are out of the way.
# The Python restaurant agent left examples/voice_agents in a later commit; its last version is used.
set -euo pipefail

PY_REPO=${1:?usage: try.sh PY_REPO JS_REPO [SCRATCH]}
JS_REPO=${2:?usage: try.sh PY_REPO JS_REPO [SCRATCH]}
SCRATCH=${3:-/tmp/lk-examples}
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
# The SDK versions the repository's own examples are tested with.
PY_AGENTS=1.8.9
JS_AGENTS=1.9.0

show() { git -C "$1" show "$2" > "$3"; }

echo "== copying the examples into $SCRATCH"
mkdir -p "$SCRATCH/py/drive_thru" "$SCRATCH/node/src/drive-thru" "$SCRATCH/harness"
for f in agent.py database.py order.py bg_noise.mp3; do show "$PY_REPO" "HEAD:examples/drive_thru/$f" "$SCRATCH/py/drive_thru/$f"; done
restaurant=examples/voice_agents/restaurant_agent.py
if git -C "$PY_REPO" cat-file -e "HEAD:$restaurant" 2>/dev/null; then rev=HEAD; else
  rev="$(git -C "$PY_REPO" log -1 --format=%H --diff-filter=D HEAD -- "$restaurant")^"
fi
show "$PY_REPO" "$rev:$restaurant" "$SCRATCH/py/restaurant_agent.py"
for f in drivethru_agent.ts database.ts order.ts; do show "$JS_REPO" "HEAD:examples/src/drive-thru/$f" "$SCRATCH/node/src/drive-thru/$f"; done
for f in restaurant_agent.ts multi_agent.ts; do show "$JS_REPO" "HEAD:examples/src/$f" "$SCRATCH/node/src/$f"; done

echo "== installing what they import"
if [ ! -x "$SCRATCH/py/.venv/bin/python" ]; then
  printf 'livekit-agents==%s\npython-dotenv\npyyaml\npydantic\n' "$PY_AGENTS" > "$SCRATCH/py/requirements.txt"
  python3 -m venv "$SCRATCH/py/.venv"
  "$SCRATCH/py/.venv/bin/pip" install -q -r "$SCRATCH/py/requirements.txt"
fi
if [ ! -d "$SCRATCH/node/node_modules/@livekit/agents" ]; then
  echo '{ "name": "lk-examples", "private": true, "type": "module" }' > "$SCRATCH/node/package.json"
  (cd "$SCRATCH/node" && npm install --no-audit --no-fund "@livekit/agents@$JS_AGENTS" \
    "@livekit/agents-plugin-openai@$JS_AGENTS" "@livekit/agents-plugin-deepgram@$JS_AGENTS" \
    "@livekit/agents-plugin-elevenlabs@$JS_AGENTS" @livekit/rtc-node zod@3 tsx)
fi

echo "== the second pass's copies"
rm -rf "$SCRATCH/modified" && mkdir -p "$SCRATCH/modified/py" "$SCRATCH/modified/node"
cp -r "$SCRATCH/py/drive_thru" "$SCRATCH/py/restaurant_agent.py" "$SCRATCH/modified/py/"
cp -r "$SCRATCH/node/src" "$SCRATCH/node/package.json" "$SCRATCH/modified/node/"
ln -s "$SCRATCH/py/.venv" "$SCRATCH/modified/py/.venv"
ln -s "$SCRATCH/node/node_modules" "$SCRATCH/modified/node/node_modules"
for f in py/drive_thru/agent.py py/restaurant_agent.py node/src/drive-thru/drivethru_agent.ts node/src/restaurant_agent.ts node/src/multi_agent.ts; do
  python3 "$HERE/strip-speech.py" "$SCRATCH/modified/$f" "$SCRATCH/modified/$f"
done
# Console mode has no room to join: waitForParticipant fails the job.
sed -i '/waitForParticipant/d; /participant joined/d' "$SCRATCH/modified/node/src/multi_agent.ts"

echo "== the test project"
H=$SCRATCH/harness
ln -sfn "$ROOT/node_modules" "$H/node_modules"
echo '{ "private": true, "type": "module" }' > "$H/package.json"
cp "$HERE/llm.ts" "$HERE/suites.ts" "$H/"
cat > "$H/vitest.config.ts" <<CONFIG
import { defineConfig } from 'vitest/config';
import { agentSession } from '$ROOT/src/vitest/plugin.js';

const alias = [
  { find: /^agent-session-test\$/, replacement: '$ROOT/src/index.ts' },
  { find: /^agent-session-test\/(.*)\$/, replacement: '$ROOT/src/\$1' },
];
export default defineConfig({
  resolve: { alias },
  plugins: [agentSession({ failOnLeftovers: true })],
  test: { include: ['*.test.ts'], testTimeout: 60_000, hookTimeout: 120_000, maxWorkers: 1 },
});
CONFIG
tests=()
for pass in original modified; do
  base=$SCRATCH/py; node=$SCRATCH/node/src
  [ "$pass" = modified ] && base=$SCRATCH/modified/py && node=$SCRATCH/modified/node/src
  while read -r name fn file sdk; do
    printf "import { %s } from './suites.js';\n%s('%s'%s);\n" "$fn" "$fn" "$file" "${sdk:+, '$sdk'}" > "$H/$pass-$name.test.ts"
    tests+=("$pass-$name")
  done <<LIST
py-drive-thru driveThru $base/drive_thru/agent.py python
py-restaurant restaurant $base/restaurant_agent.py python
node-drive-thru driveThru $node/drive-thru/drivethru_agent.ts js
node-restaurant restaurant $node/restaurant_agent.ts js
node-multi-agent multiAgent $node/multi_agent.ts
LIST
done

cd "$H"
for t in "${tests[@]}"; do
  echo "== $t"
  workaround=; [[ $t == modified-* ]] && workaround=1
  LK_WORKAROUNDS=$workaround "$ROOT/node_modules/.bin/vitest" run --root . "$t.test.ts" > "$t.log" 2>&1 || true
  sed 's/\x1b\[[0-9;]*m//g' "$t.log" | grep -E '^ +(✓|×|↓) |^ +Tests |^(Error|TypeError|AgentSessionError):' || true
done
echo "Full output: $H/*.log"
