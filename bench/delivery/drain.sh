#!/usr/bin/env bash
# The drain of full outboxes (records stored while the API was unreachable) by the real DeliveryService with
# default settings (max_in_flight 8, the pool sized to match), for 1 and 4 inputs, to:
#   - a loopback /raw answering each post after 20 ms and 100 ms (limit: inputs * max_in_flight / delay);
#   - nginx answering 201 at once (limit: wrk's figures, 1 and 8 connections, measured in the same run).
# Usage: bench/delivery/drain.sh [INPUTS] [NGINX_RECORDS_PER_INPUT]     e.g. bench/delivery/drain.sh 1,4 20000
# Needs nginx (Debian nginx-light) and wrk: apt-get install -y nginx-light wrk. Not part of mvn verify.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
inputs="${1:-1,4}"
nginx_records="${2:-20000}"
work="$root/bench/delivery/target/drain"
module="$root/bundles/delivery"
mkdir -p "$work"

# compiles the delivery bundle and its test classes in the reactor (nothing is installed into ~/.m2)
(cd "$root" && mvn -B -q ${MVN_OPTS_EXTRA:-} test-compile dependency:build-classpath -pl bundles/delivery -am \
    -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.classpath)
cp="$module/target/classes:$module/target/test-classes:$(cat "$module/target/bench.classpath")"
for dep in api core httpclient testkit; do cp="$cp:$root/bundles/$dep/target/classes"; done
run() { java -Xmx512m ${JAVA_OPTS_EXTRA:-} -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -Dbench.data="$work/data" -cp "$cp" \
    org.cybexp.input.delivery.DrainBenchmark "$@"; }

echo "load average: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores"
echo
echo "| sink delay | inputs | max_in_flight | records | drained | limit: inputs x max_in_flight / delay | ratio |"
echo "| --- | --- | --- | --- | --- | --- | --- |"
if [ -z "${NGINX_ONLY:-}" ]; then   # NGINX_ONLY=1: the nginx rows only
  run delay:20 "$inputs"
  run delay:100 "$inputs"
fi

# nginx answering 201 at once, on a free loopback port, one worker, keep-alive without a request limit
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
mkdir -p "$work/nginx/logs"
cat > "$work/nginx/nginx.conf" <<CONF
worker_processes 1;
daemon off;
pid $work/nginx/nginx.pid;
error_log $work/nginx/logs/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $work/nginx/body;
  keepalive_requests 100000000;
  keepalive_timeout 60s;
  client_max_body_size 16m;
  client_body_buffer_size 64k;
  server {
    listen 127.0.0.1:$port;
    location = /api/v1.0/raw { return 201 '{"message": "Data posted successfully"}\n'; }
  }
}
CONF
nginx -p "$work/nginx" -c "$work/nginx/nginx.conf" &
nginx_pid=$!
trap 'kill "$nginx_pid" 2>/dev/null || true' EXIT
for _ in $(seq 50); do (echo > "/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done
url="http://127.0.0.1:$port/api/v1.0/raw"

# wrk sends the very request the ApiSink sends (caught once from the real ApiSink: same headers, same
# multipart body); wrk's GET of the same url (no body) is printed beside it, as before
java -cp "$cp" org.cybexp.input.delivery.CaptureRequest "$work/request.headers" "$work/request.body" \
    drain-bench-token
{
  echo 'local f = assert(io.open("'"$work"'/request.body", "rb")); wrk.body = f:read("*a"); f:close()'
  echo 'wrk.method = "POST"'
  while IFS= read -r line; do
    name="${line%%:*}"; value="${line#*: }"
    printf 'wrk.headers["%s"] = "%s"\n' "$name" "${value//\"/\\\"}"
  done < "$work/request.headers"
} > "$work/post.lua"
wrk_rate() { wrk -t"$1" -c"$2" -d5s "${@:3}" "$url" | awk '/Requests\/sec/ {printf "%.0f", $2}'; }
get8="$(wrk_rate 2 8)"
wrk1="$(wrk_rate 1 1 -s "$work/post.lua")"
wrk8="$(wrk_rate 2 8 -s "$work/post.lua")"
echo
echo "nginx on $url: wrk POST of the same request $wrk1/s on 1 connection, $wrk8/s on 8; wrk GET $get8/s on 8" \
    "(before the drains; load average $(cut -d' ' -f1-3 /proc/loadavg))"
drains="$(run "$url" "$inputs" "$nginx_records" | tee /dev/stderr)"
wrk8after="$(wrk_rate 2 8 -s "$work/post.lua")"
get8after="$(wrk_rate 2 8)"
echo "wrk on 8 connections after the drains: POST $wrk8after/s, GET $get8after/s" \
    "(load average $(cut -d' ' -f1-3 /proc/loadavg))"
echo
echo "| sink | inputs | max_in_flight | records | drained | JVM CPU per record (of it in the kernel) | wrk POST same request, 1 conn. | wrk POST, 8 conn. (before, after) | drained / wrk POST 8 | wrk GET, 8 conn. (before, after) | drained / wrk GET 8 |"
echo "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"
echo "$drains" | awk -v w1="$wrk1" -v w8="$wrk8" -v w8b="$wrk8after" -v g8="$get8" -v g8b="$get8after" '
  /^drain/ { split($2, i, "="); split($3, m, "="); split($4, r, "="); split($5, d, "="); split($6, c, "=");
             split($7, k, "="); w = (w8 + w8b) / 2; g = (g8 + g8b) / 2;
             printf "| nginx, 201 at once | %s | %s | %s | %s/s | %s µs (%s µs) | %s/s | %s/s, %s/s | %.2f | %s/s, %s/s | %.2f |\n",
                    i[2], m[2], r[2], d[2], c[2], k[2], w1, w8, w8b, d[2] / w, g8, g8b, d[2] / g }'
