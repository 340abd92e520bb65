"""insns.py: tools/bench --insns, the host half of counting instructions per BPF call. Reads what the
guest and the kernel give the QEMU plugin (tools/insns/bpf_insns_plugin.c), builds its arguments, and
turns its report into figures of the runs of one boot.

Why: under -icount a guest clock read around a call includes the turns other vCPUs took meanwhile,
so a per-call time has a tail the scheduler did not cause (docs/benchmarks.md). The plugin counts the
instructions the calling vCPU executes between the BPF trampoline's enter and exit helpers. It needs
a host thread per vCPU (tools/vm/boot --multi-thread), so such a boot has no -icount: its times are
host noise, and only the instruction figures of it are kept.

Plugin report (one line each):
  bpf-insns v1 marks=N enters=N exits=N lost_exits=N orphan_exits=N overflows=N read_failures=N
               no_register=N oom=N cpu_mismatches=N
  prog mark=M id=ID name=NAME calls=N spin=S hist=V:C,V:C,...   a program's calls during run M (0:
        between runs): a histogram of their instruction counts outside the spinlock slow paths, and S
        the instructions they spent inside (waiting for a lock another vCPU held)
  end progs=N                                             the last line: the report is whole
Figures of a run (unit insns unless said; the run's @run line carries mark=M):
  bpf_insns_per_op, bpf_calls_per_op (count), bpf_insns_per_switch    all programs of the scheduler (the
                                                                      phase's @prog names; no other)
  bpf_spin_insns_per_op                                               their lock waits (not in the above)
  insns.<prog>.per_call                                               each program's mean
  dispatch_insns_p50, _p99, _p999, _max, dispatch_p99_x_p50 (x)       the ops.dispatch program's calls
"""
import re
import subprocess

HEADER_COUNTERS = ("marks", "enters", "exits", "lost_exits", "orphan_exits", "overflows", "read_failures",
                   "no_register", "oom", "cpu_mismatches")
# counters that say the plugin lost track of a call: any of them makes the boot's figures suspect
ANOMALIES = ("lost_exits", "orphan_exits", "overflows", "read_failures", "no_register", "oom",
             "cpu_mismatches")
RE_HELPER = re.compile(r"^BPF-HELPER ([0-9a-f]+) (__bpf_prog_(enter|exit)\w*)$")
RE_SPIN = re.compile(r"^BPF-SPIN ([0-9a-f]+) ([0-9a-f]+) (\w+)$")
# (struct, member) -> the plugin argument that takes its byte offset
OFFSETS = {("bpf_prog", "aux"): "aux_off", ("bpf_prog_aux", "id"): "id_off", ("bpf_prog_aux", "name"): "name_off"}


class InsnsError(Exception):
    pass


def helper_addresses(lines):
    """What the bpf-helpers scenario printed: (enters, exits, spins), the enter and exit helpers'
    addresses and the spinlock slow paths' "START-END" ranges, hex. None of either helper, or no
    native_queued_spin_lock_slowpath, is an error."""
    enters, exits, spins = [], [], []
    for line in lines:
        m = RE_HELPER.match(line.strip())
        if m:
            (enters if m.group(3) == "enter" else exits).append("0x" + m.group(1))
        m = RE_SPIN.match(line.strip())
        if m:
            spins.append(f"0x{m.group(1)}-0x{m.group(2)}")
    if not enters or not exits:
        raise InsnsError("the bpf-helpers boot printed no __bpf_prog_enter/__bpf_prog_exit address")
    if not spins:
        raise InsnsError("the bpf-helpers boot printed no spinlock slow path (BPF-SPIN)")
    if max(len(enters), len(exits), len(spins)) > 8:
        raise InsnsError(f"{len(enters)} enter, {len(exits)} exit helpers and {len(spins)} spin paths: the plugin "
                         f"takes at most 8 of each")
    return enters, exits, spins


