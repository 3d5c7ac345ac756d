#!/usr/bin/env bash
# Per-task overhead of vxcc, measured side by side in one run:
#  1. a medium real TU (ninja-build's src/build.cc with its own flags: -O2 -DNDEBUG -Wno-deprecated) compiled directly vs through the native
#     wrapper + local daemon + a remote servant (another daemon JVM) on a loopback cluster;
#  2. the shim's own cost: the wrapper falling straight through to the compiler (daemon down)
#     vs the compiler alone, on an empty file.
# Runs are interleaved (A B A B ...) and medians reported. Results go to bench/results/.
# Usage: bench/overhead.sh [ROUNDS]   (default 15 rounds for 1., 10x as many for 2.)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
rounds=${1:-15}
JAVA_HOME=$("$root/modules/node/src/dist/bin/vxcc-java" --home); export JAVA_HOME
[ -x "$root/target/vxcc/bin/vxcc" ] || (cd "$root" && mvn -B -q package -DskipTests)
# shellcheck source=lib/cluster.sh
. "$root/bench/lib/cluster.sh"
work="$root/target/bench/overhead"; rm -rf "$work"; mkdir -p "$work/links" "$work/results"
trap bench_stop_cluster EXIT

src=$(bash "$root/bench/lib/debian-source.sh" ninja-build)
tu="$src/src/build.cc"
# ninja's own flags for this file (CMake, -O2 without LTO): without -Wno-deprecated it warns,
# and a warning makes vxcc re-run the compile locally to show the exact diagnostics.
flags="-O2 -DNDEBUG -Wno-deprecated -std=c++11"
"$BENCH_DIST/bin/vxcc" install-symlinks "$work/links" > /dev/null

bench_cluster_ports 3
bench_start_node "$work/scheduler.log" scheduler "$(bench_conf sched 0)"
bench_start_node "$work/submitter.log" daemon "$(bench_conf client 0)"
daemon=$(bench_local_addr "$BENCH_READY")
bench_start_node "$work/servant.log" daemon "$(bench_conf server 2)"

direct() { (cd "$work" && /usr/bin/g++ $flags -c "$tu" -o direct.o); }
viavxcc() { (cd "$work" && PATH="$work/links:$PATH" VXCC_DAEMON=$daemon g++ $flags -c "$tu" -o vxcc.o); }
time_ms() { local t0 t1; t0=$(bench_now_ms); "$@"; t1=$(bench_now_ms); awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.3f\n", b-a}'; }

echo "warming up (JIT, grant prefetch)..." >&2
for _ in 1 2 3; do direct; viavxcc; done
cmp "$work/direct.o" "$work/vxcc.o" || { echo "overhead: objects differ!" >&2; exit 1; }
: > "$work/results/direct"; : > "$work/results/vxcc"
for ((i = 0; i < rounds; i++)); do
  time_ms direct >> "$work/results/direct"
  time_ms viavxcc >> "$work/results/vxcc"
done
remote=$(VXCC_DAEMON=$daemon "$BENCH_DIST/bin/vxcc" --stats --json | sed -n 's/^ *"remote" : \([0-9]*\),*/\1/p')

# The shim alone, with hyperfine (-N: no shell in between): the wrapper falling straight through
# (daemon address pointing at a closed port) vs the compiler alone, on an empty file; and the same
# with /bin/true as the "compiler", which leaves nothing but the shim's own cost.
command -v hyperfine >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq hyperfine >/dev/null
printf 'int x;\n' > "$work/empty.c"
mkdir -p "$work/true-bin"; ln -sf /bin/true "$work/true-bin/gcc"
closed="$work/no-daemon.sock"
shim_rounds=$((rounds * 20))
# hyperfine runs one command's block, then the next: on a shared machine load drifts between
# blocks. So run alternating batches (A B A B ...) and take the median over all runs of each.
batches=10
per_batch=$((shim_rounds / batches))
hf_batch() { # hf_batch NAME PATH-PREFIX COMMAND...: appends per-run seconds of one batch to results/NAME.runs
  local name=$1 prefix=$2; shift 2
  PATH="$prefix$PATH" VXCC_DAEMON="$closed" hyperfine -N -w 3 -r "$per_batch" --export-json "$work/results/$name.json" "$*" > /dev/null
  python3 -c 'import json,sys; print("\n".join(str(t) for t in json.load(open(sys.argv[1]))["results"][0]["times"]))' \
    "$work/results/$name.json" >> "$work/results/$name.runs"
}
for n in cc shim true shimtrue; do : > "$work/results/$n.runs"; done
for ((b = 0; b < batches; b++)); do
  hf_batch cc "" /usr/bin/gcc -c "$work/empty.c" -o "$work/e1.o"
  hf_batch shim "$work/links:" gcc -c "$work/empty.c" -o "$work/e2.o"
  hf_batch true "" /bin/true -c "$work/empty.c"
  hf_batch shimtrue "$work/links:$work/true-bin:" gcc -c "$work/empty.c"
done
ms_median() { awk '{printf "%.4f\n", $1 * 1000}' "$work/results/$1.runs" | bench_median; }
c=$(ms_median cc); s=$(ms_median shim); t=$(ms_median true); st=$(ms_median shimtrue)

d=$(bench_median < "$work/results/direct"); v=$(bench_median < "$work/results/vxcc")
ratio=$(awk -v a="$v" -v b="$d" 'BEGIN{printf "%.3f", a/b}')
# Each round ran direct then vxcc back to back: the median of per-round ratios resists load drift.
round_ratio=$(paste "$work/results/vxcc" "$work/results/direct" | awk '{printf "%.4f\n", $1/$2}' | bench_median)
shim_cost=$(awk -v a="$s" -v b="$c" 'BEGIN{printf "%.2f", a-b}')
shim_only=$(awk -v a="$st" -v b="$t" 'BEGIN{printf "%.2f", a-b}')
stamp=$(date -u +%Y-%m-%dT%H%M%SZ)
out="$root/bench/results/$stamp-overhead.txt"
mkdir -p "$root/bench/results"
{
  echo "# vxcc per-task overhead, $stamp, $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "# command: bench/overhead.sh $rounds"
  printf '%-58s %10s %8s %s\n' "measurement" "median ms" "runs" "ratio / target"
  printf '%-58s %10s %8s %s\n' "g++ -O2 -c ninja src/build.cc (its own flags), direct" "$d" "$rounds" ""
  printf '%-58s %10s %8s %s\n' "same through vxcc wrapper+daemon+remote servant (loopback)" "$v" "$rounds" "${ratio}x direct, per-round median ${round_ratio}x (target <= 1.10x)"
  printf '%-58s %10s %8s %s\n' "gcc -c empty.c, direct (hyperfine -N, interleaved batches)" "$c" "$shim_rounds" ""
  printf '%-58s %10s %8s %s\n' "same through the shim, daemon down (falls through)" "$s" "$shim_rounds" "+${shim_cost} ms (target <= 3 ms)"
  printf '%-58s %10s %8s %s\n' "/bin/true alone" "$t" "$shim_rounds" ""
  printf '%-58s %10s %8s %s\n' "shim falling through to /bin/true (its own cost only)" "$st" "$shim_rounds" "+${shim_only} ms"
  echo "# remote tasks counted by the submitting daemon: $remote (warm-up included)"
  echo "# raw samples (ms): direct=$(paste -sd, "$work/results/direct")"
  echo "# raw samples (ms): vxcc=$(paste -sd, "$work/results/vxcc")"
} | tee "$out"
echo "written to ${out#$root/}" >&2
