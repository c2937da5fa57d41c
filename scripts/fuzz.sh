#!/usr/bin/env bash
# Schemathesis against a freshly started kefu on each backend, signed in as a dedicated user.
# Pinned version (tools/requirements.txt), fixed seed, bounded examples: the same run every time.
# Settings and the reasons for anything not checked are in schemathesis.toml.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

SEED="${FUZZ_SEED:-20261123}"
EXAMPLES="${FUZZ_EXAMPLES:-40}"
ensure_tools
[ -n "${KEFU_SKIP_BUILD:-}" ] || cargo build -q -p kefu-http --bin kefu
KEFU=target/debug/kefu
work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  [ -n "${fuzz_db:-}" ] && psql "$TEST_DATABASE_URL" -qAtc "DROP DATABASE IF EXISTS \"$fuzz_db\" WITH (FORCE)" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

fuzz_backend() {
  local backend=$1 url=$2 port
  port=$(free_port)
  echo "== fuzz: $backend on 127.0.0.1:$port (seed $SEED, $EXAMPLES examples per operation)"
  KEFU_DATABASE_URL="$url" "$KEFU" migrate
  # The dedicated fuzzing user: its password is nowhere in the spec, so no generated request
  # can change or lock it.
  local password; password="fuzz-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
  printf '%s\n' "$password" | KEFU_DATABASE_URL="$url" "$KEFU" create-admin --username fuzzer
  KEFU_DATABASE_URL="$url" KEFU_LISTEN="127.0.0.1:$port" RUST_LOG=warn "$KEFU" serve >"$work/$backend.log" 2>&1 &
  local server=$!
  # In its own subshell: the server goes when the fuzzing ends, however it ends.
  trap 'kill "$server" 2>/dev/null || true' EXIT
  wait_for_http "http://127.0.0.1:$port/readyz"
  local token
  token=$(curl -sf -X POST "http://127.0.0.1:$port/api/v1/auth/login" -H 'content-type: application/json' \
    -d "{\"username\":\"fuzzer\",\"password\":\"$password\"}" | .venv/bin/python -c 'import json,sys;print(json.load(sys.stdin)["access_token"])')
  # One record of every kind, so by-id operations reach real records (schemathesis.toml).
  eval "$(.venv/bin/python tools/fuzz_seed.py "http://127.0.0.1:$port" "$token")"
  local status=0
  SCHEMATHESIS_HOOKS=tools/fuzz_hooks.py .venv/bin/st run "http://127.0.0.1:$port/openapi.json" \
    --checks all --seed "$SEED" --max-examples "$EXAMPLES" \
    --workers 1 --no-color --header "Authorization: Bearer $token" \
    || { status=1; echo "kefu log ($backend):"; tail -n 50 "$work/$backend.log"; }
  kill "$server" 2>/dev/null || true
  return "$status"
}

# Each backend is fuzzed by its own Schemathesis against its own server, both at once (each is
# mostly one busy process: two cores serve both); their reports follow one another.
started=()
in_background() {
  local name=$1; shift
  ( "$@" >"$work/$name.out" 2>&1; echo $? >"$work/$name.status" ) &
  started+=("$name")
}

backends="${FUZZ_BACKENDS:-sqlite postgres}"
case " $backends " in *" sqlite "*) in_background sqlite fuzz_backend sqlite "sqlite://$work/fuzz.db" ;; esac
if [ "${backends#*postgres}" = "$backends" ]; then
  :
elif pg_reachable; then
  fuzz_db="kefu_fuzz_$(date +%s)_$$"
  psql "$TEST_DATABASE_URL" -qAtc "CREATE DATABASE \"$fuzz_db\"" >/dev/null
  in_background postgres fuzz_backend postgres "$(database_url "$fuzz_db")"
else
  pg_unreachable_notice "fuzzing on PostgreSQL"
fi
wait
failed=0
for name in "${started[@]}"; do
  cat "$work/$name.out"
  [ "$(cat "$work/$name.status" 2>/dev/null || echo 1)" = 0 ] || { echo "!!! fuzz failed on $name"; failed=1; }
done
exit "$failed"
