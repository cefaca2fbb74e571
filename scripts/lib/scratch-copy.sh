# Shared by the compatibility gates (scripts/test-jest29.sh, scripts/test-vitest5.sh; check-pack.sh
# uses step and scratch_cleanup): a scratch copy of the working tree where another runner version
# can be installed without touching the main install, the example agents' installs shared by
# symlink, and no process of the copy left behind. Source it from the repository root, then call
# scratch_copy NAME.

# Sets $work to a fresh copy of what is on disk (tracked and untracked, not ignored, files),
# removed again, with anything still running from it, when the script exits.
scratch_copy() {
  local repo
  repo=$(pwd)
  # The example agents' installs are reused from the repository, not installed again.
  if [ ! -x examples/python/.venv/bin/python ] || [ ! -d examples/node/node_modules ]; then
    echo "== setting up the example agents in the repository"
    npm run setup:examples
  fi
  work=$(mktemp -d "${TMPDIR:-/tmp}/agent-session-test-$1.XXXXXX")
  trap scratch_cleanup EXIT
  echo "== copying the working tree to $work"
  git ls-files -z -co --exclude-standard | while IFS= read -r -d '' file; do
    # A tracked file deleted on disk is not part of the working tree.
    if [ -e "$file" ] || [ -L "$file" ]; then printf '%s\0' "$file"; fi
  done | tar -c --null -T - -f - | tar -x -C "$work"
  ln -s "$repo/examples/python/.venv" "$work/examples/python/.venv"
  ln -s "$repo/examples/node/node_modules" "$work/examples/node/node_modules"
  # The Node fixture agents use the examples' install, as scripts/setup-examples.mjs arranges.
  if [ -d "$work/test/fixtures/agents/node" ]; then
    ln -sfn ../../../../examples/node/node_modules "$work/test/fixtures/agents/node/node_modules"
  fi
}

# Processes started from the copy: their command lines hold its path (agents, runner workers).
scratch_processes() { pgrep -f -- "$work/" || true; }

scratch_cleanup() {
  local left
  left=$(scratch_processes)
  # shellcheck disable=SC2086 # one process id per word
  [ -z "$left" ] || kill -KILL $left 2>/dev/null || true
  rm -rf "$work"
}

status=0
# Runs one named step, prints how it went and how long it took; a failure sets status=1.
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

# Fails the gate (status=1) when a process of the copy outlived the runs. A runner's own teardown
# already fails on a leftover agent; this also catches a teardown that never ran.
check_no_leftovers() {
  local left
  sleep 1
  left=$(scratch_processes)
  if [ -n "$left" ]; then
    echo "== FAILED: processes outlived the runs:"
    ps -o pid=,args= -p "$(echo $left | tr ' ' ,)" || true
    status=1
  fi
}
