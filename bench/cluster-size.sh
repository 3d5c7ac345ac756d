#!/usr/bin/env bash
# Cost of a big cluster: one scheduler+cache node (a Hazelcast data member) and N-1 daemon JVMs,
# each a servant with one slot, either as full members or as lite members (-lite-member: they own no
# partitions, so joins and leaves migrate nothing to or from them). Reports:
#   formation  launch of the first node -> the scheduler's view lists every servant (wall, s); with
#              --launch one-by-one (the default) each daemon is launched once the one before is
#              ready, as machines joining a cluster do; --launch all starts them at once, which on
#              2 cores starves every JVM's start-up (30 at once did not finish joining in 120 s)
#   idle CPU   user+sys of all JVMs over an idle window after formation, per JVM (ms of CPU per s):
#              Hazelcast heartbeats, servant heartbeats, the delegates' view refreshes
# Timings on a loaded machine say little: run it on a quiet one for numbers.
#   --settle   seconds between formation and the idle window (default 5); the JVMs that started last
#              are still compiling hot code for a minute or so, which the window then counts
# Usage: bench/cluster-size.sh [--nodes N] [--idle SEC] [--settle SEC] [--mode lite|full|both] [--launch one-by-one|all]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
command_line="bench/cluster-size.sh $*"
. "$root/bench/lib/common.sh"
. "$root/bench/lib/cluster.sh"
nodes=30 idle=30 settle=5 mode=both launch=one-by-one
while [ $# -gt 0 ]; do
  case $1 in
    --nodes) nodes=$2; shift ;;
    --idle) idle=$2; shift ;;
    --settle) settle=$2; shift ;;
    --mode) mode=$2; shift ;;
    --launch) launch=$2; shift ;;
    *) echo "usage: $0 [--nodes N] [--idle SEC] [--settle SEC] [--mode lite|full|both] [--launch one-by-one|all]" >&2; exit 2 ;;
  esac
  shift
done
[ "$nodes" -ge 2 ] || { echo "--nodes must be >= 2" >&2; exit 2; }
case $launch in one-by-one|all) ;; *) echo "--launch must be one-by-one or all" >&2; exit 2 ;; esac
bench_build_dist
work="$root/target/bench/cluster-size"; rm -rf "$work"; mkdir -p "$work"
trap bench_stop_cluster EXIT
export VXCC_JAVA_OPTS="${VXCC_JAVA_OPTS:--Xmx256m -XX:+UseSerialGC}"
stamp=$(date -u +%Y-%m-%dT%H%M%SZ)
out="$root/bench/results/$stamp-cluster-size.txt"

jvm_cpu_ms() {  # utime+stime of the cluster JVMs (not their children), ms
  local tck p sum=0 v
  tck=$(getconf CLK_TCK)
  for p in "${BENCH_PIDS[@]}"; do
    v=$(awk '{print $14+$15}' "/proc/$p/stat" 2>/dev/null || echo 0)
    sum=$((sum + v))
  done
  echo $((sum * 1000 / tck))
}

servants_in_view() {  # servants the scheduler lists, as seen by the first daemon
  VXCC_DAEMON=$1 "$BENCH_DIST/bin/vxcc" --stats --json 2>/dev/null \
    | python3 -c 'import json,sys; print(len(json.load(sys.stdin).get("cluster", [])))' 2>/dev/null || echo 0
}

run_mode() {
  local m=$1 i t0 t1 daemon cpu0 cpu1 n
  bench_stop_cluster
  BENCH_HZ_PORTS=()
  bench_cluster_ports "$nodes"
  t0=$(bench_now_ms)
  VXCC_NODE_ARGS="" bench_start_node "$work/$m-0-sched.log" scheduler,cache "$(bench_conf sched 0)"
  for ((i = 1; i < nodes; i++)); do
    VXCC_NODE_ARGS=$([ "$m" = lite ] && echo -lite-member || true) \
      bench_launch_node "$work/$m-$i-daemon.log" daemon "$(bench_conf "$m-d$i" 1)"
    [ "$launch" = all ] || bench_wait_ready "$i" > /dev/null
  done
  [ "$launch" = one-by-one ] || for ((i = 1; i < nodes; i++)); do bench_wait_ready "$i" > /dev/null; done
  daemon=$(bench_local_addr "$(grep -m1 '^vxcc-node ready:' "$work/$m-1-daemon.log")")
  for _ in $(seq 1 600); do
    n=$(servants_in_view "$daemon")
    [ "$n" -ge $((nodes - 1)) ] && break
    sleep 0.5
  done
  t1=$(bench_now_ms)
  [ "$n" -ge $((nodes - 1)) ] || echo "bench: only $n of $((nodes - 1)) servants ever showed up ($m)" >&2
  sleep "$settle"  # let joins and partition migrations settle before the idle window
  cpu0=$(jvm_cpu_ms); sleep "$idle"; cpu1=$(jvm_cpu_ms)
  awk -v m="$m" -v n="$nodes" -v l="$launch" -v f="$(awk -v a="$t0" -v b="$t1" 'BEGIN{print (b-a)/1000}')" \
      -v c=$((cpu1 - cpu0)) -v s="$idle" \
      'BEGIN{printf "%-5s nodes=%d launch=" l " formation_s=%.1f idle_cpu_ms_per_s_per_jvm=%.2f idle_cpu_ms_per_s_total=%.1f\n", m, n, f, c/s/n, c/s}' | tee -a "$out"
}

{
  echo "# bench/cluster-size.sh nodes=$nodes idle=${idle}s settle=${settle}s $(date -u +%FT%TZ) load: $(cut -d' ' -f1-3 /proc/loadavg) cores: $(nproc)"
  echo "# command: $command_line (at $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown))"
} | tee "$out"
case $mode in
  both) run_mode full; run_mode lite ;;
  lite|full) run_mode "$mode" ;;
  *) echo "--mode must be lite, full or both" >&2; exit 2 ;;
esac
echo "# done $(date -u +%FT%TZ) load: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$out"
echo "results: $out" >&2
