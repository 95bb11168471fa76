#!/usr/bin/env bash
# Cold `build` and cold `build` + `typecheck` (turbo --force: nothing from the cache) of a base
# commit and of this checkout, measured one after the other on the same machine.
# Usage: .ci/measure-build.sh [base-ref]   (default: main)
set -euo pipefail
cd "$(dirname "$0")/.."
base_ref="${1:-main}"
base_dir="$(mktemp -d)/base"
git worktree add --detach "$base_dir" "$base_ref" >/dev/null
trap 'git worktree remove --force "$base_dir"' EXIT
(cd "$base_dir" && pnpm install --frozen-lockfile >/dev/null 2>&1)

seconds() { # seconds <dir> <turbo tasks...>
  local dir="$1" start end
  shift
  start=$(date +%s%N)
  (cd "$dir" && pnpm turbo run "$@" --force --output-logs=errors-only >/dev/null)
  end=$(date +%s%N)
  echo "$(((end - start) / 1000000))" | sed -E 's/([0-9]{3})$/.\1/'
}

for side in "base ($base_ref):$base_dir" "this checkout:$PWD"; do
  label="${side%%:*}"
  dir="${side#*:}"
  build=$(seconds "$dir" build)
  both=$(seconds "$dir" build typecheck)
  printf '%-24s cold build %8s s   cold build + typecheck %8s s\n' "$label" "$build" "$both"
done
