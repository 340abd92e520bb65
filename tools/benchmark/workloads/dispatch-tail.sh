#!/bin/sh
# dispatch-tail: the messaging workload (perf bench sched messaging) with every call of the attached
# scheduler's ops.dispatch timed (scx-opprof: fentry/fexit on <ops name>_dispatch). Figures: the
# per-call p50/p99/p99.9/max in ns and the tail as multiples of the median (p99/p50, max/p50). The
# timer adds its own cost to every call and to the run, so this workload's runs give no time or BPF
# figure worth comparing; under the default scheduler (no ops.dispatch) only messaging's elapsed time
# is reported, as a reference. One message is the operation.
groups=4 loops=100; [ "$BENCH_QUICK" = 1 ] && loops=20
ops=$(cat /sys/kernel/sched_ext/root/ops 2>/dev/null)
if [ "$(cat /sys/kernel/sched_ext/state 2>/dev/null)" = enabled ] && [ -n "$ops" ]; then
    scx-opprof --prog "${ops}_dispatch" > /tmp/opprof.out 2> /tmp/opprof.err &
    prof=$!
    sleep 1   # attached before the load starts (a load under TCG takes well under a second)
    kill -0 $prof 2>/dev/null || { cat /tmp/opprof.err; echo "dispatch-tail: scx-opprof did not start"; exit 1; }
fi
perf bench sched messaging -g $groups -l $loops > /tmp/msg.out 2>&1 || { cat /tmp/msg.out; exit 1; }
if [ -z "$prof" ]; then
    secs=$(awk '/Total time:/ {print $3}' /tmp/msg.out)
    [ -n "$secs" ] || { cat /tmp/msg.out; echo "dispatch-tail: no 'Total time' in perf's output"; exit 1; }
    echo "metric elapsed_s $secs s lower"
else
    kill -TERM $prof; wait $prof || { cat /tmp/opprof.err; echo "dispatch-tail: scx-opprof failed"; exit 1; }
    awk '/^opprof: / { for (i = 2; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] } }
         END { if (!f["calls"] || !f["p50_ns"]) { print "dispatch-tail: no calls timed"; exit 1 }
               printf "metric dispatch_calls %s count none\n", f["calls"]
               printf "metric dispatch_p50_ns %s ns lower\n", f["p50_ns"]
               printf "metric dispatch_p99_ns %s ns lower\n", f["p99_ns"]
               printf "metric dispatch_p999_ns %s ns lower\n", f["p999_ns"]
               printf "metric dispatch_max_ns %s ns lower\n", f["max_ns"]
               printf "metric dispatch_p99_x_p50 %.2f x lower\n", f["p99_ns"] / f["p50_ns"]
               printf "metric dispatch_max_x_p50 %.1f x lower\n", f["max_ns"] / f["p50_ns"] }' /tmp/opprof.out || {
        cat /tmp/opprof.out /tmp/opprof.err; exit 1; }
fi
echo "ops $((groups * 20 * 20 * loops))"
