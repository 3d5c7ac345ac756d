#!/usr/bin/env python3
"""Where the time of one orchestration run went, from the timing logs of bench/scale.sh.

shim log lines:    TASK START_NS END_NS shim      (make's recipe around the wrapper)
servant log lines: TASK START_NS END_NS remote|local  (the stand-in compiler around its sleep)
Prints KEY=VALUE lines (times in ms)."""
import sys, statistics as st

shim_log, stand_log, wall_ms, dur_s, slots = sys.argv[1], sys.argv[2], float(sys.argv[3]), float(sys.argv[4]), int(sys.argv[5])
def load(path):
    out = {}
    try:
        for line in open(path):
            p = line.split()
            if len(p) >= 4:
                out[p[0]] = (int(p[1]), int(p[2]), p[3])
    except FileNotFoundError:
        pass
    return out
shim, stand = load(shim_log), load(stand_log)
def pct(xs, q):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(q * len(xs)))] if xs else float("nan")
task_ms = [(e - s) / 1e6 for s, e, _ in shim.values()]
before, after = [], []
for t, (s, e, _) in shim.items():
    if t in stand:
        ss, se, _ = stand[t]
        before.append((ss - s) / 1e6)   # preprocess + quota + grant wait + upload + servant queue + spawn
        after.append((e - se) / 1e6)    # result download + object write + shim exit
d_ms = dur_s * 1000
busy = sum(task_ms)
print(f"tasks_timed={len(task_ms)}")
print(f"task_wall_median={st.median(task_ms) if task_ms else float('nan'):.1f}")
print(f"task_wall_p90={pct(task_ms, 0.9):.1f}")
print(f"overhead_per_task_median={(st.median(task_ms) - d_ms) if task_ms else float('nan'):.1f}")
print(f"before_compile_median={st.median(before) if before else float('nan'):.1f}")
print(f"before_compile_p90={pct(before, 0.9):.1f}")
print(f"after_compile_median={st.median(after) if after else float('nan'):.1f}")
print(f"after_compile_p90={pct(after, 0.9):.1f}")
print(f"mean_in_flight={busy / wall_ms if wall_ms > 0 else 0:.1f}")
print(f"slot_utilisation={len(stand) * d_ms / (wall_ms * slots) if wall_ms > 0 else 0:.3f}")
print(f"ran_remote={sum(1 for v in stand.values() if v[2] == 'remote')}")
print(f"ran_local={sum(1 for v in stand.values() if v[2] == 'local')}")