def btf_offsets(raw_btf):
    """Byte offsets of bpf_prog.aux, bpf_prog_aux.id and bpf_prog_aux.name from `bpftool btf dump file
    VMLINUX format raw` output: {plugin argument: offset}."""
    out, struct = {}, None
    for line in raw_btf.splitlines():
        m = re.match(r"^\[\d+\] (\w+) '([^']*)'", line)
        if m:
            struct = m.group(2) if m.group(1) == "STRUCT" else None
            continue
        m = re.match(r"^\s+'(\w+)' type_id=\d+ bits_offset=(\d+)", line)
        if struct and m and (struct, m.group(1)) in OFFSETS:
            bits = int(m.group(2))
            if bits % 8:
                raise InsnsError(f"{struct}.{m.group(1)} is not byte aligned in the kernel's BTF")
            out.setdefault(OFFSETS[(struct, m.group(1))], bits // 8)
    missing = sorted(f"{s}.{f}" for (s, f), arg in OFFSETS.items() if arg not in out)
    if missing:
        raise InsnsError(f"the kernel's BTF has no {', '.join(missing)}")
    return out


def kernel_offsets(vmlinux):
    """btf_offsets of an uncompressed kernel (tools/setup extracts it next to vmlinuz)."""
    try:
        r = subprocess.run(["bpftool", "btf", "dump", "file", vmlinux, "format", "raw"], capture_output=True,
                           text=True, check=False)
    except OSError as e:
        raise InsnsError(f"bpftool: {e} (tools/setup installs it)") from e
    if r.returncode != 0:
        raise InsnsError(f"bpftool btf dump file {vmlinux} failed: {r.stderr.strip()[:200]}")
    return btf_offsets(r.stdout)


def plugin_arg(plugin, enters, exits, spins, offsets, out):
    """The value of QEMU's -plugin option."""
    parts = [plugin] + [f"enter={a}" for a in enters] + [f"exit={a}" for a in exits] + [f"spin={r}" for r in spins]
    parts += [f"{k}={v}" for k, v in sorted(offsets.items())] + [f"out={out}"]
    if any("," in p for p in parts):
        raise InsnsError(f"a path with a comma cannot be passed to QEMU's -plugin: {plugin} / {out}")
    return ",".join(parts)


def parse_report(lines):
    """(header counters, {mark: {prog name: {instructions: calls}}}, {mark: {prog name: spin
    instructions}}). Programs of the same name in one run (a scheduler loaded twice) are merged."""
    header, runs, spins, ended = None, {}, {}, False
    for n, line in enumerate(lines, 1):
        line = line.strip()
        if not line:
            continue
        head, _, rest = line.partition(" ")
        f = dict(p.split("=", 1) for p in rest.split() if "=" in p)
        try:
            if ended:
                raise ValueError("a line after the end line")
            if head == "bpf-insns":
                if not rest.startswith("v1 "):
                    raise ValueError("not a version 1 report")
                header = {k: int(f[k]) for k in HEADER_COUNTERS}
            elif head == "prog":
                hist = runs.setdefault(int(f["mark"]), {}).setdefault(f["name"], {})
                calls = 0
                for pair in filter(None, f["hist"].split(",")):
                    v, c = pair.split(":")
                    hist[int(v)] = hist.get(int(v), 0) + int(c)
                    calls += int(c)
                if calls != int(f["calls"]):
                    raise ValueError(f"the histogram holds {calls} calls, not calls={f['calls']}")
                per_prog = spins.setdefault(int(f["mark"]), {})
                per_prog[f["name"]] = per_prog.get(f["name"], 0) + int(f.get("spin", "0"))
            elif head == "end":
                ended = True
            else:
                raise ValueError(f"unknown line kind '{head}'")
        except (KeyError, ValueError) as e:
            raise InsnsError(f"plugin report line {n}: {e}: {line[:120]}") from e
    if header is None:
        raise InsnsError("the plugin report has no header line (did QEMU exit normally?)")
    if not ended:
        raise InsnsError("the plugin report has no end line: QEMU stopped while writing it")
    return header, runs, spins


def percentile(hist, q):
    """The smallest value with at least q (0..1) of the calls at or below it (nearest rank)."""
    total = sum(hist.values())
    need = max(1, -(-q * total // 1))  # ceil
    seen = 0
    for v in sorted(hist):
        seen += hist[v]
        if seen >= need:
            return v
    raise ValueError("empty histogram")


def run_figures(progs, ops, switches_per_op, spin=0):
    """(metric, value, unit) of one run: progs {name: hist}, ops the workload's operation count, spin
    the instructions its calls spent waiting for spinlocks."""
    calls = sum(sum(h.values()) for h in progs.values())
    insns = sum(v * c for h in progs.values() for v, c in h.items())
    out = []
    if ops:
        out += [("bpf_insns_per_op", insns / ops, "insns"), ("bpf_calls_per_op", calls / ops, "count"),
                ("bpf_spin_insns_per_op", spin / ops, "insns")]
        if switches_per_op:
            out += [("bpf_insns_per_switch", insns / (ops * switches_per_op), "insns")]
    for name in sorted(progs):
        h = progs[name]
        n = sum(h.values())
        if n:
            out.append((f"insns.{name}.per_call", sum(v * c for v, c in h.items()) / n, "insns"))
    dispatch = [h for name, h in progs.items() if name.endswith("_dispatch") and h]
    if len(dispatch) == 1:
        h = dispatch[0]
        p50, p99 = percentile(h, 0.5), percentile(h, 0.99)
        out += [("dispatch_insns_p50", p50, "insns"), ("dispatch_insns_p99", p99, "insns"),
                ("dispatch_insns_p999", percentile(h, 0.999), "insns"), ("dispatch_insns_max", max(h), "insns"),
                ("dispatch_p99_x_p50", p99 / p50, "x")]
    return out


def drop_times(boot):
    """What a --insns boot measured with the host's clock: the workloads' own figures (switches per
    operation too: a count, but the run's timing decides it), CDFs, BPF times, the attach time and the
    runner's peak RSS (no timing, but the same in a timed set). Called on every --insns boot, whatever
    became of its instruction counts. Returns the runs' switches per operation, by run."""
    switches = {}
    for p in boot.phases:
        p.exec_to_enabled_ns = p.peak_rss_kb = None
    for r in boot.runs:
        switches[id(r)] = next((v for name, v, _, _ in r.metrics if name == "switches_per_op"), None)
        r.metrics, r.cdfs, r.bpf = [], [], []
    return switches


def apply(boot, header, runs_by_mark, spins_by_mark, switches_by_run):
    """Gives a --insns boot's runs the plugin's figures, once drop_times has taken their times
    (switches_by_run: what it returned). Only the programs the phase's scheduler loaded count (@prog
    names). Returns the boot's problems, [] when there are none."""
    problems = []
    bad = {k: header[k] for k in ANOMALIES if header[k]}
    if bad:
        problems.append("the instruction counter lost track of calls ("
                        + ", ".join(f"{k}={v}" for k, v in bad.items()) + "): its figures are not kept")
    if not header["marks"]:
        problems.append("the instruction counter saw no run mark (scxx-mark): no figures")
    refused = bool(problems)  # the report as a whole: no run gets figures
    for r in boot.runs:
        switches = switches_by_run.get(id(r))
        if refused or r.rc != 0 or r.phase.sched == "default":
            continue
        if r.mark is None:
            problems.append(f"{r.workload} under {r.phase.sched}: the run has no mark (bench.sh without --insns?)")
            continue
        own = {name for name, _ in r.phase.progs}
        progs = {name: h for name, h in runs_by_mark.get(r.mark, {}).items() if name in own}
        if not progs:
            problems.append(f"{r.workload} run {r.rep} under {r.phase.sched}: the instruction counter saw no BPF "
                            f"call (wrong helper addresses? KASLR on?)")
            r.rc = None
            continue
        spin = sum(v for name, v in spins_by_mark.get(r.mark, {}).items() if name in own)
        r.metrics = [(name, value, unit, "lower") for name, value, unit in run_figures(progs, r.ops, switches, spin)]
    return problems
