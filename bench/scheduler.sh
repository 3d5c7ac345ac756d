#!/usr/bin/env bash
# The scheduler alone (bench/scheduler/…/SchedulerBench.java, built with bench/pom.xml, which is
# not a module of the root pom): grant+free pairs per second with thousands of simulated servants
# heartbeating once a second, and the CPU it takes; TaskDispatcher driven directly on one thread,
# and the SchedulerVerticle over a local (non-clustered) event bus.
# Usage: bench/scheduler.sh [--seconds N] [--servants "500 5000"] [--slots 16]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/bench/lib/common.sh"
seconds=3 servants_list="500 5000" slots=16
while [ $# -gt 0 ]; do
  case $1 in
    --seconds) seconds=$2; shift ;;
    --servants) servants_list=$2; shift ;;
    --slots) slots=$2; shift ;;
    *) echo "usage: $0 [--seconds N] [--servants \"500 5000\"] [--slots 16]" >&2; exit 2 ;;
  esac
  shift
done
work="$root/target/bench/scheduler"; rm -rf "$work"; mkdir -p "$work"
m2="${HOME}/.m2/repository/dev/vxcc/vxcc-scheduler-verticle/0.1.0-SNAPSHOT"
if ! ls "$m2"/*.jar > /dev/null 2>&1; then
  echo "scheduler: installing the project into ~/.m2 (mvn install -DskipTests)" >&2
  (cd "$root" && mvn -B -q install -DskipTests >&2)
fi
(cd "$root/bench" && { mvn -B -q -o package > "$work/mvn.log" 2>&1 || mvn -B -q package > "$work/mvn.log" 2>&1; }) || { cat "$work/mvn.log" >&2; exit 1; }
# The harness resolves the scheduler from ~/.m2, which may hold an older build: this checkout's classes,
# compiled in the reactor, go first on the class path so that the numbers are for the working tree.
(cd "$root" && { mvn -B -q -o -pl scheduler-verticle -am compile > "$work/mvn-reactor.log" 2>&1 \
  || mvn -B -q -pl scheduler-verticle -am compile > "$work/mvn-reactor.log" 2>&1; }) || { cat "$work/mvn-reactor.log" >&2; exit 1; }
cp="$root/scheduler-verticle/target/classes:$root/modules/common/target/classes"
cp="$cp:$(cat "$root/target/bench-harness/classpath.txt"):$root/target/bench-harness/classes"
warmup=$(( seconds > 4 ? 3 : 1 ))
runit() {  # MODE SERVANTS -> KEY=VALUE lines in $work/MODE-SERVANTS.out
  "$JAVA_HOME/bin/java" -Xmx1g -XX:+UseSerialGC -cp "$cp" dev.vxcc.bench.SchedulerBench "$1" servants="$2" slots="$slots" \
    seconds="$seconds" warmup="$warmup" > "$work/$1-$2.out" 2> "$work/$1-$2.err"
}
get() { sed -n "s/^$1=//p" "$work/$2.out"; }
for n in $servants_list; do
  runit direct "$n"; runit bus "$n"
  f=direct-$n
  bench_row scheduler "direct: grant+free pairs/s, $n servants x $slots" "$(get pairs_per_s "$f")" "/s" 1 "" "-" \
    "TaskDispatcher on 1 thread, $seconds s after ${warmup} s warm-up; 256 grants held; grant $(get grant_us "$f") us, free $(get free_us "$f") us, heartbeat $(get heartbeat_us "$f") us (wall); $(get heartbeats_per_s "$f") heartbeats/s"
  bench_row scheduler "direct: thread CPU per pair, $n servants" "$(get cpu_us_per_pair_incl_heartbeats "$f")" us 1 "" "-" \
    "ThreadMXBean CPU incl. heartbeats, sweep, keep-alive; thread got $(get thread_cpu_share "$f") of a core (shared machine); GC $(get gc_ms "$f") ms"
  f=bus-$n
  bench_row scheduler "event bus: grant+free pairs/s, $n servants" "$(get pairs_per_s "$f")" "/s" 1 "" "-" \
    "SchedulerVerticle on a local event bus, JSON bodies, 64 client loops; $(get heartbeats_per_s "$f") heartbeats/s; process CPU $(get process_cpu_share "$f") cores; failures $(get failures "$f")"
done
