#!/usr/bin/env bash
# One machine is never slower than plain make (issue 12): Debian's ninja-build (CMake + make -jJ,
# -O2 -DNDEBUG) built clean, interleaved per round, plain vs through vxcc on ONE all-in-one node
# (scheduler + cache + daemon in one JVM, the shipped daemon defaults: maxLocalTasks and
# maxRemoteTasks automatic), the cache filled but not read (VXCC_CACHE_CONTROL=2); then one more
# vxcc build that reads the cache, which must be all hits. Target: vxcc wall <= 1.05x plain.
# Beside the walls: the machine's busy CPU per build, and the node JVM's own CPU per compile and while
# idle, so a ratio above 1 says whether the machine worked more (CPU) or waited (wall without CPU).
# Usage: bench/onemachine.sh [--rounds N] [--jobs J]   (rows appended to $BENCH_TSV if set)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/bench/lib/common.sh"
. "$root/bench/lib/cluster.sh"
rounds=1 jobs=$(nproc)
while [ $# -gt 0 ]; do
  case $1 in
    --rounds) rounds=$2; shift ;;
    --jobs) jobs=$2; shift ;;
    *) echo "usage: $0 [--rounds N] [--jobs J]" >&2; exit 2 ;;
  esac
  shift
done
bench_need cmake:cmake make:make
bench_build_dist
src=$(bash "$root/bench/lib/debian-source.sh" ninja-build)
work="$root/target/bench/onemachine"; rm -rf "$work"; mkdir -p "$work"
trap bench_stop_cluster EXIT

echo "onemachine: starting one all-in-one node" >&2
bench_cluster_ports 1
bench_start_node "$work/node.log" scheduler,cache,daemon "$(bench_conf self -1 ',"servantUser":"","servantAllowRoot":true')"
export VXCC_DAEMON; VXCC_DAEMON=$(bench_local_addr "$BENCH_READY")
stats() { "$BENCH_DIST/bin/vxcc" --stats --json; }

flags=(-G "Unix Makefiles" -DCMAKE_BUILD_TYPE=None "-DCMAKE_CXX_FLAGS=-O2 -DNDEBUG" -DBUILD_TESTING=OFF)
for name in plain vxcc; do
  launcher=(); [ "$name" = vxcc ] && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER="$BENCH_DIST/bin/vxcc")
  cmake -S "$src" -B "$work/$name" "${flags[@]}" "${launcher[@]}" > "$work/$name.cmake.log" 2>&1 || { cat "$work/$name.cmake.log" >&2; exit 1; }
done
quiet() { local log=$1; shift; "$@" > /dev/null 2>> "$log"; }
build() {  # DIR [env...]: clean build, prints its wall ms; appends "machine-ms node-ms" of the build to DIR.cpu
  local dir=$1 m0 n0 wall; shift
  make -s -C "$work/$dir" clean > /dev/null
  m0=$(bench_machine_cpu_ms); n0=$(bench_node_own_cpu_ms 0)
  wall=$(bench_time_ms quiet "$work/$dir.make.log" env "$@" make -s -C "$work/$dir" -j"$jobs")
  echo "$(($(bench_machine_cpu_ms) - m0)) $(($(bench_node_own_cpu_ms 0) - n0))" >> "$work/$dir.cpu"
  echo "$wall"
}
echo "onemachine: warm-up build through vxcc (JIT, compiler identity)" >&2
build vxcc VXCC_CACHE_CONTROL=0 > /dev/null
: > "$work/r.plain"; : > "$work/r.vxcc"; : > "$work/plain.cpu"; : > "$work/vxcc.cpu"
s0=$(stats)
for ((i = 0; i < rounds; i++)); do
  build plain >> "$work/r.plain"
  build vxcc VXCC_CACHE_CONTROL=2 >> "$work/r.vxcc"
  echo "  round $((i + 1))/$rounds: plain $(tail -1 "$work/r.plain") ms, vxcc $(tail -1 "$work/r.vxcc") ms" >&2
