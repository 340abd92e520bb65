#!/bin/sh
# vm: cpus=2 timeout=120
# simple-attach: `simple` attaches for real (state enabled, root/ops names it), a workload finishes
# under it, a second scx-run is refused with a clear message while it runs, and SIGTERM detaches it
# cleanly (state disabled, exit report says "unregistered from user space", exit status 0).
. /lib/scxx.sh

scx-run --sched simple --stats 1 > /tmp/run.log 2>&1 &
pid=$!
wait_scx_state enabled 20 || { cat /tmp/run.log; fail "simple never reached state enabled"; }
echo "ok: state enabled"
ops=$(scx_ops)
[ "$ops" = simple ] || fail "root/ops is '$ops', want 'simple'"
echo "ok: root/ops = $ops"

check "workload completes under simple" scxx-work mix 3
[ "$(scx_state)" = enabled ] || { cat /tmp/run.log; fail "scheduler left during the workload"; }

expect_second_refused simple

detach_cleanly "$pid" /tmp/run.log
cat /tmp/run.log
d=$(stat_last /tmp/run.log dispatched) || fail "no stats printed (no dispatched in the last stats line)"
echo "ok: stats printed (dispatched=$d in the last line)"
