#!/usr/bin/env bash
# Runs the vitest suite again on Node VERSION (installed by .ci/install-node.sh), writing
# reports/vitest-node<VERSION>.json. better-sqlite3 is the one addon built for a Node ABI (serialport's, rolldown's
# and the rest are N-API, the same binary on every Node): it is recompiled from source for VERSION first, against the
# headers inside the node-linux package, and the machine's own build is put back afterwards, whatever happened, so
# the work tree is left as it was found. Usage: .ci/node-pass.sh 22.23.3
set -euo pipefail
cd "$(dirname "$0")/.."
version="${1:?usage: $0 VERSION}"
home="$(bash .ci/install-node.sh "$version")"
mkdir -p reports

addon=node_modules/better-sqlite3/build
saved="$(mktemp -d)"
cp -a "$addon" "$saved/build"
restore() {
  rm -rf "$addon"
  mv "$saved/build" "$addon"
  rmdir "$saved"
}
trap restore EXIT

export PATH="$home/bin:$PATH"
echo "Node $(node --version): recompiling better-sqlite3 (log: reports/rebuild-node$version.log)"
# nodedir through node-gyp's own prefix (npm_package_config_node_gyp_*, which npm does not warn about); it wins over
# a nodedir in the user's .npmrc, which names the machine's Node 20 headers. .prebuild-installrc keeps the rebuild
# from downloading a prebuilt binary.
if ! npm_package_config_node_gyp_nodedir="$home" npm rebuild better-sqlite3 --foreground-scripts \
  >"reports/rebuild-node$version.log" 2>&1; then
  tail -n 40 "reports/rebuild-node$version.log"
  exit 1
fi
node -e "new (require('better-sqlite3'))(':memory:').close()"

echo "Node $(node --version): running the suite"
rm -f reports/vitest.json
set +e
node_modules/.bin/vitest run
status=$?
set -e
[ -f reports/vitest.json ] && mv reports/vitest.json "reports/vitest-node$version.json"
exit "$status"
