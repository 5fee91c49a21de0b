#!/usr/bin/env bash
# How much the web console (webconsole, inventory, the CYBEX-P page, /metrics and their libraries) adds to boot:
# `cybexp-input start` on two copies of the built distribution, one without those bundles, ROUNDS times each,
# alternating. Prints the wall time of `start`, when the console page and /metrics answer, and the daemon's CPU
# time (user + system) at that point, which moves less than wall time on a loaded machine.
# Usage: bench/console/boot.sh [ROUNDS]   (after `mvn -B -q package -DskipTests`)
set -euo pipefail
rounds="${1:-7}"
src="$(cd "$(dirname "$0")/../.." && pwd)/runtime/target/cybexp-input"
work="$(mktemp -d /tmp/cybexp-console-boot.XXXXXX)"
trap 'for v in with without; do "$work/$v/bin/cybexp-input" stop >/dev/null 2>&1 || true; done; rm -rf "$work"' EXIT
. "$(dirname "$0")/../web-port.sh" # free_port, use_free_web_port
for variant in with without; do
  cp -r "$src" "$work/$variant"
  if [ "$variant" = without ]; then
    # the web stack is bundle/web/, listed in config.properties (level 4): keep only the web server there
    (cd "$work/without/bundle" && rm -f jsr305-*.jar org.osgi.service.log-*.jar)
    sed -i '/^felix.auto.start.4=/,/console.jar"$/c\felix.auto.start.4= "file:${cybexp.home}/bundle/web/commons-fileupload.jar" "file:${cybexp.home}/bundle/web/org.apache.felix.http.jetty12.jar"' \
      "$work/without/etc/config.properties"
  fi
  use_free_web_port "$work/$variant" >/dev/null
done
for i in $(seq 1 "$rounds"); do
  for variant in with without; do
    home="$work/$variant"
    port=$(sed -n 's/^org.osgi.service.http.port = //p' "$home/etc/org.apache.felix.http.cfg")
    t0=$(date +%s%N)
    "$home/bin/cybexp-input" start >/dev/null
    t1=$(date +%s%N)
    line="$variant round $i: start $(( (t1 - t0) / 1000000 )) ms"
    if [ "$variant" = with ]; then
      pw=$(cat "$home/data/console-password")
      until curl -sf -o /dev/null -u "admin:$pw" "http://127.0.0.1:$port/system/console/cybexp-inputs/status.json"; do sleep 0.05; done
      until curl -sf -o /dev/null "http://127.0.0.1:$port/metrics"; do sleep 0.05; done
      line="$line, console and /metrics answer at $(( ($(date +%s%N) - t0) / 1000000 )) ms"
    fi
    pid=$(sed -n 's/^pid *= *//p' "$home/data/runningconfig")
    ticks=$(awk '{print $14 + $15}' "/proc/$pid/stat")
    echo "$line, daemon CPU $(( ticks * 1000 / $(getconf CLK_TCK) )) ms"
    "$home/bin/cybexp-input" stop >/dev/null
  done
done
