#!/usr/bin/env bash
# Records per second delivered to a fast loopback /raw, with the durable segment outbox and with an in-memory
# one, for several batch sizes, numbers of inputs and appending threads per input. Usage:
#   bench/delivery/run.sh [RECORDS] [BATCHES] [INPUTS] [ROUNDS] [APPENDERS]
#   e.g. bench/delivery/run.sh 30000 1,10,100,1000 1,4 5 1,4
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
java -Xmx512m -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$cp" \
    org.cybexp.input.delivery.DeliveryBenchmark "${1:-30000}" "${2:-1,10,100,1000}" "${3:-1,4}" "${4:-5}" "$data" \
    "${5:-1,4}"
