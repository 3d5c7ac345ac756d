#!/usr/bin/env bash
# Issue 13's proof rows: vxcc's shared cache vs ccache, side by side in one run, on Debian's
# ninja-build (CMake + make -jJ, -O2 -DNDEBUG, no -g) and a 3-JVM loopback cluster (scheduler+cache,
# client daemon, servant daemon), interleaved per round:
#   (a) one TU (src/build.cc) answered from the cache: vxcc direct mode vs ccache direct mode;
#   (b) the whole project rebuilt warm from a clean build directory: vxcc vs ccache;
#   (c) the same from a second checkout (a copy of the tree at another path of the same length:
#       compilers wrap dependency-file lines by column), vxcc with VXCC_BASE_DIR and ccache with
#       CCACHE_BASEDIR naming each checkout's root; its entries were all stored by the first;
#   (d) a TU that prints a warning (build.cc without -w) compiled a second time: hit or miss, its
#       time, and whether the replayed stderr is the compiler's own, byte for byte.
# Targets from issue 13 are printed next to the ratios. Where a vxcc hit's time goes (the shim's
# exchange with the daemon vs the daemon's own phases) is printed at the end from `vxcc --stats`.
# Usage: bench/cache.sh [--rounds N] [--jobs J]   (rows appended to $BENCH_TSV if set)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/bench/lib/common.sh"
. "$root/bench/lib/cluster.sh"
rounds=3 jobs=2
while [ $# -gt 0 ]; do
  case $1 in
    --rounds) rounds=$2; shift ;;
    --jobs) jobs=$2; shift ;;
    *) echo "usage: $0 [--rounds N] [--jobs J]" >&2; exit 2 ;;
  esac
  shift
done
bench_need cmake:cmake make:make ccache:ccache
bench_build_dist
src=$(bash "$root/bench/lib/debian-source.sh" ninja-build)
work="$root/target/bench/cache"; rm -rf "$work"; mkdir -p "$work"
trap bench_stop_cluster EXIT

echo "cache: starting scheduler+cache, client daemon, servant daemon" >&2
bench_cluster_ports 3
bench_start_node "$work/scheduler.log" scheduler,cache "$(bench_conf sched 0)"
bench_start_node "$work/client.log" daemon "$(bench_conf client 0)"
daemon=$(bench_local_addr "$BENCH_READY")
bench_start_node "$work/servant.log" daemon "$(bench_conf servant "$jobs")"
export VXCC_DAEMON=$daemon
stats() { "$BENCH_DIST/bin/vxcc" --stats --json; }
d() { echo $(( $(bench_json_get "$1" <<<"$3") - $(bench_json_get "$1" <<<"$2") )); }
"$BENCH_DIST/bin/vxcc" install-symlinks "$work/links" > /dev/null
export CCACHE_DIR="$work/ccache-dir" CCACHE_NOHASHDIR=1 CCACHE_MAXSIZE=2G
ccache -C > /dev/null 2>&1 || true
ccache -z > /dev/null

# Two checkouts at paths of the same length; each has a build directory per tool.
for co in one two; do mkdir -p "$work/co-$co"; cp -a "$src" "$work/co-$co/ninja"; done
co1="$work/co-one/ninja" co2="$work/co-two/ninja"
flags=(-G "Unix Makefiles" -DCMAKE_BUILD_TYPE=None "-DCMAKE_CXX_FLAGS=-O2 -DNDEBUG" -DBUILD_TESTING=ON)
for co in "$co1" "$co2"; do
  cmake -S "$co" -B "$co/b-vxcc" "${flags[@]}" -DCMAKE_CXX_COMPILER_LAUNCHER="$BENCH_DIST/bin/vxcc" > "$work/cmake.log" 2>&1 \
    || { cat "$work/cmake.log" >&2; exit 1; }
  cmake -S "$co" -B "$co/b-ccache" "${flags[@]}" -DCMAKE_CXX_COMPILER_LAUNCHER=ccache > "$work/cmake.log" 2>&1 \
    || { cat "$work/cmake.log" >&2; exit 1; }
  # The reference: ccache with base_dir rewrites absolute paths to relative ones, which changes
  # __FILE__ (ninja's tests use it), so only a plain build says what the objects must be.
  cmake -S "$co" -B "$co/b-plain" "${flags[@]}" > "$work/cmake.log" 2>&1 || { cat "$work/cmake.log" >&2; exit 1; }
