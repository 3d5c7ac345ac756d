#!/usr/bin/env bash
# Per-task overhead and cache latency on one medium real TU (Debian ninja-build's src/build.cc,
# g++ -O2 -DNDEBUG -std=c++11, no -g: gcc -g compiles stay local by design), interleaved round-robin:
#   direct g++ | vxcc (shim + client daemon + remote servant JVM, loopback cluster of 3 JVMs)
#   | distcc -> distccd 127.0.0.1 | icecc -> iceccd on 127.0.0.2 (proxy iceccd + scheduler)
#   | vxcc cache hit (when the cache serves entries) | ccache hit, direct mode
#   | ccache hit, preprocessor mode | ccache cold miss (CCACHE_RECACHE)
# Everything runs inside a network namespace with only `lo` (icecream must never see eth0).
# Usage: bench/pertask.sh [--rounds N] [--with-cache]   (rows appended to $BENCH_TSV if set)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/bench/lib/common.sh"
. "$root/bench/lib/netns.sh"
rounds=5 with_cache=auto inner=""
while [ $# -gt 0 ]; do
  case $1 in
    --rounds) rounds=$2; shift ;;
    --with-cache) with_cache=yes ;;
    --inner) inner=1 ;;
    *) echo "usage: $0 [--rounds N] [--with-cache]" >&2; exit 2 ;;
  esac
  shift
done
work="$root/target/bench/pertask"

if [ -z "$inner" ]; then
  bench_need ip:iproute2 distcc:distcc icecc:icecc ccache:ccache unshare:util-linux
  bench_build_dist
  bash "$root/bench/lib/debian-source.sh" ninja-build > /dev/null
  rm -rf "$work"; mkdir -p "$work"
  trap bench_netns_delete EXIT
  bench_netns_create
  args=(--inner --rounds "$rounds"); [ "$with_cache" = yes ] && args+=(--with-cache)
  ip netns exec "$BENCH_NETNS" env BENCH_TSV="${BENCH_TSV:-}" bash "$0" "${args[@]}"
  exit 0
fi

# ---- inside the lo-only namespace from here on
bench_in_lo_only_netns || { echo "pertask: --inner must run in a lo-only namespace" >&2; exit 1; }
. "$root/bench/lib/cluster.sh"
. "$root/bench/lib/icecream.sh"
distccd_pid=""
cleanup() {
  [ -n "$distccd_pid" ] && { kill "$distccd_pid" 2>/dev/null || true; wait "$distccd_pid" 2>/dev/null || true; }
  bench_icecc_stop
  bench_stop_cluster
}
trap cleanup EXIT

src=$(bash "$root/bench/lib/debian-source.sh" ninja-build)
tu="$src/src/build.cc"
# -w: build.cc prints deprecation warnings, and vxcc re-runs any remote compile that printed a
# diagnostic locally (daemon.exactDiagnostics), which would measure two compiles.
flags=(-O2 -DNDEBUG -std=c++11 -w -c "$tu")
mkdir -p "$work/links" "$work/t" "$work/ccache" "$work/distcc"
chmod 1777 "$work/distcc"  # distccd drops to user distcc and writes its log here
"$BENCH_DIST/bin/vxcc" install-symlinks "$work/links" > /dev/null

echo "pertask: starting a loopback vxcc cluster (scheduler$( [ "$with_cache" != no ] && echo ',cache'), client daemon, servant daemon)" >&2
bench_cluster_ports 3
sched_roles=scheduler
if "$BENCH_DIST/bin/vxcc-node" --help 2>&1 | grep -q cache || [ -d "$root/cache-verticle" ]; then sched_roles=scheduler,cache; fi
bench_start_node "$work/scheduler.log" "$sched_roles" "$(bench_conf sched 0)"
bench_start_node "$work/client.log" daemon "$(bench_conf client 0)"
daemon=$(bench_local_addr "$BENCH_READY")
bench_start_node "$work/servant.log" daemon "$(bench_conf servant 2)"

echo "pertask: starting distccd on 127.0.0.1 and icecream (scheduler, proxy iceccd, worker iceccd on 127.0.0.2)" >&2
dport=$(bench_free_port)
distccd --daemon --no-detach --listen 127.0.0.1 --port "$dport" --allow 127.0.0.1 --jobs 2 --nice 0 \
  --log-file "$work/distcc/distccd.log" --pid-file "$work/distcc/distccd.pid" &
distccd_pid=$!
bench_icecc_start "$work/icecc" 2

export CCACHE_DIR="$work/ccache" CCACHE_NOHASHDIR=1 CCACHE_MAXSIZE=2G
export DISTCC_HOSTS="127.0.0.1:$dport/2" DISTCC_DIR="$work/distcc" DISTCC_FALLBACK=0 DISTCC_SKIP_LOCAL_RETRY=1
export ICECC_CARET_WORKAROUND=0

