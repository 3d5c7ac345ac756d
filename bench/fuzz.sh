#!/usr/bin/env bash
# Fuzz soak: the property tests that CI runs with 10,000 tries each (*FuzzTest in modules/common's
# users: daemon-verticle, cache-verticle), here with many more tries and a fresh seed per run.
# Usage: bench/fuzz.sh [--tries N] [--seed S] [--only 'ClassPattern']
#   --tries  tries per property (default 200000; file-system properties run a tenth of it)
#   --seed   replay a run (the seed is printed and written to the log); default: the clock
#   --only   surefire -Dtest pattern, default '*FuzzTest'
# A failure names the property, the try and the input, with the -D flags that replay just it.
# Builds in the reactor (never installs); one Maven process; logs to target/bench/fuzz/.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
tries=200000 seed=$(date +%s) only='*FuzzTest'
while [ $# -gt 0 ]; do
  case $1 in
    --tries) tries=$2; shift ;;
    --seed) seed=$2; shift ;;
    --only) only=$2; shift ;;
    *) echo "usage: $0 [--tries N] [--seed S] [--only PATTERN]" >&2; exit 2 ;;
  esac
  shift
done
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
out="$root/target/bench/fuzz"
mkdir -p "$out"
stamp=$(date -u +%Y-%m-%dT%H%MZ)
log="$out/$stamp.log"
echo "fuzz soak: $tries tries per property, seed $seed, tests '$only' -> $log"
start=$(date +%s)
set +e
(cd "$root" && mvn -B -o -pl daemon-verticle,cache-verticle -am test \
  -Dtest="$only" -Dsurefire.failIfNoSpecifiedTests=false \
  -Dvxcc.fuzz.tries="$tries" -Dvxcc.fuzz.seed="$seed" -Dvxcc.fuzz.maxFailures=20) > "$log" 2>&1
rc=$?
set -e
echo "seed $seed, exit $rc, $(( $(date +%s) - start )) s" >> "$log"
# One line per test class from the Surefire reports, then any failing property with its replay flags.
for f in "$root"/daemon-verticle/target/surefire-reports/*FuzzTest.txt "$root"/cache-verticle/target/surefire-reports/*FuzzTest.txt; do
  [ -f "$f" ] && grep -ah '^Tests run' "$f" | sed "s|^|$(basename "$f" .txt): |"
done
cat "$root"/daemon-verticle/target/surefire-reports/*FuzzTest-output.txt \
  "$root"/cache-verticle/target/surefire-reports/*FuzzTest-output.txt 2>/dev/null | grep -a '^fuzz property' || true
grep -aho "property '[^']*' failed at try [0-9]* (replay: [^)]*)" "$log" | sort -u || true
echo "seed $seed, exit $rc, $(( $(date +%s) - start )) s (log: $log)"
exit $rc
