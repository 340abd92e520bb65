#!/usr/bin/env python3
"""tools/benchmark/report.py: owns how tools/bench's results are shown: the Markdown report (report.md)
with its SVG plots (plots/, drawn by gnuplot) and the comparison of two result files
(tools/bench --compare OLD NEW). It reads results.jsonl and runs nothing but gnuplot.

results.jsonl holds one JSON object per line. Every record has the keys of COMMON_KEYS; kind "figure"
adds FIGURE_KEYS (value = median over repeats, min, max, repeats, values, default = the default
scheduler's median in the same boot or null, ratio = value/default or null), kind "cdf" adds
CDF_KEYS (quantiles in [0,100] ascending, values = the latency at each quantile). (scheduler,
options) identifies a scheduler, label names it. Several records of one (kernel, scheduler, options,
workload, metric) are normal (each boot measures the default): they are merged into one Figure.

Usage (standalone; tools/bench imports the functions):
  report.py report RESULTS.jsonl OUTDIR   write OUTDIR/report.md and OUTDIR/plots/*
  report.py compare OLD.jsonl NEW.jsonl   print how NEW differs from OLD
"""
import argparse
import json
import math
import os
import re
import statistics
import subprocess
import sys
from dataclasses import dataclass

from results import BETTER, COMMON_KEYS, FIGURE_KEYS  # the record format is results.py's

CDF_KEYS = ("quantiles", "values")
KIND_KEYS = {"figure": FIGURE_KEYS, "cdf": CDF_KEYS}

DEFAULT = "default"     # the kernel's own scheduler (EEVDF), measured in every boot
ATTACH = "attach"       # the workload that holds a scheduler's load facts
WORKLOAD_ORDER = ("pipe", "messaging", "hackbench", "schbench", "interactive", "periodic", "cyclictest",
                  "fairness", "fork-exec", ATTACH)
# The main table's columns: workload -> its headline metrics. A workload not listed here (or none of
# whose listed metrics is present) gets its first metric that has a better direction and is no BPF
# figure (bpf_*, bpf.*, verified_insns.*). The attach workload has no column.
HEADLINE = {
    "pipe": ("elapsed_s",),
    "messaging": ("elapsed_s",),
    "hackbench": ("elapsed_s",),
    "schbench": ("wake_p99_us",),
    "interactive": ("wake_p99_us", "rq_p99_us", "hog_work"),
    "periodic": ("wake_p99_us", "rq_p99_us"),
    "cyclictest": ("wake_p99_us",),
    "fairness": ("jain_index",),
    "fork-exec": ("exec_per_s",),
    "dispatch-tail": ("dispatch_p99_x_p50",),
}
BPF_OP_METRICS = {"bpf_ns_per_op": "ns/op", "bpf_calls_per_op": "calls/op",
                  "bpf_ns_per_switch": "ns/switch"}
BPF_PROG_WORKLOAD = "pipe"      # the workload whose bpf.<prog>.* figures the per-program table shows
CDF_COLUMNS = (50, 90, 99, 99.9, 100)
UNITLESS = ("", "count", "index")
ARROW = {"lower": " ↓", "higher": " ↑", "none": ""}

METHOD = """\
## Method

Every VM runs under QEMU with `-icount shift=0,sleep=off`: guest time follows executed instructions,
so an identical boot repeats and the host's load does not matter. A timer of QEMU's own ends every
round of vCPU turns within the `turn=` of the records' mode (100 us by default; none: QEMU's own
rounds, up to the next guest timer), so an interrupt for a busy vCPU waits about that long at most
for its turn. Each boot also measures the kernel's default scheduler (EEVDF)
at its start and at its end. Every figure is the median of its runs, shown with its [min–max] (runs
per figure: {repeats}; the default's figures pool its runs at the start and the end of a boot). A
boot is one sample: with several boots per scheduler a ratio is the median of the boots' ratios,
shown with their range. The
timed runs keep `kernel.bpf_stats_enabled` off (it adds two clock reads to every BPF program run);
the BPF cost figures come from one more run per workload with it on. In quick mode that run is the
only one, and its figures are the timed ones too; BPF time per context switch divides by that
run's own switches. A program's BPF time under TCG also holds the
time other vCPUs ran while it waited (e.g. for a lock held by a vCPU QEMU was not running), so ns
per call is inflated where vCPUs contend; calls per operation and verified instructions are exact.
icount inflates absolute numbers under contention
(all vCPUs share one instruction clock), so the report leads with ratios to the default measured in
the same boot.

Workloads:

- from packaged tools: `pipe` and `messaging` are `perf bench sched pipe` and `perf bench sched
  messaging` (linux-perf); `hackbench` and `cyclictest` come from rt-tests; `fork-exec` runs
  `stress-ng --exec`.
- scxx's own, because nothing is packaged: `schbench` runs `scxx-schbench` (schbench-like; schbench
  is not packaged in Debian), `interactive` runs `scxx-latency` (periodic interactive tasks) among
  CPU hogs, `periodic` the same tasks alone, and `fairness` runs CPU hogs of `scxx-latency`
  (stress-ng reports no per-instance work).
- `attach` is no workload: it holds each scheduler's load facts (verified instructions per BPF
  program, time from exec to enabled, peak RSS).
"""

