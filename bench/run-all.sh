#!/usr/bin/env bash
# The whole benchmark suite in one command; prints one table and writes, under bench/results/,
#   STAMP-suite.md (table + what each figure is), STAMP-suite.svg (chart of the main ratios) and
#   STAMP-suite.tsv (raw rows), STAMP = UTC date and time.
# Usage: bench/run-all.sh [--quick|--full] [--with-cache]
#   --quick (default, ~10 min): per-task 5 rounds; scale 128 tasks x 1 s over 32 slots on 2 servant
#           JVMs; scheduler 3 s per point; real build 1 round
#   --full  (~40 min): per-task 10 rounds; scale 128 tasks x 1 s over 32 slots, 3 rounds, and
#           2,000 tasks x 1 s over 256 slots on 8 servant JVMs, 2 rounds; scheduler 10 s per point;
#           real build 3 rounds
# Both end with issue 12's targets next to what was measured (bench/lib/targets.py).
#   --with-cache: measure vxcc cache hits even if auto-detection finds no cache-hit counter, and run
#           bench/cache.sh (vxcc's cache vs ccache side by side, issue 13's targets)
# Sections: per-task overhead + cache (pertask.sh), CPU per remote task vs distcc (cpu.sh), orchestration at scale (scale.sh), the
# scheduler alone (scheduler.sh), a real build (build.sh), one machine vs plain make (onemachine.sh), the cache vs ccache (cache.sh). Each runs separately; a section that
# fails is reported as failed and the suite goes on.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/bench/lib/common.sh"
mode=quick cache_flag=()
for a in "$@"; do
  case $a in
    --quick) mode=quick ;;
    --full) mode=full ;;
    --with-cache) cache_flag=(--with-cache) ;;
    *) echo "usage: $0 [--quick|--full] [--with-cache]" >&2; exit 2 ;;
  esac
done
if [ "$mode" = full ]; then
  pertask=(--rounds 10) cpu=(--tasks 50) scale=(--rounds 3) big=(--big --rounds 2) sched=(--seconds 10 --servants "500 5000") build=(--rounds 3)
else
  pertask=(--rounds 5) cpu=(--tasks 20) scale=(--tasks 128 --slots 32 --servants 2 --rounds 1) sched=(--seconds 3 --servants "500 5000") build=(--rounds 1)
fi
stamp=$(date -u +%Y-%m-%dT%H%MZ)
logs="$root/target/bench/run-all"; mkdir -p "$logs" "$root/bench/results"
base="$root/bench/results/$stamp-suite"
export BENCH_TSV="$base.tsv"
printf 'section\tcase\tvalue\tunit\truns\tratio\trange\twhat\n' > "$BENCH_TSV"
load0=$(cut -d' ' -f1-3 /proc/loadavg); t0=$(date +%s)
bench_build_dist

section() {  # NAME SCRIPT ARGS...
  local name=$1 script=$2 s0; shift 2
  s0=$(date +%s)
  echo "== $name: bench/$script $* (log: ${logs#$root/}/$name.log)" >&2
  if "$root/bench/$script" "$@" > "$logs/$name.log" 2>&1; then
    echo "   done in $(( $(date +%s) - s0 )) s" >&2
  else
    echo "   FAILED after $(( $(date +%s) - s0 )) s; last lines:" >&2; tail -5 "$logs/$name.log" >&2
    bench_row "$name" "section failed" "n/a" "" 0 "n/a" "-" "bench/$script $* failed; see ${logs#$root/}/$name.log"
  fi
}
section per-task pertask.sh "${pertask[@]}" "${cache_flag[@]}"
section cpu cpu.sh "${cpu[@]}"
section scale scale.sh "${scale[@]}"
# Issue 12 item 3: the 128-task case is the target; the big one is reported with what limits it.
if [ "$mode" = full ]; then section scale-big scale.sh "${big[@]}"; fi
section scheduler scheduler.sh "${sched[@]}"
section build build.sh "${build[@]}" "${cache_flag[@]}"
section one-machine onemachine.sh "${build[@]}"
# Issue 13's rows vs ccache (one TU, warm rebuilds from two checkouts, a warning TU): only with the cache.
if [ ${#cache_flag[@]} -gt 0 ]; then section cache-vs-ccache cache.sh "${build[@]}"; fi

load1=$(cut -d' ' -f1-3 /proc/loadavg)
commit=$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)
python3 "$root/bench/lib/report.py" "$BENCH_TSV" "$base.md" "$base.svg" "vxcc benchmark suite ($mode), $stamp" \
  "command: \`bench/run-all.sh --$mode${cache_flag:+ --with-cache}\` at commit $commit (results file written before it was committed)" \
  "machine: $(nproc) cores, $(awk '/MemTotal/{printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(. /etc/os-release; echo "$PRETTY_NAME"), $(g++ --version | head -1)" \
  "load average at start $load0, at end $load1 (the scale and build sections load the machine themselves; benchmark only when nothing else runs). Trust ratios of interleaved runs, not absolute times." \
  "total suite time: $(( $(date +%s) - t0 )) s" \
  "raw rows: ${base#$root/}.tsv; chart: ${base#$root/}.svg"
# Issue 12's targets side by side with the peers and the floors measured above.
{ echo; echo "## Issue 12 targets, this run"; echo; python3 "$root/bench/lib/targets.py" "$BENCH_TSV"; } | tee -a "$base.md" >&2
echo "written: ${base#$root/}.md .svg .tsv" >&2
