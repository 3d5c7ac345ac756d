#!/usr/bin/env bash
# Issue 11's open question, measured: what sending every compile as a source tree costs next to the
# preprocessed-text path. One loopback cluster (scheduler+cache, one servant daemon), two client
# daemons that differ only in daemon.sourceTreeFirst; Debian's ninja-build (55 C++ TUs, CMake +
# make) built clean, interleaved per round: plain make -jJ | through the text client | through the
# tree-first client; cache off (VXCC_CACHE_CONTROL=0), so every round compiles everything.
# Round 1 of the tree client also uploads every header once to the servant's blob store; later
# rounds send digests only. Each build's objects are compared with the plain build's (without -g).
# Per build: wall, client CPU (make and its children: shim, preprocessor or dependency pass),
# cluster CPU (the JVMs and the compilers they reaped: a source tree's compiler, inside bwrap's pid
# namespace, is not among them) and machine CPU (/proc/stat, everything, on a quiet machine the
# figure to compare). The clients' counters: remote, source trees, compiles run twice, local by reason.
# Usage: bench/treefirst.sh [--rounds N] [--jobs J] [--flags "CXXFLAGS"]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/bench/lib/common.sh"
. "$root/bench/lib/cluster.sh"
rounds=2 jobs=2 cxxflags="-O2 -DNDEBUG"
while [ $# -gt 0 ]; do
  case $1 in
    --rounds) rounds=$2; shift ;;
    --jobs) jobs=$2; shift ;;
    --flags) cxxflags=$2; shift ;;
    *) echo "usage: $0 [--rounds N] [--jobs J] [--flags CXXFLAGS]" >&2; exit 2 ;;
  esac
  shift
done
bench_need cmake:cmake make:make
bench_build_dist
src=$(bash "$root/bench/lib/debian-source.sh" ninja-build)
work="$root/target/bench/treefirst"; rm -rf "$work"; mkdir -p "$work"
trap bench_stop_cluster EXIT

echo "treefirst: starting scheduler(+cache), servant daemon, text client, tree-first client" >&2
bench_cluster_ports 4
bench_start_node "$work/scheduler.log" scheduler,cache "$(bench_conf sched 0)"
bench_start_node "$work/servant.log" daemon "$(bench_conf servant "$jobs")"
bench_start_node "$work/text.log" daemon "$(bench_conf text 0 ',"sourceTreeFirst":false')"
text_api=$(bench_local_addr "$BENCH_READY")
bench_start_node "$work/tree.log" daemon "$(bench_conf tree 0 ',"sourceTreeFirst":true')"
tree_api=$(bench_local_addr "$BENCH_READY")
stats() { VXCC_DAEMON=$1 "$BENCH_DIST/bin/vxcc" --stats --json; }

for c in plain text tree; do
  cmake -S "$src" -B "$work/$c" -G "Unix Makefiles" -DCMAKE_BUILD_TYPE=None "-DCMAKE_CXX_FLAGS=$cxxflags" -DBUILD_TESTING=ON \
    $([ "$c" = plain ] || echo "-DCMAKE_CXX_COMPILER_LAUNCHER=$BENCH_DIST/bin/vxcc") > "$work/$c.cmake.log" 2>&1 \
    || { cat "$work/$c.cmake.log" >&2; exit 1; }
  : > "$work/r.$c"
done