# A mode with " insns" (tools/bench --insns) measured otherwise: the report says so after METHOD.
METHOD_INSNS = """\
**This set counts instructions (mode `insns`).** Its boots ran without `-icount`, a host thread per
vCPU, with a QEMU plugin (tools/insns) counting the instructions each call of a scheduler's BPF
callbacks executed on its own vCPU, between the BPF trampoline's enter and exit helpers. Its figures
are instructions per operation, per context switch and per call, and `ops.dispatch`'s p50/p99/p99.9/
max per call (`dispatch_p99_x_p50`: its tail). Instructions spent waiting in the spinlock slow paths
are not in them (`bpf_spin_insns_per_op` sums those): they depend on when the host ran which vCPU.
Which calls happen still follows the run's timing. Times of such boots are host noise and are not
kept, so there is no ratio to the default.
"""


@dataclass(frozen=True)
class Figure:
    """One (kernel, scheduler, options, workload, metric) over all its records: the median of their
    medians, the widest [lo, hi], the median ratio to the default and that ratio's widest range over
    the runs; boots: how many boots measured it, boot_ratio_lo/hi: the lowest and highest of those
    boots' ratios (each boot's median over its own default's)."""
    label: str
    unit: str
    better: str
    value: float
    lo: float
    hi: float
    ratio: float | None
    ratio_lo: float | None
    ratio_hi: float | None
    boots: int = 1
    boot_ratio_lo: float | None = None
    boot_ratio_hi: float | None = None


# ---------------------------------------------------------------------------------------------------
# Reading

def load(path):
    """The records of results.jsonl `path`; blank lines are skipped. ValueError names file:line of a
    line that is not a JSON object with the keys of its kind."""
    records = []
    with open(path) as f:
        for n, line in enumerate(f, 1):
            if line.strip():
                records.append(_parse(line, f"{path}:{n}"))
    return records


def _parse(line, where):
    try:
        r = json.loads(line)
    except ValueError as e:
        raise ValueError(f"{where}: bad JSON: {e}") from None
    if not isinstance(r, dict):
        raise ValueError(f"{where}: not a JSON object")
    if r.get("kind") not in KIND_KEYS:
        raise ValueError(f"{where}: kind {r.get('kind')!r} is none of {', '.join(KIND_KEYS)}")
    missing = [k for k in COMMON_KEYS + KIND_KEYS[r["kind"]] if k not in r]
    if missing:
        raise ValueError(f"{where}: missing key(s) {', '.join(missing)}")
    if r["better"] not in BETTER:
        raise ValueError(f"{where}: better {r['better']!r} is none of {', '.join(BETTER)}")
    if r["kind"] == "cdf" and len(r["quantiles"]) != len(r["values"]):
        raise ValueError(f"{where}: {len(r['quantiles'])} quantiles but {len(r['values'])} values")
    return r


def figures(records):
    """{(kernel, scheduler, options, workload, metric): Figure} of the "figure" records, in order of
    first appearance."""
    groups = {}
    for r in records:
        if r["kind"] == "figure":
            key = (r["kernel"], r["scheduler"], r["options"], r["workload"], r["metric"])
            groups.setdefault(key, []).append(r)
    return {key: _merge(rs) for key, rs in groups.items()}


def _median(xs):
    """statistics.median, kept an int when the values are ints and so is their median."""
    xs = list(xs)
    m = statistics.median(xs)
    return int(m) if all(isinstance(x, int) for x in xs) and m == int(m) else m


