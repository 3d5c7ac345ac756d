#!/usr/bin/env bash
# A real project built clean: Debian's ninja-build (55 C++ TUs), CMake + make, -O2 -DNDEBUG without
# -g (gcc -g compiles stay local by design) and without LTO (Release adds -flto: local by design).
# Interleaved per round: plain make -jJ | vxcc (CMAKE_CXX_COMPILER_LAUNCHER) on a three-node
# loopback cluster (scheduler, client daemon, servant daemon; separate JVMs) | distcc to a distccd on
# 127.0.0.1 (--jobs J, the same slots as vxcc's servant) | ccache cold (empty cache) | ccache warm |
# vxcc warm (cache) when the shared cache serves entries.
# Wall and CPU: "client CPU" = make and all its children; "daemon CPU" = the cluster JVMs and the
# compilers they ran (from /proc/PID/stat, children included; a source tree's compiler runs in
# bwrap's pid namespace and is not among a JVM's reaped children, so with source trees first, the
# default, "daemon CPU" leaves the servant's compiles out: bench/treefirst.sh counts the machine's).
# Usage: bench/build.sh [--rounds N] [--jobs J] [--with-cache]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/bench/lib/common.sh"
. "$root/bench/lib/cluster.sh"
rounds=1 jobs=2 with_cache=auto
while [ $# -gt 0 ]; do
  case $1 in
    --rounds) rounds=$2; shift ;;
    --jobs) jobs=$2; shift ;;
    --with-cache) with_cache=yes ;;
    *) echo "usage: $0 [--rounds N] [--jobs J] [--with-cache]" >&2; exit 2 ;;
  esac
  shift
done
bench_need cmake:cmake make:make ccache:ccache distcc:distcc
bench_build_dist
src=$(bash "$root/bench/lib/debian-source.sh" ninja-build)
work="$root/target/bench/build"; rm -rf "$work"; mkdir -p "$work"
distccd_pid=""
stop_all() {
  [ -n "$distccd_pid" ] && { kill "$distccd_pid" 2>/dev/null || true; wait "$distccd_pid" 2>/dev/null || true; }
  bench_stop_cluster
}
trap stop_all EXIT

echo "build: starting scheduler(+cache), client daemon, servant daemon" >&2
bench_cluster_ports 3
bench_start_node "$work/scheduler.log" scheduler,cache "$(bench_conf sched 0)"
bench_start_node "$work/client.log" daemon "$(bench_conf client 0)"
daemon=$(bench_local_addr "$BENCH_READY")
bench_start_node "$work/servant.log" daemon "$(bench_conf servant "$jobs")"
# distccd drops to user distcc and writes its log here.
mkdir -p "$work/distcc"; chmod 1777 "$work/distcc"
dport=$(bench_free_port)
distccd --daemon --no-detach --listen 127.0.0.1 --port "$dport" --allow 127.0.0.1 --jobs "$jobs" --nice 0 \
  --log-file "$work/distcc/distccd.log" --pid-file "$work/distcc/distccd.pid" &
distccd_pid=$!
export DISTCC_HOSTS="127.0.0.1:$dport/$jobs" DISTCC_DIR="$work/distcc" DISTCC_FALLBACK=0 DISTCC_SKIP_LOCAL_RETRY=1
export VXCC_DAEMON=$daemon
stats() { "$BENCH_DIST/bin/vxcc" --stats --json; }

flags=(-G "Unix Makefiles" -DCMAKE_BUILD_TYPE=None "-DCMAKE_CXX_FLAGS=-O2 -DNDEBUG" -DBUILD_TESTING=ON)
cfg() {  # NAME [cmake args...]
  local name=$1; shift
  cmake -S "$src" -B "$work/$name" "${flags[@]}" "$@" > "$work/$name.cmake.log" 2>&1 || { cat "$work/$name.cmake.log" >&2; exit 1; }
}
cfg plain
cfg vxcc -DCMAKE_CXX_COMPILER_LAUNCHER="$BENCH_DIST/bin/vxcc"
cfg ccache -DCMAKE_CXX_COMPILER_LAUNCHER=ccache
cfg distcc -DCMAKE_CXX_COMPILER_LAUNCHER=distcc
export CCACHE_DIR="$work/ccache-dir" CCACHE_NOHASHDIR=1 CCACHE_MAXSIZE=2G

