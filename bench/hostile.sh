#!/usr/bin/env bash
# The hostile suite: modules/e2e HostileSuiteTest (issue 8's attacks against a real mutual-TLS
# loopback cluster of three node JVMs at -Xmx512m, then a remote compile), and each node's
# resident set size (VmRSS) after it, against the bound the test asserts.
# Usage: bench/hostile.sh [ROUNDS]   (default 1; each round starts a fresh cluster, ~2 min)
# Builds in the reactor (never installs); one Maven process at a time; logs to target/bench/hostile/.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
rounds=${1:-1}
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
out="$root/target/bench/hostile"
mkdir -p "$out"
stamp=$(date -u +%Y-%m-%dT%H%MZ)
reports="$root/modules/e2e/target/surefire-reports"
failed=0
for r in $(seq 1 "$rounds"); do
  log="$out/$stamp-round$r.log"
  start=$(date +%s)
  set +e
  (cd "$root" && mvn -B -o -pl modules/node,modules/e2e -am package \
    -Dtest=HostileSuiteTest -Dsurefire.failIfNoSpecifiedTests=false) > "$log" 2>&1
  rc=$?
  set -e
  echo "round $r: exit $rc, $(( $(date +%s) - start )) s (log $log)"
  grep -ah '^Tests run' "$reports/dev.vxcc.e2e.HostileSuiteTest.txt" 2>/dev/null | sed 's/^/  /' || true
  # The test prints one line per node: hostile-rss node=... pid=... rss_kib=... bound_kib=...
  grep -ah '^hostile-rss ' "$reports/dev.vxcc.e2e.HostileSuiteTest-output.txt" 2>/dev/null \
    | awk '{ for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
             printf "  %-28s RSS %7.1f MiB  (bound %.0f MiB)\n", v["node"], v["rss_kib"] / 1024, v["bound_kib"] / 1024 }' \
    | tee -a "$out/$stamp-rss.txt" || true
  [ "$rc" -eq 0 ] || failed=1
done
exit "$failed"
