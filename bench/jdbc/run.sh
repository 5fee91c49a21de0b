#!/usr/bin/env bash
# Rows per second of a backfill from PostgreSQL through the jdbc input, the durable outbox and delivery to a
# loopback /raw (nginx answering 201 at once), with the daemon at -Xmx128m, and its peak heap (from the GC log).
# Beside it, from the same run, what bounds it: PostgreSQL itself streaming the same rows in the same keyset order
# (psql \copy ... TO STDOUT, as text and as JSON) and the network (wrk, 8 connections, same nginx).
# Two runs: rows_per_record = 1 (one post per row) and 100 (NDJSON of 100 rows: the source, not the posts, bounds it).
# Usage: bench/jdbc/run.sh [ROWS]   (default 1,000,000; PER="100" runs only rows_per_record = 100, DIST=folder
# another built distribution). Needs postgresql, nginx-light, wrk; build the distribution
# first (mvn -B -q package -DskipTests). Not in mvn verify.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
rows="${1:-1000000}"
dist="${DIST:-$root/runtime/target/cybexp-input}"
[ -x "$dist/bin/cybexp-input" ] || { echo "build the distribution first: mvn -B -q package -DskipTests" >&2; exit 1; }
bin="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
. "$root/bench/web-port.sh" # free_port, use_free_web_port
now_ms() { date +%s%3N; }

