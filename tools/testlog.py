"""tools/testlog.py: which test results one `tools/test` run produced, for its final line and for
tools/support-table. That is meson's log of the build directory, BUILD/meson-logs/testlog.json, and,
when that run included the asan suite (its one test, sanitizer-tier), the log of the sanitizer tree
it ran the unit and skel tiers in, BUILD/asan/tier-testlog.json (the tier's copy of that tree's
meson log, which a later `meson test -C BUILD/asan` by hand leaves alone): each of those tests counts
too, as suite "asan", named "asan/<test>" (tests/sanitize, docs/sanitizers.md)."""
import json
import os
import re

SANITIZER_SUITE = "asan"
SANITIZER_TEST = "sanitizer-tier"
SANITIZER_TREE = "asan"   # below the build directory
PASS = ("OK", "EXPECTEDFAIL")


class LogError(Exception):
    """A test log that is not meson's (the message names the file and line)."""


def read_log(path):
    """[(suite, name, result)] from one meson testlog.json. The name is stripped of meson's
    "project:suite / " prefix; the suite comes from the "suite" field or, failing that, that prefix."""
    tests = []
    with open(path) as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                r = json.loads(line)
                full, result = r["name"], r["result"]
            except (ValueError, KeyError, TypeError):
                raise LogError(f"{path}:{n}: not a meson test log line") from None
            prefix, _, name = full.rpartition(" / ")
            suites = r.get("suite")
            if isinstance(suites, str):
                suites = [suites]
            if not suites:
                suites = prefix.split(":", 1)[-1].split("+") if prefix else []
            suite = suites[0].split(":", 1)[-1] if suites else "-"
            tests.append((suite, name, result))
    return tests


def main_log(build):
    return os.path.join(build, "meson-logs", "testlog.json")


def read_run(build):
    """[(suite, name, result)] of the last run in BUILD, the sanitizer tree's tests included when
    that run ran them (the sanitizer-tier test removes the tree's old log before it starts)."""
    tests = read_log(main_log(build))
    if (SANITIZER_SUITE, SANITIZER_TEST) in {(s, n) for s, n, _ in tests}:
        inner = os.path.join(build, SANITIZER_TREE, "tier-testlog.json")
        if os.path.isfile(inner):
            tests += [(SANITIZER_SUITE, f"{SANITIZER_SUITE}/{n}", r) for _, n, r in read_log(inner)]
    return tests


RE_PART = re.compile(r"^SCXX-PART (\S+) rc=(\S+)", re.M)


def chain_parts(build):
    """{test name: [(scenario, rc)]} for the VM tests of the last run that ran a chain of scenarios
    (tests/vm/meson.build), from the SCXX-PART lines the guest printed (tools/vm/guest/init), as
    meson kept them in the test's stdout; rc is a number or "not-run". A chain that printed none
    (it never got that far) is absent."""
    parts = {}
    with open(main_log(build)) as f:
        for line in f:
            try:
                r = json.loads(line)
                name = r["name"].rpartition(" / ")[2]
            except (ValueError, KeyError, TypeError, AttributeError):
                continue
            found = RE_PART.findall(r.get("stdout") or "")
            if "+" in name and found:
                parts[name] = found
    return parts
