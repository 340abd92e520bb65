#!/bin/sh
# periodic: the interactive workload's 4 periodic tasks (scxx-latency, scxx's own: wake every 5 ms,
# run 1 ms) alone on the VM's 4 CPUs, no hogs: wake-up latency when idle CPUs are there to take
# them (p50/p99/p99.9/max, CDF), their run-queue latency (wake-up to running, traced: rq_*) and the
# periods met; one period is the operation.
. /bench/lib.sh
secs=10; [ "$BENCH_QUICK" = 1 ] && secs=2
rq_trace_start lat-probe || exit 1
probes per $secs || { echo "periodic: the probes failed"; exit 1; }
probe_metrics per || { echo "periodic: no figures"; exit 1; }
rq_trace_metrics || exit 1