def _merge(rs):
    with_ratio = [r for r in rs if r["ratio"] is not None]
    bounds = [b for r in with_ratio for b in _ratio_bounds(r)]
    first = rs[0]
    boot_ratios = [r["ratio"] for r in with_ratio]
    return Figure(label=first["label"], unit=first["unit"], better=first["better"],
                  value=_median(r["value"] for r in rs),
                  lo=min(r["min"] for r in rs), hi=max(r["max"] for r in rs),
                  ratio=statistics.median(boot_ratios) if with_ratio else None,
                  ratio_lo=min(bounds, default=None), ratio_hi=max(bounds, default=None),
                  boots=len({r["boot"] for r in (with_ratio or rs)}),
                  boot_ratio_lo=min(boot_ratios, default=None),
                  boot_ratio_hi=max(boot_ratios, default=None))


def _ratio_bounds(r):
    """The ratio of the record's min and max to the default's median."""
    if not r["default"]:
        return r["ratio"], r["ratio"]
    return r["min"] / r["default"], r["max"] / r["default"]


def _ordered(values, first=()):
    """The distinct values in order of appearance, those listed in `first` leading in that order."""
    seen = list(dict.fromkeys(values))
    return [v for v in first if v in seen] + [v for v in seen if v not in first]


def _is_better(a, b, better):
    return a < b if better == "lower" else a > b if better == "higher" else False


class _Kernel:
    """The figures and CDFs of one kernel, with the display order of its schedulers (the default
    first, then in order of appearance) and of its workloads (WORKLOAD_ORDER first)."""

    def __init__(self, kernel, records, figs):
        recs = [r for r in records if r["kernel"] == kernel]
        self.id = kernel
        self.version = ", ".join(_ordered(r["kernel_version"] for r in recs))
        self.figs = {key[1:]: f for key, f in figs.items() if key[0] == kernel}
        self.cdfs = [r for r in recs if r["kind"] == "cdf"]
        self.labels = {(r["scheduler"], r["options"]): r["label"] for r in recs}
        self.scheds = sorted(self.labels, key=lambda s: s[0] != DEFAULT)
        self.workloads = _ordered((r["workload"] for r in recs), WORKLOAD_ORDER)
        # the default's end-of-boot median over its start-of-boot median, per boot
        self.drift = {}
        for r in recs:
            if r["kind"] == "figure" and r["scheduler"] == DEFAULT and r.get("start"):
                self.drift.setdefault((r["workload"], r["metric"]), []).append(r["end"] / r["start"])

    def get(self, sched, workload, metric):
        return self.figs.get((*sched, workload, metric))

    def metrics(self, workload):
        return _ordered(m for (_, _, w, m) in self.figs if w == workload)

    def better(self, workload, metric):
        return next(f.better for (_, _, w, m), f in self.figs.items() if (w, m) == (workload, metric))

    def with_data(self, columns):
        """The schedulers with a figure in any (workload, metric) of `columns`."""
        return [s for s in self.scheds if any(self.get(s, w, m) for w, m in columns)]


# ---------------------------------------------------------------------------------------------------
# Formatting

def fmt(x):
    """3 significant digits without scientific notation (0.934, 12.7, 1234); an int as it is."""
    if x is None:
        return "-"
    if isinstance(x, int) or not math.isfinite(x):
        return str(x)
    if x == 0:
        return "0"
    magnitude = math.floor(math.log10(abs(float(f"{x:.3g}"))))     # after rounding: 9.996 -> 10.0
    return f"{x:.{max(0, 2 - magnitude)}f}"


def _range(value, lo, hi):
    """"median [min–max]", or the median alone when the range shows as one number."""
    return fmt(value) if fmt(lo) == fmt(hi) else f"{fmt(value)} [{fmt(lo)}–{fmt(hi)}]"


def _with_unit(text, unit):
    return text if unit in UNITLESS else f"{text} {unit}"


def _abs_cell(f):
    return "-" if f is None else _with_unit(_range(f.value, f.lo, f.hi), f.unit)


def _ratio_text(f):
    """The ratio to the default with its range: over the boots' ratios when several boots measured
    it (a boot is one sample), else over the runs of its one boot."""
    if f.boots > 1:
        return _range(f.ratio, f.boot_ratio_lo, f.boot_ratio_hi)
    return _range(f.ratio, f.ratio_lo, f.ratio_hi)


def _ratio_cell(f):
    """The ratio to the default with its range, bold when better than the default."""
    if f is None or f.ratio is None:
        return "-"
    text = _ratio_text(f)
    return f"**{text}**" if _is_better(f.ratio, 1, f.better) else text


