#!/bin/sh
# interactive: 4 periodic tasks (scxx-latency, scxx's own: wake every 5 ms, run 1 ms) among 6 CPU
# hogs (stress-ng --cpu 6) on the VM's 4 CPUs. Figures: the wake-up latency of all the periodic
# tasks' samples pooled (p50/p99/p99.9/max, CDF), the periods met, and the hogs' total work; one
# period is the operation.
. /bench/lib.sh
secs=10; [ "$BENCH_QUICK" = 1 ] && secs=2
rm -f /tmp/lat.samples.*
hogs 6 $secs
hogpid=$!
pids=""
for x in a b c d; do
    SCXX_LATENCY_SAMPLES=/tmp/lat.samples.$x scxx-latency 5000 1000 $secs lat-probe > /tmp/lat.$x 2>&1 &
    pids="$pids $!"
done
rc=0
for p in $pids; do wait $p || rc=1; done
wait $hogpid || rc=1
[ $rc = 0 ] || { cat /tmp/lat.? /tmp/hogs.out; echo "interactive: a periodic task or the hogs failed"; exit 1; }
samples_histogram /tmp/lat.samples.* | latency_metrics wake || { echo "interactive: no latency sample"; exit 1; }
awk '/^scxx-latency: n=/ { for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
                           met += v["met"]; periods += v["n"] + v["missed"]; found++ }
     END { if (found != 4) exit 1; print "metric periods_met " met " count higher"; print "metric periods " periods " count none"
           print "ops " periods }' /tmp/lat.? || { cat /tmp/lat.?; echo "interactive: a result line is missing"; exit 1; }
work=$(hog_work)
[ -n "$work" ] || { cat /tmp/hogs.out; echo "interactive: no stress-ng metrics line"; exit 1; }
echo "metric hog_work $work bogo-ops higher"
