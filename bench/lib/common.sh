# Sourced by every benchmark: JDK, distribution, packages, timing, medians and result rows.
# Needs: root (repository root) set by the caller.
JAVA_HOME=${JAVA_HOME:-$("$root/modules/node/src/dist/bin/vxcc-java" --home)}; export JAVA_HOME

bench_build_dist() {
  # Servants run source trees (the default path) only with bubblewrap: without it every benchmark
  # would quietly measure the preprocessed-text path instead.
  bench_need bwrap:bubblewrap
  # Rebuilt when any source or POM is newer than it: a benchmark must never time yesterday's code.
  local built="$root/target/vxcc/.bench-built"
  if [ -x "$root/target/vxcc/bin/vxcc" ] && [ -x "$root/target/vxcc/bin/vxcc-node" ] && [ -f "$built" ] \
      && [ -z "$(find "$root" \( -name target -o -name .git \) -type d -prune -o \( -path '*/src/main/*' -o -path '*/src/dist/*' -o -path "$root/conf/*" -o -name pom.xml -o -path "$root/wrapper/src/*" \) \
           -type f -newer "$built" -print -quit)" ]; then
    return 0
  fi
  echo "bench: building the distribution (mvn package -DskipTests)" >&2
  local started; started=$(mktemp)  # stamped before the build: a file edited during it is newer
  (cd "$root" && mvn -B -q package -DskipTests >&2)
  mv "$started" "$built"
}

# bench_need CMD:PACKAGE ...: installs the Debian packages whose command is missing (idempotent);
# a CMD that starts with / is a file the package provides (headers, libraries).
BENCH_APT_UPDATED=""
bench_need() {
  local want=() spec
  for spec in "$@"; do
    case $spec in
      /*) [ -e "${spec%%:*}" ] || want+=("${spec#*:}") ;;
      *) command -v "${spec%%:*}" >/dev/null 2>&1 || want+=("${spec#*:}") ;;
    esac
  done
  [ ${#want[@]} -eq 0 ] && return 0
  echo "bench: installing ${want[*]}" >&2
  if [ -z "$BENCH_APT_UPDATED" ]; then apt-get update -qq >&2; BENCH_APT_UPDATED=1; fi
  # policy-rc.d: package scripts must not start distccd/iceccd/icecc-scheduler as services
  # (icecream broadcasts for discovery and must only run inside a lo-only namespace).
  local prc=/usr/sbin/policy-rc.d had=""
  [ -e "$prc" ] && had=1
  [ -n "$had" ] || { printf '#!/bin/sh\nexit 101\n' > "$prc"; chmod +x "$prc"; }
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${want[@]}" >&2
  [ -n "$had" ] || rm -f "$prc"
}

bench_now_ms() { date +%s%N | awk '{printf "%.3f\n", $1/1000000}'; }

# bench_time_ms CMD...: runs CMD, prints its wall time in ms; a failing CMD fails.
bench_time_ms() {
  local t0 t1
  t0=$(date +%s%N); "$@"; t1=$(date +%s%N)
  awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.3f\n", (b-a)/1000000}'
}

# median / min / max of numbers on stdin
bench_median() {
  sort -g | awk '{a[NR]=$1} END {if (NR==0) {print "nan"} else if (NR%2) {print a[(NR+1)/2]} else {printf "%.3f\n", (a[NR/2]+a[NR/2+1])/2}}'
}
bench_minmax() { sort -g | awk 'NR==1{mn=$1} {mx=$1} END{if (NR) printf "%s..%s\n", mn, mx; else print "-"}'; }

# bench_paired_ratio A_FILE B_FILE: median over rounds of A[i]/B[i]
bench_paired_ratio() {
  paste "$1" "$2" | awk '$2>0 {printf "%.6f\n", $1/$2}' | bench_median | awk '{ if ($1=="nan") print "n/a"; else printf "%.3f\n", $1 }'
}

# bench_row SECTION CASE VALUE UNIT RUNS RATIO RANGE WHAT: one result row (tab-separated) to $BENCH_TSV
# and stderr. RATIO is to the section's baseline ("" if none); WHAT says what was measured.
bench_row() {
  local line
  line=$(printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s' "$@")
  printf '%s\n' "$line" >> "${BENCH_TSV:-/dev/null}"
  printf '  %-14s %-46s %12s %-3s n=%-5s %8s  %s\n' "$1" "$2" "$3" "$4" "$5" "$6" "$7" >&2
}

# bench_json_get KEY: reads JSON on stdin and prints top-level KEY (0 if absent)
bench_json_get() {
  python3 -c 'import json,sys; d=json.load(sys.stdin); v=d.get(sys.argv[1], 0); print(json.dumps(v) if isinstance(v,(dict,list)) else v)' "$1"
}

# bench_cache_hits: reads `vxcc --stats --json` on stdin; prints the sum of counters whose name
# says cache hit (e.g. cacheHits, cache.hit), or "none" when the daemon has no such counter.
bench_cache_hits() {
  python3 -c '
import json, sys
d = json.load(sys.stdin); found = []
def walk(o, path):
    if isinstance(o, dict):
        for k, v in o.items(): walk(v, path + [str(k).lower()])
    elif isinstance(o, (int, float)) and not isinstance(o, bool):
        name = ".".join(path)
        if "cache" in name and "hit" in name: found.append(o)
walk(d, [])
print(int(sum(found)) if found else "none")'
}
