#!/bin/sh
# vm: cpus=4 timeout=120
# nest-attach: `nest` attaches for real (state enabled, root/ops names it), a mixed workload finishes
# under it, the stats show the wakeup/nest/consume counters and the four CPU-set lines, a second
# scx-run is refused, and SIGTERM detaches it cleanly with the exit report.
. /lib/scxx.sh

scx-run --sched nest --stats 1 > /tmp/run.log 2>&1 &
pid=$!
wait_scx_state enabled 20 || { cat /tmp/run.log; fail "nest never reached state enabled"; }
[ "$(scx_ops)" = nest ] || fail "root/ops is '$(scx_ops)', want 'nest'"
echo "ok: state enabled, root/ops = nest"

check "workload completes under nest" scxx-work mix 4
[ "$(scx_state)" = enabled ] || { cat /tmp/run.log; fail "scheduler left during the workload"; }

expect_second_refused nest

sleep 2
detach_cleanly "$pid" /tmp/run.log
tail -12 /tmp/run.log
for s in wakeup_attached wakeup_idle_other promoted_to_primary scheduled_compaction consumed not_consumed; do
    grep -q " $s=" /tmp/run.log || fail "stats line has no $s"
done
for m in primary reserved other idle; do
    grep -Eq "^$m +\( *[0-9]+/4\) \|[-*]{4}\|$" /tmp/run.log || fail "no '$m' CPU-set line with a 4-CPU bar"
done
grep -Eq "^primary +\( *[1-4]/4\)" /tmp/run.log || fail "the primary nest never held a CPU"
grep -q "timer_errors=0 " /tmp/run.log || fail "timer errors counted"
echo "ok: stats"
