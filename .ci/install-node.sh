#!/usr/bin/env bash
# Installs Node VERSION from the npm registry's node-<os>-<arch> package (the official binary and headers ship
# inside the package; nothing is fetched from anywhere else) into a cache outside the work tree, once, and prints
# the folder that holds bin/node and include/node. Usage: .ci/install-node.sh 22.23.3
set -euo pipefail
version="${1:?usage: $0 VERSION}"
case "$(uname -m)" in
  x86_64) arch=x64 ;;
  aarch64) arch=arm64 ;;
  *) echo "install-node: no node-linux package for $(uname -m)" >&2; exit 1 ;;
esac
package="node-linux-$arch"
cache="${VENUE_RECORDER_NODE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/venue-recorder/node}/$version"
home="$cache/node_modules/$package"

if [ ! -x "$home/bin/node" ] || [ "$("$home/bin/node" --version 2>/dev/null)" != "v$version" ] ||
  [ ! -f "$home/include/node/node_version.h" ]; then
  rm -rf "$cache"
  mkdir -p "$cache"
  # A manifest of its own, so that npm installs here and not into the project above; the package has no install
  # script, so no allowScripts entry is needed.
  printf '{ "name": "venue-recorder-node-%s", "private": true }\n' "$version" >"$cache/package.json"
  npm install --prefix "$cache" --no-save --no-package-lock --no-audit --no-fund --loglevel=error \
    "$package@$version" >&2
fi
"$home/bin/node" --version >/dev/null
echo "$home"
