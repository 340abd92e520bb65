#!/bin/sh
# vm: cpus=2 timeout=90
# simple-stall: when the scheduler stops dispatching (simple's test-only --stall-after-ms), the kernel's
# watchdog ejects it after --timeout-ms; scx-run reports the stall and exits non-zero, and the kernel
# is back on its default scheduler.
. /lib/scxx.sh

scx-run --sched simple --timeout-ms 1000 --stall-after-ms 1000 > /tmp/run.log 2>&1 &
pid=$!
wait_scx_state enabled 20 || { cat /tmp/run.log; fail "never enabled"; }
# Enough runnable work for the whole stall window, however slow the host: stopped when scx-run ends.
scxx-work mix 60 >/dev/null 2>&1 &
work=$!
wait "$pid"; rc=$?
kill "$work" 2>/dev/null; wait "$work" 2>/dev/null
cat /tmp/run.log
[ "$rc" -ne 0 ] || fail "scx-run exited 0 after a watchdog ejection"
grep -q "watchdog stall" /tmp/run.log || fail "exit report does not name the watchdog stall"
grep -q "kind 1026" /tmp/run.log || fail "exit kind is not SCX_EXIT_ERROR_STALL (1026)"
wait_scx_state disabled 10 || fail "state not disabled after the stall"
echo "ok: watchdog ejection reported, rc=$rc"
