#!/bin/sh
# interactive: 4 periodic tasks (scxx-latency, scxx's own: wake every 5 ms, run 1 ms) among 6 CPU
# hogs (stress-ng --cpu 6) on the VM's 4 CPUs. Figures: the wake-up latency of all the periodic
# tasks' samples pooled (p50/p99/p99.9/max, CDF), their run-queue latency (wake-up to running,
# traced: rq_*), the periods met, and the hogs' total work; one period is the operation.
. /bench/lib.sh
secs=10; [ "$BENCH_QUICK" = 1 ] && secs=2
rq_trace_start lat-probe || exit 1
hogs 6 $secs
hogpid=$!
rc=0
probes lat $secs || rc=1
wait $hogpid || rc=1
[ $rc = 0 ] || { cat /tmp/hogs.out; echo "interactive: a periodic task or the hogs failed"; exit 1; }
probe_metrics lat || { echo "interactive: no figures"; exit 1; }
rq_trace_metrics || exit 1
work=$(hog_work)
[ -n "$work" ] || { cat /tmp/hogs.out; echo "interactive: no stress-ng metrics line"; exit 1; }
echo "metric hog_work $work bogo-ops higher"
echo "metric hog_cpu_s $(hog_cpu) s none"
