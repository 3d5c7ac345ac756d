# Sourced by benchmarks: a vxcc cluster on loopback, one JVM per node, started and stopped by pid.
# Needs: root (repository root) set by the caller.
BENCH_DIST="${BENCH_DIST:-$root/target/vxcc}"
BENCH_CLUSTER="bench-$$-$(date +%s)"
BENCH_PIDS=()
BENCH_HZ_PORTS=()
BENCH_LOGS=()
BENCH_ROLES=()
BENCH_CONFS=()
BENCH_OPTS=()
BENCH_ARGS=()
BENCH_READY=""
# Every run gets an empty cache store: a "cold" build must not hit what an earlier run stored.
BENCH_CACHE_DIR="${BENCH_CACHE_DIR:-$root/target/bench/cache-store-$$}"
rm -rf "$BENCH_CACHE_DIR"

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

# bench_launch_node LOG ROLES CONF_JSON: starts the next node in the background, does not wait.
# Must run in the calling shell (not in $(...)), or its pid and port index are lost.
# VXCC_JAVA_OPTS from the environment reaches the JVM (heap, -XX:ActiveProcessorCount, ...);
# BENCH_JAVA_EXTRA is appended for every node of every script (a profiler, say).
bench_launch_node() {
  local index=${#BENCH_PIDS[@]}
  [ "$index" -lt "${#BENCH_HZ_PORTS[@]}" ] || bench_cluster_ports 1
  BENCH_LOGS[$index]=$1; BENCH_ROLES[$index]=$2; BENCH_CONFS[$index]=$3; BENCH_OPTS[$index]="${VXCC_JAVA_OPTS:-} ${BENCH_JAVA_EXTRA:-}"
  # VXCC_NODE_ARGS: extra vxcc-node run options for this node (e.g. -lite-member)
  BENCH_ARGS[$index]=${VXCC_NODE_ARGS:-}
  bench_spawn_node "$index"
}

# bench_spawn_node INDEX: (re)starts node INDEX from its recorded log, roles, config and JVM options.
bench_spawn_node() {
  local index=$1 members
  members=$(printf '127.0.0.1:%s,' "${BENCH_HZ_PORTS[@]}"); members=${members%,}
  VXCC_JAVA_OPTS=${BENCH_OPTS[$index]} "$BENCH_DIST/bin/vxcc-node" run "${BENCH_ROLES[$index]}" -conf "${BENCH_CONFS[$index]}" \
    -cluster -cluster-host 127.0.0.1 -cluster-port "${BENCH_HZ_PORTS[$index]}" -cluster-members "$members" \
    -cluster-name "$BENCH_CLUSTER" ${BENCH_ARGS[$index]:-} > "${BENCH_LOGS[$index]}" 2>&1 &
  BENCH_PIDS[$index]=$!
}

# bench_wait_ready INDEX: waits for node INDEX's ready line; sets BENCH_READY to it. A node that
# dies before printing anything (seen once on the shared machine: an empty log, killed from
# outside) is started once more on a fresh port.
bench_wait_ready() {
  local index=$1 _ attempt status
  for attempt in 1 2; do
    for _ in $(seq 1 360); do
      if grep -q '^vxcc-node ready:' "${BENCH_LOGS[$index]}"; then
        BENCH_READY=$(grep -m1 '^vxcc-node ready:' "${BENCH_LOGS[$index]}"); return 0
      fi
      kill -0 "${BENCH_PIDS[$index]}" 2>/dev/null || break
      sleep 0.5
    done
    status=0; wait "${BENCH_PIDS[$index]}" 2>/dev/null || status=$?
    echo "bench: node $index (${BENCH_ROLES[$index]}) exited with status $status before it was ready (attempt $attempt); log ${BENCH_LOGS[$index]}:" >&2
    tail -20 "${BENCH_LOGS[$index]}" >&2
    [ "$attempt" = 1 ] || break
    BENCH_HZ_PORTS[$index]=$(bench_free_port)
    cp "${BENCH_LOGS[$index]}" "${BENCH_LOGS[$index]}.failed" 2>/dev/null || true
    bench_spawn_node "$index"
  done
  return 1
}

# bench_start_node LOG ROLES CONF_JSON: starts the next node and waits for it; sets BENCH_READY to
# its ready line (e.g. "vxcc-node ready: ... local=/tmp/vxcc-bench-PID-client.sock ..."). Call it directly, never
# in $(...): a subshell would lose the pid (the node would outlive the benchmark).
bench_start_node() {
  bench_launch_node "$@"
  bench_wait_ready $((${#BENCH_PIDS[@]} - 1))
}

# the local API's socket path in a ready line (VXCC_DAEMON takes it as is)
bench_local_addr() { sed -n 's/.* local=\([^ ]*\).*/\1/p' <<<"$1"; }

# utime+stime+cutime+cstime of this run's cluster JVMs, ms (children count once reaped: a source
# tree's compiler, in bwrap's pid namespace, is not among them)
bench_cluster_cpu_ms() {
  local tck p sum=0 v
  tck=$(getconf CLK_TCK)
  for p in "${BENCH_PIDS[@]}"; do
    v=$(awk '{print $14+$15+$16+$17}' "/proc/$p/stat" 2>/dev/null || echo 0); sum=$((sum + v))
  done
  echo $((sum * 1000 / tck))
}

# busy time of the whole machine (user+nice+system+irq+softirq+steal; not idle nor iowait), ms
bench_machine_cpu_ms() {
  awk -v tck="$(getconf CLK_TCK)" '$1=="cpu"{printf "%d\n", ($2+$3+$4+$7+$8+$9)*1000/tck}' /proc/stat
}

# utime+stime of this run's Nth cluster JVM alone (its threads, not the compilers it reaped), ms
bench_node_own_cpu_ms() {
  awk -v tck="$(getconf CLK_TCK)" '{printf "%d\n", ($14+$15)*1000/tck}' "/proc/${BENCH_PIDS[$1]}/stat"
}

bench_stop_cluster() {
  local i
  for ((i = ${#BENCH_PIDS[@]} - 1; i >= 0; i--)); do
    kill "${BENCH_PIDS[$i]}" 2>/dev/null || true
    wait "${BENCH_PIDS[$i]}" 2>/dev/null || true
  done
  BENCH_PIDS=()
  BENCH_LOGS=()
}

# Clustered nodes speak mutual TLS only: one CA and one node certificate per benchmark run, made by
# the distribution's own `vxcc-node certs` (every node of the run presents the same certificate).
BENCH_TLS_DIR="${BENCH_TLS_DIR:-$root/target/bench/tls-$$}"
bench_tls() {
  if [ ! -f "$BENCH_TLS_DIR/node.pem" ]; then
    rm -rf "$BENCH_TLS_DIR"
    "$BENCH_DIST/bin/vxcc-node" certs ca -out "$BENCH_TLS_DIR" > /dev/null
    "$BENCH_DIST/bin/vxcc-node" certs node -ca "$BENCH_TLS_DIR" -name node -san 127.0.0.1,localhost -out "$BENCH_TLS_DIR" > /dev/null
  fi
  printf '"tls":{"ca":"%s/ca.pem","cert":"%s/node.pem","key":"%s/node-key.pem"}' "$BENCH_TLS_DIR" "$BENCH_TLS_DIR" "$BENCH_TLS_DIR"
}

# bench_conf HOST MAX_REMOTE_TASKS [EXTRA]: node config for a loopback cluster sharing one machine's
# CPUs; EXTRA is appended to the daemon section, e.g. ',"maxLocalTasks":8'. Each daemon gets its own
# local API socket (named after HOST), so several can run on one machine.
bench_conf() {
  local tls
  tls=$(bench_tls)
  printf '{%s,"scheduler":{"userTokens":["bench"],"servantTokens":["bench"]},"cache":{"userTokens":["bench"],"servantTokens":["bench"],"port":0,"dir":"'"$BENCH_CACHE_DIR"'"},"daemon":{"token":"bench","host":"%s","localSocket":"/tmp/vxcc-bench-%s-%s.sock","servingPort":0,"maxRemoteTasks":%s,"reportLoad":false%s}}' "$tls" "$1" "$$" "$1" "$2" "${3:-}"
}

# median of numbers on stdin
bench_median() {
  sort -g | awk '{a[NR]=$1} END {if (NR==0) {print "nan"} else if (NR%2) {print a[(NR+1)/2]} else {printf "%.3f\n", (a[NR/2]+a[NR/2+1])/2}}'
}

bench_now_ms() { date +%s%N | awk '{printf "%.3f\n", $1/1000000}'; }