build() {  # CASE [env...]: clean build; appends "wall clientcpu clustercpu machinecpu" to r.CASE
  local c=$1 d0 d1 m0 m1 wc; shift
  make -s -C "$work/$c" clean > /dev/null
  d0=$(bench_cluster_cpu_ms); m0=$(bench_machine_cpu_ms)
  wc=$(env "$@" python3 "$root/bench/lib/runcpu.py" make -s -C "$work/$c" -j"$jobs" 2> "$work/$c.make.log") \
    || { tail -20 "$work/$c.make.log" >&2; echo "treefirst: $c failed" >&2; exit 1; }
  d1=$(bench_cluster_cpu_ms); m1=$(bench_machine_cpu_ms)
  echo "$wc $((d1 - d0)) $((m1 - m0))" >> "$work/r.$c"
}
same_objects() {  # CASE: every object equals the plain build's
  local c=$1 o n=0
  while IFS= read -r o; do
    cmp -s "$work/plain/$o" "$work/$c/$o" || { echo "treefirst: $c/$o differs from the plain build's" >&2; exit 1; }
    n=$((n + 1))
  done < <(cd "$work/plain" && find . -path './CMakeFiles/_*' -prune -o -path './CMakeFiles/CMake*' -prune -o -name '*.o' -print | sort)
  echo "$n"
}
t0=$(stats "$text_api"); r0=$(stats "$tree_api")
for ((r = 0; r < rounds; r++)); do
  build plain
  build text VXCC_DAEMON="$text_api" VXCC_CACHE_CONTROL=0
  build tree VXCC_DAEMON="$tree_api" VXCC_CACHE_CONTROL=0
  # With -g an object names its build directory, and each case has its own.
  if [[ " $cxxflags " == *" -g"* ]]; then n_text="n/a (-g)"; n_tree="n/a (-g)"
  else n_text=$(same_objects text); n_tree=$(same_objects tree); fi
  echo "  round $((r + 1))/$rounds: $(for c in plain text tree; do printf '%s=%s ' "$c" "$(tail -1 "$work/r.$c")"; done)(objects identical: $n_text, $n_tree)" >&2
done
t1=$(stats "$text_api"); r1=$(stats "$tree_api")
delta() { echo $(( $(bench_json_get "$1" <<<"$3") - $(bench_json_get "$1" <<<"$2") )); }
counters() {  # BEFORE AFTER
  printf 'remote %s, source trees %s, trees sent as text %s, compiled twice %s, local %s (%s)' "$(delta remote "$1" "$2")" \
    "$(delta sourceTree "$1" "$2")" "$(delta treeToText "$1" "$2")" "$(delta repeated "$1" "$2")" "$(delta local "$1" "$2")" \
    "$(bench_json_get localByReason <<<"$2" | tr -d ' "')"
}

col() { cut -d' ' -f"$2" "$work/r.$1"; }
row() {  # CASE LABEL NOTE
  local c=$1 wall cpu dmn mach
  col "$c" 1 > "$work/w.$c"; col plain 1 > "$work/w.plain"
  wall=$(bench_median < "$work/w.$c"); cpu=$(col "$c" 2 | bench_median); dmn=$(col "$c" 3 | bench_median); mach=$(col "$c" 4 | bench_median)
  bench_row treefirst "$2" "$(awk -v w="$wall" 'BEGIN{printf "%.1f", w/1000}')" s "$(wc -l < "$work/r.$c")" \
    "$(bench_paired_ratio "$work/w.$c" "$work/w.plain")" "$(bench_minmax < "$work/w.$c" | awk -F'[.][.]' '{printf "%.1f..%.1f", $1/1000, $2/1000}')" \
    "$3; client CPU $(awk -v x="$cpu" 'BEGIN{printf "%.1f", x/1000}') s, cluster CPU $(awk -v x="$dmn" 'BEGIN{printf "%.1f", x/1000}') s, machine CPU $(awk -v x="$mach" 'BEGIN{printf "%.1f", x/1000}') s (medians); per round: $(tr '\n' ' ' < "$work/w.$c")ms"
}
row plain "ninja-build clean, plain make -j$jobs" "CXXFLAGS $cxxflags, 55 TUs + links; baseline"
row text "same, preprocessed text (sourceTreeFirst off)" "all rounds: $(counters "$t0" "$t1")"
row tree "same, every compile a source tree (default)" "all rounds: $(counters "$r0" "$r1")"
echo "  text client, all rounds: $(counters "$t0" "$t1")" >&2
echo "  tree-first client, all rounds: $(counters "$r0" "$r1")" >&2
echo "the servant's time per phase (text and tree tasks together):" >&2
VXCC_DAEMON=$(bench_local_addr "$(grep -m1 '^vxcc-node ready:' "$work/servant.log")") "$BENCH_DIST/bin/vxcc" --stats 2>&1 \
  | sed -n '/time per phase/,/^$/p' >&2 || true
