#!/bin/sh
# dispatch-tail: the messaging workload (perf bench sched messaging) with every call of the attached
# scheduler's ops.dispatch timed (scx-opprof: fentry/fexit on <ops name>_dispatch). Figures: the
# per-call p50/p99/p99.9/max in ns and the tail as multiples of the median (p99/p50, max/p50). The
# timer adds its own cost to every call, so this workload's time and BPF figures compare only with
# other dispatch-tail runs, not with messaging's (and it reports no operation count under a
# scheduler, so it has no BPF cost per operation); under the default scheduler (no ops.dispatch)
# only messaging's elapsed time is reported, as a reference. One message is the operation.
groups=4 loops=100; [ "$BENCH_QUICK" = 1 ] && loops=20
prof=""
# scx-opprof stays attached to the scheduler only while this script runs, whatever fails
trap '[ -n "$prof" ] && kill -TERM $prof 2>/dev/null' EXIT
if [ "$(cat /sys/kernel/sched_ext/state 2>/dev/null)" = enabled ]; then
    ops=$(cat /sys/kernel/sched_ext/root/ops 2>/dev/null)
    [ -n "$ops" ] || { echo "dispatch-tail: sched_ext is enabled but /sys/kernel/sched_ext/root/ops names no scheduler"; exit 1; }
    scx-opprof --prog "${ops}_dispatch" > /tmp/opprof.out 2> /tmp/opprof.err &
    prof=$!
    # the timer is in place once scx-opprof says so (loading its two programs takes a moment)
    tries=0
    until grep -q '^scx-opprof: attached ' /tmp/opprof.err; do
        tries=$((tries + 1))
        if [ $tries -gt 300 ] || ! kill -0 $prof 2>/dev/null; then
            cat /tmp/opprof.err; echo "dispatch-tail: scx-opprof did not attach to ${ops}_dispatch within 30 s"; exit 1
        fi
        sleep 0.1
    done
fi
perf bench sched messaging -g $groups -l $loops > /tmp/msg.out 2>&1 || { cat /tmp/msg.out; exit 1; }
if [ -z "$prof" ]; then
    secs=$(awk '/Total time:/ {print $3}' /tmp/msg.out)
    [ -n "$secs" ] || { cat /tmp/msg.out; echo "dispatch-tail: no 'Total time' in perf's output"; exit 1; }
    echo "metric elapsed_s $secs s lower"
    echo "ops $((groups * 20 * 20 * loops))"
    exit 0
fi
kill -TERM $prof; wait $prof; rc=$?; prof=""
[ $rc = 0 ] || { cat /tmp/opprof.err; echo "dispatch-tail: scx-opprof failed (exit $rc)"; exit 1; }
awk '/^opprof: / { for (i = 2; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] } }
     END { n = split("calls p50_ns p99_ns p999_ns max_ns", want, " ")
           for (i = 1; i <= n; i++) if (f[want[i]] == "") { print "dispatch-tail: no " want[i] " in scx-opprof'"'"'s report"; exit 1 }
           if (f["calls"] == 0 || f["p50_ns"] == 0) { print "dispatch-tail: no call timed"; exit 1 }
           printf "metric dispatch_calls %s count none\n", f["calls"]
           printf "metric dispatch_p50_ns %s ns lower\n", f["p50_ns"]
           printf "metric dispatch_p99_ns %s ns lower\n", f["p99_ns"]
           printf "metric dispatch_p999_ns %s ns lower\n", f["p999_ns"]
           printf "metric dispatch_max_ns %s ns lower\n", f["max_ns"]
           printf "metric dispatch_p99_x_p50 %.2f x lower\n", f["p99_ns"] / f["p50_ns"]
           printf "metric dispatch_max_x_p50 %.1f x lower\n", f["max_ns"] / f["p50_ns"] }' /tmp/opprof.out ||
    { cat /tmp/opprof.out /tmp/opprof.err; exit 1; }
