#!/bin/sh
# vm: cpus=4 timeout=900
# hotplug-storm: 12 offline/online cycles of random CPUs (1-3; cpu0 stays) under load, for every
# scheduler, without waiting for the scheduler between changes: CPUs come and go while the runner
# is still restarting the last one. Each hotplug exit makes the kernel unload the scheduler asking
# for a restart (SCX_ECODE_ACT_RESTART | SCX_ECODE_RSN_HOTPLUG); checks:
#   - the runner restarts it every time and never gives up (hotplug restarts use no restart budget:
#     scx-run runs with --max-restarts 0, so one budgeted restart would end the run);
#   - every hotplug exit in its output is followed by a "restarting after CPU hotplug" line, at
#     most one per CPU change;
#   - after the storm the scheduler is enabled and stays enabled;
#   - no task is lost: four long-lived hogs started before the storm are alive at the end and ran
#     after it, and `scxx-work mix` rounds during the storm saw every worker make progress;
#   - SIGTERM still detaches cleanly.
. /lib/scxx.sh

CYCLES=${STORM_CYCLES:-12}
cpu_online() { echo "$2" > /sys/devices/system/cpu/cpu$1/online; }
for c in 1 2 3; do [ -w /sys/devices/system/cpu/cpu$c/online ] || fail "cpu$c cannot be taken offline here"; done

pid=""; hogs=""; work=""
cleanup() {
    for c in 1 2 3; do cpu_online $c 1 2>/dev/null; done
    for p in $hogs $work; do kill -KILL "$p" 2>/dev/null; done
    [ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
}
trap cleanup EXIT

# utime+stime of PID in clock ticks.
cputime() { awk '{ print $14 + $15 }' /proc/$1/stat 2>/dev/null; }

# settle SECS: until the state is enabled and enable_seq did not move for 3 s; 1 after SECS.
settle() {
    _end=$(( $(date +%s) + $1 )); _last=""; _same=0
    while [ "$(date +%s)" -lt "$_end" ]; do
        _s="$(scx_state) $(enable_seq)"
        if [ "$_s" = "$_last" ] && [ "${_s%% *}" = enabled ]; then
            _same=$((_same + 1)); [ $_same -ge 6 ] && return 0
        else
            _same=0; _last=$_s
        fi
        usleep 500000
    done
    return 1
}

for s in simple pair nest lavd; do
    echo "=== $s"
    seq0=$(enable_seq)
    scx-run --sched "$s" --max-restarts 0 > /tmp/$s.log 2>&1 &
    pid=$!
    wait_scx_state enabled 120 || { cat /tmp/$s.log; fail "$s never enabled"; }
    # The hogs start once it is in: four vCPU-long hogs during the first enable can keep the
    # kernel's watchdog from checking in on an overloaded TCG host (a host artifact, not the storm).
    hogs=""
    for i in 1 2 3 4; do scxx-latency hog 86400 "hog$i" > /dev/null & hogs="$hogs $!"; done

    # The workload rounds run beside the storm; each must see every worker progress.
    rm -f /tmp/storm.done
    ( while [ ! -e /tmp/storm.done ]; do scxx-work mix 4 > /tmp/work.out 2>&1 || { cat /tmp/work.out; exit 1; }; done ) &
    work=$!
    changes=0
    i=0
    while [ $i -lt "$CYCLES" ]; do
        c=$(( RANDOM % 3 + 1 ))
        cpu_online $c 0 || fail "cycle $i: offlining cpu$c failed"
        usleep $(( (RANDOM % 10) * 100000 ))
        cpu_online $c 1 || fail "cycle $i: onlining cpu$c failed"
        usleep $(( (RANDOM % 10) * 100000 ))
        changes=$((changes + 2)); i=$((i + 1))
        kill -0 $pid 2>/dev/null || { cat /tmp/$s.log; fail "$s: scx-run exited during cycle $i"; }
    done
    touch /tmp/storm.done
    echo "$s: $CYCLES cycles ($changes CPU changes) done, online CPUs $(cat /sys/devices/system/cpu/online)"
    settle 120 || { cat /tmp/$s.log; dump_scx; fail "$s: not enabled and steady 120 s after the storm"; }
    wait $work || fail "$s: a workload round saw a worker make no progress during the storm"
    work=""
    kill -0 $pid 2>/dev/null || { cat /tmp/$s.log; fail "$s: scx-run gave up"; }

    exits=$(grep -c "code 0x1000100000000" /tmp/$s.log)
    restarts=$(grep -c "restarting after CPU hotplug" /tmp/$s.log)
    seq1=$(enable_seq)
    echo "$s: hotplug exits $exits, restarts $restarts, enable_seq $seq0 -> $seq1"
    [ "$restarts" -ge 1 ] || { cat /tmp/$s.log; fail "$s: no hotplug restart reported"; }
    [ "$restarts" = "$exits" ] || { cat /tmp/$s.log; fail "$s: $exits hotplug exits but $restarts restarts reported"; }
    # An attach that races a CPU change is refused by the kernel (hotplug_seq mismatch) before it
    # counts in enable_seq, and is restarted like any hotplug exit: so enable_seq moves by at least 2
    # (first attach, final one) and at most restarts + 1; and there is at most one exit per change.
    [ $((seq1 - seq0)) -ge 2 ] && [ $((seq1 - seq0)) -le $((restarts + 1)) ] \
        || { cat /tmp/$s.log; fail "$s: enable_seq moved $((seq1 - seq0)) for $restarts restarts"; }
    [ "$restarts" -le "$changes" ] || { cat /tmp/$s.log; fail "$s: $restarts restarts for $changes CPU changes"; }
    ! grep -q "not restarting\|error:" /tmp/$s.log || { cat /tmp/$s.log; fail "$s: the runner reported an error"; }

    t0=""; for h in $hogs; do t0="$t0 $(cputime $h)"; done
    sleep 2
    n=0
    for h in $hogs; do
        n=$((n + 1)); before=$(echo $t0 | cut -d' ' -f$n)
        now=$(cputime $h) || fail "$s: hog$n (pid $h) is gone"
        [ -n "$now" ] && [ "$now" -gt "$before" ] || fail "$s: hog$n (pid $h) made no progress after the storm"
    done
    echo "ok: $s: the 4 hogs survived and run, $restarts restarts"
    for h in $hogs; do kill -KILL $h; wait $h 2>/dev/null; done
    hogs=""
    detach_cleanly $pid /tmp/$s.log
    pid=""
done
echo "ok: every scheduler rode out the hotplug storm"