done
quiet() { local log=$1; shift; "$@" > /dev/null 2>> "$log"; }
build() {  # CHECKOUT TOOL [env...]: clean build, prints its wall ms
  local co=$1 tool=$2 base; shift 2
  base=(VXCC_BASE_DIR="$co" CCACHE_BASEDIR="$co")
  make -s -C "$co/b-$tool" clean > /dev/null
  bench_time_ms quiet "$work/make.log" env "${base[@]}" "$@" make -s -C "$co/b-$tool" -j"$jobs"
}
objects_differing() {  # DIR_A DIR_B: how many objects of A differ in B
  local a=$1 b=$2 f n=0
  while IFS= read -r f; do cmp -s "$a/$f" "$b/$f" || n=$((n + 1)); done < <(cd "$a" && find . -name '*.o' -not -path '*_CMakeLTOTest*' | sort)
  echo "$n"
}
objects_same() {  # DIR_A DIR_B: every object of A is byte-identical in B (CMake's -flto probe is never reproducible)
  local a=$1 b=$2 f n=0
  while IFS= read -r f; do cmp -s "$a/$f" "$b/$f" || { echo "differs: $f" >&2; return 1; }; n=$((n + 1)); done \
    < <(cd "$a" && find . -name '*.o' -not -path '*_CMakeLTOTest*' | sort)
  [ "$n" -gt 0 ]
}

echo "cache: filling both caches from the first checkout (cold builds)" >&2
build "$co1" vxcc VXCC_CACHE_CONTROL=1 > "$work/cold.vxcc"
build "$co1" ccache > "$work/cold.ccache"
for co in "$co1" "$co2"; do build "$co" plain > /dev/null; done
objects_same "$co1/b-plain" "$co1/b-vxcc" || { echo "cache: vxcc objects differ from a plain build after the cold builds" >&2; exit 1; }
ccache_changed=$(objects_differing "$co1/b-plain" "$co1/b-ccache")
sleep 3  # the daemon learns of new keys at its next Bloom filter fetch (every 2 s)

# ---- (a) one TU
tu="$co1/src/build.cc"
tuflags=(-O2 -DNDEBUG -std=c++11 -w -c "$tu")
mkdir -p "$work/t"
c_vxcc()   { (cd "$work/t" && PATH="$work/links:$PATH" VXCC_BASE_DIR="$co1" g++ "${tuflags[@]}" -o vxcc.o); }
c_ccache() { (cd "$work/t" && CCACHE_BASEDIR="$co1" ccache /usr/bin/g++ "${tuflags[@]}" -o ccache.o); }
c_vxcc; c_ccache; sleep 3; c_vxcc; c_ccache
: > "$work/r.tu.vxcc"; : > "$work/r.tu.ccache"
s0=$(stats)
tu_rounds=$((rounds * 5))
for ((i = 0; i < tu_rounds; i++)); do
  bench_time_ms c_vxcc >> "$work/r.tu.vxcc"
  bench_time_ms c_ccache >> "$work/r.tu.ccache"
done
s1=$(stats)
(cd "$work/t" && /usr/bin/g++ "${tuflags[@]}" -o plain.o)
cmp "$work/t/plain.o" "$work/t/vxcc.o" || { echo "cache: the one-TU hit differs from a plain compile" >&2; exit 1; }
tu_direct=$(d directHits "$s0" "$s1"); tu_pp=$(d preprocessorRuns "$s0" "$s1")

# ---- (b) and (c) warm rebuilds, both checkouts
for k in one.vxcc one.ccache two.vxcc two.ccache; do : > "$work/r.$k"; done
w0=$(stats)
for ((r = 0; r < rounds; r++)); do
  build "$co1" vxcc >> "$work/r.one.vxcc"
  build "$co1" ccache >> "$work/r.one.ccache"
  [ "$r" = 0 ] && w1=$(stats)
  build "$co2" vxcc >> "$work/r.two.vxcc"
  build "$co2" ccache >> "$work/r.two.ccache"
  [ "$r" = 0 ] && w2=$(stats)
  echo "  round $((r + 1))/$rounds: $(for k in one.vxcc one.ccache two.vxcc two.ccache; do printf '%s=%s ' "$k" "$(tail -1 "$work/r.$k")"; done)" >&2
done
objects_same "$co1/b-plain" "$co1/b-vxcc" && objects_same "$co2/b-plain" "$co2/b-vxcc" && same=identical || same=DIFFERENT
warm_note() {  # BEFORE AFTER: what the first round's vxcc build did
  echo "first round: $(d invocations "$1" "$2") invocations, $(d directHits "$1" "$2") direct hits, $(d cacheHits "$1" "$2") hits in all, $(d preprocessorRuns "$1" "$2") preprocessor runs, $(d remote "$1" "$2") remote, $(d local "$1" "$2") local"
}
note_one=$(warm_note "$w0" "$w1") note_two=$(warm_note "$w1" "$w2")

