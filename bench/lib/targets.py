#!/usr/bin/env python3
"""targets.py TSV: issue 12's targets, each next to what the suite measured in the same run and,
where a peer was measured too, the peer's figure; prints a Markdown table. A row whose section did
not run (or failed) says so instead of passing or failing."""
import re, sys

rows = {}
for line in open(sys.argv[1]):
    p = line.rstrip("\n").split("\t")
    if len(p) >= 8 and p[0] != "section":
        rows[(p[0], p[1])] = dict(zip(["section", "case", "value", "unit", "runs", "ratio", "range", "what"], p))


def num(section, case, field="value"):
    r = rows.get((section, case))
    try:
        return float(r[field]) if r else None
    except ValueError:
        return None


def find(section, pattern):
    """The first case of the section matching the pattern (slot counts are part of the names)."""
    for (s, c) in rows:
        if s == section and re.search(pattern, c):
            return c
    return None


def fmt(v, unit=""):
    if v is None:
        return "not measured"
    return (f"{v:.3f}" if abs(v) < 10 else f"{v:,.1f}" if abs(v) < 1000 else f"{v:,.0f}") + unit


out = ["| target (issue 12) | goal | vxcc | side by side, same run | met |", "| --- | --- | ---: | --- | --- |"]


def row(name, goal, value, ok, side, unit="", reported=False):
    verdict = "not measured" if value is None or ok is None else ("reported" if reported else "met" if ok else "NOT met")
    out.append(f"| {name} | {goal} | {fmt(value, unit)} | {side} | {verdict} |")


for kind in ("stand-in", "real TU"):
    for who, limit in (("client daemon", 8), ("servant", 6)):
        v = num("cpu", f"vxcc {who} JVM CPU per task, {kind}")
        row(f"{who} JVM CPU per task ({kind})", f"<= {limit} ms", v, None if v is None else v <= limit, "-", " ms")
vt, dt = num("cpu", "vxcc total CPU per task over plain"), num("cpu", "distcc total CPU per task over plain")
row("total CPU per task over plain", "<= distcc's", vt, None if vt is None or dt is None else vt <= dt,
    f"distcc {fmt(dt, ' ms')}", " ms")

om = num("one-machine", "vxcc, all-in-one node, cache filled", "ratio")
plain = find("one-machine", r"^plain make")
mc = num("one-machine", "machine busy CPU per build, vxcc", "ratio")
node = num("one-machine", "node JVM CPU per compile beyond idle")
idle = num("one-machine", "node JVM CPU while idle")
row("one machine, all-in-one node, vs plain make (wall)", "<= 1.05x", om, None if om is None else om <= 1.05,
    f"plain {fmt(num('one-machine', plain) if plain else None, ' ms')}; machine busy CPU {fmt(mc, 'x')} plain's; "
    f"node JVM {fmt(node, ' ms')} per compile beyond idle, {fmt(idle, ' %')} of a core idle", "x")
hit = rows.get(("one-machine", "vxcc second build, cache read"))
m = re.search(r"cache hits (\d+) of (\d+)", hit["what"]) if hit else None
out.append(f"| one machine, second build | all hits | {m.group(1) + ' of ' + m.group(2) if m else 'not measured'} | - | "
           f"{('met' if m.group(1) == m.group(2) else 'NOT met') if m else 'not measured'} |")

for section, goal, pattern in (("scale", ">= 0.85", r"^vxcc: make -j"), ("scale-big", "reported, limit explained", r"^vxcc: make -j")):
    c = find(section, pattern)
    eff = num(section, c, "ratio") if c else None
    f = find(section, r"^floor")
    feff = num(section, f, "ratio") if f else None
    ok = (eff >= 0.85 if section == "scale" else True) if eff is not None else None
    cfg = rows.get((section, "ideal: tasks x duration / slots"), {}).get("what", "").split(";")[0]
    row(f"scale efficiency ({section}: {cfg or 'not run'})", goal, eff, ok,
        f"floor (make running the stand-in directly, no vxcc) {fmt(feff)}; vxcc / floor {fmt(eff / feff) if eff and feff else 'n/a'}",
        reported=section == "scale-big")

b = num("build", "same through vxcc (3-JVM loopback cluster)", "ratio")
bd = num("build", "same through distcc (distccd on 127.0.0.1)", "ratio")
row("ninja-build through the loopback cluster, vs plain make (wall)", "<= 1.10x", b, None if b is None else b <= 1.10,
    f"distcc {fmt(bd, 'x')}", "x")
t = num("per-task", "vxcc -> remote servant (loopback)", "ratio")
row("medium TU remote, vs direct g++ (wall)", "<= 1.03x", t, None if t is None else t <= 1.03,
    f"distcc {fmt(num('per-task', 'distcc -> distccd 127.0.0.1', 'ratio'), 'x')}, "
    f"icecc {fmt(num('per-task', 'icecc -> iceccd 127.0.0.2', 'ratio'), 'x')}", "x")
s = find("scheduler", r"^direct: grant\+free pairs/s, 5000 servants")
sv = num("scheduler", s) if s else None
row("scheduler grant+free pairs/s, 5,000 servants x 16, one thread", ">= 20,000/s", sv, None if sv is None else sv >= 20000,
    f"event bus: {fmt(num('scheduler', find('scheduler', r'^event bus: grant.*5000') or ''), '/s')}", "/s")
print("\n".join(out))
