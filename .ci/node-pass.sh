#!/usr/bin/env bash
# Runs the vitest suite again on Node VERSION (installed by .ci/install-node.sh), writing
# reports/vitest-node<VERSION>.json. better-sqlite3 is the one addon built for a Node ABI (serialport's, rolldown's
# and the rest are N-API, the same binary on every Node): it is recompiled from source for VERSION first, against the
# headers inside the node-linux package, and the machine's own build is put back afterwards, whatever happened, so
# the work tree is left as it was found. Usage: .ci/node-pass.sh 22.23.3 [vitest filters, e.g. test/clip.test.ts]
# It swaps the addon inside node_modules while it runs: in a tree others are testing in on Node 20, use a clone.
set -euo pipefail
cd "$(dirname "$0")/.."
version="${1:?usage: $0 VERSION [vitest filters]}"
shift
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
# The build for this Node is kept beside it in the cache (per better-sqlite3 version): compiling SQLite takes minutes
# on a busy machine, and the next run on this machine reuses it.
bsql="$(node -p "require('./node_modules/better-sqlite3/package.json').version")"
# On Node 24.19+ the addon is built against a copy of the headers whose ObjectWrap has no cleanup hook (see
# scripts/sqlite-addon-headers.mjs, the same step npm's postinstall takes); elsewhere against the package's own.
nodedir="$(node scripts/sqlite-addon-headers.mjs "$home")"
flavour=""
[ "$nodedir" != "$home" ] && flavour="-objectwrap-patched"
cached="$(cd "$home/../.." && pwd)/better-sqlite3-$bsql-build$flavour"
loads() { node -e "new (require('better-sqlite3'))(':memory:').close()" 2>/dev/null; }
rebuild() {
  echo "Node $(node --version): compiling better-sqlite3 $bsql (log: reports/rebuild-node$version.log)"
  # nodedir through node-gyp's own prefix (npm_package_config_node_gyp_*, which npm does not warn about): it wins over
  # a nodedir in the user's .npmrc, which names the machine's Node 20 headers. .prebuild-installrc keeps the rebuild
  # from downloading a prebuilt binary.
  if ! npm_package_config_node_gyp_nodedir="$nodedir" npm rebuild better-sqlite3 --foreground-scripts \
    >"reports/rebuild-node$version.log" 2>&1; then
    tail -n 40 "reports/rebuild-node$version.log"
    return 1
  fi
  rm -rf "$cached" "$cached.tmp"
  cp -a "$addon" "$cached.tmp" && mv "$cached.tmp" "$cached"
}
if [ -f "$cached/Release/better_sqlite3.node" ]; then
  echo "Node $(node --version): better-sqlite3 $bsql as compiled for it before ($cached)"
  rm -rf "$addon"
  cp -a "$cached" "$addon"
  loads || rebuild
else
  rebuild
fi
loads || {
  node -e "require('better-sqlite3')"
  exit 1
}

echo "Node $(node --version): running the suite"
rm -f reports/vitest.json
set +e
node_modules/.bin/vitest run "$@"
status=$?
set -e
[ -f reports/vitest.json ] && mv reports/vitest.json "reports/vitest-node$version.json"
exit "$status"
