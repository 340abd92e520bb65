#!/bin/sh
# vm: cpus=4 numa=1 timeout=240
# lavd-migration: load started on node 0 spreads to node 1. Four CPU hogs start pinned to node 0's
# CPUs (0-1), then their affinity is widened to all CPUs: from then on only lavd's cross-domain
# balancing (stealing at dispatch, the migration plan) can move them, since a hog never sleeps and
# so never passes through select_cpu. Afterwards node 1 must have done a real share of the work
# (at least a quarter of the busy time, from /proc/stat, printed per node) and the stats must count
# cross-domain migrations (nr_x_migration > 0, and grown since the widening; the counter is
# system-wide, so the busy time is the stronger evidence).
. /lib/scxx.sh

SECS=12
N0=$(cat /sys/devices/system/node/node0/cpulist)
N1=$(cat /sys/devices/system/node/node1/cpulist)
[ "$N0" = 0-1 ] && [ "$N1" = 2-3 ] || fail "expected node0 0-1 and node1 2-3, have '$N0' and '$N1'"

# busy CPUS: jiffies spent busy (user nice system irq softirq steal) on the CPUs in "a b ..."
busy() {
    _t=0
    for c in $1; do
        _v=$(awk -v c="cpu$c" '$1 == c { print $2 + $3 + $4 + $7 + $8 + $9 }' /proc/stat)
        _t=$((_t + _v))
    done
    echo $_t
}

scx-run --sched lavd --stats 1 > /tmp/run.log 2>&1 &
pid=$!
wait_scx_state enabled 30 || { cat /tmp/run.log; dump_scx; fail "lavd never enabled"; }
# two stats lines first, so the counter has a baseline
stat_wait /tmp/run.log 2 10 || { cat /tmp/run.log; fail "fewer than 2 stats lines"; }
PIDS=""
i=0
while [ $i -lt 4 ]; do taskset -c 0-1 scxx-latency hog $SECS mig-hog > /tmp/hog.$i & PIDS="$PIDS $!"; i=$((i + 1)); done
usleep 500000
xm0=$(stat_last /tmp/run.log nr_x_migration) || fail "no nr_x_migration in the stats before widening"
for p in $PIDS; do taskset -p -c 0-3 "$p" > /dev/null || fail "widening the affinity of $p failed"; done
b0=$(busy "0 1"); b1=$(busy "2 3")
echo "hogs started on node 0, affinity widened to 0-3"
sleep 8
a0=$(busy "0 1"); a1=$(busy "2 3")
for p in $PIDS; do wait "$p" || fail "a hog failed"; done
[ "$(scx_state)" = enabled ] && kill -0 "$pid" || { cat /tmp/run.log; fail "lavd left during the run"; }
kill -TERM "$pid"; wait "$pid"; rc=$?
[ "$rc" -eq 0 ] || { cat /tmp/run.log; fail "scx-run exited $rc"; }
grep '^t=' /tmp/run.log | tail -3

d0=$((a0 - b0)); d1=$((a1 - b1))
echo "busy over 8 s (jiffies, USER_HZ): node0 (CPUs $N0) $d0, node1 (CPUs $N1) $d1"
xm=$(stat_last /tmp/run.log nr_x_migration) || fail "no nr_x_migration in the last stats line"
echo "nr_x_migration: $xm0 in the last stats line before widening, $xm in the last one"
[ "$xm" -gt "$xm0" ] || fail "no cross-domain migration counted after the affinity was widened"
# node 1 should carry about half; demand at least a quarter of the total
[ $((d1 * 4)) -ge $((d0 + d1)) ] || fail "node 1 did $d1 of $((d0 + d1)) busy jiffies: the load did not spread"
echo "ok: load spread to node 1 ($d1 of $((d0 + d1)) busy jiffies), $xm cross-domain migrations"
