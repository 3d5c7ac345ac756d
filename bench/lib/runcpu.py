#!/usr/bin/env python3
"""runcpu.py CMD...: runs CMD; prints "WALL_MS CPU_MS" (CPU = user+sys of CMD and all its waited-for
children) on stdout, CMD's own output goes to stderr. Exits with CMD's status."""
import os, resource, subprocess, sys, time
r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
t0 = time.monotonic()
rc = subprocess.call(sys.argv[1:], stdout=sys.stderr)
t1 = time.monotonic()
r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
cpu = (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)
print(f"{(t1 - t0) * 1000:.1f} {cpu * 1000:.1f}")
sys.exit(rc)
