#!/usr/bin/env bash
# conflict-check.sh: fail when any tracked file (or, outside git, any file
# in the tree) holds an unresolved merge-conflict marker: a line that starts
# with seven '<' or '>' followed by a space or the line's end.
set -euo pipefail
cd "$(dirname "$0")/.."
pattern='^(<<<<<<<|>>>>>>>)( |$)'
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	hits=$(git grep -nIE "$pattern" -- . ':!scripts/conflict-check.sh' || true)
else
	hits=$(grep -rnIE "$pattern" --exclude-dir=.git --exclude=conflict-check.sh . || true)
fi
if [ -n "$hits" ]; then
	echo "conflict-check: unresolved merge-conflict markers; resolve them:" >&2
	echo "$hits" >&2
	exit 1
fi
