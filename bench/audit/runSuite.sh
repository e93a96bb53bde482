#!/bin/sh
# Started by the audit CLI once per test suite, as `sh run.sh <suite-id>` in the
# audit's work dir (bench/audit.sh copies this file there). It writes that
# suite's supergraph, then becomes the Wharf gateway serving it. The audit CLI
# stops it after the suite's cases. Its settings come from bench/audit.sh.
set -e
rm -f ./supergraph.graphql
(cd "$AUDIT_SUITE_COPY" && "$AUDIT_NODE" --import tsx ./src/cli.ts supergraph \
  --port "$AUDIT_PORT" --cwd "$AUDIT_RUN_DIR" --test "$1")
cd "$WHARF_ROOT"
exec "$GATEWAY_NODE" bin/wharf.mjs gateway --supergraph "$AUDIT_RUN_DIR/supergraph.graphql" \
  --host 127.0.0.1 --port "$GATEWAY_PORT"
