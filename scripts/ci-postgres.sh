#!/usr/bin/env bash
# A throwaway PostgreSQL 15 + pgvector server for tests and benchmarks, on 127.0.0.1 only.
#
#   source scripts/ci-postgres.sh start   # installs what is missing, starts, exports PV_TEST_POSTGRES_URL
#   scripts/ci-postgres.sh stop           # stops the cluster and deletes its data directory
#
# Installs `postgresql` and `postgresql-server-dev-15` from apt when absent and builds pgvector from
# ../shared/vendor/pgvector-0.8.6.tar.gz (never downloaded). initdb/pg_ctl run as user `postgres`. The
# cluster lives in a temporary directory named in $PV_PG_DIR (default /tmp/pv-ci-postgres-<pid>).
set -euo pipefail

pv_pg_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
pv_pg_bin="/usr/lib/postgresql/15/bin"

pv_pg_install() {
  if [[ ! -x "$pv_pg_bin/initdb" ]] || [[ ! -x "$(command -v pg_config || true)" ]] || [[ ! -d /usr/include/postgresql/15/server ]]; then
    echo "ci-postgres: installing postgresql and postgresql-server-dev-15 (apt)"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql postgresql-server-dev-15 >/dev/null
  fi
  if [[ ! -f "$(pg_config --sharedir)/extension/vector.control" ]] || ! grep -q "default_version = '0.8.6'" "$(pg_config --sharedir)/extension/vector.control"; then
    local tarball="$pv_pg_root/../shared/vendor/pgvector-0.8.6.tar.gz"
    [[ -f "$tarball" ]] || { echo "ci-postgres: $tarball is missing" >&2; return 1; }
    echo "$(echo '5743dac39fdfa740533cf95e71b033bd5513b71dda194b3cf19464ccbf76f3fb')  $tarball" | sha256sum -c --quiet
    local build
    build="$(mktemp -d)"
    tar xzf "$tarball" -C "$build"
    echo "ci-postgres: building pgvector 0.8.6"
    make -s -C "$build/pgvector-0.8.6" -j2 PG_CONFIG="$(command -v pg_config)" >/dev/null 2>&1
    make -s -C "$build/pgvector-0.8.6" install PG_CONFIG="$(command -v pg_config)" >/dev/null
    rm -rf "$build"
  fi
}

pv_pg_free_port() {
  node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"
}

pv_pg_start() {
  pv_pg_install
  export PV_PG_DIR="${PV_PG_DIR:-/tmp/pv-ci-postgres-$$}"
  local port
  port="$(pv_pg_free_port)"
  rm -rf "$PV_PG_DIR"
  mkdir -p "$PV_PG_DIR"
  chown postgres:postgres "$PV_PG_DIR"
  chmod 700 "$PV_PG_DIR"
  local as_postgres=(runuser -u postgres --)
  [[ "$(id -un)" == postgres ]] && as_postgres=()
  "${as_postgres[@]}" "$pv_pg_bin/initdb" -D "$PV_PG_DIR/data" -U postgres -A trust --no-sync >/dev/null
  # Benchmarks load up to 1M 512-d vectors: room for an HNSW build in memory (PV_PG_MAINTENANCE_WORK_MEM,
  # default 2GB; a 1M x 512-d graph needs about 4GB to be built without spilling).
  "${as_postgres[@]}" "$pv_pg_bin/pg_ctl" -D "$PV_PG_DIR/data" -l "$PV_PG_DIR/server.log" -w start \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $PV_PG_DIR -c max_connections=100 -c shared_buffers=512MB -c maintenance_work_mem=${PV_PG_MAINTENANCE_WORK_MEM:-2GB} -c fsync=on" >/dev/null
  export PV_TEST_POSTGRES_URL="postgresql://postgres@127.0.0.1:$port/postgres"
  psql -q "$PV_TEST_POSTGRES_URL" -c 'CREATE EXTENSION IF NOT EXISTS vector' >/dev/null
  echo "ci-postgres: PostgreSQL $("$pv_pg_bin/postgres" --version | awk '{print $3}') with pgvector $(psql -Atq "$PV_TEST_POSTGRES_URL" -c "SELECT extversion FROM pg_extension WHERE extname='vector'") on $PV_TEST_POSTGRES_URL ($PV_PG_DIR)"
}

pv_pg_stop() {
  local dir="${PV_PG_DIR:-}"
  [[ -n "$dir" && -d "$dir/data" ]] || return 0
  local as_postgres=(runuser -u postgres --)
  [[ "$(id -un)" == postgres ]] && as_postgres=()
  "${as_postgres[@]}" "$pv_pg_bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null || true
  rm -rf "$dir"
  echo "ci-postgres: stopped and removed $dir"
}

case "${1:-}" in
  start) pv_pg_start ;;
  stop) pv_pg_stop ;;
  *) echo "usage: source scripts/ci-postgres.sh start | scripts/ci-postgres.sh stop" >&2; return 2 2>/dev/null || exit 2 ;;
esac
