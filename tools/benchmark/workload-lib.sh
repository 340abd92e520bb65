# workload-lib.sh: helpers the workloads of tools/benchmark/workloads source (/bench/lib.sh in the VM).
# A workload prints, on stdout, only these lines (tools/bench parses them):
#   metric NAME VALUE UNIT lower|higher|none   one figure; "better" says which direction is better
#   cdf NAME Q:V,Q:V,...                        a latency distribution (quantile 0..100 : value in us)
#   ops N                                       the workload's operations, for BPF cost per operation

# latency_metrics PREFIX: reads "VALUE COUNT" lines (a histogram, VALUE in us, ascending) on stdin;
# prints PREFIX_p50_us, PREFIX_p99_us, PREFIX_p999_us, PREFIX_max_us and the CDF "cdf PREFIX_us"
# (quantiles 0,1,...,99,99.5,99.9,100; nearest rank). Fails when there is no sample.
latency_metrics() {
    awk -v prefix="$1" '
    { v[++n] = $1; c[n] = $2; total += $2 }
    function at(q,   want, i, run) {
        want = int(q / 100 * total + 0.999999); if (want < 1) want = 1
        for (i = 1; i <= n; i++) { run += c[i]; if (run >= want) return v[i] }
        return v[n]
    }
    END {
        if (!total) exit 1
        print "metric " prefix "_p50_us " at(50) " us lower"
        print "metric " prefix "_p99_us " at(99) " us lower"
        print "metric " prefix "_p999_us " at(99.9) " us lower"
        print "metric " prefix "_max_us " v[n] " us lower"
        line = ""
        for (q = 0; q <= 102; q++) {
            p = q < 100 ? q : (q == 100 ? 99.5 : (q == 101 ? 99.9 : 100))
            line = line (q ? "," : "") p ":" at(p)
        }
        print "cdf " prefix "_us " line
    }'
}

# samples_histogram FILE...: one value per line -> "VALUE COUNT" ascending (for latency_metrics).
samples_histogram() { cat "$@" | sort -n | uniq -c | awk '{print $2, $1}'; }

# hogs N SECS: N CPU hogs (stress-ng --cpu, int64 method) for SECS seconds in the background; their
# summary goes to /tmp/hogs.out. hog_work then prints their total bogo ops (after `wait`).
hogs() { stress-ng --cpu "$1" --cpu-method int64 -t "$2" --metrics-brief > /tmp/hogs.out 2>&1 & }
hog_work() { awk '/metrc/ && $4 == "cpu" {print $5}' /tmp/hogs.out; }
