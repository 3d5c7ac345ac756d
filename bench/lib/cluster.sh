# Sourced by benchmarks: a vxcc cluster on loopback, one JVM per node, started and stopped by pid.
# Needs: root (repository root) set by the caller.
BENCH_DIST="${BENCH_DIST:-$root/target/vxcc}"
BENCH_CLUSTER="bench-$$-$(date +%s)"
BENCH_PIDS=()
BENCH_HZ_PORTS=()

# A free port below Linux's ephemeral range (32768+), so that the many outgoing loopback
# connections of a build cannot take it between this check and the server's bind.
bench_free_port() {
  python3 -c '
import random, socket
for _ in range(200):
    p = random.randrange(20000, 32000)
    s = socket.socket()
    try:
        s.bind(("127.0.0.1", p)); print(p); break
    except OSError:
        pass
    finally:
        s.close()
'
}

# bench_cluster_ports N: reserve Hazelcast ports for N nodes (all must be known before the first starts).
bench_cluster_ports() {
  local i
  for ((i = 0; i < $1; i++)); do BENCH_HZ_PORTS+=("$(bench_free_port)"); done
}

# bench_start_node LOG ROLES CONF_JSON: starts the next node and sets BENCH_READY to its ready
# line. Call it directly, never in $(...): it records the pid in this shell.
BENCH_READY=""
bench_start_node() {
  local log=$1 roles=$2 conf=$3 index=${#BENCH_PIDS[@]} members
  members=$(printf '127.0.0.1:%s,' "${BENCH_HZ_PORTS[@]}"); members=${members%,}
  "$BENCH_DIST/bin/vxcc-node" run "$roles" -conf "$conf" -cluster -cluster-host 127.0.0.1 \
    -cluster-port "${BENCH_HZ_PORTS[$index]}" -cluster-members "$members" -cluster-name "$BENCH_CLUSTER" > "$log" 2>&1 &
  BENCH_PIDS+=($!)
  local _
  for _ in $(seq 1 180); do
    if grep -q '^vxcc-node ready:' "$log"; then BENCH_READY=$(grep '^vxcc-node ready:' "$log"); return 0; fi
    kill -0 "${BENCH_PIDS[$index]}" 2>/dev/null || break
    sleep 0.5
  done
  echo "bench: node $index ($roles) did not start; see $log" >&2
  return 1
}

bench_stop_cluster() {
  local i
  for ((i = ${#BENCH_PIDS[@]} - 1; i >= 0; i--)); do
    kill "${BENCH_PIDS[$i]}" 2>/dev/null || true
    wait "${BENCH_PIDS[$i]}" 2>/dev/null || true
  done
  BENCH_PIDS=()
}

# bench_conf HOST MAX_REMOTE_TASKS: node config for a loopback cluster sharing one machine's CPUs.
bench_conf() {
  printf '{"scheduler":{"userTokens":["bench"],"servantTokens":["bench"]},"cache":{"userTokens":["bench"],"servantTokens":["bench"],"port":0},"daemon":{"token":"bench","host":"%s","localPort":0,"servingPort":0,"maxRemoteTasks":%s,"reportLoad":false}}' "$1" "$2"
}

# median of numbers on stdin
bench_median() {
  sort -g | awk '{a[NR]=$1} END {if (NR==0) {print "nan"} else if (NR%2) {print a[(NR+1)/2]} else {printf "%.3f\n", (a[NR/2]+a[NR/2+1])/2}}'
}

bench_now_ms() { date +%s%N | awk '{printf "%.3f\n", $1/1000000}'; }
