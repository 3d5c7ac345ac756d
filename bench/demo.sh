#!/usr/bin/env bash
# The main job: builds vxcc if needed, starts an all-in-one node (scheduler, cache, daemon with its
# servant) in the background, compiles a real multi-file C++ project (Debian's ninja-build) through
# the vxcc wrapper with make -j8, checks the result runs, and prints where the compiles ran.
# Usage: bench/demo.sh [--rebuild]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work="$root/target/demo"
dist="$root/target/vxcc"
JAVA_HOME=$("$root/modules/node/src/dist/bin/vxcc-java" --home)
export JAVA_HOME

if [ "${1:-}" = "--rebuild" ] || [ ! -x "$dist/bin/vxcc-node" ] || [ ! -x "$dist/bin/vxcc" ]; then
  echo "== building vxcc (mvn package, tests skipped)"
  (cd "$root" && mvn -B -q package -DskipTests)
fi
for tool in cmake make g++; do
  command -v "$tool" >/dev/null || { echo "demo: $tool is required (apt-get install cmake make g++)" >&2; exit 1; }
done

echo "== fetching the sample: Debian source package ninja-build"
src=$(bash "$root/bench/lib/debian-source.sh" ninja-build)

rm -rf "$work"; mkdir -p "$work"
node_pid=""
cleanup() {
  if [ -n "$node_pid" ] && kill -0 "$node_pid" 2>/dev/null; then
    kill "$node_pid"; wait "$node_pid" 2>/dev/null || true
  fi
}
trap cleanup EXIT

# One machine plays every role, so the servant must not count our own preprocessing as foreign load.
conf='{"scheduler":{"userTokens":["demo"],"servantTokens":["demo"]},
       "cache":{"userTokens":["demo"],"servantTokens":["demo"],"port":0,"dir":"'"$work/cache"'"},
       "daemon":{"token":"demo","host":"demo-node","localSocket":"'"$work/daemon.sock"'","servingPort":0,"maxRemoteTasks":2,"reportLoad":false}}'
echo "== starting an all-in-one node (log: $work/node.log)"
"$dist/bin/vxcc-node" run all -conf "$conf" > "$work/node.log" 2>&1 &
node_pid=$!
for _ in $(seq 1 120); do
  grep -q '^vxcc-node ready:' "$work/node.log" && break
  kill -0 "$node_pid" 2>/dev/null || { cat "$work/node.log"; echo "demo: the node exited" >&2; exit 1; }
  sleep 0.5
done
ready=$(grep '^vxcc-node ready:' "$work/node.log") || { cat "$work/node.log"; echo "demo: node not ready" >&2; exit 1; }
echo "   $ready"
VXCC_DAEMON=$(sed -n 's/.* local=\([^ ]*\).*/\1/p' <<<"$ready")
export VXCC_DAEMON

"$dist/bin/vxcc" install-symlinks "$work/bin" >/dev/null
echo "== configuring and building ninja with CXX=$work/bin/g++ (make -j8)"
# -O2 without LTO: ninja's Release type adds -flto, whose compiles stay local (never reproducible).
cmake -S "$src" -B "$work/build" -DCMAKE_BUILD_TYPE=None -DCMAKE_CXX_FLAGS="-O2 -DNDEBUG" \
  -DCMAKE_CXX_COMPILER="$work/bin/g++" > "$work/cmake.log"
start=$(date +%s.%N)
make -C "$work/build" -j8 > "$work/make.log" 2>&1 || { tail -30 "$work/make.log"; exit 1; }
end=$(date +%s.%N)
"$work/build/ninja" --version > /dev/null

echo "== done in $(awk -v a="$start" -v b="$end" 'BEGIN{printf "%.1f", b-a}') s; the built ninja runs: $("$work/build/ninja" --version)"
echo "== vxcc --stats"
"$dist/bin/vxcc" --stats
remote=$("$dist/bin/vxcc" --stats --json | sed -n 's/^ *"remote" : \([0-9]*\),*/\1/p')
echo "== summary: $remote compile tasks ran on the servant"
[ "${remote:-0}" -gt 0 ] || { echo "demo: no task ran remotely" >&2; exit 1; }