build() {  # CASE DIR [env...]: clean build; appends "wall cpu daemon" to r.CASE
  local c=$1 dir=$2 d0 d1 wc; shift 2
  make -s -C "$work/$dir" clean > /dev/null
  d0=$(bench_cluster_cpu_ms)
  wc=$(env "$@" python3 "$root/bench/lib/runcpu.py" make -s -C "$work/$dir" -j"$jobs" 2> "$work/$c.make.log") \
    || { tail -20 "$work/$c.make.log" >&2; echo "build: $c failed" >&2; exit 1; }
  d1=$(bench_cluster_cpu_ms)
  echo "$wc $((d1 - d0))" >> "$work/r.$c"
  "$work/$dir/ninja" --version > /dev/null
}
cases=(plain vxcc distcc ccachecold ccachewarm)
cache_note="n/a (cache not available)"
for c in "${cases[@]}" vxccwarm; do : > "$work/r.$c"; done
vxcc_cache=""
for ((r = 0; r < rounds; r++)); do
  build plain plain
  s0=$(stats)
  # Fill the cache but never read it: every round's clean build compiles (reading it, round 2 would be
  # all hits from round 1); the warm case below reads what it filled.
  build vxcc vxcc VXCC_CACHE_CONTROL=2
  s1=$(stats)
  build distcc distcc
  ccache -C > /dev/null 2>&1 || true; ccache -z > /dev/null
  build ccachecold ccache
  build ccachewarm ccache
  hits=$(stats | bench_cache_hits)
  if [ "$hits" != none ]; then
    w0=$(stats); h0=$hits; build vxccwarm vxcc VXCC_CACHE_CONTROL=1; w1=$(stats)
    warm_hits=$(( $(bench_cache_hits <<<"$w1") - h0 ))
    if [ "$warm_hits" -gt 0 ] || [ "$with_cache" = yes ]; then
      vxcc_cache=1
      cache_note="hits during the warm build: $warm_hits"
      cache_note+="; of them direct (no preprocessor): $(( $(bench_json_get directHits <<<"$w1") - $(bench_json_get directHits <<<"$w0") ))"
      cache_note+="; preprocessor runs: $(( $(bench_json_get preprocessorRuns <<<"$w1") - $(bench_json_get preprocessorRuns <<<"$w0") ))"
    else
      sed -i '$d' "$work/r.vxccwarm"
      cache_note="n/a (cache not available: 0 cache hits rebuilding what the clean build filled)"
    fi
  else cache_note="n/a (cache not available: no cache-hit counter in vxcc --stats --json)"; fi
  echo "  round $((r + 1))/$rounds: $(for c in "${cases[@]}"; do printf '%s=%s ' "$c" "$(tail -1 "$work/r.$c" | cut -d' ' -f1)"; done)" >&2
done
ccstats=$(ccache --print-stats 2>/dev/null | awk -F'\t' '$1=="direct_cache_hit"{d=$2} $1=="preprocessed_cache_hit"{p=$2} $1=="cache_miss"{m=$2} END{printf "ccache (all rounds) hit_direct=%s hit_cpp=%s miss=%s", d, p, m}')
remote=$(( $(bench_json_get remote <<<"$s1") - $(bench_json_get remote <<<"$s0") ))
local_n=$(( $(bench_json_get local <<<"$s1") - $(bench_json_get local <<<"$s0") ))
reasons=$(bench_json_get localByReason <<<"$s1" | tr -d ' "')

col() { cut -d' ' -f"$2" "$work/r.$1"; }
row() {  # CASE LABEL WHAT
  local c=$1 wall cpu dmn
  col "$c" 1 > "$work/w.$c"; col plain 1 > "$work/w.plain"
  wall=$(bench_median < "$work/w.$c"); cpu=$(col "$c" 2 | bench_median); dmn=$(col "$c" 3 | bench_median)
  bench_row build "$2" "$(awk -v w="$wall" 'BEGIN{printf "%.1f", w/1000}')" s "$(wc -l < "$work/r.$c")" \
    "$(bench_paired_ratio "$work/w.$c" "$work/w.plain")" "$(bench_minmax < "$work/w.$c" | awk -F'[.][.]' '{printf "%.1f..%.1f", $1/1000, $2/1000}')" \
    "$3; client CPU $(awk -v x="$cpu" 'BEGIN{printf "%.1f", x/1000}') s, daemon CPU $(awk -v x="$dmn" 'BEGIN{printf "%.1f", x/1000}') s (medians)"
}
row plain "ninja-build clean, plain make -j$jobs" "cmake -DCMAKE_BUILD_TYPE=None -O2 -DNDEBUG, Unix Makefiles, 55 TUs + links; baseline"
row vxcc "same through vxcc (3-JVM loopback cluster)" "launcher; last round remote=$remote local=$local_n; localByReason=$reasons"
row distcc "same through distcc (distccd on 127.0.0.1)" "distcc as launcher, distccd --jobs $jobs (its compiles are in neither CPU column); distccd COMPILE_OK (all rounds): $(grep -c COMPILE_OK "$work/distcc/distccd.log" 2>/dev/null || true)"
row ccachecold "same through ccache, cold (empty cache)" "ccache as launcher after ccache -C"
row ccachewarm "same through ccache, warm rebuild" "$ccstats"
if [ -n "$vxcc_cache" ]; then row vxccwarm "same through vxcc, warm (cache) rebuild" "$cache_note"
else bench_row build "same through vxcc, warm (cache) rebuild" "n/a" s 0 "n/a" "-" "$cache_note"; fi
