"""tests/unit/openmetrics_check.py: parses OpenMetrics text with the real parser (Debian's
python3-prometheus-client) for test-openmetrics and test-scx-ctl. A missing module fails loudly."""
import sys

try:
    from prometheus_client.openmetrics.parser import text_string_to_metric_families
except ImportError as e:  # never a skip: the check is the point of the test
    print(f"FAIL: cannot import prometheus_client ({e}); install it: "
          "apt-get install python3-prometheus-client (tools/setup does), and run under /usr/bin/python3",
          file=sys.stderr)
    sys.exit(1)


def parse(text):
    """{family name: Metric} of TEXT; raises ValueError when the parser refuses it."""
    return {f.name: f for f in text_string_to_metric_families(text)}


def samples(families):
    """{(sample name, sorted labels): value} over all families."""
    out = {}
    for f in families.values():
        for s in f.samples:
            out[(s.name, tuple(sorted(s.labels.items())))] = s.value
    return out
