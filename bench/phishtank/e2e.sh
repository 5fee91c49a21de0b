#!/usr/bin/env bash
# End to end: the time from a PhishTank dump (bzip2, then plain JSON) to its last record at the API, through
# the built distribution (runtime/target/cybexp-input: build it first with mvn -B -q package -DskipTests, or
# any mvn verify), one PhishTank input reading the dump from a file: URL, default delivery settings
# (max_in_flight 8), posting to nginx answering 201 at once on loopback (its access log counts the records).
# Prints, from the same run, what bounds it: decompressing the dump (bzip2 -dc), parsing it (the input alone,
# PhishTankBenchmark, in one JVM) and the network (wrk on 8 connections to the same nginx).
# Usage: bench/phishtank/e2e.sh [RECORDS]     (default 20,000). Needs nginx-light, wrk, bzip2. Not in mvn verify.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
. "$root/bench/web-port.sh" # use_free_web_port
records="${1:-20000}"
work="$root/bench/phishtank/target/e2e"
module="$root/bundles/source-phishtank"
dist="$root/runtime/target/cybexp-input"
[ -x "$dist/bin/cybexp-input" ] || { echo "build the distribution first: mvn -B -q package -DskipTests" >&2; exit 1; }
mkdir -p "$work"

# the dump generator and the parse-only runner live in the plugin's tests; compiled in the reactor
(cd "$root" && mvn -B -q ${MVN_OPTS_EXTRA:-} test-compile dependency:build-classpath -pl bundles/source-phishtank -am \
    -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.classpath)
cp="$module/target/classes:$module/target/test-classes:$(cat "$module/target/bench.classpath")"
for dep in api testkit; do cp="$cp:$root/bundles/$dep/target/classes"; done
bz2="$work/online-valid-$records.json.bz2"
json="$work/online-valid-$records.json"
[ -f "$bz2" ] || java -Xmx512m -cp "$cp" -Dbench.generateOnly=true \
    org.cybexp.input.source.phishtank.PhishTankBenchmark "$records" "$bz2" >/dev/null
[ -f "$json" ] || bzip2 -dc "$bz2" > "$json"

port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
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
home=""
cleanup() {
  [ -n "$home" ] && { "$home/bin/cybexp-input" stop >/dev/null 2>&1 || true; rm -rf "$home"; }
  kill "$nginx_pid" 2>/dev/null || true
}
trap cleanup EXIT
for _ in $(seq 50); do (echo > "/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done

now_ms() { date +%s%3N; }
posted() { wc -l < "$work/nginx/logs/access.log"; }

echo "load average: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores; $records records"
echo
echo "| dump | start → last record at the API | records/s | decompress alone | parse alone (the input, no delivery) | wrk, 8 connections |"
echo "| --- | --- | --- | --- | --- | --- |"
for dump in "$bz2" "$json"; do
  home="$(mktemp -d /tmp/cybexp-e2e-XXXXXX)"
  cp -r "$dist/." "$home/"
  rm -f "$home"/etc/cybexp.source.*.cfg
  use_free_web_port "$home" >/dev/null
  printf 'url = http://127.0.0.1:%s/api/v1.0/raw\ntoken = e2e-bench-token\n' "$port" > "$home/etc/cybexp.api.cfg"
  printf 'name = e2e\norgid = bench\nurl = file://%s\nperiod = 3600\n' "$dump" > "$home/etc/cybexp.source.phishtank-e2e.cfg"
  before="$(posted)"
  t0="$(now_ms)"
  "$home/bin/cybexp-input" start >/dev/null
  while [ $(( $(posted) - before )) -lt "$records" ]; do
    [ $(( $(now_ms) - t0 )) -lt 600000 ] || { echo "timed out: $(( $(posted) - before )) of $records" >&2; exit 1; }
    sleep 0.05
  done
  elapsed=$(( $(now_ms) - t0 ))
  "$home/bin/cybexp-input" stop >/dev/null || true
  rm -rf "$home"; home=""
  t1="$(now_ms)"; bzip2 -dc "$bz2" > /dev/null; unzip_ms=$(( $(now_ms) - t1 ))
  parse="$(java -Xmx128m -cp "$cp" org.cybexp.input.source.phishtank.PhishTankBenchmark "$records" "$dump" 2>&1 \
      | grep -o 'time [0-9.]* s, [0-9]* records/s' | head -1 || true)"
  wrk8="$(cat > "$work/post.lua" <<'LUA'
wrk.method = "POST"
wrk.headers["Content-Type"] = "multipart/form-data; boundary=b7f3a"
wrk.body = "--b7f3a\r\nContent-Disposition: form-data; name=\"file\"; filename=\"file\"\r\n\r\n" .. string.rep("x", 480) .. "\r\n--b7f3a--\r\n"
LUA
  wrk -t2 -c8 -d3s -s "$work/post.lua" "http://127.0.0.1:$port/api/v1.0/raw" | awk '/Requests\/sec/ {printf "%.0f", $2}')"
  printf '| %s | %d ms | %.0f | %s | %s | %s/s |\n' "$(basename "$dump")" "$elapsed" \
      "$(awk -v r="$records" -v e="$elapsed" 'BEGIN {print r * 1000 / e}')" "$([ "$dump" = "$bz2" ] && echo "$unzip_ms ms" || echo "none")" \
      "${parse:-?}" "$wrk8"
done
