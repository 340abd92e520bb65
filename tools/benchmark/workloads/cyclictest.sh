#!/bin/sh
# cyclictest: rt-tests' cyclictest (4 SCHED_OTHER threads, 5 ms interval, no interval offsets)
# among the same 6 CPU hogs as "interactive": its wake-up latency p50/p99/p99.9/max and CDF over
# every sample (-v prints each one), and the hogs' total work; one cycle is the operation.
. /bench/lib.sh
secs=5; [ "$BENCH_QUICK" = 1 ] && secs=2
hogs 6 $secs
hogpid=$!
cyclictest -m -D $secs -i 5000 -d 0 -t 4 -v > /tmp/ct.out 2>&1 || { tail -20 /tmp/ct.out; echo "cyclictest failed"; exit 1; }
wait $hogpid || { cat /tmp/hogs.out; echo "cyclictest: the hogs failed"; exit 1; }
# -v lines: "THREAD: CYCLE: LATENCY_US", padded with spaces (never zeros: busybox awk reads those as octal)
awk -F: 'NF == 3 && $1 ~ /^ *[0-9]+$/ { print $3 + 0 }' /tmp/ct.out > /tmp/ct.samples
[ -s /tmp/ct.samples ] || { tail -20 /tmp/ct.out; echo "cyclictest: no sample"; exit 1; }
samples_histogram /tmp/ct.samples | latency_metrics wake
echo "ops $(wc -l < /tmp/ct.samples)"
work=$(hog_work)
[ -n "$work" ] || { cat /tmp/hogs.out; echo "cyclictest: no stress-ng metrics line"; exit 1; }
echo "metric hog_work $work bogo-ops higher"
