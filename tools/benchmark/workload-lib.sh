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

# probes NAME SECS: 4 periodic tasks (scxx-latency 5000 1000: wake every 5 ms, run 1 ms) for SECS
# seconds, each sample appended to /tmp/NAME.samples.X and its result line in /tmp/NAME.X (X = a..d);
# waits for them and fails (printing their output) when one fails.
probes() {
    rm -f /tmp/"$1".samples.* /tmp/"$1".?
    _pids=""
    for _x in a b c d; do
        SCXX_LATENCY_SAMPLES=/tmp/$1.samples.$_x scxx-latency 5000 1000 "$2" lat-probe > /tmp/"$1".$_x 2>&1 &
        _pids="$_pids $!"
    done
    _rc=0
    for _p in $_pids; do wait "$_p" || _rc=1; done
    [ $_rc = 0 ] || { cat /tmp/"$1".?; echo "a periodic task failed"; return 1; }
}

# probe_metrics NAME: the wake-up latency figures and CDF of all the probes' samples pooled, the
# periods met and the "ops" line (one period each) of a `probes NAME` run.
probe_metrics() {
    samples_histogram /tmp/"$1".samples.* | latency_metrics wake || { echo "no latency sample"; return 1; }
    awk '/^scxx-latency: n=/ { for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
                               met += v["met"]; periods += v["n"] + v["missed"]; found++ }
         END { if (found != 4) exit 1; print "metric periods_met " met " count higher"
               print "metric periods " periods " count none"; print "ops " periods }' /tmp/"$1".? ||
        { cat /tmp/"$1".?; echo "a result line is missing"; return 1; }
}

# Run-queue latency of the periodic tasks: the time from the kernel's wake-up of a task (the
# sched_waking event, after the timer interrupt was handled) to the task starting on a CPU
# (sched_switch to it). It is the part of the wake-up latency the scheduler controls; the rest is
# how late the timer interrupt arrives, which under QEMU's round robin of vCPUs depends on when the
# vCPU gets its turn (docs/benchmarks.md). rq_trace_start COMM before the run, rq_trace_metrics
# after it: figures rq_p50_us, rq_p99_us, rq_p999_us, rq_max_us and the CDF "cdf rq_us". The two
# events are filtered in the kernel to COMM, so the trace holds only the periodic tasks.
RQ_TRACE=/sys/kernel/tracing
rq_trace_start() {
    [ -w "$RQ_TRACE/tracing_on" ] || { echo "tracefs is not mounted at $RQ_TRACE"; return 1; }
    echo 0 > "$RQ_TRACE/tracing_on" && echo > "$RQ_TRACE/trace" &&
    echo 4096 > "$RQ_TRACE/buffer_size_kb" &&
    echo "comm == \"$1\"" > "$RQ_TRACE/events/sched/sched_waking/filter" &&
    echo "next_comm == \"$1\"" > "$RQ_TRACE/events/sched/sched_switch/filter" &&
    echo 1 > "$RQ_TRACE/events/sched/sched_waking/enable" &&
    echo 1 > "$RQ_TRACE/events/sched/sched_switch/enable" &&
    echo 1 > "$RQ_TRACE/tracing_on" || { echo "cannot set up the sched_waking/sched_switch trace"; return 1; }
}
rq_trace_stop() {
    echo 0 > "$RQ_TRACE/tracing_on"
    echo 0 > "$RQ_TRACE/events/sched/sched_waking/enable"
    echo 0 > "$RQ_TRACE/events/sched/sched_switch/enable"
    echo 0 > "$RQ_TRACE/events/sched/sched_waking/filter"
    echo 0 > "$RQ_TRACE/events/sched/sched_switch/filter"
}
# Fails when the trace lost events (a full buffer would bias the figures) or holds no pair.
rq_trace_metrics() {
    rq_trace_stop
    grep -q 'LOST' "$RQ_TRACE/trace" && { echo "the run-queue latency trace lost events"; return 1; }
    awk '
    /sched_waking:/ { for (i = 1; i <= NF; i++) {
                          if ($i ~ /^pid=/) pid = substr($i, 5)
                          if ($i ~ /^[0-9]+\.[0-9]+:$/) ts = substr($i, 1, length($i) - 1) }
                      woke[pid] = ts; next }
    /sched_switch:/ { for (i = 1; i <= NF; i++) {
                          if ($i ~ /^next_pid=/) pid = substr($i, 10)
                          if ($i ~ /^[0-9]+\.[0-9]+:$/) ts = substr($i, 1, length($i) - 1) }
                      if (pid in woke) { printf "%d\n", (ts - woke[pid]) * 1000000 + 0.5; delete woke[pid] } }
    ' "$RQ_TRACE/trace" | sort -n | uniq -c | awk '{print $2, $1}' | latency_metrics rq ||
        { echo "no run-queue latency sample in the trace"; return 1; }
}
