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

# samples_histogram [FILE...]: one value per line (stdin without FILE) -> "VALUE COUNT" ascending
# (for latency_metrics).
samples_histogram() { cat "$@" | sort -n | uniq -c | awk '{print $2, $1}'; }

# hogs N SECS: N CPU hogs (stress-ng --cpu, int64 method) for SECS seconds in the background; their
# summary goes to /tmp/hogs.out. hog_work then prints their total bogo ops (after `wait`).
hogs() { stress-ng --cpu "$1" --cpu-method int64 -t "$2" --metrics-brief > /tmp/hogs.out 2>&1 & }
hog_work() { awk '/metrc/ && $4 == "cpu" {print $5}' /tmp/hogs.out; }
# hog_cpu: the hogs' CPU time in seconds, user + system (stress-ng's metrics line)
hog_cpu() { awk '/metrc/ && $4 == "cpu" {print $7 + $8}' /tmp/hogs.out; }

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
                               met += v["met"]; periods += v["n"] + v["missed"]; cpu += v["cpu_ms"]; found++ }
         END { if (found != 4) exit 1; print "metric periods_met " met " count higher"
               print "metric periods " periods " count none"
               printf "metric probe_cpu_s %.2f s none\n", cpu / 1000; print "ops " periods }' /tmp/"$1".? ||
        { cat /tmp/"$1".?; echo "a result line is missing"; return 1; }
}

# Run-queue latency of the periodic tasks: the time from the kernel's wake-up of a task (the
# sched_waking event, raised in the timer interrupt) to the task starting on a CPU (sched_switch to
# it). It is the part of the wake-up latency the scheduler controls; the rest is how late the timer
# interrupt arrives, which under QEMU's round robin of vCPUs depends on when the vCPU gets its turn
# (docs/benchmarks.md). rq_trace_start COMM before the run (it sets an EXIT trap that removes the
# trace), rq_trace_metrics after it: figures rq_p50_us, rq_p99_us, rq_p999_us, rq_max_us and the CDF
# "cdf rq_us". The trace is a tracing instance of its own (the global buffer is left alone) on the
# mono clock, with both events filtered in the kernel to COMM (sched_switch in either direction).
RQ_TRACE=/sys/kernel/tracing/instances/scxx-rq
rq_trace_start() {
    [ -d /sys/kernel/tracing/instances ] || { echo "tracefs is not mounted at /sys/kernel/tracing"; return 1; }
    rq_trace_stop
    trap rq_trace_stop EXIT
    mkdir "$RQ_TRACE" && echo mono > "$RQ_TRACE/trace_clock" &&
    echo 4096 > "$RQ_TRACE/buffer_size_kb" &&
    echo "comm == \"$1\"" > "$RQ_TRACE/events/sched/sched_waking/filter" &&
    echo "prev_comm == \"$1\" || next_comm == \"$1\"" > "$RQ_TRACE/events/sched/sched_switch/filter" &&
    echo 1 > "$RQ_TRACE/events/sched/sched_waking/enable" &&
    echo 1 > "$RQ_TRACE/events/sched/sched_switch/enable" &&
    echo 1 > "$RQ_TRACE/tracing_on" || { echo "cannot set up the sched_waking/sched_switch trace"; return 1; }
}
# rq_trace_stop: tracing off and the instance removed (nothing when there is none).
rq_trace_stop() {
    [ -d "$RQ_TRACE" ] || return 0
    echo 0 > "$RQ_TRACE/tracing_on"
    echo 0 > "$RQ_TRACE/events/sched/sched_waking/enable"
    echo 0 > "$RQ_TRACE/events/sched/sched_switch/enable"
    rmdir "$RQ_TRACE"
}
# Fails when the ring buffer overwrote or dropped events (the figures would be biased) or the trace
# holds no pair. A wake-up with no switch-in before the task next switches out (it was woken while
# still on its CPU) is dropped, so a later switch-in does not pair with it.
rq_trace_metrics() {
    echo 0 > "$RQ_TRACE/tracing_on"
    if cat "$RQ_TRACE"/per_cpu/cpu*/stats | awk '/^(overrun|commit overrun|dropped events):/ && $NF > 0 { bad = 1 } END { exit !bad }'; then
        echo "the run-queue latency trace lost events (ring buffer full)"; return 1
    fi
    awk '
    # the event name field; the timestamp is the field before it, the event fields follow it
    function event(name,   k) { for (k = 1; k <= NF; k++) if ($k == name) return k; return 0 }
    function field(k, key,   i) { for (i = k + 1; i <= NF; i++) if (index($i, key "=") == 1) return substr($i, length(key) + 2); return "" }
    function stamp(k,   t) { t = $(k - 1); if (t !~ /^[0-9]+\.[0-9]+:$/) return ""; return substr(t, 1, length(t) - 1) }
    (k = event("sched_waking:")) { t = stamp(k); p = field(k, "pid"); if (t != "" && p != "") woke[p] = t; next }
    (k = event("sched_switch:")) {
        t = stamp(k); if (t == "") next
        p = field(k, "prev_pid"); if (p in woke) delete woke[p]
        p = field(k, "next_pid")
        if (p in woke) { printf "%d\n", (t - woke[p]) * 1000000 + 0.5; delete woke[p] }
    }
    ' "$RQ_TRACE/trace" | samples_histogram | latency_metrics rq ||
        { echo "no run-queue latency sample in the trace"; return 1; }
    rq_trace_stop
}