def _md_table(head, rows, text_columns=1):
    """A Markdown table, padded so that it also reads as text; columns after the first
    `text_columns` are right-aligned."""
    cells = [[str(c).replace("|", "\\|") for c in row] for row in [head] + rows]
    width = [max(3, *(len(row[i]) for row in cells)) for i in range(len(head))]
    rule = ["-" * w if i < text_columns else "-" * (w - 1) + ":" for i, w in enumerate(width)]

    def line(row):
        return "| " + " | ".join(c.ljust(w) if i < text_columns else c.rjust(w)
                                 for i, (c, w) in enumerate(zip(row, width))) + " |"
    return [line(cells[0]), line(rule)] + [line(r) for r in cells[1:]] + [""]


def _text_table(head, rows):
    width = [max(len(row[i]) for row in [head] + rows) for i in range(len(head))]

    def line(row):
        return "  ".join(c.ljust(w) for c, w in zip(row, width)).rstrip()
    return [line(head), line(["-" * w for w in width])] + [line(r) for r in rows]


def _safe(name):
    """A file name part: anything but letters, digits, '.', '_' and '-' becomes '_'."""
    return re.sub(r"[^A-Za-z0-9._-]+", "_", name)


# ---------------------------------------------------------------------------------------------------
# Plots: each NAME.svg comes with NAME.dat and NAME.gp in plots/, so that `gnuplot NAME.gp` run there
# redraws it.

def _gp_str(s):
    return "'" + s.replace("'", "''") + "'"


def _gp_num(x):
    return "NaN" if x is None else repr(float(x))


def _gp_sources(name, count):
    """The data file of each of `count` plot elements: named for the first, '' (the same) after."""
    return [_gp_str(name + ".dat")] + ["''"] * (count - 1)


def _gp_head(name, title, width, height):
    return [f"set terminal svg size {width},{height} noenhanced font 'sans,11' background '#ffffff'",
            f"set output {_gp_str(name + '.svg')}", f"set title {_gp_str(title)}", "set grid ytics"]


def _plot(plots, name, data, script, written):
    """Writes NAME.dat and NAME.gp into `plots`, runs gnuplot there, adds the files to `written`."""
    for ext, text in ((".dat", data), (".gp", script)):
        _write(os.path.join(plots, name + ext), "\n".join(text) + "\n", written)
    try:
        run = subprocess.run(["gnuplot", name + ".gp"], cwd=plots, capture_output=True, text=True)
    except FileNotFoundError:
        raise RuntimeError("gnuplot is not installed (Debian package gnuplot-nox)") from None
    if run.returncode != 0:
        raise RuntimeError(f"gnuplot {name}.gp failed in {plots}:\n{run.stderr.strip()}")
    written.append(os.path.join(plots, name + ".svg"))


def _bar_plot(plots, name, title, ylabel, clusters, series, written, ref_line=None):
    """A clustered bar chart with error bars. clusters: [(tic line 1, tic line 2)]; series:
    [(title, [(value, lo, hi) or None, one per cluster])]."""
    data = ["# tic1 tic2 " + " ".join(f"[{t}: value lo hi]" for t, _ in series)]
    for i, tic in enumerate(clusters):
        bars = (b[i] or (None, None, None) for _, b in series)
        data.append(" ".join('"' + t.replace('"', "'") + '"' for t in tic) + " "
                    + " ".join(_gp_num(x) for bar in bars for x in bar))
    tic_chars = max(len(t) for tic in clusters for t in tic)
    key_chars = max(len(t) for t, _ in series)
    width = 160 + 7 * key_chars + len(clusters) * max(40 + 22 * len(series), 10 * tic_chars + 30)
    script = _gp_head(name, title, width, 460) + [
        f"set ylabel {_gp_str(ylabel)}", "set style data histogram",
        "set style histogram errorbars gap 1 lw 1", "set style fill solid 0.75 border -1",
        "set key outside right top vertical", "set yrange [0:*]", "set bmargin 4", "set xtics nomirror"]
    if ref_line is not None:
        script.append(f"set arrow from graph 0, first {ref_line} to graph 1, first {ref_line} "
                      "nohead dt 2 lw 1.5 lc rgb '#444444' front")
    xtic = ':xtic(strcol(1)."\\n".strcol(2))'
    script.append("plot " + ", \\\n     ".join(
        f"{src} using {3 + 3 * i}:{4 + 3 * i}:{5 + 3 * i}{xtic if i == 0 else ''} title {_gp_str(t)}"
        for i, (src, (t, _)) in enumerate(zip(_gp_sources(name, len(series)), series))))
    _plot(plots, name, data, script, written)


