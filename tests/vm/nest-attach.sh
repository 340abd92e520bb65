#!/bin/sh
# vm: cpus=4 timeout=120
# nest-attach: `nest` attaches for real (state enabled, root/ops names it), a mixed workload finishes
# under it, a second scx-run is refused, and SIGTERM detaches it cleanly with the exit report. The
# last stats line has the wakeup/nest/consume counters, timer_errors=0 and the four CPU sets (primary,
# reserved and other split the CPUs); the primary nest held a CPU at some point.
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
# Judged on the last stats line (lib/scxx.sh's parser): the counters are cumulative, so the last line
# holds the whole run; a value on some earlier line proves nothing about what came after it.
for s in wakeup_attached wakeup_idle_other promoted_to_primary scheduled_compaction consumed not_consumed; do
    stat_last /tmp/run.log $s > /dev/null || fail "the last stats line has no $s"
done
# The four CPU sets: primary, reserved and other split the 4 CPUs, idle is among them.
split=""
for m in primary reserved other idle; do
    list=$(stat_last /tmp/run.log $m) || fail "the last stats line has no '$m' CPU set"
    cpus=$(cpus_of "$list") || fail "'$m' is not a CPU list: '$list'"
    [ $m = idle ] || split="$split $cpus"
    for c in $cpus; do [ "$c" -lt 4 ] || fail "'$m' names cpu$c on a 4-CPU guest"; done
done
split=$(echo $split | tr ' ' '\n' | sort -n | tr '\n' ' ')
[ "$split" = "0 1 2 3 " ] || fail "primary, reserved and other do not split CPUs 0-3 exactly once: $split"
most=$(stat_max /tmp/run.log nr_primary) || fail "no nr_primary in the stats"
[ "$most" -ge 1 ] || fail "the primary nest never held a CPU"
errors=$(stat_last /tmp/run.log timer_errors) || fail "the last stats line has no timer_errors"
[ "$errors" = 0 ] || fail "timer errors counted: timer_errors=$errors in the last stats line"
echo "ok: stats (timer_errors=$errors, primary nest up to $most CPUs)"
