#!/bin/sh
# vm: cpus=4 numa=1 timeout=240
# lavd-hotplug: CPU hotplug while `lavd` is attached. Offlining a CPU makes the kernel unload it
# asking for a restart; scx-run must restart it on its own (state enabled again, enable_seq
# advanced, "restarting" reported) with the compute domains rebuilt from the new topology: with
# cpu3 offline node 1's domain holds cpu2 only, with cpu2 and cpu3 offline there is one domain
# left (nr_cpdoms=1). Onlining them brings both domains back. A workload completes at the end and
# SIGTERM still detaches cleanly.
. /lib/scxx.sh

for c in 2 3; do [ -w /sys/devices/system/cpu/cpu$c/online ] || fail "cpu$c cannot be taken offline here"; done

# hotplug CPU 0|1: change the CPU and wait until lavd is enabled again after a restart.
hotplug() {
    _seq=$(enable_seq)
    echo "$2" > /sys/devices/system/cpu/cpu$1/online || fail "setting cpu$1 online=$2 failed"
    wait_enabled_since "$_seq" 50 || { cat /tmp/run.log; fail "lavd was not re-enabled after cpu$1 online=$2"; }
    echo "ok: cpu$1 online=$2: re-enabled (enable_seq $_seq -> $ENABLED_SEQ), online CPUs $(cat /sys/devices/system/cpu/online)"
}

# wait_cpdoms N: until the last stats line says nr_cpdoms=N (at most 10 s; lib/scxx.sh's parser).
wait_cpdoms() {
    _n=0
    while [ $_n -lt 100 ]; do
        [ "$(stat_last /tmp/run.log nr_cpdoms 2> /dev/null)" = "$1" ] && return 0
        usleep 100000; _n=$((_n + 1))
    done
    tail -20 /tmp/run.log
    fail "nr_cpdoms is '$(stat_last /tmp/run.log nr_cpdoms)', not $1, after the restart"
}

scx-run --sched lavd --stats 1 --max-restarts 8 > /tmp/run.log 2>&1 &
pid=$!
wait_scx_state enabled 30 || { cat /tmp/run.log; dump_scx; fail "lavd never enabled"; }
wait_cpdoms 2

hotplug 3 0
wait_cpdoms 2
grep 'cpdom 1: node 1' /tmp/run.log | tail -1 | grep -q ' cpus 2 ' || { cat /tmp/run.log; fail "after offlining cpu3, cpdom 1 is not node 1 with cpu2 only"; }
check "workload completes with cpu3 offline" scxx-work mix 2

hotplug 2 0
wait_cpdoms 1
check "workload completes with node 1 offline" scxx-work mix 2

hotplug 2 1
hotplug 3 1
wait_cpdoms 2
check "workload completes with every CPU back" scxx-work mix 2

kill -TERM "$pid"
wait "$pid"; rc=$?
cat /tmp/run.log
[ "$rc" -eq 0 ] || fail "scx-run exited $rc after SIGTERM"
[ "$(grep -c 'lavd: restarting' /tmp/run.log)" -ge 4 ] || fail "expected 4 restarts reported (2 offline, 2 online)"
grep -qi "hotplug\|going offline\|going online" /tmp/run.log || fail "exit report does not mention the hotplug"
grep -q "unregistered from user space" /tmp/run.log || fail "final exit report is not a clean unregister"
wait_scx_state disabled 10 || fail "state not disabled at the end"
echo "ok: 4 restarts reported, domains rebuilt each time, clean detach"
