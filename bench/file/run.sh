#!/usr/bin/env bash
# MiB/s and lines/s of 1 KiB lines read from a file by the file source and posted through the outbox to a
# loopback /raw (the built distribution, JAVA_OPTS=-Xmx128m), beside rsyslog's imfile -> omfile on the same
# file in the same run (rsyslogd -n -f CONF -i PIDFILE as a child, never the system service).
# Usage: bench/file/run.sh [MIB]      (default 256). Build first: mvn -B -q package -DskipTests. Not part of mvn verify.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
. "$root/bench/web-port.sh" # use_free_web_port
mib="${1:-256}"
work="$(mktemp -d /tmp/cybexp-bench-file.XXXXXX)"
trap 'kill $(cat "$work"/*.pid 2>/dev/null) 2>/dev/null || true; "$work/dist/bin/cybexp-input" stop --now >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
lines=$((mib * 1000)) # a multiple of lines_per_record (500): no partial batch waits record_seconds at the end
# one 1 KiB line: "L" + number + padding + \n
python3 - "$work/big.log" "$lines" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    pad = "x" * 1000
    for i in range(int(sys.argv[2])):
        f.write(("L%09d " % i + pad)[:1023] + "\n")
PY
size=$(stat -c %s "$work/big.log"); mib=$(python3 -c "print(round($size/1048576, 1))")
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores; file: $mib MiB, $lines lines of 1 KiB"

# --- rsyslog imfile -> omfile
mkdir -p "$work/rsyslog"
cat > "$work/rsyslog.conf" <<CONF
global(workDirectory="$work/rsyslog")
module(load="imfile")
input(type="imfile" File="$work/big.log" Tag="bench" ruleset="out")
ruleset(name="out") { action(type="omfile" file="$work/rsyslog-out.log" template="RSYSLOG_FileFormat") }
CONF
start=$(date +%s.%N)
rsyslogd -n -f "$work/rsyslog.conf" -i "$work/rsyslog.pid" &
echo $! > "$work/rsyslogd.pid"
while [ "$( (wc -l < "$work/rsyslog-out.log") 2>/dev/null || echo 0)" -lt "$lines" ]; do sleep 0.05; done
end=$(date +%s.%N)
kill "$(cat "$work/rsyslogd.pid")"; rm -f "$work/rsyslogd.pid"
python3 -c "s=$end-$start; print(f'| rsyslog imfile -> omfile | {s:.1f} s | {$mib/s:.1f} MiB/s | {$lines/s:,.0f} lines/s |')"

# --- cybexp-input file -> outbox -> loopback /raw
cp -r "${DIST:-$root/runtime/target/cybexp-input}" "$work/dist"
rm -f "$work/dist/etc/cybexp.source."*.cfg
java "$root/bench/file/RawSink.java" "$work/port" "$work/count" &
echo $! > "$work/sink.pid"
while [ ! -s "$work/port" ]; do sleep 0.1; done
port=$(cat "$work/port")
use_free_web_port "$work/dist" >/dev/null
printf 'url = http://127.0.0.1:%s/api/v1.0/raw\ntoken = bench\n' "$port" > "$work/dist/etc/cybexp.api.cfg"
printf 'name = bench\norgid = bench-org\ntypetag = bench-lines\npaths = %s\nlines_per_record = 500\nmin_interval = 0\n' \
    "$work/big.log" > "$work/dist/etc/cybexp.source.file-bench.cfg"
boot=$(date +%s.%N)
JAVA_OPTS=-Xmx128m "$work/dist/bin/cybexp-input" start >/dev/null
# timed from the first line at /raw (the daemon's start is measured apart) to the last
while [ "$(cut -d' ' -f1 "$work/count" 2>/dev/null || echo 0)" -lt 1 ]; do sleep 0.05; done
start=$(date +%s.%N)
while [ "$(cut -d' ' -f1 "$work/count" 2>/dev/null || echo 0)" -lt "$lines" ]; do sleep 0.05; done
end=$(date +%s.%N)
pid=$(cat "$work/dist/data/runningconfig" 2>/dev/null | sed -n 's/^pid *[=:] *//p')
rss=$(ps -o rss= -p "$pid" 2>/dev/null | tr -d ' ' || echo "?")
heap=$(jcmd "$pid" GC.heap_info 2>/dev/null | sed -n 's/.*total \([0-9]*K\), used \([0-9]*K\).*/used \2 of \1/p' | head -1)
"$work/dist/bin/cybexp-input" stop >/dev/null || true
python3 -c "s=$end-$start; print(f'| cybexp-input file -> outbox -> /raw (-Xmx128m) | {s:.1f} s | {$mib/s:.1f} MiB/s | {$lines/s:,.0f} lines/s | daemon start {$start-$boot:.1f} s, RSS $rss KiB, heap $heap |')"