def _cdf_plot(plots, name, title, unit, lines, written):
    """lines: [(label, [(quantile, latency)])]; x = latency on a log scale, y = percentile."""
    lines = [(label, [(q, v) for q, v in points if v > 0]) for label, points in lines]
    lines = [(label, points) for label, points in lines if points]
    if not lines:
        return False
    data = []
    for label, points in lines:
        data += [f"# {label}: {unit} percentile"] + [f"{_gp_num(v)} {_gp_num(q)}" for q, v in points]
        data += ["", ""]
    script = _gp_head(name, title, 800, 480) + [
        "set logscale x 10", "set format x '%g'", "set grid xtics mxtics", f"set xlabel {_gp_str(unit)}",
        "set ylabel 'percentile'", "set yrange [0:100]", "set ytics 10", "set key bottom right"]
    script.append("plot " + ", \\\n     ".join(
        f"{src} index {i} using 1:2 with lines lw 2 title {_gp_str(label)}"
        for i, (src, (label, _)) in enumerate(zip(_gp_sources(name, len(lines)), lines))))
    _plot(plots, name, data, script, written)
    return True


# ---------------------------------------------------------------------------------------------------
# Report sections; each returns Markdown lines and adds the files it wrote to `written`.

def _header(records, kernels):
    figs = [r for r in records if r["kind"] == "figure"]
    repeats = ", ".join(str(n) for n in sorted(set(r["repeats"] for r in figs))) or "-"
    boots = {}  # the default is in every boot of a kernel, so only the schedulers count
    for r in figs:
        if r["scheduler"] != DEFAULT:
            boots.setdefault((r["kernel"], r["scheduler"], r["options"]), set()).add(r["boot"])
    boots_text = ", ".join(str(n) for n in sorted({len(b) for b in boots.values()})) or "-"

    def values(key):
        return ", ".join(str(v) for v in _ordered(r[key] for r in records)) or "-"
    return (["# scxx scheduler benchmarks", "",
             f"- **date** {values('date')} · **commit** {values('commit')} · **mode** {values('mode')}"
             f" · **repeats** {repeats} · **boots per scheduler and kernel** {boots_text}",
             "- **kernels** " + (", ".join(f"`{k.id}` = {k.version}" for k in kernels) or "none"), "",
             METHOD.format(repeats=repeats)]
            + ([METHOD_INSNS] if any(" insns" in r["mode"] for r in records) else []))


def _headline(k):
    """The main table's (workload, metric) columns."""
    columns = []
    for w in k.workloads:
        if w == ATTACH:
            continue
        present = k.metrics(w)
        chosen = [m for m in HEADLINE.get(w, ()) if m in present]
        if not chosen:
            chosen = [m for m in present if not m.startswith(("bpf", "verified_insns."))
                      and k.better(w, m) != "none"][:1]
        columns += [(w, m) for m in chosen]
    return columns


def _main_section(k, plots, written):
    columns = _headline(k)
    scheds = k.with_data(columns)
    if not scheds:
        return []
    rows = [[k.labels[s]] + [_abs_cell(k.get(s, w, m)) if s[0] == DEFAULT else _ratio_cell(k.get(s, w, m))
                             for w, m in columns] for s in scheds]
    if all(cell == "-" for row in rows for cell in row[1:]):
        return []       # no default measured, so no ratios either
    out = ["### Ratios to the default", "",
           "Each cell is the scheduler's median over the default's median in the same boot, "
           "[min–max] over the repeats (with several boots per scheduler: the median of the "
           "boots' ratios, [min–max] over the boots); ↓ marks a metric where lower is better, "
           "↑ where higher is. "
           "**Bold**: better than the default. The default row holds absolute medians.", ""]
    drift = [k.drift.get((w, m)) for w, m in columns]
    if any(drift):
        rows.append(["default: end / start"] + [_range(statistics.median(d), min(d), max(d)) if d else "-"
                                                 for d in drift])
    out += _md_table(["scheduler"] + [f"{w} {m}{ARROW[k.better(w, m)]}" for w, m in columns], rows)
    if any(drift):
        out += ["", "The last row is the default's drift within a boot: its median at the end of a boot over "
                "its median at the start (median [min–max] over the boots): the run-to-run noise the ratios "
                "above stand against.", ""]
    series = [(k.labels[s], [_ratio_bar(k.get(s, w, m)) for w, m in columns]) for s in scheds]
    series = [(label, bars) for label, bars in series if any(bars)]
    if series:
        name = f"ratios-{_safe(k.id)}"
        clusters = [(w, m + ARROW[k.better(w, m)]) for w, m in columns]
        _bar_plot(plots, name, f"Ratio to the default scheduler, kernel {k.id}", "ratio to default",
                  clusters, series, written, ref_line=1)
        out += [f"![Ratios to the default on {k.id}](plots/{name}.svg)", ""]
    return out


