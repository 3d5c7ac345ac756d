# Sourced by benchmarks: an icecream scheduler + two iceccd on ONE machine, for loopback measurements.
# MUST run inside a network namespace that has only `lo` (icecream broadcasts for discovery):
# callers run themselves through `bench_in_netns` (lib/netns.sh). Work-arounds (see
# /work/shared/reference/peer-measurements.md, "icecream on one machine"):
#  - daemons bind 0.0.0.0 (`-i lo` makes iceccd bind its port twice and exit);
#  - the submitter's iceccd is a proxy only (`--no-remote -m 0`); the compiling iceccd listens on
#    10246 and reaches the scheduler through 127.0.0.3, routed with source 127.0.0.2, so the scheduler
#    sees two distinct hosts (two daemons from 127.0.0.1 get confused with each other);
#  - the compiling iceccd runs in its own mount namespace with a private /var/run/icecc so it does not
#    replace the proxy's client socket.
# Fixed ports (8765 scheduler, 10245/10246 daemons) are private to the namespace.
BENCH_ICECC_PIDS=()

bench_icecc_start() {  # WORKDIR MAX_JOBS
  local dir=$1 jobs=${2:-2}
  [ "$(ip -o link | awk -F': ' '{print $2}' | grep -cv '^lo$')" = 0 ] || { echo "icecream: refusing to run outside a lo-only namespace" >&2; return 1; }
  mkdir -p "$dir/env1" "$dir/env2"
  chmod 1777 "$dir"  # the scheduler and daemons drop to user icecc and write their logs here
  chown icecc "$dir/env1" "$dir/env2" 2>/dev/null || true
  ip route add local 127.0.0.3/32 dev lo src 127.0.0.2 table local 2>/dev/null || true
  icecc-scheduler -l "$dir/scheduler.log" -vv & BENCH_ICECC_PIDS+=($!)
  sleep 0.5
  iceccd -s 127.0.0.1 --no-remote -m 0 -N proxy -b "$dir/env1" -l "$dir/iceccd1.log" -vv & BENCH_ICECC_PIDS+=($!)
  unshare -m sh -c 'mount -t tmpfs tmpfs /var/run/icecc 2>/dev/null || mount -t tmpfs tmpfs /run/icecc; exec "$@"' sh \
    iceccd -s 127.0.0.3 -p 10246 -m "$jobs" -N worker -b "$dir/env2" -l "$dir/iceccd2.log" -vv & BENCH_ICECC_PIDS+=($!)
  local _
  for _ in $(seq 1 120); do
    grep -qs 'Connected to scheduler' "$dir/iceccd1.log" && grep -qs 'Connected to scheduler' "$dir/iceccd2.log" && return 0
    sleep 0.25
  done
  echo "icecream: the daemons did not report 'Connected to scheduler' within 30 s (continuing)" >&2
  return 0
}

bench_icecc_stop() {
  local i
  for ((i = ${#BENCH_ICECC_PIDS[@]} - 1; i >= 0; i--)); do
    kill "${BENCH_ICECC_PIDS[$i]}" 2>/dev/null || true
    wait "${BENCH_ICECC_PIDS[$i]}" 2>/dev/null || true
  done
  BENCH_ICECC_PIDS=()
}