c_direct()    { (cd "$work/t" && /usr/bin/g++ "${flags[@]}" -o direct.o); }
c_vxcc()      { (cd "$work/t" && PATH="$work/links:$PATH" VXCC_DAEMON=$daemon VXCC_CACHE_CONTROL=0 g++ "${flags[@]}" -o vxcc.o); }
c_vxcchit()   { (cd "$work/t" && PATH="$work/links:$PATH" VXCC_DAEMON=$daemon VXCC_CACHE_CONTROL=1 g++ "${flags[@]}" -o vxcchit.o); }
c_vxcccpp()   { (cd "$work/t" && PATH="$work/links:$PATH" VXCC_DAEMON=$daemon VXCC_CACHE_CONTROL=1 VXCC_DIRECT=0 g++ "${flags[@]}" -o vxcccpp.o); }
c_distcc()    { (cd "$work/t" && distcc /usr/bin/g++ "${flags[@]}" -o distcc.o); }
c_icecc()     { (cd "$work/t" && icecc /usr/bin/g++ "${flags[@]}" -o icecc.o); }
c_ccdirect()  { (cd "$work/t" && ccache /usr/bin/g++ "${flags[@]}" -o ccd.o); }
c_cccpp()     { (cd "$work/t" && CCACHE_NODIRECT=1 ccache /usr/bin/g++ "${flags[@]}" -o ccp.o); }
c_ccmiss()    { (cd "$work/t" && CCACHE_RECACHE=1 ccache /usr/bin/g++ "${flags[@]}" -o ccm.o); }
stats() { VXCC_DAEMON=$daemon "$BENCH_DIST/bin/vxcc" --stats --json; }

echo "pertask: warming up (JIT, grant prefetch, icecream toolchain upload, ccache fill)" >&2
for _ in 1 2; do c_direct; c_vxcc; c_distcc; c_icecc; done
c_ccmiss; c_ccdirect; c_cccpp
cmp "$work/t/direct.o" "$work/t/vxcc.o" || { echo "pertask: the vxcc object differs from the direct one" >&2; exit 1; }

cases=(direct vxcc distcc icecc ccdirect cccpp ccmiss)
cache_state="n/a (cache not available)"
if [ "$with_cache" != no ]; then
  # The first run fills the cache; the daemon learns of the new key at its next Bloom filter
  # fetch (every 2 s) and skips lookups for keys the filter does not have, so wait for one.
  c_vxcchit; sleep 3; c_vxcchit
  hits=$(stats | bench_cache_hits)
  if [ "$hits" != none ] && [ "$hits" -gt 0 ]; then cases+=(vxcchit vxcccpp); cache_state=""
  elif [ "$hits" = none ]; then cache_state="n/a (cache not available: no cache-hit counter in vxcc --stats --json)"
  else cache_state="n/a (cache not available: 0 hits after 2 identical compiles)"; fi
fi
before=$(stats)
for c in "${cases[@]}"; do : > "$work/r.$c"; done
for ((i = 0; i < rounds; i++)); do
  for c in "${cases[@]}"; do bench_time_ms "c_$c" >> "$work/r.$c"; done
  echo "  round $((i + 1))/$rounds: $(for c in "${cases[@]}"; do printf '%s=%s ' "$c" "$(tail -1 "$work/r.$c")"; done)" >&2
done
after=$(stats)
remote_delta=$(( $(bench_json_get remote <<<"$after") - $(bench_json_get remote <<<"$before") ))
icecc_remote=$(grep -c 'Remote compilation completed with exit code 0' "$work/icecc/iceccd2.log" 2>/dev/null || true)
distcc_remote=$(grep -c 'COMPILE_OK' "$work/distcc/distccd.log" 2>/dev/null || true)
local_reasons=$(bench_json_get localByReason <<<"$after" | tr -d ' "')

row() {  # CASE LABEL WHAT
  local f="$work/r.$1"
  bench_row per-task "$2" "$(bench_median < "$f")" ms "$(wc -l < "$f")" "$(bench_paired_ratio "$f" "$work/r.direct")" \
    "$(bench_minmax < "$f")" "$3"
}
row direct "direct g++ -O2 -c build.cc" "wall of /usr/bin/g++ on ninja src/build.cc; baseline"
row vxcc "vxcc -> remote servant (loopback)" "shim+client daemon+gRPC to a servant JVM; remote in timed rounds: $remote_delta/$rounds; local by reason (all runs): $local_reasons"
row distcc "distcc -> distccd 127.0.0.1" "distcc 3.4 client, distccd --jobs 2 on 127.0.0.1 (netns); distccd COMPILE_OK (all runs): $distcc_remote"
row icecc "icecc -> iceccd 127.0.0.2" "icecc 1.4 via proxy iceccd; worker iceccd on 127.0.0.2 (netns); remote compiles on the worker (all runs): $icecc_remote"
if [[ " ${cases[*]} " == *" vxcchit "* ]]; then
  direct_delta=$(( $(bench_json_get directHits <<<"$after" || echo 0) - $(bench_json_get directHits <<<"$before" || echo 0) ))
  row vxcchit "vxcc cache hit" "VXCC_CACHE_CONTROL=1 after the same TU was compiled and stored; direct-mode hits (no preprocessor) in timed rounds: $direct_delta/$rounds"
  row vxcccpp "vxcc cache hit, preprocessor mode" "VXCC_DIRECT=0: preprocesses, then looks the result up (as before direct mode)"
else
  bench_row cache "vxcc cache hit" "n/a" ms 0 "n/a" "-" "$cache_state"
fi
bench_row_cache() { local f="$work/r.$1"; bench_row cache "$2" "$(bench_median < "$f")" ms "$(wc -l < "$f")" "$(bench_paired_ratio "$f" "$work/r.direct")" "$(bench_minmax < "$f")" "$3"; }
bench_row_cache ccdirect "ccache hit, direct mode" "ccache $(ccache --version | head -1 | awk '{print $3}'), manifest hit, no preprocessor; ratio to direct g++"
bench_row_cache cccpp "ccache hit, preprocessor mode" "CCACHE_NODIRECT=1: runs cpp, hashes its output"
bench_row_cache ccmiss "ccache cold miss" "CCACHE_RECACHE=1: compile + store"