done
s1=$(stats)
sleep 3  # the daemon learns of the new keys at its next Bloom filter fetch (every 2 s)
hit_wall=$(build vxcc VXCC_CACHE_CONTROL=1)
s2=$(stats)
d() { echo $(( $(bench_json_get "$1" <<<"$3") - $(bench_json_get "$1" <<<"$2") )); }
tus=$(find "$work/plain" -name '*.o' | wc -l)
bench_row one-machine "plain make -j$jobs, ninja-build" "$(bench_median < "$work/r.plain")" ms "$rounds" "" "$(bench_minmax < "$work/r.plain")" "clean build, $tus objects; the baseline"
bench_row one-machine "vxcc, all-in-one node, cache filled" "$(bench_median < "$work/r.vxcc")" ms "$rounds" \
  "$(bench_paired_ratio "$work/r.vxcc" "$work/r.plain")" "$(bench_minmax < "$work/r.vxcc")" \
  "target <= 1.05x plain; in place $(d inPlace "$s0" "$s1"), remote $(d remote "$s0" "$s1"), local $(d local "$s0" "$s1")"
# Where the extra wall goes: the machine's busy CPU per build, and the node JVM's own CPU per compile
# beyond its idle rate (measured over the plain build of the same round, when the node sits idle).
compiles=$(( $(d invocations "$s0" "$s1") / rounds ))
head -n "$rounds" "$work/plain.cpu" | cut -d' ' -f1 > "$work/m.plain"
head -n "$rounds" "$work/vxcc.cpu" | cut -d' ' -f1 > "$work/m.vxcc"
paste "$work/r.plain" "$work/r.vxcc" <(head -n "$rounds" "$work/plain.cpu") <(head -n "$rounds" "$work/vxcc.cpu") \
  | awk -v n="$compiles" '{idle = $4 / $1; if (n > 0) printf "%.1f\n", ($6 - idle * $2) / n; else print "nan"}' > "$work/node.per-compile"
# The idle rate alone: what the node's periodic chores cost a machine that builds nothing (and,
# during a build, a share of the machine that the per-compile row leaves out).
paste "$work/r.plain" <(head -n "$rounds" "$work/plain.cpu") | awk '{printf "%.2f\n", 100 * $3 / $1}' > "$work/node.idle"
bench_row one-machine "node JVM CPU while idle" "$(bench_median < "$work/node.idle")" "%" "$rounds" "" \
  "$(bench_minmax < "$work/node.idle")" "of one core: the node's own threads during each plain build (nothing to compile): timers, Hazelcast, JIT, GC"
bench_row one-machine "machine busy CPU per build, plain" "$(bench_median < "$work/m.plain")" ms "$rounds" "" "$(bench_minmax < "$work/m.plain")" \
  "all processes and the kernel (/proc/stat), idle and iowait excluded"
bench_row one-machine "machine busy CPU per build, vxcc" "$(bench_median < "$work/m.vxcc")" ms "$rounds" \
  "$(bench_paired_ratio "$work/m.vxcc" "$work/m.plain")" "$(bench_minmax < "$work/m.vxcc")" "the same, through vxcc (compilers, preprocessor, shims, node)"
bench_row one-machine "node JVM CPU per compile beyond idle" "$(bench_median < "$work/node.per-compile")" ms "$rounds" "" \
  "$(bench_minmax < "$work/node.per-compile")" "$compiles compiles per build; the node's own threads (JIT and GC included, its compilers not), less its idle rate during the plain build"
bench_row one-machine "vxcc second build, cache read" "$hit_wall" ms 1 "" "-" \
  "cache hits $(d cacheHits "$s1" "$s2") of $(d invocations "$s1" "$s2") invocations (all hits expected)"
echo "onemachine: time per phase on the node:" >&2
"$BENCH_DIST/bin/vxcc" --stats | awk '/^time per phase/ {p = 1; print; next} p && /^  / {print; next} {p = 0}' >&2
