#!/usr/bin/env bash
# Records per second delivered to a fast loopback /raw, with the durable segment outbox and with an in-memory
# one. First the path a listener uses (DurableEmitBenchmark): one record per emitDurably call, OUTSTANDING calls
# not yet completed per input; then appends called synchronously (DeliveryBenchmark: BATCHES records per
# append, APPENDERS threads per input; one appender with one record per append is bound by one fsync each).
# Usage:
#   bench/delivery/run.sh [RECORDS] [BATCHES] [INPUTS] [ROUNDS] [APPENDERS] [OUTSTANDING]
#   e.g. bench/delivery/run.sh 20000 1,10,100,1000 1,4 3 1,4 1,16,64
#   SKIP_SYNC=1 bench/delivery/run.sh ...                             (the emitDurably table only)
#   MVN_OPTS_EXTRA=-o bench/delivery/run.sh                           (offline)
# The segment files are written under bench/delivery/target/ (the disk the daemon's data/ would be on); set
# BENCH_DATA to measure another disk. Not part of mvn verify.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
module="$root/bundles/delivery"
data="${BENCH_DATA:-$root/bench/delivery/target/data}"

# compiles the delivery bundle and its test classes (the benchmark lives in the tests: it is not shipped) in
# the reactor, so nothing is installed into ~/.m2
(cd "$root" && mvn -B -q ${MVN_OPTS_EXTRA:-} test-compile dependency:build-classpath -pl bundles/delivery -am \
    -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.classpath)
cp="$module/target/classes:$module/target/test-classes:$(cat "$module/target/bench.classpath")"
for dep in api core httpclient testkit; do cp="$cp:$root/bundles/$dep/target/classes"; done
mkdir -p "$data"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores"
echo
echo "one record per emitDurably call (the core's InputFetchContext), calls outstanding per input:"
java -Xmx512m -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$cp" \
    org.cybexp.input.delivery.DurableEmitBenchmark "${1:-20000}" "${6:-1,16,64}" "${3:-1,4}" "${4:-3}" "$data"
[ -n "${SKIP_SYNC:-}" ] && exit 0
echo
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "synchronous appends (Outbox.append called by APPENDERS threads, each waiting for its own append):"
java -Xmx512m -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$cp" \
    org.cybexp.input.delivery.DeliveryBenchmark "${1:-20000}" "${2:-1,10,100,1000}" "${3:-1,4}" "${4:-3}" "$data" \
    "${5:-1,4}"
