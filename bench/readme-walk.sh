#!/usr/bin/env bash
# Walks the README's set-up and "Running it" steps the way a user types them, from the built
# target/vxcc, in a scratch directory (CI runs it after the tests, as root, like the README):
#   1. mvn package on the machine's default JDK: a JDK older than 23 must give the one-line
#      error naming JAVA_HOME (the build itself was done by the test command, with the right JDK);
#   2. vxcc-node run all in the background, waiting for its ready line;
#   3. vxcc install-symlinks DIR, PATH=DIR:$PATH, make -j of a few files, vxcc --stats counts them;
#   4. a tiny CMake project with -DCMAKE_CXX_COMPILER_LAUNCHER=vxcc;
#   5. the node stopped by pid (SIGTERM) logs that it stopped.
# READMEWALK_CONF=JSON_OR_FILE passes -conf to the node (for a machine where another node already
# holds /run/vxcc/daemon.sock or the default ports); the walk then uses the socket the node prints.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
dist=$repo/target/vxcc
say() { echo "readme-walk: $*"; }
fail() {
  echo "readme-walk: FAILED: $*" >&2
  exit 1
}
[ -x "$dist/bin/vxcc-node" ] && [ -x "$dist/bin/vxcc" ] || fail "no $dist: build first (mvn -B package -DskipTests with JDK >= 23)"

scratch=$(mktemp -d /tmp/vxcc-readme-walk.XXXXXX)
node_pid=
cleanup() {
  if [ -n "$node_pid" ] && kill -0 "$node_pid" 2>/dev/null; then
    kill "$node_pid"
    wait "$node_pid" 2>/dev/null || true
  fi
  rm -rf "$scratch"
}
trap cleanup EXIT
cd "$scratch"

# 1. A plain `mvn` on the default JDK (the README spells out JAVA_HOME): one line naming the fix.
default_java=$(command -v java || true)
if [ -n "$default_java" ]; then
  feature=$("$default_java" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2}')
  if [ "${feature%%.*}" -lt 23 ]; then
    set +e
    out=$(cd "$repo" && env -u JAVA_HOME timeout 300 mvn -B -q package -DskipTests 2>&1)
    rc=$?
    set -e
    [ "$rc" -ne 0 ] || fail "mvn package on JDK $feature succeeded; expected the JDK >= 23 error"
    grep -q "vxcc builds with JDK 23 or newer" <<<"$out" || fail "mvn package on JDK $feature: no one-line JDK error:"$'\n'"$out"
    grep -q "JAVA_HOME" <<<"$out" || fail "the JDK error does not name JAVA_HOME:"$'\n'"$out"
    say "mvn package on the default JDK $feature: the one-line error naming JAVA_HOME"
  else
    say "the default JDK is $feature (>= 23): nothing to check for step 1"
  fi
fi

# 2. An all-in-one node in the background; its ready line says it is up.
log=$scratch/node.log
conf=()
[ -n "${READMEWALK_CONF:-}" ] && conf=(-conf "$READMEWALK_CONF")
"$dist/bin/vxcc-node" run all "${conf[@]}" >"$log" 2>&1 &
node_pid=$!
ready=
exec 3< <(tail -n +1 -f --pid="$node_pid" "$log")
while IFS= read -r -t 120 line <&3; do
  case $line in *"vxcc-node ready"*) ready=$line; break ;; esac
done
[ -n "$ready" ] || fail "the node printed no ready line (pid $node_pid):"$'\n'"$(tail -20 "$log")"
say "$ready"
if [ -n "${READMEWALK_CONF:-}" ]; then
  socket=${ready#* local=}
  export VXCC_DAEMON=${socket%% *}
fi

# 3. Symlinks first in PATH, a few files with make -j.
links=$scratch/vxcc-bin
"$dist/bin/vxcc" install-symlinks "$links" >/dev/null
export PATH=$links:$PATH
[ "$(command -v vxcc)" = "$links/vxcc" ] || fail "vxcc is not found by name after install-symlinks: $(command -v vxcc)"
[ "$(command -v g++)" = "$links/g++" ] || fail "g++ does not resolve to the symlink: $(command -v g++)"
invocations() { vxcc --stats | awk '$1 == "invocations" {print $2}'; }
before=$(invocations)
mkdir -p make-project && cd make-project
for n in one two three four; do
  printf '#include <vector>\nint %s(int n) { std::vector<int> v(n, %d); return (int)v.size(); }\n' "$n" "${#n}" >"$n.cc"
done
printf 'int c_part(int x) { return x * 7; }\n' >five.c
timeout 120 make -s -j4 one.o two.o three.o four.o five.o || fail "make -j4 through vxcc"
cd ..
after=$(invocations)
[ "$((after - before))" -ge 5 ] || fail "vxcc --stats counted $((after - before)) of 5 compiles:"$'\n'"$(vxcc --stats)"
say "make -j4: 5 compiles through vxcc ($(vxcc --stats | awk '/^compiled remotely|^from the shared cache|^run locally/' | tr -s ' ' | paste -sd, -))"

# 4. vxcc as CMake's launcher.
mkdir -p cmake-project
printf 'int lib_part(int x) { return x + 1; }\n' >cmake-project/lib.cc
printf 'cmake_minimum_required(VERSION 3.13)\nproject(walk CXX)\nadd_library(walk STATIC lib.cc)\n' >cmake-project/CMakeLists.txt
before=$(invocations)
timeout 120 cmake -S cmake-project -B cmake-build -DCMAKE_CXX_COMPILER_LAUNCHER=vxcc >cmake.log 2>&1 || fail "cmake:"$'\n'"$(cat cmake.log)"
timeout 120 cmake --build cmake-build >>cmake.log 2>&1 || fail "cmake --build:"$'\n'"$(cat cmake.log)"
[ -f cmake-build/libwalk.a ] || fail "no libwalk.a"
[ "$(($(invocations) - before))" -ge 1 ] || fail "the CMake build's compile did not reach vxcc"
say "cmake -DCMAKE_CXX_COMPILER_LAUNCHER=vxcc: built through vxcc"

# 5. Stop by pid; the node says so.
kill -TERM "$node_pid"
wait "$node_pid" || true
node_pid=
grep -q "vxcc-node: stopped" "$log" || fail "the node did not log its stop:"$'\n'"$(tail -20 "$log")"
say "the node stopped on SIGTERM and logged it"
say "OK: the README's set-up walk passed"