def _ratio_bar(f):
    """The plotted ratio and its error bar, over the same range as the tables (_ratio_text)."""
    if f is None or f.ratio is None:
        return None
    if f.boots > 1:
        return f.ratio, f.boot_ratio_lo, f.boot_ratio_hi
    return f.ratio, f.ratio_lo, f.ratio_hi


def _workload_table(k, w):
    metrics = [m for m in k.metrics(w) if not m.startswith(("bpf.", "verified_insns."))]
    columns = [(w, m) for m in metrics]
    with_ratio = {m for m in metrics if any(f.ratio is not None for f in _column(k, w, m))}
    head = ["scheduler"]
    for m in metrics:
        head += [m + ARROW[k.better(w, m)]] + (["ratio"] if m in with_ratio else [])
    rows = []
    for s in k.with_data(columns):
        row = [k.labels[s]]
        for m in metrics:
            f = k.get(s, w, m)
            row += [_abs_cell(f)] + ([_ratio_cell(f)] if m in with_ratio else [])
        rows.append(row)
    return _md_table(head, rows) if rows else []


def _column(k, w, m):
    return [f for f in (k.get(s, w, m) for s in k.scheds) if f]


def _workload_sections(k):
    out = []
    for w in k.workloads:
        table = _workload_table(k, w) if w != ATTACH else []
        if table:
            out += [f"#### {w}", ""] + table
    return (["### Workloads", ""] + out) if out else []


def _median_cdf(rs):
    """The point-wise median of CDFs over the quantiles they all have."""
    maps = [dict(zip(r["quantiles"], r["values"])) for r in rs]
    common = sorted(set.intersection(*(set(m) for m in maps)))
    return [(q, statistics.median(m[q] for m in maps)) for q in common]


def _cdf_lines(k, w, m):
    by_sched = {}
    for r in k.cdfs:
        if (r["workload"], r["metric"]) == (w, m):
            by_sched.setdefault((r["scheduler"], r["options"]), []).append(r)
    return [(k.labels[s], _median_cdf(by_sched[s])) for s in k.scheds if s in by_sched]


def _cdf_table(lines, unit):
    """The CDF_COLUMNS quantiles of each line."""
    shown = [q for q in CDF_COLUMNS if any(q in dict(points) for _, points in lines)]
    rows = [[label] + [fmt(dict(points).get(q)) for q in shown] for label, points in lines]
    return _md_table(["scheduler"] + [f"{'max' if q == 100 else f'p{q:g}'} ({unit})" for q in shown], rows)


def _latency_section(k, plots, written):
    out = []
    units = {(r["workload"], r["metric"]): r["unit"] for r in k.cdfs}
    for (w, m), unit in units.items():
        lines = _cdf_lines(k, w, m)
        out += [f"#### {w} {m}", ""]
        name = f"cdf-{_safe(k.id)}-{_safe(w)}-{_safe(m)}"
        if _cdf_plot(plots, name, f"{w} {m}, kernel {k.id}", unit, lines, written):
            out += [f"![Latency CDF of {w} {m} on {k.id}](plots/{name}.svg)", ""]
        out += _cdf_table(lines, unit)
    return (["### Latency", ""] + out) if out else []


def _bpf_section(k, plots, written):
    columns = [(w, m) for w in k.workloads for m in BPF_OP_METRICS if m in k.metrics(w)]
    out = []
    if columns:
        rows = [[k.labels[s]] + [_cell_value(k.get(s, w, m)) for w, m in columns]
                for s in k.with_data(columns)]
        out += _md_table(["scheduler"] + [f"{w} {BPF_OP_METRICS[m]}" for w, m in columns], rows)
        out += _bpf_plot(k, plots, written)
    out += _prog_table(k) + _load_table(k)
    return (["### BPF cost", ""] + out) if out else []