work="$(mktemp -d /tmp/cybexp-jdbc-bench-XXXXXX)"
chmod 755 "$work"
[ "$(id -u)" = 0 ] && chown postgres "$work"
pgport="$(free_port)"
home=""
nginx_pid=""
cleanup() {
  [ -n "$home" ] && { "$home/bin/cybexp-input" stop >/dev/null 2>&1 || true; rm -rf "$home"; }
  [ -n "$nginx_pid" ] && kill "$nginx_pid" 2>/dev/null || true
  as_pg "$bin/pg_ctl" -D "$work/pg" -m immediate -w stop >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

as_pg "$bin/initdb" -D "$work/pg" -U postgres -A trust -E UTF8 --locale=C.UTF-8 --no-sync >/dev/null
as_pg "$bin/pg_ctl" -D "$work/pg" -l "$work/pg.log" -w -o "-p $pgport -c listen_addresses=127.0.0.1 \
  -c unix_socket_directories=$work -c shared_buffers=128MB" start >/dev/null
psql=(as_pg "$bin/psql" -X -q -h 127.0.0.1 -p "$pgport" -U postgres -d postgres -v ON_ERROR_STOP=1)
t0="$(now_ms)"
"${psql[@]}" <<SQL
CREATE TABLE indicators (id bigint PRIMARY KEY, reported timestamptz NOT NULL, ioc text NOT NULL, kind text,
  source text, confidence numeric(5,2), tags text[], raw bytea);
INSERT INTO indicators SELECT g, timestamptz '2026-01-01 00:00:00Z' + (g / 5) * interval '1 second',
  '198.51.' || (g % 256) || '.' || (g / 256 % 256), CASE g % 3 WHEN 0 THEN 'ipv4' WHEN 1 THEN 'url' ELSE 'domain' END,
  'ticketing-' || (g % 17), (g % 10000) / 100.0, ARRAY['tag' || (g % 5), 'batch'], decode(md5(g::text), 'hex')
  FROM generate_series(1, $rows) g;
CREATE INDEX indicators_keyset ON indicators (reported, id);
VACUUM ANALYZE indicators;
SQL
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores; $rows rows (table built in $(( $(now_ms) - t0 )) ms)"

keyset="SELECT * FROM indicators ORDER BY reported, id"
t0="$(now_ms)"; "${psql[@]}" -c "\\copy ($keyset) TO STDOUT" > /dev/null; copy_ms=$(( $(now_ms) - t0 ))
t0="$(now_ms)"; "${psql[@]}" -c "\\copy (SELECT row_to_json(i) FROM ($keyset) i) TO STDOUT" > /dev/null
json_ms=$(( $(now_ms) - t0 ))

port="$(free_port)"
mkdir -p "$work/nginx/logs"
cat > "$work/nginx/nginx.conf" <<CONF
worker_processes 1;
daemon off;
pid $work/nginx/nginx.pid;
error_log $work/nginx/logs/error.log warn;
events { worker_connections 1024; }
http {
  log_format count '\$status';
  access_log $work/nginx/logs/access.log count buffer=4k flush=100ms;
  client_body_temp_path $work/nginx/body;
  keepalive_requests 100000000;
  client_max_body_size 16m;
  server {
    listen 127.0.0.1:$port;
    location = /api/v1.0/raw { return 201 '{"message": "Data posted successfully"}\n'; }
  }
}
CONF
: > "$work/nginx/logs/access.log"
nginx -p "$work/nginx" -c "$work/nginx/nginx.conf" &
nginx_pid=$!
for _ in $(seq 50); do (echo > "/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done
posted() { wc -l < "$work/nginx/logs/access.log"; }
wrk_rate="$(wrk -t 2 -c 8 -d 5s -s /dev/stdin "http://127.0.0.1:$port/api/v1.0/raw" <<<'wrk.method = "POST"' \
  | awk '/Requests\/sec/ {printf "%d", $2}')"
: > "$work/nginx/logs/access.log"

rate() { echo $(( $1 * 1000 / ($2 > 0 ? $2 : 1) )); }
echo
echo "| rows_per_record | posts | input start → last row stored (rows/s) | input start → last post answered (rows/s) | daemon boot | heap (-Xmx128m): peak used / most live after a GC | psql \\copy text | psql \\copy row_to_json | wrk, 8 connections |"
echo "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"
for per in ${PER:-1 100}; do
  posts=$(( (rows + per - 1) / per ))
  home="$(mktemp -d /tmp/cybexp-jdbc-home-XXXXXX)"
  cp -r "$dist/." "$home/"
  rm -f "$home"/etc/cybexp.source.*.cfg
  use_free_web_port "$home" >/dev/null
  printf 'url = http://127.0.0.1:%s/api/v1.0/raw\ntoken = jdbc-bench-token\n' "$port" > "$home/etc/cybexp.api.cfg"
  printf 'name = bench\norgid = bench\ntypetag = indicators\nurl = jdbc:postgresql://127.0.0.1:%s/postgres\nuser = postgres\ntable = indicators\ntracking_column = reported\nid_column = id\nfetch_size = 1000\nrows_per_record = %s\nperiod = 3600\n' \
    "$pgport" "$per" > "$home/etc/cybexp.source.jdbc-bench.cfg"
  : > "$work/nginx/logs/access.log"
  t0="$(now_ms)"
  JAVA_OPTS="-Xmx128m -Xlog:gc:file=$home/log/gc.log" "$home/bin/cybexp-input" start >/dev/null
  while [ "$(posted)" -lt "$posts" ]; do
    [ $(( $(now_ms) - t0 )) -lt 1800000 ] || { echo "timed out: $(posted) of $posts posts" >&2; exit 1; }
    sleep 0.2
  done
  last_ms="$(now_ms)"
  log="$home/log/cybexp-input.log"
  log_ms() { date -d "$(grep -m1 "$1" "$log" | cut -d' ' -f1)" +%s%3N; }
  started_ms="$(log_ms "input 'bench' (jdbc) started")"
  stored_ms=$(( $(log_ms "input 'bench': fetched") - started_ms ))
  elapsed=$(( last_ms - started_ms ))
  boot_ms=$(( started_ms - t0 ))
  # the heap in use before a collection (how far it filled: up to the cap is normal) and the most that survived
  # one (the live set: flat means nothing grows with the backfill)
  peak="$(grep -oE '[0-9]+M->[0-9]+M' "$home/log/gc.log" | cut -dM -f1 | sort -n | tail -1)"
  live="$(grep -oE '[0-9]+M->[0-9]+M' "$home/log/gc.log" | sed -E 's/.*->([0-9]+)M/\1/' | sort -n | tail -1)"
  echo "| $per | $posts | $(awk "BEGIN{printf \"%.1f\", $stored_ms/1000}") s ($(rate "$rows" "$stored_ms")/s) | $(awk "BEGIN{printf \"%.1f\", $elapsed/1000}") s ($(rate "$rows" "$elapsed")/s) | $(awk "BEGIN{printf \"%.1f\", $boot_ms/1000}") s | ${peak:-?} / ${live:-?} MiB | $(awk "BEGIN{printf \"%.1f\", $copy_ms/1000}") s ($(rate "$rows" "$copy_ms")/s) | $(awk "BEGIN{printf \"%.1f\", $json_ms/1000}") s ($(rate "$rows" "$json_ms")/s) | ${wrk_rate}/s |"
  "$home/bin/cybexp-input" stop >/dev/null 2>&1 || true
  rm -rf "$home"; home=""
done
