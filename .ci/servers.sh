#!/usr/bin/env bash
# Real Redis and PostgreSQL servers for the tests, on 127.0.0.1, each in its own folder:
#   servers.sh install                 apt-get install redis-server and postgresql when missing
#   servers.sh redis DIR [PORT]        start redis-server (AOF, fsync on every write); prints its URL
#   servers.sh postgres DIR [PORT]     initdb (first time) and start PostgreSQL 15; prints its URL
#   servers.sh stop DIR                stop whatever servers.sh started in DIR
# Used by .ci/run (servers for the whole run) and by the tests (a private server to stop and restart).
set -euo pipefail

PG_BIN=/usr/lib/postgresql/15/bin

free_port() {
  node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

# PostgreSQL refuses to run as root: run its tools as the postgres user then.
as_pg() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

wait_for() { # command... : retried for 20 s
  for _ in $(seq 1 200); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    sleep 0.1
  done
  echo "servers.sh: gave up waiting for: $*" >&2
  return 1
}

case "${1:-}" in
  install)
    if command -v redis-server >/dev/null && [ -x "$PG_BIN/pg_ctl" ]; then exit 0; fi
    # dpkg may be locked by another install running at the same moment: wait and retry.
    for attempt in 1 2 3 4 5 6 7 8 9 10; do
      if apt-get install -y redis-server postgresql >/dev/null; then exit 0; fi
      [ "$attempt" = 1 ] && apt-get update >/dev/null || true
      sleep 10
    done
    exit 1
    ;;
  redis)
    dir="$2"
    mkdir -p "$dir"
    port="${3:-$(cat "$dir/redis.port" 2>/dev/null || free_port)}"
    echo "$port" >"$dir/redis.port"
    # appendfsync always: an acknowledged write is on disk before Redis answers (anirec acknowledges then).
    redis-server --bind 127.0.0.1 --port "$port" --daemonize yes --dir "$dir" --pidfile "$dir/redis.pid" \
      --logfile "$dir/redis.log" --appendonly yes --appendfsync always --save '' >/dev/null
    wait_for redis-cli -p "$port" ping
    echo "redis://127.0.0.1:$port"
    ;;
  postgres)
    dir="$2"
    mkdir -p "$dir"
    [ "$(id -u)" = 0 ] && chown postgres "$dir"
    port="${3:-$(cat "$dir/postgres.port" 2>/dev/null || free_port)}"
    echo "$port" >"$dir/postgres.port"
    if [ ! -f "$dir/pgdata/PG_VERSION" ]; then
      as_pg "$PG_BIN/initdb" -D "$dir/pgdata" -U postgres -A trust --no-sync >"$dir/initdb.log"
    fi
    as_pg "$PG_BIN/pg_ctl" -D "$dir/pgdata" -l "$dir/postgres.log" -w -t 20 \
      -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c max_connections=200" start >/dev/null
    wait_for "$PG_BIN/pg_isready" -h 127.0.0.1 -p "$port"
    echo "postgres://postgres@127.0.0.1:$port/postgres"
    ;;
  stop)
    dir="$2"
    if [ -f "$dir/redis.pid" ]; then
      pid="$(cat "$dir/redis.pid")"
      kill "$pid" 2>/dev/null || true
      wait_for bash -c "! kill -0 $pid"
      rm -f "$dir/redis.pid"
    fi
    if [ -f "$dir/pgdata/postmaster.pid" ]; then
      as_pg "$PG_BIN/pg_ctl" -D "$dir/pgdata" -m fast -w stop >/dev/null || true
    fi
    ;;
  *)
    echo "usage: servers.sh install | redis DIR [PORT] | postgres DIR [PORT] | stop DIR" >&2
    exit 2
    ;;
esac
