"""tests/bad-input/bad_input_cases.py: the bad-input table's data model. Loads and checks
cases.json (the single source of truth), expands its placeholders, and renders docs/bad-input.md.
Shared by run-cases (the host test that runs every row) and gen-doc (writes or checks the doc)."""
import json
import re
import shlex

# The surfaces in the order the doc shows them: how a row of each is run.
SURFACES = {
    "scx-run": "`scx-run ARGS` on the host (every row fails before scx-run looks at the kernel)",
    "scheduler options": "`scx-run --sched NAME ARGS` on the host",
    "config file": "`scx-run ... --config FILE` on the host, FILE written first",
    "modes file": "`scx-run ... --mode M --modes-dir DIR` on the host, DIR's files written first",
    "environment": "the `ExecStart=` of `tools/service/scxx.service.in` expanded as systemd does with the "
                   "variables of `/etc/default/scxx` (`${VAR}` one word, `$VAR` split at spaces) and "
                   "`--modes-dir {tmp}/modes` (a copy of every scheduler's `modes.json`) added; the variables "
                   "are also in scx-run's environment",
    "scx-ctl": "`scx-ctl ARGS` on the host (usage errors, connection errors)",
    "scx-ctl request": "`scx-ctl ARGS` against `fake_runner` (the real run loop and control socket, two fake "
                       "schedulers alpha and beta, modes files in `{fake}/modes`)",
    "control socket": "the request line written to `fake_runner`'s socket; the response must have `ok` false, "
                      "the error code and the message",
    "kernel": "only a kernel (or the probes' fake sysfs) produces these: covered by the test named, not counted",
}
PROCESS_SURFACES = ("scx-run", "scheduler options", "config file", "modes file", "environment", "scx-ctl",
                    "scx-ctl request")
KEYS = {"id", "surface", "what", "args", "files", "env", "service", "modes", "listen", "stale", "hold", "request",
        "send_after_close", "newline", "exit", "code", "error", "match", "covered_by"}
REPEAT = re.compile(r"\{x\*(\d+)\}")


class CaseError(Exception):
    pass


def load(path):
    """The cases of `path`, checked: known keys, unique ids, the fields each surface needs."""
    with open(path) as f:
        data = json.load(f)
    cases = data["cases"]
    seen = set()
    for c in cases:
        cid = c.get("id", "?")
        unknown = set(c) - KEYS
        if unknown:
            raise CaseError(f"{path}: case {cid}: unknown keys {sorted(unknown)}")
        for key in ("id", "surface", "what", "error"):
            if not c.get(key):
                raise CaseError(f"{path}: case {cid}: no '{key}'")
        if cid in seen:
            raise CaseError(f"{path}: case id {cid} appears twice")
        seen.add(cid)
        s = c["surface"]
        if s not in SURFACES:
            raise CaseError(f"{path}: case {cid}: surface '{s}' is none of {list(SURFACES)}")
        if s in PROCESS_SURFACES:
            if "exit" not in c or c["exit"] == 0:
                raise CaseError(f"{path}: case {cid}: a bad input needs a non-zero 'exit'")
            if s == "environment" and not c.get("service"):
                raise CaseError(f"{path}: case {cid}: environment rows run the service's ExecStart ('service': true)")
            if s != "environment" and "args" not in c:
                raise CaseError(f"{path}: case {cid}: no 'args'")
        elif s == "control socket":
            if "request" not in c or "code" not in c:
                raise CaseError(f"{path}: case {cid}: a socket row needs 'request' and 'code'")
        elif "covered_by" not in c:
            raise CaseError(f"{path}: case {cid}: a kernel row names the test that covers it ('covered_by')")
    return data


def expand(text, values):
    """`text` with {x*N} repeated and {name} replaced from `values` (other braces kept)."""
    text = REPEAT.sub(lambda m: "x" * int(m.group(1)), text)
    for name, value in values.items():
        text = text.replace("{" + name + "}", value)
    return text


def counts(cases):
    out = {s: 0 for s in SURFACES}
    for c in cases:
        out[c["surface"]] += 1
    return out


def _code(text):
    """`text` as inline code in a table cell: pipes escaped, control characters shown."""
    text = text.replace("\\", "\\\\").replace("\n", "\\n").replace("\0", "\\0").replace("|", "\\|")
    tick = "``" if "`" in text else "`"
    pad = " " if text.startswith("`") or text.endswith("`") or not text else ""
    return f"{tick}{pad}{text}{pad}{tick}"