# ---- (d) a TU that prints warnings (deprecation warnings of build.cc without -w)
wflags=(-O2 -DNDEBUG -std=c++11 -c "$tu")
(cd "$work/t" && /usr/bin/g++ "${wflags[@]}" -o plain-w.o 2> plain-w.err)
warnings=$(grep -c 'warning:' "$work/t/plain-w.err" || true)
c_wvxcc()   { (cd "$work/t" && PATH="$work/links:$PATH" VXCC_BASE_DIR="$co1" g++ "${wflags[@]}" -o vxcc-w.o 2> vxcc-w.err); }
c_wccache() { (cd "$work/t" && CCACHE_BASEDIR="$co1" ccache /usr/bin/g++ "${wflags[@]}" -o ccache-w.o 2> ccache-w.err); }
c_wvxcc; c_wccache; sleep 3
: > "$work/r.w.vxcc"; : > "$work/r.w.ccache"
x0=$(stats)
for ((i = 0; i < rounds; i++)); do
  bench_time_ms c_wvxcc >> "$work/r.w.vxcc"
  bench_time_ms c_wccache >> "$work/r.w.ccache"
done
x1=$(stats)
w_hits=$(d cacheHits "$x0" "$x1") w_direct=$(d directHits "$x0" "$x1") w_remote=$(d remote "$x0" "$x1") w_local=$(d local "$x0" "$x1")
cmp -s "$work/t/plain-w.err" "$work/t/vxcc-w.err" && w_err="stderr identical to g++'s" || w_err="stderr DIFFERS from g++'s"
cmp -s "$work/t/plain-w.o" "$work/t/vxcc-w.o" && w_obj="object identical" || w_obj="object DIFFERS"
w_verdict=$([ "$w_hits" -ge "$rounds" ] && echo hit || echo miss)
cc_w=$(ccache --print-stats | awk -F'\t' '$1=="direct_cache_hit"{print $2}')

# ---- rows
verdict() {  # RATIO TARGET: ": met" / ": NOT met" for a "<= X" target
  case $2 in "<= "*) awk -v r="$1" -v t="${2#<= }" 'BEGIN{ if (r == "n/a") print ": n/a"; else print (r + 0 <= t + 0 ? ": met" : ": NOT met") }' ;; esac
}
row() {  # CASE_FILE BASE_FILE LABEL TARGET WHAT
  local f="$work/r.$1" ratio
  ratio=$(bench_paired_ratio "$f" "$work/r.$2")
  bench_row cache-vs-ccache "$3" "$(bench_median < "$f")" ms "$(wc -l < "$f")" "$ratio" "$(bench_minmax < "$f")" \
    "$5; ratio = vxcc/ccache, target $4$(verdict "$ratio" "$4")"
}
base_row() {  # CASE_FILE LABEL WHAT
  bench_row cache-vs-ccache "$2" "$(bench_median < "$work/r.$1")" ms "$(wc -l < "$work/r.$1")" "" "$(bench_minmax < "$work/r.$1")" "$3"
}
base_row tu.ccache "(a) one TU, ccache direct-mode hit" "ccache $(ccache --version | head -1 | awk '{print $3}'), ninja src/build.cc -O2 -w; the baseline of (a)"
row tu.vxcc tu.ccache "(a) one TU, vxcc direct-mode hit" "<= 2" "direct hits $tu_direct/$tu_rounds, preprocessor runs $tu_pp"
base_row one.ccache "(b) ninja-build warm rebuild, ccache" "clean build dir, make -j$jobs, all TUs hit; the baseline of (b)"
row one.vxcc one.ccache "(b) ninja-build warm rebuild, vxcc" "<= 1.2" "$note_one; objects $same to a plain build (ccache's: $ccache_changed differ, its base_dir turns __FILE__ relative)"
base_row two.ccache "(c) second checkout warm rebuild, ccache" "copy of the tree at another path, CCACHE_BASEDIR; the baseline of (c)"
row two.vxcc two.ccache "(c) second checkout warm rebuild, vxcc" "<= 1.2" "VXCC_BASE_DIR; $note_two"
base_row w.ccache "(d) warning TU second compile, ccache" "build.cc without -w ($warnings warnings); ccache direct hits so far: $cc_w"
row w.vxcc w.ccache "(d) warning TU second compile, vxcc" "a hit" \
  "$w_verdict: hits $w_hits/$rounds (direct $w_direct), remote $w_remote, local $w_local; $w_err; $w_obj"

echo "cache: where a vxcc hit's time goes (daemon phases, all compiles of this run):" >&2
"$BENCH_DIST/bin/vxcc" --stats | awk '/^time per phase/ {p = 1; print; next} p && /^  / {print; next} {p = 0}' >&2
