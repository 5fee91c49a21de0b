#!/usr/bin/env bash
# The 1 GiB upload bound for the outbox, at -Xmx128m: runs UploadOutboxIT (the real distribution, a streaming
# loopback /raw) and prints its measurement line: time to the 202 and its peak heap, time from the restart
# after a kill -9 to the file at /raw and its peak heap, and the limit it is compared with, the same 1 GiB
# posted straight to the same receiver. Run from the repository root after a build (mvn -B -o verify once).
set -euo pipefail
cd "$(dirname "$0")/../.."
log=$(mktemp)
trap 'rm -f "$log"' EXIT
mvn -B -o verify -pl runtime -am -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false \
    -Dit.test=UploadOutboxIT >"$log" 2>&1 || { tail -50 "$log"; exit 1; }
grep '^UploadOutboxIT:' "$log"
echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
