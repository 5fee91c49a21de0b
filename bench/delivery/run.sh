#!/usr/bin/env bash
# Records per second delivered to a fast loopback /raw, with the durable segment outbox and with an in-memory
# one, for several batch sizes and numbers of inputs. Usage:
#   bench/delivery/run.sh [RECORDS] [BATCHES] [INPUTS] [ROUNDS]     e.g. bench/delivery/run.sh 30000 1,10,100,1000 1,4 5
#   MVN_OPTS_EXTRA=-o bench/delivery/run.sh                           (offline)
# The segment files are written under bench/delivery/target/ (the disk the daemon's data/ would be on); set
# BENCH_DATA to measure another disk.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
module="$root/bundles/delivery"
data="${BENCH_DATA:-$root/bench/delivery/target/data}"

# compiles main and test classes (the benchmark lives in the tests: it is not shipped); the api, core and
# httpclient bundles come from the local repository (any build of bundles/ installs them)
mvn -B -q ${MVN_OPTS_EXTRA:-} -f "$module/pom.xml" test-compile dependency:build-classpath \
    -Dmdep.includeScope=test -Dmdep.outputFile="$module/target/bench.classpath"
cp="$(cat "$module/target/bench.classpath")"
mkdir -p "$data"
java -Xmx512m -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
    -cp "$module/target/classes:$module/target/test-classes:$cp" \
    org.cybexp.input.delivery.DeliveryBenchmark "${1:-30000}" "${2:-1,10,100,1000}" "${3:-1,4}" "${4:-5}" "$data"
