#!/usr/bin/env bash
# The whole compiler fidelity matrix (issue 11's rows): ninja-build, leveldb with every test and the
# small diagnostics project, every row, gcc and clang. CI runs a subset (see FidelityMatrixTest's
# javadoc); this runs everything, which takes long on a small machine (2 cores: about 9 minutes per
# configuration, some two hours in all; --rows runs a few). The table lands in
# modules/e2e/target/fidelity-matrix.txt, rewritten after each configuration, so a stopped run
# keeps what it measured.
# Usage: bench/fidelity.sh [--rows gcc:-g3 -O2,clang] [--min-remote PERCENT]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/bench/lib/common.sh"
rows="" min=95
while [ $# -gt 0 ]; do
  case $1 in
    --rows) rows=$2; shift ;;
    --min-remote) min=$2; shift ;;
    *) echo "usage: $0 [--rows LIST] [--min-remote PERCENT]" >&2; exit 2 ;;
  esac
  shift
done
# leveldb's tests (all targets) need Debian's googletest and benchmark, as in .ci/run.
bench_need cmake:cmake ninja:ninja-build clang:clang /usr/include/gtest/gtest.h:libgtest-dev \
  /usr/include/gmock/gmock.h:libgmock-dev /usr/include/benchmark/benchmark.h:libbenchmark-dev
bench_build_dist
cd "$root"
mvn -B -q -pl modules/e2e -am test -Dtest=FidelityMatrixTest -Dsurefire.failIfNoSpecifiedTests=false \
  -Djunit.jupiter.execution.timeout.mode=disabled -Dvxcc.e2e.forkTimeout=0 -Dvxcc.matrix.full=true -Dvxcc.matrix.leveldbTargets=all \
  "-Dvxcc.matrix.rows=$rows" "-Dvxcc.matrix.minRemotePercent=$min" || status=$?
cat modules/e2e/target/fidelity-matrix.txt
exit "${status:-0}"
