#!/usr/bin/env bash
# Streams large MISP documents through the real misp_file and misp_api inputs with a small heap, and prints
# time and peak heap. Usage:
#   bench/misp/run.sh [EVENTS] [LIMIT]        HEAP=32m bench/misp/run.sh       MVN_OPTS_EXTRA=-o ...
# The restSearch download of EVENTS events (default 20,000, about 140 MiB) is generated once into
# bench/misp/target/ and reused; misp_api pages are generated on the fly by a loopback server.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
events="${1:-20000}"
limit="${2:-5000}"
heap="${HEAP:-64m}"

# compiles main and test classes (the runners live in the tests: they are not shipped)
mvn -B -q ${MVN_OPTS_EXTRA:-} -f "$root/pom.xml" install -DskipTests \
    -pl bundles/source-misp-api,bundles/source-misp-file -am
for module in source-misp-file source-misp-api; do
  dir="$root/bundles/$module"
  mvn -B -q ${MVN_OPTS_EXTRA:-} -f "$dir/pom.xml" dependency:build-classpath -Dmdep.includeScope=test \
      -Dmdep.outputFile="$dir/target/bench.classpath"
done

download="$root/bench/misp/target/download-$events.json"
file_dir="$root/bundles/source-misp-file"
file_cp="$file_dir/target/classes:$file_dir/target/test-classes:$(cat "$file_dir/target/bench.classpath")"
if [ ! -f "$download" ]; then
  # generating is not what is measured: done in its own JVM with a normal heap
  java -Xmx512m -cp "$file_cp" -Dbench.generateOnly=true org.cybexp.input.source.mispfile.MispFileBenchmark \
      "$events" "$download"
fi
echo "--- -Xmx$heap"
java -Xmx"$heap" -cp "$file_cp" org.cybexp.input.source.mispfile.MispFileBenchmark "$events" "$download"
api_dir="$root/bundles/source-misp-api"
java -Xmx"$heap" -cp "$api_dir/target/classes:$api_dir/target/test-classes:$(cat "$api_dir/target/bench.classpath")" \
    org.cybexp.input.source.mispapi.MispApiBenchmark "$events" "$limit"
