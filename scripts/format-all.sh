#!/usr/bin/env bash
# Reformats the whole repository with Prettier (.prettierrc.json, .prettierignore) once, as its
# own commit, so that `npm test`'s format stage passes from then on. Run it on a clean working
# tree after the branches that were open when the formatter came in are merged: a reformat
# touches most files, and a branch still open would conflict with all of it.
#
#   scripts/format-all.sh            reformat, then show what changed (nothing is committed)
#   scripts/format-all.sh --commit   reformat and commit the result
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -n "$(git status --porcelain)" ]; then
  echo "format-all: the working tree has changes; commit or discard them first, so the reformat stands alone." >&2
  exit 1
fi

npx prettier --write --log-level warn .
# Prettier is not always idempotent (a long member chain can settle only on a second pass):
# format again whatever it would still change, until nothing is left.
for _ in 1 2 3; do
  mapfile -t again < <(npx prettier --list-different . || true)
  [ "${#again[@]}" -eq 0 ] && break
  npx prettier --write --log-level warn "${again[@]}"
done
changed=$(git diff --name-only | wc -l)
echo "format-all: ${changed} files reformatted."
git diff --stat | tail -n 1

# The formatter must not change what the code does: the lint and the types still hold.
npm run --silent lint
npm run --silent typecheck

if [ "${1:-}" = "--commit" ] && [ "${changed}" -gt 0 ]; then
  git commit -qam "Format the repository with Prettier (scripts/format-all.sh): print width 160, single quotes, trailing commas"
  echo "format-all: committed $(git rev-parse --short HEAD)."
fi
