# Sourced by benchmarks that run peers which must not see the real network (icecream broadcasts
# for discovery): a network namespace with only `lo`, deleted on exit by the caller's trap.
BENCH_NETNS=""
bench_netns_create() {
  BENCH_NETNS="vxccbench$$"
  ip netns add "$BENCH_NETNS"
  ip netns exec "$BENCH_NETNS" ip link set lo up
}
bench_netns_delete() {
  if [ -n "$BENCH_NETNS" ]; then ip netns delete "$BENCH_NETNS" 2>/dev/null || true; BENCH_NETNS=""; fi
}
# true when this shell runs in a namespace whose only link is lo
bench_in_lo_only_netns() { [ "$(ip -o link | awk -F': ' '{print $2}' | grep -cv '^lo$')" = 0 ]; }
