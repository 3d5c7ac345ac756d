#!/usr/bin/env bash
# The scheduler alone (bench/scheduler/…/SchedulerBench.java, compiled here against this checkout):
# grant+free pairs per second with thousands of simulated servants heartbeating once a second, and the
# CPU it takes; TaskDispatcher driven directly on one thread, and the SchedulerVerticle over a local
# (non-clustered) event bus.
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
# Built from this checkout, never from ~/.m2 (which may hold an older or another branch's build, and is
# shared, so nothing is installed): the reactor compiles the scheduler and writes its runtime class path
# (sibling modules as their target/classes), then javac builds the one-file harness against it.
mvnflags=(-B -q -pl scheduler-verticle -am compile org.apache.maven.plugins:maven-dependency-plugin:3.8.1:build-classpath
  -Dmdep.outputFile=target/runtime-classpath.txt -Dmdep.includeScope=runtime)
(cd "$root" && { mvn -o "${mvnflags[@]}" > "$work/mvn.log" 2>&1 || mvn "${mvnflags[@]}" > "$work/mvn.log" 2>&1; }) \
  || { cat "$work/mvn.log" >&2; exit 1; }
classes="$root/target/bench-harness/classes"; rm -rf "$classes"; mkdir -p "$classes"
cp="$root/scheduler-verticle/target/classes:$(cat "$root/scheduler-verticle/target/runtime-classpath.txt")"
"$JAVA_HOME/bin/javac" --release 21 -nowarn -d "$classes" -cp "$cp" \
  "$root"/bench/scheduler/src/main/java/dev/vxcc/bench/*.java > "$work/javac.log" 2>&1 || { cat "$work/javac.log" >&2; exit 1; }
cp="$cp:$classes"
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
  bench_row scheduler "direct: cluster view built+encoded, $n servants" "$(get view_ms "$f")" ms 1 "" "-" \
    "TaskDispatcher.view + JSON encode, $(get view_bytes "$f") bytes; every delegate fetches it once a second (ClusterViewKeeper), on the loop that grants"
  f=bus-$n
  bench_row scheduler "event bus: grant+free pairs/s, $n servants" "$(get pairs_per_s "$f")" "/s" 1 "" "-" \
    "SchedulerVerticle on a local event bus, JSON bodies, 64 client loops; $(get heartbeats_per_s "$f") heartbeats/s; process CPU $(get process_cpu_share "$f") cores; failures $(get failures "$f")"
done
