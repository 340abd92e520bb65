"""results.py: turns the raw output of one benchmark boot into result records, and reads/writes
results.jsonl. Owns the guest -> host format and the statistics (median, min, max, ratio to the
default scheduler of the same boot); report.py renders the records.

Raw format (tools/benchmark/guest/bench.sh writes it to the VM's virtio port, one line each):
  @boot kernel=UNAME cpus=N reps=N
  @phase idx=I role=start|sched|end sched=NAME opts=BASE64     role start/end: the default scheduler
  @attach exec_to_enabled_ns=N                                   after the scheduler's state is enabled
  @prog id=ID type=T name=NAME verified_insns=N run_cnt=N run_time_ns=N   its programs, after attach
  @run workload=W rep=R stats=0|1 [mark=M]                       stats=1: bpf_stats on (BPF cost run);
                                                                 mark: its number for tools/bench --insns
  metric NAME VALUE UNIT lower|higher|none | cdf NAME Q:V,... | ops N    the workload's own lines,
                                                                 and bench.sh's metric switches_per_op
  @bpf name=NAME calls=N ns=N                                    per program, during a stats=1 run
  @runend rc=N guest_ns=N
  @detach rc=N peak_rss_kb=N
  @error MESSAGE
  @done errors=N

Record (one JSON object per line of results.jsonl):
  kind figure|cdf, kernel, kernel_version, commit, date, mode ("quick|full qemu=VERSION[ turn=USus]"), boot,
  scheduler, options, label, workload, metric, unit, better; figure: value (median), min, max,
  repeats, values, default (median of the default scheduler's values in the same boot, or null),
  ratio (value / default, or null);
  the default's own figures also have start and end (its medians at the start and the end of the boot);
  cdf: quantiles, values (median across runs at each quantile, us).
"""
import base64
import json
import statistics

BETTER = ("lower", "higher", "none")
FIGURE_KEYS = ("value", "min", "max", "repeats", "values", "default", "ratio")
COMMON_KEYS = ("kind", "kernel", "kernel_version", "commit", "date", "mode", "boot", "scheduler", "options",
               "label", "workload", "metric", "unit", "better")


def fields(text):
    """'a=1 b=x' -> {'a': '1', 'b': 'x'}"""
    return dict(part.split("=", 1) for part in text.split() if "=" in part)


class Run:
    def __init__(self, phase, workload, rep, stats):
        self.phase, self.workload, self.rep, self.stats = phase, workload, rep, stats
        self.metrics = []   # (name, value, unit, better)
        self.cdfs = []      # (name, [(q, v)])
        self.ops = None
        self.bpf = []       # (prog, calls, ns)
        self.rc = None      # the workload's exit status; None: the run is dropped
        self.bad = None     # why a line of it did not parse
        self.mark = None    # its number for the instruction counter (tools/bench --insns), if any


class Phase:
    def __init__(self, sched, opts, role):
        self.sched, self.opts, self.role = sched, opts, role
        self.exec_to_enabled_ns = None
        self.progs = []     # (name, verified_insns)
        self.peak_rss_kb = None
        self.detach_rc = None


class Boot:
    """Everything one boot's raw output says."""

    def __init__(self):
        self.kernel = None
        self.phases = []
        self.runs = []
        self.errors = []
        self.done = False


def parse_raw(lines):
    """A Boot from the raw lines. A line that does not parse is an error of the boot; when it belongs
    to a run, that run is dropped (rc None), never the whole boot."""
    boot = Boot()
    phase = run = None
    for n, line in enumerate(lines, 1):
        line = line.rstrip("\n")
        if not line.strip():
            continue
        head, _, rest = line.partition(" ")
        try:
            if head == "@boot":
                boot.kernel = fields(rest).get("kernel")
            elif head == "@phase":
                f = fields(rest)
                phase = Phase(f["sched"], base64.b64decode(f.get("opts", "")).decode(), f["role"])
                boot.phases.append(phase)
                run = None
            elif head == "@attach":
                phase.exec_to_enabled_ns = int(fields(rest)["exec_to_enabled_ns"])
            elif head == "@prog":
                f = fields(rest)
                phase.progs.append((f["name"], int(f["verified_insns"])))
            elif head == "@run":
                f = fields(rest)
                run = Run(phase, f["workload"], int(f["rep"]), f["stats"] == "1")
                run.mark = int(f["mark"]) if "mark" in f else None
                boot.runs.append(run)
            elif head == "metric":
                name, value, unit, better = rest.split()
                if better not in BETTER:
                    raise ValueError(f"'{better}' is not one of {', '.join(BETTER)}")
                run.metrics.append((name, finite(value), unit, better))
            elif head == "cdf":
                name, points = rest.split()
                run.cdfs.append((name, [tuple(finite(x) for x in p.split(":")) for p in points.split(",")]))
            elif head == "ops":
                run.ops = finite(rest)
            elif head == "@bpf":
                f = fields(rest)
                calls, ns = int(f["calls"]), int(f["ns"])
                if calls < 0 or ns < 0:
                    raise ValueError("negative BPF counter delta")
                run.bpf.append((f["name"], calls, ns))
            elif head == "@runend":
                if not run.bad:
                    run.rc = int(fields(rest)["rc"])
                if run.rc == 0 and run.stats and run.phase.sched != "default" and not run.bpf:
                    run.rc = None
                    boot.errors.append(f"{run.workload} under {run.phase.sched}: a bpf_stats run without BPF counters")
            elif head == "@detach":
                f = fields(rest)
                phase.detach_rc, phase.peak_rss_kb = int(f["rc"]), int(f["peak_rss_kb"])
            elif head == "@error":
                boot.errors.append(rest)
            elif head == "@done":
                boot.done = True
            else:
                raise ValueError(f"unknown line kind '{head}'")
        except (KeyError, ValueError, AttributeError, IndexError, TypeError) as e:
            what = f"raw line {n}: {e}: {line[:160]}"
            boot.errors.append(what + (f" (run of {run.workload} dropped)" if run else ""))
            if run:
                run.bad, run.rc = what, None
    return boot


