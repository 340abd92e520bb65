#!/bin/sh
# hackbench: rt-tests' hackbench in thread mode over pipes (-T -P), the variant perf's messaging does
# not run; the elapsed time is the figure, one message is the operation.
groups=4 loops=100; [ "$BENCH_QUICK" = 1 ] && loops=20
hackbench -T -P -g $groups -l $loops > /tmp/hb.out 2>&1 || { cat /tmp/hb.out; exit 1; }
secs=$(awk '/^Time:/ {print $2}' /tmp/hb.out)
[ -n "$secs" ] || { cat /tmp/hb.out; echo "hackbench: no 'Time:' line"; exit 1; }
echo "metric elapsed_s $secs s lower"
echo "ops $((groups * 20 * 20 * loops))"
