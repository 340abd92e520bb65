#!/bin/sh
# vm: cpus=4 numa=1 timeout=200
# lavd-util: lavd's utilisation (util_pct: each CPU's time outside its idle task, from
# ops.update_idle's idle periods, never below its sched_ext task time) follows what the CPUs do,
# also for CPUs that stay in one state from before attach on, so that ops.update_idle never reports
# them:
#   1. 4 busy loops on the 4 CPUs, started before attach: util_pct reaches 90 within 5 stats lines
#      (a CPU busy since attach taken for idle would keep it near 0);
#   2. the loops stopped: util_pct falls to 25 or below within 5 lines;
#   3. a fresh attach on the idle machine: util_pct at most 25 in each of the first 2 lines (idle
#      CPUs not reported yet taken for busy would show there), then 4 loops bring it to 90.
. /lib/scxx.sh

# next_util: the util_pct of the next fresh stats line, as an integer.
next_util() {
    _u=$(stat_next /tmp/run.log util_pct 10) || { cat /tmp/run.log; fail "no fresh stats line with util_pct"; }
    _u=${_u%%.*}
    case $_u in ''|*[!0-9]*) cat /tmp/run.log; fail "util_pct is '$_u', not a number" ;; esac
    printf ' %s' "$_u"
}

# util_reaches ge|le LIMIT: the util_pct of each fresh stats line, until one is >= / <= LIMIT (then
# 0) or 5 lines went by (1).
util_reaches() {
    _n=0
    while [ $_n -lt 5 ]; do
        next_util
        if { [ "$1" = ge ] && [ "$_u" -ge "$2" ]; } || { [ "$1" = le ] && [ "$_u" -le "$2" ]; }; then
            echo
            return 0
        fi
        _n=$((_n + 1))
    done
    echo
    return 1
}

# spin_start / spin_stop: 4 busy loops (one per CPU), and their end.
spin_start() {
    spins=""
    for _i in 1 2 3 4; do sh -c 'while :; do :; done' & spins="$spins $!"; done
}
spin_stop() {
    # shellcheck disable=SC2086
    kill -KILL $spins; wait $spins 2>/dev/null
    spins=""
}
# on any exit: no loops left, no scheduler left attached
cleanup() {
    # shellcheck disable=SC2086
    [ -z "$spins" ] || kill -KILL $spins 2>/dev/null
    [ -z "$pid" ] || { kill -TERM "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; }
    return 0
}
trap cleanup EXIT
spins=""
pid=""

attach() {
    scx-run --sched lavd --stats 1 > /tmp/run.log 2>&1 &
    pid=$!
    wait_scx_state enabled 30 || { cat /tmp/run.log; dump_scx; fail "lavd never reached state enabled"; }
}

# 1. busy since before attach
spin_start
sleep 1
attach
printf 'util_pct, 4 loops running since before attach:'
util_reaches ge 90 || { cat /tmp/run.log; fail "util_pct stayed below 90 with every CPU busy since before attach"; }
echo "ok: CPUs busy since before attach count as busy"

# 2. the loops end
spin_stop
printf 'util_pct, loops stopped:'
util_reaches le 25 || { cat /tmp/run.log; fail "util_pct stayed above 25 after the loops stopped"; }
echo "ok: idle CPUs count as idle"
detach_cleanly "$pid" /tmp/run.log
pid=""

# 3. idle since before attach, then busy
attach
printf 'util_pct, idle machine:'
for _l in 1 2; do
    next_util
    [ "$_u" -le 25 ] || { echo; cat /tmp/run.log; fail "util_pct $_u above 25 on a machine idle since before attach"; }
done
echo
spin_start
printf 'util_pct, 4 loops started after attach:'
util_reaches ge 90 || { cat /tmp/run.log; fail "util_pct stayed below 90 with every CPU busy"; }
echo "ok: CPUs idle since before attach count as idle, then as busy"
spin_stop
detach_cleanly "$pid" /tmp/run.log
pid=""
