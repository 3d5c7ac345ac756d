#!/usr/bin/env python3
"""CPU of a JVM by thread group, between two snapshots of /proc/PID/task/*/stat.

  threadcpu.py snap PID FILE          write a snapshot
  threadcpu.py diff A B [N]           print ms per group (divided by N, e.g. tasks), largest first

Groups are thread names without their trailing number (JIT compiler threads, GC threads, the Vert.x
event loops and workers, Hazelcast's threads), so a per-task figure says which part of the JVM
spends it: our code on the event loop or workers, or the runtime (JIT, GC) around it.
"""
import json
import os
import re
import sys


def snap(pid):
    hz = os.sysconf("SC_CLK_TCK")
    threads = {}
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{tid}/stat") as f:
                stat = f.read()
        except OSError:
            continue  # the thread ended between the listing and the read
        name = stat[stat.index("(") + 1:stat.rindex(")")]
        fields = stat[stat.rindex(")") + 2:].split()
        threads[tid] = [name, (int(fields[11]) + int(fields[12])) * 1000 // hz]
    return threads


def group(name):
    # Linux cuts thread names to 15 characters: "vert.x-eventloop-thread-1" arrives as "vert.x-eventloo".
    name = re.sub(r"[-#\s]*\d+$", "", name)
    for prefix, label in (("vert.x-eventloo", "event loop"), ("vert.x-worker", "vert.x workers"),
                          ("vert.x-internal", "vert.x internal blocking"), ("C1 Compiler", "JIT (C1)"),
                          ("C2 Compiler", "JIT (C2)"), ("G1 ", "GC (G1 concurrent)"), ("GC Thread", "GC (pauses)"),
                          ("hz.", "Hazelcast"), ("vxcc-", None)):
        if name.startswith(prefix):
            return label or name
    return name


def main():
    if sys.argv[1] == "snap":
        with open(sys.argv[3], "w") as f:
            json.dump(snap(sys.argv[2]), f)
        return
    with open(sys.argv[2]) as f:
        before = json.load(f)
    with open(sys.argv[3]) as f:
        after = json.load(f)
    per = float(sys.argv[4]) if len(sys.argv) > 4 else 1.0
    groups = {}
    for tid, (name, ms) in after.items():
        key = group(name)
        groups[key] = groups.get(key, 0) + ms - before.get(tid, [name, 0])[1]
    for key, ms in sorted(groups.items(), key=lambda kv: -kv[1]):
        if ms > 0:
            print(f"  {ms / per:9.1f} ms  {key}")


if __name__ == "__main__":
    main()