def _cell_value(f):
    return "-" if f is None else _range(f.value, f.lo, f.hi)


def _bpf_plot(k, plots, written):
    workloads = [w for w in k.workloads if "bpf_ns_per_op" in k.metrics(w)]
    scheds = k.with_data([(w, "bpf_ns_per_op") for w in workloads])
    series = [(k.labels[s], [_value_bar(k.get(s, w, "bpf_ns_per_op")) for w in workloads]) for s in scheds]
    if not series:
        return []
    name = f"bpf-cost-{_safe(k.id)}"
    _bar_plot(plots, name, f"BPF time per operation, kernel {k.id}", "ns per operation",
              [(w, "") for w in workloads], series, written)
    return [f"![BPF time per operation on {k.id}](plots/{name}.svg)", ""]


def _value_bar(f):
    return None if f is None else (f.value, f.lo, f.hi)


def _prog_workload(k):
    """The workload whose bpf.<prog>.* figures the per-program table shows."""
    having = [w for w in k.workloads if any(m.startswith("bpf.") for m in k.metrics(w))]
    return BPF_PROG_WORKLOAD if BPF_PROG_WORKLOAD in having else next(iter(having), None)


def _progs(k, sched, w):
    names = []
    for (*s, wl, m) in k.figs:
        if tuple(s) != sched:
            continue
        if wl == ATTACH and m.startswith("verified_insns."):
            names.append(m.removeprefix("verified_insns."))
        elif wl == w and m.startswith("bpf."):
            names.append(m.removeprefix("bpf.").rpartition(".")[0])
    return _ordered(names)


def _prog_table(k):
    w = _prog_workload(k)
    fields = _ordered(m.rpartition(".")[2] for m in k.metrics(w) if m.startswith("bpf."))
    rows = []
    for s in k.scheds:
        for p in _progs(k, s, w):
            insns = k.get(s, ATTACH, f"verified_insns.{p}")
            rows.append([k.labels[s], p, fmt(insns.value) if insns else "-"]
                        + [_cell_value(k.get(s, w, f"bpf.{p}.{f}")) for f in fields])
    if not rows:
        return []
    return (["Per BPF program: instructions the verifier processed at load"
             + (f", and the figures of `{w}`" if fields else "") + ".", ""]
            + _md_table(["scheduler", "program", "verified insns"] + [f"{f} ({w})" for f in fields], rows, 2))


def _load_table(k):
    metrics = [m for m in k.metrics(ATTACH) if not m.startswith("verified_insns.")]
    columns = [(ATTACH, m) for m in metrics]
    rows = [[k.labels[s]] + [_abs_cell(k.get(s, ATTACH, m)) for m in metrics] for s in k.with_data(columns)]
    return (["Loading the scheduler:", ""] + _md_table(["scheduler"] + metrics, rows)) if rows else []


def _write(path, text, written):
    with open(path, "w") as f:
        f.write(text)
    written.append(path)


def write_report(records, out_dir):
    """Writes out_dir/report.md and its plots into out_dir/plots/ (created as needed); returns the paths
    of the files written: report.md first, then each plot's .dat, .gp and .svg."""
    plots = os.path.join(out_dir, "plots")
    os.makedirs(plots, exist_ok=True)
    figs = figures(records)
    kernels = [_Kernel(kid, records, figs) for kid in _ordered(r["kernel"] for r in records)]
    written = []    # the plot files
    out = _header(records, kernels)
    for k in kernels:
        out += [f"## Kernel {k.id} ({k.version})", ""]
        out += _main_section(k, plots, written) + _workload_sections(k)
        out += _latency_section(k, plots, written) + _bpf_section(k, plots, written)
    report = os.path.join(out_dir, "report.md")
    with open(report, "w") as f:
        f.write("\n".join(out).rstrip("\n") + "\n")
    return [report] + written


# ---------------------------------------------------------------------------------------------------
# Comparison

def _natural(s):
    """Sort key that orders "6.9" before "6.12"."""
    return [(0, int(p), "") if p.isdigit() else (1, 0, p) for p in re.split(r"(\d+)", s)]


def _verdict(old, new):
    """better/worse when each median lies outside the other's [min, max]; "~" otherwise (noise).
    A metric without a better direction reads "changed"."""
    apart = not old.lo <= new.value <= old.hi and not new.lo <= old.value <= new.hi
    if not apart:
        return "~"
    if old.better == "none":
        return "changed"
    return "better" if _is_better(new.value, old.value, old.better) else "worse"


