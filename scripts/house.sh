#!/usr/bin/env bash
# The house keeps itself honest: the arrows between the crates point one way.
# - kefu-domain is pure: no diesel, actix-web or tokio.
# - kefu-http never touches the database directly: no diesel dependency, no diesel in its
#   code, and it builds against kefu-persistence without the test suite's `testing` feature
#   (which alone exposes the diesel connection).
# - kefu-persistence exposes no diesel connection or transaction to its callers (clippy on the
#   crate alone: a public operation that took the private connection would not compile clean).
set -euo pipefail
cd "$(dirname "$0")/.."

fail() { echo "!!! house: $*" >&2; exit 1; }

tree=$(cargo tree -p kefu-domain -e normal --prefix none)
if printf '%s\n' "$tree" | grep -E '^(diesel|actix-web|tokio) '; then
  fail "kefu-domain must not depend on diesel, actix-web or tokio"
fi

direct=$(cargo tree -p kefu-http -e normal --depth 1 --prefix none)
if printf '%s\n' "$direct" | grep -E '^diesel'; then
  fail "kefu-http must not depend on diesel: its database work goes through kefu-persistence"
fi
if grep -rnw --include='*.rs' -e 'diesel' -e 'DbConnection' crates/http/src; then
  fail "kefu-http names diesel or the diesel connection (above)"
fi
# The OpenAPI document names a schema by its type's name alone: two types of one name would
# silently share one schema (and one of them would be documented wrong).
schemas=$(grep -rh --include='*.rs' -A15 -E 'derive\([^)]*ToSchema' crates/http/src crates/domain/src \
  | grep -oE 'pub (struct|enum) [A-Za-z0-9_]+' | awk '{print $3}' | sort | uniq -d)
if [ -n "$schemas" ]; then
  fail "two API types share a name, and so one OpenAPI schema: $schemas"
fi
cargo check -q -p kefu-http --lib
cargo clippy -q -p kefu-persistence --lib -- -D warnings
echo "house: domain pure, http free of diesel, persistence keeps its connection"
