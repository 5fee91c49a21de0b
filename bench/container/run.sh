#!/usr/bin/env bash
# Boot time and hot-deploy time of the built distribution, measured through the CLI as a user meets them.
#   boot:        `cybexp-input start` until `status` answers with the OpenPhish plugin active
#   hot deploy:  plugin jar copied into deploy/ until `status` lists the plugin again
#   undeploy:    jar deleted until `status` no longer lists it
# Usage: bench/container/run.sh [ROUNDS]   (after `mvn -B -q package -DskipTests`; default 5 rounds)
# Runs on a copy of runtime/target/cybexp-input in a temporary folder, offline: the input has no API and a
# feed URL on a closed loopback port, so nothing leaves the machine.
set -euo pipefail
cd "$(dirname "$0")/../.."
. bench/web-port.sh # use_free_web_port
rounds="${1:-5}"
dist=runtime/target/cybexp-input
[ -x "$dist/bin/cybexp-input" ] || { echo "build first: mvn -B -q package -DskipTests" >&2; exit 1; }

home="$(mktemp -d /tmp/cybexp-bench-XXXXXX)"
trap '"$home/bin/cybexp-input" stop --now >/dev/null 2>&1 || true; rm -rf "$home"' EXIT
cp -r "$dist/." "$home/"
rm -f "$home"/etc/cybexp.source.*.cfg
use_free_web_port "$home" >/dev/null
printf 'name = bench\norgid = bench\ntypetag = openphish-file-feed\nurl = http://127.0.0.1:9/feed.txt\n' \
  > "$home/etc/cybexp.source.openphish-bench.cfg"
jar="$(ls "$home"/deploy/org.cybexp.input.source.openphish-*.jar)"
cli="$home/bin/cybexp-input"

now_ms() { date +%s%3N; }
# Polls `status` until its plain output matches (or stops matching) a pattern; prints elapsed ms.
wait_for() { # $1 = start ms, $2 = "present"|"absent", $3 = pattern
  local deadline=$(( $(now_ms) + 60000 ))
  while [ "$(now_ms)" -lt "$deadline" ]; do
    if out="$("$cli" status 2>/dev/null)"; then
      if grep -q "$3" <<<"$out"; then [ "$2" = present ] && { echo $(( $(now_ms) - $1 )); return; }
      else [ "$2" = absent ] && { echo $(( $(now_ms) - $1 )); return; }; fi
    fi
  done
  echo "timed out waiting for '$3' to be $2" >&2; exit 1
}

printf 'round  boot_ms  hot_deploy_ms  undeploy_ms\n'
for r in $(seq 1 "$rounds"); do
  t0=$(now_ms); "$cli" start >/dev/null; boot=$(wait_for "$t0" present 'plugins: .*openphish')
  mv "$jar" "$home/openphish.jar"; undeploy0=$(now_ms)
  gone=$(wait_for "$undeploy0" absent 'plugins: .*openphish')
  t1=$(now_ms); cp "$home/openphish.jar" "$jar"; hot=$(wait_for "$t1" present 'plugins: .*openphish')
  rm -f "$home/openphish.jar"
  "$cli" stop >/dev/null
  printf '%5s  %7s  %13s  %11s\n' "$r" "$boot" "$hot" "$gone"
done
