#!/usr/bin/env python3
"""report.py TSV MD SVG TITLE [META...]: renders the suite's raw rows (section, case, value, unit,
runs, ratio, range, what) as a Markdown table and an SVG bar chart of the main ratios. No
dependencies beyond the standard library."""
import html, sys

tsv, md_path, svg_path, title, meta = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5:]
rows = []
for line in open(tsv):
    p = line.rstrip("\n").split("\t")
    if not p or p[0] == "section" or len(p) < 8:
        continue
    rows.append(dict(zip(["section", "case", "value", "unit", "runs", "ratio", "range", "what"], p)))

RATIO_HEAD = {
    "per-task": "ratio to direct g++ (median of per-round ratios)",
    "cache": "ratio to direct g++ (median of per-round ratios)",
    "scale": "efficiency = ideal / wall",
    "scale-big": "efficiency = ideal / wall",
    "scheduler": "",
    "build": "wall ratio to plain make (median of per-round ratios)",
    "cache-vs-ccache": "vxcc / ccache (median of per-round ratios)",
}
out = [f"# {title}", ""]
out += [f"- {m}" for m in meta]
out += ["", "Medians of interleaved runs; `n` is the number of runs each median is of; `range` is min..max "
        "(or p90 where marked). Times: ms unless the unit says otherwise.", ""]
out += ["| section | measurement | median | unit | n | ratio | range | what was measured |",
        "| --- | --- | ---: | --- | ---: | ---: | --- | --- |"]
for r in rows:
    ratio = (r["ratio"] + "x") if r["ratio"] not in ("", "n/a") else r["ratio"]
    out.append("| {section} | {case} | {value} | {unit} | {runs} | {ratio} | {range} | {what} |".format(
        **{**r, "ratio": ratio, "what": r["what"].replace("|", "/")}))
out += ["", "Ratio columns: " + "; ".join(f"{k}: {v}" for k, v in RATIO_HEAD.items() if v) + "."]
open(md_path, "w").write("\n".join(out) + "\n")

# ---- SVG: one horizontal bar per row that has a numeric ratio, grouped by section
bars = []
for r in rows:
    try:
        v = float(r["ratio"])
    except ValueError:
        if r["ratio"] == "n/a" and r["section"] in ("per-task", "cache", "build"):
            bars.append((r["section"], r["case"], None))
        continue
    if r["section"] in ("scale", "scale-big") and r["case"].startswith("ideal"):
        continue
    if r["section"] in ("per-task", "build") and v == 1.0 and ("direct" in r["case"] or "plain" in r["case"]):
        pass  # keep the baseline bar: it anchors the scale
    bars.append((r["section"], r["case"], v))
colors = {"per-task": "#4472c4", "cache": "#70ad47", "scale": "#ed7d31", "scale-big": "#ed7d31", "build": "#7f6084"}
W, left, right, bh, gap, top = 980, 380, 120, 18, 6, 60
vmax = max([b[2] for b in bars if b[2] is not None] + [1.0])
vmax = min(max(vmax, 1.0), 3.0)
scale = (W - left - right) / vmax
H = top + len(bars) * (bh + gap) + 60
svg = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" font-family="sans-serif" font-size="12">',
       f'<rect width="{W}" height="{H}" fill="white"/>',
       f'<text x="10" y="22" font-size="15" font-weight="bold">{html.escape(title)}</text>',
       f'<text x="10" y="42" fill="#555">ratios (1.0 = baseline: direct g++ / plain make; scale: efficiency, higher is better); bars capped at {vmax:.1f}</text>']
x1 = left + scale * 1.0
svg.append(f'<line x1="{x1:.1f}" y1="{top - 6}" x2="{x1:.1f}" y2="{H - 40}" stroke="#999" stroke-dasharray="4,3"/>')
svg.append(f'<text x="{x1 - 8:.1f}" y="{H - 26}" fill="#555">1.0</text>')
y = top
for sec, case, v in bars:
    label = f"[{sec}] {case}"
    svg.append(f'<text x="{left - 8}" y="{y + bh - 5}" text-anchor="end">{html.escape(label[:58])}</text>')
    if v is None:
        svg.append(f'<text x="{left + 4}" y="{y + bh - 5}" fill="#999">n/a</text>')
    else:
        w = max(1.0, min(v, vmax) * scale)
        svg.append(f'<rect x="{left}" y="{y}" width="{w:.1f}" height="{bh}" fill="{colors.get(sec, "#888")}"/>')
        svg.append(f'<text x="{left + w + 4:.1f}" y="{y + bh - 5}">{v:.3f}{"x" if sec != "scale" else ""}</text>')
    y += bh + gap
svg.append("</svg>")
open(svg_path, "w").write("\n".join(svg) + "\n")
print("\n".join(out))
