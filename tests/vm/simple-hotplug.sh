#!/bin/sh
# vm: cpus=2 timeout=120
# simple-hotplug: `simple` has no cpu_online/cpu_offline callbacks, so taking a CPU offline makes the
# kernel unregister it with an exit code that asks for a restart (SCX_ECODE_ACT_RESTART |
# SCX_ECODE_RSN_HOTPLUG). scx-run must restart it on its own (enabled again, restart reported), again
# when the CPU comes back, and still detach cleanly on SIGTERM.
. /lib/scxx.sh

cpu=/sys/devices/system/cpu/cpu1/online
[ -w "$cpu" ] || fail "cpu1 cannot be taken offline here (no $cpu)"
seq_before=$(enable_seq)
scx-run --sched simple --max-restarts 4 > /tmp/run.log 2>&1 &
pid=$!
wait_enabled_since "$seq_before" 20 || { cat /tmp/run.log; fail "never enabled"; }
seq0=$ENABLED_SEQ

echo 0 > "$cpu" || fail "offlining cpu1 failed"
echo "cpu1 offline; online CPUs: $(cat /sys/devices/system/cpu/online)"
wait_enabled_since "$seq0" 30 || { cat /tmp/run.log; fail "scheduler was not re-enabled after offlining cpu1"; }
seq1=$ENABLED_SEQ
echo "ok: re-enabled after offline (enable_seq $seq0 -> $seq1)"

echo 1 > "$cpu" || fail "onlining cpu1 failed"
wait_enabled_since "$seq1" 30 || { cat /tmp/run.log; fail "scheduler was not re-enabled after onlining cpu1"; }
echo "ok: re-enabled after online (enable_seq $ENABLED_SEQ)"
check "workload completes after the restarts" scxx-work mix 2

kill -TERM "$pid"
wait "$pid"; rc=$?
cat /tmp/run.log
[ "$rc" -eq 0 ] || fail "scx-run exited $rc after SIGTERM"
grep -q "restarting" /tmp/run.log || fail "no restart reported"
[ "$(grep -c restarting /tmp/run.log)" -ge 2 ] || fail "expected two restarts (offline, online)"
grep -qi "hotplug\|going offline\|going online" /tmp/run.log || fail "exit report does not mention the hotplug"
wait_scx_state disabled 10 || fail "state not disabled at the end"
echo "ok: restarted twice, clean detach"
