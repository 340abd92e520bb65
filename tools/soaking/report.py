"""report.py: soak records (results.summarize) -> the markdown table of tools/soak and each run's
text log (summary, runner RSS series, every sample, every worker's end, the runner's own output)."""

COLUMNS = ["kernel", "scheduler", "minutes", "ejections", "stalls", "wakeup max / p99 (us)", "lost", "stuck",
           "runner RSS start→end (max), MiB", "verdict"]


def _mib(kb):
    return f"{kb / 1024:.1f}"


def _latency(rec):
    if rec["wakeup_max_us"] is None:
        return "-"
    return f"{rec['wakeup_max_us']} / {rec['wakeup_p99_us']}"


def row(rec):
    verdict = "ok" if rec["ok"] else "FAIL" + (": " + "; ".join(rec["notes"]) if rec["notes"] else "")
    return [rec["kernel"], rec["scheduler"], f"{rec['minutes']:.1f}", str(rec["ejections"]), str(rec["stalls"]),
            _latency(rec), str(rec["lost"]), str(rec["stuck"]),
            f"{_mib(rec['rss_first_kb'])}→{_mib(rec['rss_last_kb'])} ({_mib(rec['rss_max_kb'])})", verdict]


def table(recs):
    """One row per (kernel, scheduler), in the order given."""
    lines = ["| " + " | ".join(COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
    lines += ["| " + " | ".join(row(r)) + " |" for r in recs]
    return "\n".join(lines) + "\n"


def run_log(rec, run):
    """The per-run text log: figures first, then the series and the raw evidence."""
    out = [f"soak of {rec['scheduler']} on {rec['kernel']} ({rec['kernel_version']}): "
           f"{'ok' if rec['ok'] else 'FAIL'}", ""]
    for key in ("minutes", "ejections", "stalls", "lost", "lost_names", "failed_children", "stuck", "stuck_names",
                "stuck_intervals", "wakeup_p50_us", "wakeup_p99_us", "wakeup_max_us", "wakeup_samples",
                "ctl_failures", "runner_rc", "notes"):
        out.append(f"{key}: {rec[key]}")
    out.append(f"runner RSS (kB): first {rec['rss_first_kb']}, max {rec['rss_max_kb']}, last {rec['rss_last_kb']}")
    out.append("runner RSS series (t s: kB): " + " ".join(f"{t}:{kb}" for t, kb in rec["rss_series_kb"]))
    out += ["", "samples:"]
    for s in run["samples"]:
        out.append(f"  t={s.get('t')} state={s.get('state')} enable_seq={s.get('enable_seq')} runner={s.get('runner')} "
                   f"rss_kb={s.get('rss_kb')} ctl={s.get('ctl')} dead={','.join(s['dead']) or '-'} "
                   f"stuck={','.join(s['stuck']) or '-'}")
        out.append("    " + " ".join(f"{n}={v}" for n, v in s["progress"].items()))
    out += ["", "workers at the end:"] + ["  " + " ".join(f"{k}={v}" for k, v in f.items()) for f in run["finals"]]
    out += [f"  {w}" for w in run["workerlog"]]
    out += ["", "latency: " + " ".join(f"{k}={v}" for k, v in run.get("latency", {}).items())]
    out += ["", "sched_ext events at the end:"] + [f"  {k} {v}" for k, v in rec["events"].items()]
    out += ["", "kernel sched_ext lines:"] + [f"  {d}" for d in run["dmesg"]]
    out += ["", "scx-run output:"] + [f"  {r}" for r in run["runlog"]]
    return "\n".join(out) + "\n"
