#!/usr/bin/env bash
# A front end's view of the contract: install the pinned tools of clients/typescript (npm ci),
# generate TypeScript types from the OpenAPI document with openapi-typescript, and type-check
# the small client against them with `tsc --noEmit`. Any type error fails the run.
#
#   bash scripts/typescript.sh                  # the committed openapi/openapi.json
#   bash scripts/typescript.sh path/to/spec.json
#   KEFU_SPEC=path/to/spec.json bash scripts/typescript.sh
#
# Needs only Node.js (>= 18.17) and npm.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

spec=${1:-${KEFU_SPEC:-openapi/openapi.json}}
case $spec in /*) ;; *) spec="$root/$spec" ;; esac

fail() {
  echo "!!! TYPESCRIPT CLIENT: $1" >&2
  exit 1
}

command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 ||
  fail "node and npm are needed (Node.js >= 18.17)"
node_major=$(node -p 'process.versions.node.split(".")[0]')
[ "$node_major" -ge 18 ] || fail "Node.js $(node --version) is too old; 18.17 or newer is needed"
[ -f "$spec" ] || fail "no OpenAPI document at $spec"

cd clients/typescript

echo "== npm ci (clients/typescript)"
npm ci --no-audit --no-fund --prefer-offline --loglevel=error ||
  fail "npm ci failed (is package-lock.json in step with package.json?)"

echo "== openapi-typescript ${spec#"$root/"} -> clients/typescript/src/schema.d.ts"
rm -f src/schema.d.ts
./node_modules/.bin/openapi-typescript "$spec" --output src/schema.d.ts ||
  fail "openapi-typescript could not generate types from $spec"

echo "== tsc --noEmit"
./node_modules/.bin/tsc --noEmit --pretty false ||
  fail "the client in clients/typescript does not type-check against ${spec#"$root/"}: the contract changed under it (see the errors above)"

echo "== TypeScript client type-checks against ${spec#"$root/"}"
