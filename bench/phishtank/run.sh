#!/usr/bin/env bash
# Streams a generated PhishTank dump of N records (default 200,000; bzip2 in concatenated streams) through the
# real PhishTank input with a small heap, and prints time and peak heap. Usage:
#   bench/phishtank/run.sh [RECORDS]          HEAP=64m bench/phishtank/run.sh     MVN_OPTS_EXTRA=-o ...
# The dump is generated once into bench/phishtank/target/ and reused.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
records="${1:-200000}"
heap="${HEAP:-128m}"
module="$root/bundles/source-phishtank"

# compiles main and test classes (the runner lives in the tests: it is not shipped); the api and testkit
# bundles come from the local repository (any build of bundles/ installs them)
mvn -B -q ${MVN_OPTS_EXTRA:-} -f "$module/pom.xml" install -DskipTests
mvn -B -q ${MVN_OPTS_EXTRA:-} -f "$module/pom.xml" dependency:build-classpath -Dmdep.includeScope=test \
    -Dmdep.outputFile="$module/target/bench.classpath"
cp="$(cat "$module/target/bench.classpath")"

dump="$root/bench/phishtank/target/online-valid-$records.json.bz2"
if [ ! -f "$dump" ]; then
  # generating is not what is measured: done in its own JVM with a normal heap
  java -Xmx512m -cp "$module/target/classes:$module/target/test-classes:$cp" \
      -Dbench.generateOnly=true org.cybexp.input.source.phishtank.PhishTankBenchmark "$records" "$dump"
fi
echo "--- -Xmx$heap"
java -Xmx"$heap" -cp "$module/target/classes:$module/target/test-classes:$cp" \
    org.cybexp.input.source.phishtank.PhishTankBenchmark "$records" "$dump"
