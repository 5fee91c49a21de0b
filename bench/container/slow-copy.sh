#!/usr/bin/env bash
# A plugin jar copied slowly into deploy/ (16 pieces, PAUSE_MS apart, default 200) is not installed before its
# last byte landed; prints how long after the last byte the plugin was active, and whether the log shows an
# attempt to install the incomplete jar. Usage: bench/container/slow-copy.sh [PAUSE_MS]   (after a build)
set -euo pipefail
cd "$(dirname "$0")/../.."
. bench/web-port.sh # use_free_web_port
pause_ms="${1:-200}"
dist=runtime/target/cybexp-input
[ -x "$dist/bin/cybexp-input" ] || { echo "build first: mvn -B -q package -DskipTests" >&2; exit 1; }
home="$(mktemp -d /tmp/cybexp-slowcopy-XXXXXX)"
trap '"$home/bin/cybexp-input" stop --now >/dev/null 2>&1 || true; rm -rf "$home"' EXIT
cp -r "$dist/." "$home/"
rm -f "$home"/etc/cybexp.source.*.cfg
use_free_web_port "$home" >/dev/null
printf 'name = bench\norgid = bench\ntypetag = openphish-file-feed\nurl = http://127.0.0.1:9/feed.txt\n' \
  > "$home/etc/cybexp.source.openphish-bench.cfg"
jar="$(ls "$home"/deploy/org.cybexp.input.source.openphish-*.jar)"
cli="$home/bin/cybexp-input"
mv "$jar" "$home/openphish.jar"
"$cli" start >/dev/null
now_ms() { date +%s%3N; }
size=$(stat -c %s "$home/openphish.jar"); piece=$(( (size + 15) / 16 ))
early=0
for i in $(seq 0 15); do
  dd if="$home/openphish.jar" of="$jar" bs="$piece" skip="$i" seek="$i" count=1 conv=notrunc status=none
  [ "$i" -lt 15 ] || break
  sleep "$(awk -v p="$pause_ms" 'BEGIN {print p / 1000}')"
  "$cli" status 2>/dev/null | grep -q 'plugins: .*openphish' && early=1
done
last=$(now_ms)
while ! "$cli" status 2>/dev/null | grep -q 'plugins: .*openphish'; do
  [ $(( $(now_ms) - last )) -lt 30000 ] || { echo "not active 30 s after the copy" >&2; exit 1; }
done
active=$(( $(now_ms) - last ))
failed=$(grep -ciE 'error.*(install|zip|jar)|failed to install|invalid (zip|jar)' "$home/log/cybexp-input.log" || true)
echo "jar of $size bytes copied in 16 pieces ${pause_ms} ms apart: active ${active} ms after the last byte;" \
  "active before the copy ended: $([ $early = 1 ] && echo YES || echo no); install errors in the log: $failed"