def _quote(arg):
    """A shell word for `arg`; placeholders such as {tmp} and {x*110} stay readable."""
    if re.fullmatch(r"[\w@%+=:,./{}*-]+", arg):
        return arg
    return shlex.quote(arg) if arg else "''"


def input_text(c):
    """The input column: the command line (or environment, or request) and the files written first."""
    s = c["surface"]
    parts = []
    if s == "environment":
        # as lines of /etc/default/scxx (an environment file: double quotes around a value with spaces)
        parts.append(" ".join(f'{k}="{v}"' if re.search(r"\s", v) else f"{k}={v}" for k, v in c["env"].items()))
    elif s == "control socket":
        parts.append(c["request"])
    elif s in ("scx-ctl", "scx-ctl request"):
        parts.append(" ".join(["scx-ctl"] + [_quote(a) for a in c["args"]]))
    else:
        parts.append(" ".join(["scx-run"] + [_quote(a) for a in c["args"]]))
    cells = [_code(parts[0]) + ("" if c.get("newline", True) else " (no newline; the client shuts its side)")]
    for name, content in c.get("files", {}).items():
        if name.endswith("/"):
            cells.append(f"{_code(name)} (a directory)")
        else:
            cells.append(f"{_code(name)}: {_code(content) if content else '(empty)'}")
    if c.get("modes") and c["surface"] != "environment":
        cells.append("`modes/`: a copy of every scheduler's `modes.json`")
    if c.get("listen"):
        cells.append(f"{_code(c['listen'])}: a socket that answers")
    if c.get("stale"):
        cells.append(f"{_code(c['stale'])}: a socket nobody serves")
    if c.get("hold"):
        cells.append(f"{c['hold']} other clients connected")
    if c.get("send_after_close"):
        cells.append("the request sent after the runner closed the connection")
    return "<br>".join(cells)


def render(data, cases_path="tests/bad-input/cases.json"):
    """docs/bad-input.md for `data` (as load() returns it)."""
    cases = data["cases"]
    n = counts(cases)
    host = sum(v for s, v in n.items() if s != "kernel")
    out = [
        "# Bad input",
        "",
        f"Every user-facing input of scxx that can be wrong, and the one error line it gets: {host} cases run on the",
        "host, plus the kernel-only ones at the end. Generated from",
        f"`{cases_path}` by `tests/bad-input/gen-doc`; do not edit by hand. The unit test",
        "`bad-input` (`tests/bad-input/run-cases`) runs every host row against the built `scx-run`, `scx-ctl` and",
        "`fake_runner` and checks: the exit status; stderr is exactly the error line shown (stdout empty); the",
        "row's temporary directory is as it was before (no socket, metrics file, directory or file created or",
        "removed), `/run/scxx` and the default verifier log were not created; after a `scx-ctl request` or",
        "`control socket` row the fake runner still runs the same scheduler with the same options and mode.",
        "`bad-input-doc` fails when this file differs from what `gen-doc` makes of the cases.",
        "",
        "Exit status: scx-run 2 for every bad input (1 is left for runtime failures); scx-ctl 2 for a usage",
        "error, 3 when it cannot connect, 1 when the runner answers with an error. Every message names the",
        "problem and, where there is one, the fix.",
        "",
        "Placeholders: `{tmp}` is the row's own temporary directory (also the working directory), `{x*N}` is",
        "N letters x, `{sock}` and `{fake}` are the fake runner's socket and directory, `{modes_default}` is",
        "scx-run's compiled-in modes directory.",
        "",
        "| surface | cases | how a row is run |",
        "|---|---|---|",
    ]
    for s, how in SURFACES.items():
        out.append(f"| {s} | {n[s]} | {how} |")
    out.append(f"| **host total** | **{host}** | |")
    for s in SURFACES:
        rows = [c for c in cases if c["surface"] == s]
        out += ["", f"## {s}", ""]
        if s == "kernel":
            out += ["| id | what is wrong | what happens | covered by |", "|---|---|---|---|"]
            for c in rows:
                out.append(f"| {c['id']} | {c['what']} | {c['error']} | `{c['covered_by']}` |")
            continue
        if s == "control socket":
            out += ["| id | what is wrong | request | code | message |", "|---|---|---|---|---|"]
            for c in rows:
                out.append(f"| {c['id']} | {c['what']} | {input_text(c)} | `{c['code']}` | {_code(c['error'])} |")
            continue
        out += ["| id | what is wrong | input | exit | error |", "|---|---|---|---|---|"]
        for c in rows:
            out.append(f"| {c['id']} | {c['what']} | {input_text(c)} | {c['exit']} | {_code(c['error'])} |")
    return "\n".join(out) + "\n"
