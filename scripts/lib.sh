# Shared helpers for the test and fuzz scripts (sourced, not run).

TEST_DATABASE_URL="${TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
export TEST_DATABASE_URL

# The Python tools (Schemathesis, openapi-spec-validator), pinned, in ./.venv.
ensure_tools() {
  if [ ! -x .venv/bin/python ]; then
    python3 -m venv .venv
  fi
  if ! cmp -s tools/requirements.txt .venv/.requirements 2>/dev/null; then
    .venv/bin/pip install --quiet --disable-pip-version-check -r tools/requirements.txt
    cp tools/requirements.txt .venv/.requirements
  fi
  export KEFU_TEST_PYTHON="$PWD/.venv/bin/python"
}

# Whether the PostgreSQL server of TEST_DATABASE_URL answers.
pg_reachable() {
  if command -v psql >/dev/null 2>&1; then
    psql "$TEST_DATABASE_URL" -qAtc 'SELECT 1' >/dev/null 2>&1
  else
    local hostport host port
    hostport=$(printf '%s' "$TEST_DATABASE_URL" | sed -E 's#^[a-z]+://([^@/]*@)?([^/?]*).*#\2#')
    host=${hostport%:*}; port=${hostport##*:}
    [ "$host" = "$hostport" ] && port=5432
    (exec 3<>"/dev/tcp/${host:-127.0.0.1}/${port}") 2>/dev/null
  fi
}

# Outside CI, an unreachable PostgreSQL is a loud skip; in CI it is a failure.
pg_unreachable_notice() {
  if [ "${CI:-}" = "true" ]; then
    echo "!!! PostgreSQL at $TEST_DATABASE_URL is unreachable and CI=true: $1 cannot be skipped in CI." >&2
    exit 1
  fi
  echo "!!! PostgreSQL at $TEST_DATABASE_URL is UNREACHABLE: SKIPPING $1 (start it, or set TEST_DATABASE_URL)." >&2
}

# TEST_DATABASE_URL with another database name.
database_url() {
  local base=${TEST_DATABASE_URL%%\?*} query=""
  [ "$base" != "$TEST_DATABASE_URL" ] && query="?${TEST_DATABASE_URL#*\?}"
  local rest=${base#*://}
  case "$rest" in
    */*) base="${base%/*}" ;;
  esac
  printf '%s/%s%s' "$base" "$1" "$query"
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

wait_for_http() {
  for _ in $(seq 1 300); do
    curl -sf "$1" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  echo "$1 did not answer within 30 s" >&2
  return 1
}
