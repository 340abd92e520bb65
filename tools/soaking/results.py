"""results.py: one soak run's raw guest output (tools/soaking/guest/soak.sh) -> its record and verdict.

The raw output is line-oriented; every line starts with a tag:
  @boot kernel=K cpus=N sched=S secs=N interval=N
  @attach enable_seq=N rss_kb=N                     the scheduler is enabled (scx-run's RSS then)
  @sample t=N state=S enable_seq=N runner=alive|gone rss_kb=N ctl=ok|fail dead=A,B|- stuck=A,B|-
          progress=NAME:COUNT,...                   every interval
  @stopping elapsed_ns=N state=S enable_seq=N runner_exits=N     the end of the soak, before any stop
  @events KEY VALUE KEY VALUE ...                   /sys/kernel/sched_ext/root/events (SCX_EV_*)
  @status {...}                                     scx-ctl --json status
  @final name=N kind=K rc=N iterations=N failed=N reported=0|1   one per worker, after SIGTERM
  @latency n=N p50_us=N p99_us=N max_us=N ...       the periodic task's result line
  @workerlog NAME: LINE                             a worker's output, when it failed
  @detach rc=N state=S                              scx-run's exit status after SIGINT
  @runlog LINE                                      scx-run's output (stats, exit report)
  @dmesg LINE                                       the kernel's sched_ext lines
  @error TEXT                                       the soak could not go on
  @done
"""
import json

UNREG = "unregistered from user space"


def _fields(text):
    out = {}
    for word in text.split():
        key, sep, value = word.partition("=")
        if sep:
            out[key] = value
    return out


def _names(value):
    return [] if value in ("", "-") else value.split(",")


def parse(lines):
    """The raw lines -> a dict of what the guest said (no judgement)."""
    run = {"samples": [], "finals": [], "events": {}, "runlog": [], "dmesg": [], "workerlog": [],
           "errors": [], "done": False}
    for raw in lines:
        line = raw.rstrip("\n")
        tag, _, rest = line.partition(" ")
        if tag == "@sample":
            f = _fields(rest)
            f["dead"], f["stuck"] = _names(f.get("dead", "-")), _names(f.get("stuck", "-"))
            f["progress"] = dict(p.rsplit(":", 1) for p in _names(f.get("progress", "-")))
            run["samples"].append(f)
        elif tag == "@final":
            run["finals"].append(_fields(rest))
        elif tag in ("@boot", "@attach", "@stopping", "@detach", "@latency"):
            run[tag[1:]] = _fields(rest)
        elif tag == "@events":
            words = rest.split()
            run["events"] = {k: int(v) for k, v in zip(words[::2], words[1::2]) if v.isdigit()}
        elif tag == "@status":
            try:
                run["status"] = json.loads(rest)
            except ValueError:
                run["errors"].append(f"unreadable scx-ctl status: {rest[:120]}")
        elif tag in ("@runlog", "@dmesg", "@workerlog"):
            run[tag[1:]].append(rest)
        elif tag == "@error":
            run["errors"].append(rest)
        elif tag == "@done":
            run["done"] = True
    return run


def _int(d, key, default=0):
    try:
        return int(d.get(key, default))
    except (TypeError, ValueError):
        return default


def ejections(run):
    """Times the kernel took the scheduler away, the most any of three witnesses saw: scx-run's
    exit reports before the soak stopped it, enable_seq moving (a restart) or the state leaving
    enabled, and the kernel's "disabled (...)" lines for other reasons than the final unregister."""
    stop = run.get("stopping", {})
    seq0 = _int(run.get("attach", {}), "enable_seq")
    seqs = [_int(s, "enable_seq", seq0) for s in run["samples"]] + [_int(stop, "enable_seq", seq0)]
    left = any(s.get("state") != "enabled" for s in run["samples"]) or stop.get("state", "enabled") != "enabled"
    by_seq = max(seqs) - seq0 + (1 if left and max(seqs) == seq0 else 0)
    by_kernel = sum(1 for d in run["dmesg"] if "disabled (" in d and UNREG not in d)
    return max(_int(stop, "runner_exits"), by_seq, by_kernel)


