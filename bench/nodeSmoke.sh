#!/usr/bin/env bash
# `npm start` and one search through it, under each Node version given (default: 22 and 24), with the
# npm registry's Node binaries (bench/fetchNode.sh; cached in /tmp, so a rerun needs no download).
# The project's own suite runs under the machine's node; this checks that the other supported
# versions start the demo through bin/wharf.mjs's tsx loader and answer a search.
#
#   bash bench/nodeSmoke.sh [major ...]
set -euo pipefail
cd "$(dirname "$0")/.."
[ "$#" -gt 0 ] || set -- 22 24
status=0
for major in "$@"; do
  started=$(date +%s)
  node_binary=$(bash bench/fetchNode.sh "$major")
  node --import tsx bench/nodeSmoke/smokeDemo.ts "$node_binary" || status=1
  echo "  (Node $major check: $(( $(date +%s) - started )) s including the binary's download)"
done
exit "$status"
