#!/usr/bin/env bash
# The chaos suite (issue 14), long version: modules/e2e ChaosTest with every case (or those named),
# each a real project (Debian's ninja-build) built with make through a fresh loopback cluster of
# separate JVMs (scheduler, cache node, client daemon, two servants) while one fault is injected
# once the build is under way:
#   servant-kill      kill -9 of a servant that is running tasks of the build
#   servant-stop      SIGSTOP of that servant for 40 s (SIGCONT after; the note: time until it is
#                     trusted again in the client's view, failed event-bus reconnects after it)
#   scheduler-kill    kill -9 of the active scheduler every 20 s, a new standby started each time
#                     (this case always runs two schedulers; the note gives each failover's time,
#                     kill to the standby's "now the active one" log line)
#   cache-kill        kill -9 of the cache node, restarted on a new port (the note: time until every
#                     delegate and servant uses the new one)
#   cache-stop        SIGSTOP of the cache node for 20 s (SIGCONT after)
#   daemon-kill       kill -9 of the client daemon (wrappers must compile locally)
#   daemon-stop       SIGSTOP of the client daemon for 20 s: wrappers give up on it within their
#                     own timeouts (2 s to take a compile, 15 s per long poll) and compile locally
#   servant-partition every loopback TCP port of a servant dropped with iptables for 20 s, and all
#                     its processes send (a cgroup v2 group an OUTPUT rule matches), then healed (the
#                     note: time until it is back in the client's view and merged, failed event-bus
#                     reconnects after healing and later than 30 s after it); "partition" is this one
#   scheduler-partition  the same for the active scheduler (two schedulers; the note: the standby's
#                     takeover from the cut, the client's view fresh, the cut-off one merged back
#                     and standing by, each from healing)
#   cache-partition   the same for the cache node (every cache client on it again, merged back)
#   daemon-partition  the same for the client daemon (its wrappers' Unix socket is not cut, as on a
#                     real machine; its view fresh and merged back)
#   cache-disk-full   the cache node's disk store on a 1 MiB tmpfs
# Every case must build successfully with objects identical to a local build; the table (time vs the
# fault-free build, remote and local compiles with reasons, retries, hedges) goes to
# bench/results/<UTC stamp>-chaos.md. Needs root (iptables, mount); installs iptables if missing.
# --standby gives every case a second scheduler; --lite runs the daemons as Hazelcast lite members.
# Usage: bench/chaos.sh [--cases a,b,...|all] [--standby] [--lite] [--flags "-O2 -DNDEBUG"] [--jobs N]
#   default: all cases, -O0 -DNDEBUG, make -j8, with a fault-free build first to time them against. CI runs servant-kill only, no fault-free build.
# Builds in the reactor (never installs); one Maven process; log in target/bench/chaos/.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/bench/lib/common.sh"
cases=all standby=false lite=false flags="-O0 -DNDEBUG" jobs=8
while [ $# -gt 0 ]; do
  case $1 in
    --cases) cases=$2; shift ;;
    --standby) standby=true ;;
    --lite) lite=true ;;
    --flags) flags=$2; shift ;;
    --jobs) jobs=$2; shift ;;
    *) echo "usage: $0 [--cases a,b,...|all] [--standby] [--lite] [--flags FLAGS] [--jobs N]" >&2; exit 2 ;;
  esac
  shift
done
# bubblewrap: servants run source trees, the default path, only with it.
bench_need bwrap:bubblewrap
case ,$cases, in *partition*|,all,) bench_need iptables:iptables ;; esac
out="$root/target/bench/chaos"
mkdir -p "$out" "$root/bench/results"
stamp=$(date -u +%Y-%m-%dT%H%M%SZ)
log="$out/$stamp.log"
table="$root/bench/results/$stamp-chaos.md"
set +e
(cd "$root" && mvn -B -o -pl modules/node,modules/e2e -am package \
  -Dtest=ChaosTest -Dsurefire.failIfNoSpecifiedTests=false \
  -Dvxcc.chaos.cases="$cases" -Dvxcc.chaos.standby="$standby" -Dvxcc.chaos.lite="$lite" -Dvxcc.chaos.flags="$flags" -Dvxcc.chaos.jobs="$jobs" \
  -Dvxcc.chaos.out="$table") > "$log" 2>&1
rc=$?
set -e
if [ -f "$table" ]; then cat "$table"; else echo "chaos: no table written; see $log" >&2; fi
echo "chaos: exit $rc (log $log)"
exit "$rc"