def stalls(run):
    """Watchdog ejections (a runnable task not scheduled in time), by scx-run or the kernel."""
    by_runner = sum(1 for r in run["runlog"] if r.startswith("exit:") and "(kind 1026," in r)
    by_kernel = sum(1 for d in run["dmesg"] if "runnable task stall" in d)
    return max(by_runner, by_kernel)


def lost(run):
    """Workload processes unaccounted for: a worker that died before the stop, exited non-zero or
    printed no final line, or that has no final record at all; plus every child a worker reported
    failed (a fork/exec child, a ping-pong partner, a refused cgroup move)."""
    workers = set()
    for s in run["samples"]:
        workers |= set(s["progress"])
    died = {n for s in run["samples"] for n in s["dead"]}
    finals = {f.get("name"): f for f in run["finals"]}
    names = []
    for name in sorted(workers | set(finals)):
        f = finals.get(name)
        if f is None or name in died or f.get("rc") != "0" or f.get("reported") != "1":
            names.append(name)
    return names, sum(_int(f, "failed") for f in run["finals"])


def summarize(run, boot_ok=True, boot_note=""):
    """The record of one run: the table's figures, the RSS series and the verdict."""
    rss = [_int(s, "rss_kb") for s in run["samples"] if s.get("rss_kb")]
    first = _int(run.get("attach", {}), "rss_kb") or (rss[0] if rss else 0)
    lost_names, failed = lost(run)
    stuck_names = sorted({n for s in run["samples"] for n in s["stuck"]})
    lat = run.get("latency", {})
    rec = {
        "kernel_version": run.get("boot", {}).get("kernel", ""),
        "scheduler": run.get("boot", {}).get("sched", ""),
        # a run that died before its end: up to its last sample
        "minutes": round(_int(run.get("stopping", {}), "elapsed_ns") / 60e9, 2)
        or round(max([_int(s, "t") for s in run["samples"]] + [0]) / 60, 2),
        "ejections": ejections(run), "stalls": stalls(run),
        "lost": len(lost_names) + failed, "lost_names": lost_names, "failed_children": failed,
        "stuck": len(stuck_names), "stuck_names": stuck_names,
        "stuck_intervals": sum(len(s["stuck"]) for s in run["samples"]),
        "wakeup_max_us": _int(lat, "max_us", None), "wakeup_p99_us": _int(lat, "p99_us", None),
        "wakeup_p50_us": _int(lat, "p50_us", None), "wakeup_samples": _int(lat, "n", None),
        "rss_first_kb": first, "rss_last_kb": rss[-1] if rss else first, "rss_max_kb": max(rss + [first]),
        "rss_series_kb": [(_int(s, "t"), _int(s, "rss_kb")) for s in run["samples"]],
        "ctl_failures": sum(1 for s in run["samples"] if s.get("ctl") != "ok"),
        "runner_rc": _int(run.get("detach", {}), "rc", None),
        "events": run["events"],
    }
    notes = list(run["errors"])
    if not boot_ok:
        notes.append(f"VM run failed: {boot_note}" if boot_note else "VM run failed")
    if not run["done"]:
        notes.append("the guest stopped before the end of the soak")
    if rec["runner_rc"] not in (0, None):
        notes.append(f"scx-run exited {rec['runner_rc']}")
    if rec["ctl_failures"]:
        notes.append(f"scx-ctl status failed {rec['ctl_failures']} time(s)")
    if rec["wakeup_max_us"] is None and run["done"]:
        notes.append("no wakeup latency result")
    rec["notes"] = notes
    rec["ok"] = not (notes or rec["ejections"] or rec["stalls"] or rec["lost"] or rec["stuck"])
    return rec
