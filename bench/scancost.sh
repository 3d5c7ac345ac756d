#!/usr/bin/env bash
# CPU of each pass a remote task makes over its preprocessed text (issue 12: "one pass over the
# preprocessed bytes for every scan"), on ninja-build's src/build.cc as the delegate sends it
# (g++ -E -fdirectives-only, ~2.7 MB): the servant's directive check, the task digest both sides
# build, the delegate's direct-mode include list; SHA-256 and zstd of the same bytes as
# yardsticks, and zstd at level 3, at fast (negative) levels and with one reused context (the wire
# level's alternatives; each row names the compressed size).
# One thread, warm, median of N calls. Compare two builds by pointing VXCC_DIST at another
# checkout's target/vxcc.
# Usage: bench/scancost.sh [--rounds N]   (default 200)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/bench/lib/common.sh"
rounds=200
while [ $# -gt 0 ]; do
  case $1 in
    --rounds) rounds=$2; shift ;;
    *) echo "usage: $0 [--rounds N]" >&2; exit 2 ;;
  esac
  shift
done
dist=${VXCC_DIST:-}
if [ -z "$dist" ]; then
  bench_build_dist
  dist="$root/target/vxcc"
fi
src=$(bash "$root/bench/lib/debian-source.sh" ninja-build)
work="$root/target/bench/scancost"; rm -rf "$work"; mkdir -p "$work"
(cd "$src" && /usr/bin/g++ -O2 -DNDEBUG -std=c++11 -E -fdirectives-only src/build.cc -o "$work/build.ii")
java=${JAVA_HOME:+$JAVA_HOME/bin/}java
echo "# scancost: $dist at $(git -C "$dist/../.." rev-parse --short HEAD 2>/dev/null || echo '?'), load $(cut -d' ' -f1-3 /proc/loadavg)"
"$java" --enable-native-access=ALL-UNNAMED -cp "$dist/lib/*" "$root/bench/tools/ScanCost.java" "$work/build.ii" "$rounds" "$src"
