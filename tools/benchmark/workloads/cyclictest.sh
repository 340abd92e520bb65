#!/bin/sh
# cyclictest: rt-tests' cyclictest (4 SCHED_OTHER threads, 5 ms interval, no interval offsets)
# among the same 6 CPU hogs as "interactive": its wake-up latency p50/p99/p99.9/max and CDF from
# the histogram (1 us buckets up to 100 ms; overflows count as the largest latency seen), and the
# hogs' total work; one cycle is the operation.
. /bench/lib.sh
secs=5; [ "$BENCH_QUICK" = 1 ] && secs=2
hogs 6 $secs
hogpid=$!
cyclictest -q -m -D $secs -i 5000 -d 0 -t 4 -h 100000 > /tmp/ct.out 2>&1 || { tail -20 /tmp/ct.out; echo "cyclictest failed"; exit 1; }
wait $hogpid || { cat /tmp/hogs.out; echo "cyclictest: the hogs failed"; exit 1; }
# cyclictest pads its numbers with zeros, which busybox awk would read as octal: dec() strips them.
DEC='function dec(s) { sub(/^0+/, "", s); return s + 0 }'
max=$(awk "$DEC"' /^# Max Latencies:/ { m = 0; for (i = 4; i <= NF; i++) if (dec($i) > m) m = dec($i); print m }' /tmp/ct.out)
over=$(awk "$DEC"' /^# Histogram Overflows:/ { s = 0; for (i = 4; i <= NF; i++) s += dec($i); print s }' /tmp/ct.out)
[ -n "$max" ] && [ -n "$over" ] || { tail -20 /tmp/ct.out; echo "cyclictest: no summary"; exit 1; }
{ grep -v '^#' /tmp/ct.out | grep -vE '^[0-9]+([[:space:]]+0+)+$' | awk "$DEC"' { s = 0; for (i = 2; i <= NF; i++) s += dec($i); if (s) print dec($1), s }'
  [ "$over" -gt 0 ] && echo "$max $over"; } | latency_metrics wake || { echo "cyclictest: empty histogram"; exit 1; }
awk "$DEC"' /^# Total:/ { s = 0; for (i = 3; i <= NF; i++) s += dec($i); print "ops " s }' /tmp/ct.out
work=$(hog_work)
[ -n "$work" ] || { cat /tmp/hogs.out; echo "cyclictest: no stress-ng metrics line"; exit 1; }
echo "metric hog_work $work bogo-ops higher"
