#!/usr/bin/env bash
# Syslog throughput through the built distribution (runtime/target/cybexp-input; build it first with
# mvn -B -q package -DskipTests): N messages over TCP (octet-counted) and over UDP into one syslog input each,
# timed to the outbox (the input's "stored" count in status --json) and on to a loopback /raw (raw.py counts the
# messages posted), beside rsyslog's own imtcp -> omfile with the same sender in the same run. UDP is sent at
# the TCP rate measured, and its loss is read from status (dropped_busy, dropped_kernel). The daemon's RSS is
# sampled after each round (memory flat: the rounds repeat).
# Usage: bench/syslog/run.sh [MESSAGES] [ROUNDS]   (default 500,000 and 2). Needs python3, rsyslog. Not in mvn verify.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
n="${1:-500000}"
rounds="${2:-2}"
dist="$root/runtime/target/cybexp-input"
[ -x "$dist/bin/cybexp-input" ] || { echo "build the distribution first: mvn -B -q package -DskipTests" >&2; exit 1; }
work="$(mktemp -d /tmp/cybexp-syslog-bench-XXXXXX)"
home="$work/home"
. "$root/bench/web-port.sh" # free_port, use_free_web_port
now_ms() { date +%s%3N; }
raw_pid=""; rsyslog_pid=""
cleanup() {
  "$home/bin/cybexp-input" stop >/dev/null 2>&1 || true
  [ -n "$raw_pid" ] && kill "$raw_pid" 2>/dev/null || true
  [ -n "$rsyslog_pid" ] && kill "$rsyslog_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

python3 "$here/raw.py" "$work/raw.port" "$work/raw.count" &
raw_pid=$!
for _ in $(seq 50); do [ -s "$work/raw.port" ] && break; sleep 0.1; done
cp -r "$dist" "$home"
rm -f "$home"/etc/cybexp.source.*.cfg
tcp_port="$(free_port)"; udp_port="$(free_port)"
use_free_web_port "$home" >/dev/null
printf 'url = http://127.0.0.1:%s/api/v1.0/raw\ntoken = bench-token\n' "$(cat "$work/raw.port")" > "$home/etc/cybexp.api.cfg"
printf 'orgid = bench\nprotocol = tcp\nport = %s\nmessages_per_record = 1000\n' "$tcp_port" > "$home/etc/cybexp.source.syslog-benchtcp.cfg"
printf 'orgid = bench\nprotocol = udp\nport = %s\nmessages_per_record = 1000\n' "$udp_port" > "$home/etc/cybexp.source.syslog-benchudp.cfg"
"$home/bin/cybexp-input" start >/dev/null
stored() { python3 "$here/status.py" "$home" "$1" "$2" 2>/dev/null || echo "{}"; }
field() { python3 -c 'import json,sys; print(json.loads(sys.argv[1]).get(sys.argv[2], 0))' "$1" "$2"; }
for _ in $(seq 100); do [ "$(field "$(stored benchtcp tcp)" port)" != 0 ] && [ "$(field "$(stored benchudp udp)" port)" != 0 ] && break; sleep 0.2; done
pid="$(python3 "$here/status.py" "$home" -)"
rss() { # resident set, and the heap after a full GC (what stays live)
  local heap
  heap="$(jcmd "$pid" GC.run >/dev/null 2>&1; jcmd "$pid" GC.heap_info 2>/dev/null | awk '/used/ {for (i=1;i<=NF;i++) if ($i=="used") {print $(i+1); exit}}')"
  echo "$(ps -o rss= -p "$pid" | awk '{printf "%d MiB", $1/1024}') RSS, heap ${heap:-?} live"; }

echo "load average: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores; $n messages per run; JAVA_OPTS=${JAVA_OPTS:-default}"
echo
echo "| round | path | send | to the outbox | msg/s to the outbox | on to /raw | msg/s end to end | lost | daemon memory after |"
echo "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"
tcp_rate=100000
for round in $(seq "$rounds"); do
  before="$(field "$(stored benchtcp tcp)" stored)"; raw_before="$(cat "$work/raw.count")"
  t0="$(now_ms)"
  python3 "$here/send.py" tcp "$tcp_port" "$n" > "$work/send.out" &
  sender=$!
  while [ $(( $(field "$(stored benchtcp tcp)" stored) - before )) -lt "$n" ]; do sleep 0.05; done
  t1="$(now_ms)"
  while [ $(( $(cat "$work/raw.count") - raw_before )) -lt "$n" ]; do sleep 0.05; done
  t2="$(now_ms)"
  kill "$sender" 2>/dev/null || true
  tcp_rate=$(( n * 1000 / (t1 - t0) ))
  echo "| $round | TCP octet-counted | $(cat "$work/send.out" 2>/dev/null || echo '-') s | $(( t1 - t0 )) ms | $tcp_rate | $(( t2 - t0 )) ms | $(( n * 1000 / (t2 - t0) )) | 0 | $(rss) |"

  d0="$(stored benchudp udp)"; ubefore="$(field "$d0" stored)"; urecv0="$(field "$d0" received)"
  busy0="$(field "$d0" dropped_busy)"; kern0="$(field "$d0" dropped_kernel)"; raw_before="$(cat "$work/raw.count")"
  t0="$(now_ms)"
  send_s="$(python3 "$here/send.py" udp "$udp_port" "$n" "$tcp_rate")"
  sleep 2 # the last partial record is posted after record_seconds
  d1="$(stored benchudp udp)"
  t1="$(now_ms)"
  got=$(( $(field "$d1" stored) - ubefore ))
  lost=$(( n - got ))
  echo "| $round | UDP at $tcp_rate msg/s | ${send_s} s | $got stored | $(( got * 1000 / (t1 - t0) )) | - | - | $lost ($(( $(field "$d1" dropped_busy) - busy0 )) busy, $(( $(field "$d1" dropped_kernel) - kern0 )) kernel) | $(rss) |"
done

# rsyslog's own imtcp -> omfile, the same sender
rs="$work/rsyslog"; mkdir -p "$rs/spool"
cat > "$rs/rsyslog.conf" <<CONF
global(workDirectory="$rs/spool")
module(load="imtcp")
input(type="imtcp" address="127.0.0.1" port="0" listenPortFileName="$rs/port")
action(type="omfile" file="$rs/out.log" template="RSYSLOG_SyslogProtocol23Format")
CONF
rsyslogd -n -f "$rs/rsyslog.conf" -i "$rs/pid" > "$rs/stdout" 2>&1 &
rsyslog_pid=$!
for _ in $(seq 100); do [ -s "$rs/port" ] && break; sleep 0.1; done
t0="$(now_ms)"
python3 "$here/send.py" tcp "$(cat "$rs/port")" "$n" > "$work/send.out" &
sender=$!
while [ "$( (wc -l < "$rs/out.log") 2>/dev/null || echo 0)" -lt "$n" ]; do sleep 0.05; done
t1="$(now_ms)"
kill "$sender" 2>/dev/null || true
echo "| - | rsyslog imtcp -> omfile (no fsync) | - | $(( t1 - t0 )) ms | $(( n * 1000 / (t1 - t0) )) | - | - | 0 | - |"