def finite(text):
    v = float(text)
    if v != v or v in (float("inf"), float("-inf")):
        raise ValueError(f"'{text}' is not a finite number")
    return v


def bpf_figures(run):
    """The BPF cost figures of one stats=1 run: (metric, value, unit). bpf_ns_per_switch divides by
    the context switches of that same run, so a scheduler that switches less (batches) is told apart
    from one whose callbacks cost less."""
    calls = sum(c for _, c, _ in run.bpf)
    ns = sum(t for _, _, t in run.bpf)
    out = [("bpf_ms", ns / 1e6, "ms")]
    if run.ops:
        out += [("bpf_ns_per_op", ns / run.ops, "ns"), ("bpf_calls_per_op", calls / run.ops, "count")]
        switches = next((v for name, v, _, _ in run.metrics if name == "switches_per_op"), None)
        if switches:
            out += [("bpf_ns_per_switch", ns / (run.ops * switches), "ns")]
    for prog, c, t in run.bpf:
        if c:
            out += [(f"bpf.{prog}.ns_per_call", t / c, "ns")]
            if run.ops:
                out += [(f"bpf.{prog}.calls_per_op", c / run.ops, "count")]
    return out


def samples(boot):
    """{(sched, opts, workload, metric): [unit, better, values]} and {(sched, opts, workload, name): [curves]}.
    Figures come from the timed runs (bpf_stats off) when there are any, else from the stats runs."""
    figures, cdfs, by_role = {}, {}, {}

    def add(key, unit, better, value, role=None):
        figures.setdefault(key, [unit, better, []])[2].append(value)
        if role:
            by_role.setdefault(key, {}).setdefault(role, []).append(value)

    ok_runs = [r for r in boot.runs if r.rc == 0]
    for r in ok_runs:
        who = (r.phase.sched, r.phase.opts)
        timed_exists = any(o.phase is r.phase and o.workload == r.workload and not o.stats for o in ok_runs)
        if not r.stats or not timed_exists:
            for name, value, unit, better in r.metrics:
                add(who + (r.workload, name), unit, better, value, r.phase.role)
            for name, curve in r.cdfs:
                cdfs.setdefault(who + (r.workload, name), []).append(curve)
        if r.stats and r.phase.sched != "default" and r.bpf:
            for name, value, unit in bpf_figures(r):
                add(who + (r.workload, name), unit, "lower", value)
    for p in boot.phases:
        who = (p.sched, p.opts)
        if p.exec_to_enabled_ns is not None:
            add(who + ("attach", "exec_to_enabled_s"), "s", "lower", p.exec_to_enabled_ns / 1e9)
        for prog, insns in p.progs:
            add(who + ("attach", f"verified_insns.{prog}"), "insns", "lower", insns)
        if p.progs:
            add(who + ("attach", "verified_insns"), "insns", "lower", sum(i for _, i in p.progs))
        if p.peak_rss_kb:
            add(who + ("attach", "peak_rss_kb"), "kB", "lower", p.peak_rss_kb)
    return figures, cdfs, by_role


def records(boot, meta):
    """The result records of one parsed boot. meta: kernel, kernel_version, commit, date, mode, boot."""
    figures, cdfs, by_role = samples(boot)
    out = []

    def base(kind, sched, opts, workload, metric, unit, better):
        r = dict(meta, kind=kind, scheduler=sched, options=opts, label=sched + (":" + opts if opts else ""),
                 workload=workload, metric=metric, unit=unit, better=better)
        return {k: r[k] for k in COMMON_KEYS}

    for (sched, opts, workload, metric), (unit, better, values) in figures.items():  # workload's order
        rec = base("figure", sched, opts, workload, metric, unit, better)
        value = statistics.median(values)
        default = None
        if sched != "default" and ("default", "", workload, metric) in figures:
            default = statistics.median(figures[("default", "", workload, metric)][2])
        rec.update(value=value, min=min(values), max=max(values), repeats=len(values), values=values,
                   default=default, ratio=value / default if default else None)
        roles = by_role.get((sched, opts, workload, metric), {})
        if sched == "default" and "start" in roles and "end" in roles:
            # the default's medians at the start and at the end of the boot: its drift
            rec.update(start=statistics.median(roles["start"]), end=statistics.median(roles["end"]))
        out.append(rec)
    for (sched, opts, workload, name), curves in cdfs.items():
        rec = base("cdf", sched, opts, workload, name, "us", "lower")
        maps = [dict(c) for c in curves]
        quantiles = sorted(set.intersection(*(set(m) for m in maps)))
        rec.update(quantiles=quantiles, values=[statistics.median(m[q] for m in maps) for q in quantiles])
        out.append(rec)
    return out


def write_jsonl(path, recs):
    with open(path, "w", encoding="utf-8") as f:
        for r in recs:
            f.write(json.dumps(r, sort_keys=False) + "\n")
