#!/bin/sh
# pipe: ping-pong between two processes over a pipe (perf bench sched pipe, linux-perf): a fixed
# number of round trips; the elapsed time is the figure, one round trip is the operation.
loops=50000; [ "$BENCH_QUICK" = 1 ] && loops=10000
perf bench sched pipe -l $loops > /tmp/pipe.out 2>&1 || { cat /tmp/pipe.out; exit 1; }
secs=$(awk '/Total time:/ {print $3}' /tmp/pipe.out)
[ -n "$secs" ] || { cat /tmp/pipe.out; echo "pipe: no 'Total time' in perf's output"; exit 1; }
echo "metric elapsed_s $secs s lower"
awk '/usecs\/op/ {print "metric us_per_round_trip " $1 " us lower"}' /tmp/pipe.out
echo "ops $loops"
