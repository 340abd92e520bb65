#!/bin/sh
# vm: cpus=4 numa=1 timeout=200
# lavd-attach: `lavd` attaches for real on a 2-node machine (4 CPUs, CPUs 0-1 on node 0 and 2-3 on
# node 1, one LLC each): state enabled, root/ops names it, the banner lists exactly two compute
# domains (one per node), the stats show nr_cpdoms=2 and every agreed stat, a workload completes, the
# futex (lock-holder) boost is attached and sees the holders of a contended mutex, a second scx-run is refused with one line, SIGTERM detaches cleanly (exit 0, "unregistered from user
# space", nothing left in bpffs). Then --stats-format json gives one object per line with the same
# names, and --duration ends it on its own.
. /lib/scxx.sh

STATS="nr_queued_task nr_active nr_sched nr_preempt pc_perf_cri pc_lat_cri pc_x_migration nr_stealee pc_big
slice_us nr_cpdoms nr_x_migration pc_time_performance pc_time_balanced pc_time_powersave"

nodes=$(ls -d /sys/devices/system/node/node[0-9]* | wc -l)
[ "$nodes" -eq 2 ] || fail "this scenario needs 2 NUMA nodes, the guest has $nodes"
echo "node0: $(cat /sys/devices/system/node/node0/cpulist) node1: $(cat /sys/devices/system/node/node1/cpulist)"

scx-run --sched lavd --stats 1 > /tmp/run.log 2>&1 &
pid=$!
wait_scx_state enabled 30 || { cat /tmp/run.log; dump_scx; fail "lavd never reached state enabled"; }
echo "ok: state enabled"
ops=$(scx_ops)
case $ops in lavd*) ;; *) cat /tmp/run.log; fail "root/ops is '$ops', want lavd" ;; esac
echo "ok: root/ops = $ops"

check "workload completes under lavd" scxx-work mix 3
[ "$(scx_state)" = enabled ] || { cat /tmp/run.log; fail "lavd left during the workload"; }
stat_wait /tmp/run.log 3 20 || { cat /tmp/run.log; fail "fewer than 3 stats lines"; }

# Lock-holder boost: both kernels have the futex functions, so the programs are attached (banner
# line), and threads contending a mutex (8 threads on 4 CPUs, 1 ms holds) are seen holding it when
# they are scheduled: nr_futex_boost grows more during the 4 s lock workload than in 4 s without it
# (the control: other futex users on the guest count too).
grep -q '^lavd: futex boost on ' /tmp/run.log || { cat /tmp/run.log; fail "the futex boost is not on"; }
# nr_futex_boost of the next stats line to appear.
fb0=$(stat_next /tmp/run.log nr_futex_boost 20) || fail "no fresh stats line with nr_futex_boost"
sleep 4
fb1=$(stat_next /tmp/run.log nr_futex_boost 20) || fail "no fresh stats line with nr_futex_boost"
check "a contended lock makes progress under lavd" scxx-lock 8 1000 4
fb2=$(stat_next /tmp/run.log nr_futex_boost 20) || fail "no fresh stats line with nr_futex_boost"
echo "nr_futex_boost: +$((fb1 - fb0)) in 4 s without the lock workload, +$((fb2 - fb1)) with it"
[ $((fb2 - fb1)) -gt $((fb1 - fb0)) ] || { cat /tmp/run.log; fail "the lock workload's holders were not seen"; }
echo "ok: lock holders seen through futexes"

# Banner: one line per compute domain.
grep 'cpdom [0-9]*: node' /tmp/run.log
[ "$(grep -c 'cpdom [0-9]*: node' /tmp/run.log)" -eq 2 ] || { cat /tmp/run.log; fail "banner does not list exactly 2 cpdoms"; }
grep -q 'cpdom 0: node 0 llc [0-9]* big cpus 0-1 ' /tmp/run.log || fail "cpdom 0 is not node 0 with CPUs 0-1"
grep -q 'cpdom 1: node 1 llc [0-9]* big cpus 2-3 ' /tmp/run.log || fail "cpdom 1 is not node 1 with CPUs 2-3"
echo "ok: banner lists 2 cpdoms"

# The last stats line (lib/scxx.sh's parser): every agreed name with a number.
for s in $STATS; do
    v=$(stat_last /tmp/run.log $s) || { cat /tmp/run.log; fail "the last stats line lacks '$s'"; }
    case $v in ''|*[!0-9.]*) fail "$s is '$v', not a number" ;; esac
done
v=$(stat_last /tmp/run.log nr_cpdoms)
[ "$v" = 2 ] || fail "nr_cpdoms is '$v', want 2"
act=$(stat_last /tmp/run.log nr_active); act=${act%%.*}
[ "$act" -ge 1 ] && [ "$act" -le 4 ] || fail "nr_active $act is not within 1..4"
for s in pc_perf_cri pc_lat_cri pc_x_migration pc_big pc_time_performance pc_time_balanced pc_time_powersave; do
    v=$(stat_last /tmp/run.log $s); v=${v%%.*}
    [ "$v" -le 100 ] || fail "$s=$v is not a percentage"
done
mode=$(stat_last /tmp/run.log power_mode) || { cat /tmp/run.log; fail "the last stats line has no power_mode"; }
echo "$mode" | grep -Eq '^(performance|balanced|powersave) \(autopilot\)$' ||
    { cat /tmp/run.log; fail "power mode '$mode' is not '<mode> (autopilot)' (autopilot is the default)"; }
echo "ok: stats: every agreed name, nr_cpdoms=2, power_mode: $mode"

expect_second_refused lavd

detach_cleanly "$pid" /tmp/run.log
cat /tmp/run.log
[ -z "$(ls /sys/fs/bpf)" ] || fail "bpffs has leftovers: $(ls /sys/fs/bpf)"

# JSON stats and --duration.
scx-run --sched lavd --stats 1 --stats-format json --duration 4 > /tmp/json.log 2>&1; rc=$?
[ "$rc" -eq 0 ] || { cat /tmp/json.log; fail "--duration 4 run exited $rc"; }
wait_scx_state disabled 10 || fail "not disabled after --duration"
n=$(stat_count /tmp/json.log) && [ "$n" -ge 1 ] || { cat /tmp/json.log; fail "no JSON stats line"; }
echo "$n JSON stats lines, the last: $(grep '^{' /tmp/json.log | tail -1)"
for s in $STATS; do
    stat_last /tmp/json.log $s > /dev/null || fail "the last JSON stats line lacks '$s'"
done
v=$(stat_last /tmp/json.log nr_cpdoms)
[ "$v" = 2 ] || fail "JSON nr_cpdoms is '$v', want 2"
v=$(stat_last /tmp/json.log power_mode) || fail "JSON power_mode missing"
echo "$v" | grep -Eq '^(performance|balanced|powersave) \(autopilot\)$' || fail "JSON power_mode '$v' is not '<mode> (autopilot)'"
echo "ok: JSON stats, --duration"