def _change(old, new):
    if old == 0:
        return "0%" if new == 0 else "-"
    return f"{(new - old) / abs(old) * 100:+.1f}%"


def _key_text(key, fig):
    kernel, _, _, workload, metric = key
    return f"{kernel}/{fig.label}/{workload}/{metric}"


def _only(what, keys, figs, shown=5):
    keys = sorted(keys, key=lambda k: [_natural(p) for p in k])
    names = [_key_text(k, figs[k]) for k in keys[:shown]]
    more = ", ..." if len(keys) > shown else ""
    return f"only in {what}: {len(keys)}" + (f" ({', '.join(names)}{more})" if names else "")


def compare(old_records, new_records):
    """A text table of every figure in both result sets (old and new median, change, ratio to the
    default old -> new, verdict), sorted by kernel, scheduler, workload, metric, then a count of the
    verdicts and the figures only one side has; led by a line saying so when the two sets' modes (quick
    or full, the QEMU version, the round of vCPU turns) differ."""
    old, new = figures(old_records), figures(new_records)
    common = sorted(old.keys() & new.keys(), key=lambda k: [_natural(p) for p in k])
    rows = []
    for key in common:
        o, n = old[key], new[key]
        kernel, _, _, workload, metric = key
        ratio = ("-" if o.ratio is None and n.ratio is None else
                 f"{_compare_ratio(o)} -> {_compare_ratio(n)}")
        rows.append([kernel, o.label, workload, metric, o.unit, fmt(o.value), fmt(n.value),
                     _change(o.value, n.value), ratio, _verdict(o, n)])
    head = ["kernel", "scheduler", "workload", "metric", "unit", "old", "new", "change", "ratio old -> new",
            "verdict"]
    out = _text_table(head, rows) if rows else ["no figure is in both"]
    modes = [", ".join(sorted({r.get("mode", "?") for r in recs})) for recs in (old_records, new_records)]
    if modes[0] != modes[1]:
        out = [f"measured differently: old mode {modes[0]}, new mode {modes[1]} (a change may be the "
               "method's, not the code's)", ""] + out
    verdicts = [r[-1] for r in rows]
    out += ["", ", ".join(f"{verdicts.count(v)} {v}" for v in ("better", "worse", "changed", "~")),
            _spread("median", [(old[k].value, new[k].value) for k in common]),
            _spread("ratio to the default", [(old[k].ratio, new[k].ratio) for k in common
                                             if old[k].ratio and new[k].ratio]),
            _only("old", old.keys() - new.keys(), old), _only("new", new.keys() - old.keys(), new)]
    return "\n".join(out) + "\n"


def _compare_ratio(f):
    """The ratio for --compare: the median alone from one boot, with the boots' range and count from
    several."""
    if f.ratio is None or f.boots < 2:
        return fmt(f.ratio)
    return f"{_ratio_text(f)} ({f.boots} boots)"


def _spread(what, pairs):
    """How far the figures moved, in %: the median, 90th percentile and largest of |new - old| / old
    (comparing two runs of one commit, this is the run-to-run spread)."""
    moves = sorted(abs(n - o) / abs(o) * 100 for o, n in pairs if o)
    if not moves:
        return f"spread of the {what}: no figure"
    p90 = moves[min(len(moves) - 1, int(0.9 * len(moves)))]
    return (f"spread of the {what} over {len(moves)} figures: median {statistics.median(moves):.1f}%, "
            f"90th percentile {p90:.1f}%, largest {moves[-1]:.1f}%")


# ---------------------------------------------------------------------------------------------------

def main(argv):
    ap = argparse.ArgumentParser(prog="report.py", description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="command", required=True)
    rep = sub.add_parser("report", help="write OUTDIR/report.md and OUTDIR/plots/")
    rep.add_argument("results", metavar="RESULTS.jsonl")
    rep.add_argument("out_dir", metavar="OUTDIR")
    cmp = sub.add_parser("compare", help="print how NEW differs from OLD")
    cmp.add_argument("old", metavar="OLD.jsonl")
    cmp.add_argument("new", metavar="NEW.jsonl")
    a = ap.parse_args(argv)
    try:
        if a.command == "report":
            written = write_report(load(a.results), a.out_dir)
            print(f"{written[0]} ({len(written) - 1} plot files)")
        else:
            sys.stdout.write(compare(load(a.old), load(a.new)))
    except (OSError, ValueError, RuntimeError) as e:
        print(f"report.py: error: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
