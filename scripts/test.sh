#!/usr/bin/env bash
# Every test: unit tests beside the code, the black-box suite on SQLite and PostgreSQL.
# PostgreSQL tests (names containing "postgres") need the server of TEST_DATABASE_URL; when it
# is unreachable they are skipped loudly (nextest counts them as skipped), and with CI=true
# that is a failure instead.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

ensure_tools
command -v cargo-nextest >/dev/null 2>&1 || cargo install --locked cargo-nextest
# The black-box suite runs the real binary too.
cargo build -p kefu-http --bin kefu

filter=()
if pg_reachable; then
  echo "== PostgreSQL at $TEST_DATABASE_URL answers: running the suite on SQLite and PostgreSQL"
else
  pg_unreachable_notice "the PostgreSQL tests"
  filter=(-E 'not test(/postgres/)')
fi
cargo nextest run --workspace --no-fail-fast "${filter[@]}"
