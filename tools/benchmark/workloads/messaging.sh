#!/bin/sh
# messaging: hackbench-style groups of 20 senders and 20 receivers over socketpairs (perf bench sched
# messaging, linux-perf, processes); the elapsed time is the figure, one message is the operation
# (groups x 20 senders x 20 receivers x loops).
groups=4 loops=100; [ "$BENCH_QUICK" = 1 ] && loops=20
perf bench sched messaging -g $groups -l $loops > /tmp/msg.out 2>&1 || { cat /tmp/msg.out; exit 1; }
secs=$(awk '/Total time:/ {print $3}' /tmp/msg.out)
[ -n "$secs" ] || { cat /tmp/msg.out; echo "messaging: no 'Total time' in perf's output"; exit 1; }
echo "metric elapsed_s $secs s lower"
echo "ops $((groups * 20 * 20 * loops))"
