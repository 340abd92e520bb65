#!/bin/sh
# vm: cpus=4 numa=1 timeout=240
# lavd-power: core compaction follows the power mode. At low load (one periodic task using ~10% of
# a CPU) `--powersave` keeps fewer CPUs active than the guest has (nr_active < 4 in the last
# stats lines) and the busy time measured in /proc/stat stays on that many CPUs, `--performance`
# keeps all of them (nr_active = 4 in every line), and so does `--balanced --no-core-compaction`. Each run prints its nr_active series and power mode; the
# autopilot's choice at this load is printed, not asserted.
. /lib/scxx.sh

NCPU=$(grep -c '^processor' /proc/cpuinfo)
[ "$NCPU" -eq 4 ] || fail "expected 4 CPUs, have $NCPU"

# run_low LABEL ARGS...: lavd with ARGS under the low load for 8 s; the nr_active values of the
# stats lines after the first two (warm-up) go to $series.
run_low() {
    _label=$1; shift
    scx-run --sched lavd --stats 1 "$@" > /tmp/$_label.log 2>&1 &
    _pid=$!
    wait_scx_state enabled 30 || { cat /tmp/$_label.log; fail "$_label: lavd never enabled"; }
    busy_snapshot /tmp/$_label.before
    scxx-latency 10000 1000 8 low-load > /tmp/$_label.lat || { cat /tmp/$_label.lat; fail "$_label: the low-load task failed"; }
    busy_snapshot /tmp/$_label.after
    shares /tmp/$_label.before /tmp/$_label.after > /tmp/$_label.shares
    [ "$(scx_state)" = enabled ] || { cat /tmp/$_label.log; fail "$_label: lavd left"; }
    kill -TERM $_pid; wait $_pid || { cat /tmp/$_label.log; fail "$_label: scx-run failed"; }
    series=$(grep '^t=' /tmp/$_label.log | tail -n +3 | sed -n 's/.* nr_active=\([0-9]*\).*/\1/p' | tr '\n' ' ')
    mode=$(grep '^power_mode: ' /tmp/$_label.log | tail -1)
    echo "$_label ($*): nr_active [ $series] $mode; $(cat /tmp/$_label.lat)"
    echo "$_label: per-CPU share of busy time (/proc/stat): $(tr '\n' ' ' < /tmp/$_label.shares)"
    [ "$(echo $series | wc -w)" -ge 3 ] || { cat /tmp/$_label.log; fail "$_label: fewer than 3 stats lines after warm-up"; }
}

run_low powersave --powersave
[ "$mode" = "power_mode: powersave" ] || fail "powersave: mode line is '$mode'"
for v in $(echo $series | tr ' ' '\n' | tail -3); do
    [ "$v" -lt "$NCPU" ] || fail "powersave: nr_active $v in the last 3 lines is not below $NCPU at low load"
done
echo "ok: powersave compacts (last nr_active $(echo $series | tr ' ' '\n' | tail -1) < $NCPU)"
# ... and the work really runs on the active CPUs only: measured by the kernel, the CPUs that did a
# real part (>= 15%) of the busy time are no more than the most CPUs powersave kept active.
most=$(echo $series | tr ' ' '\n' | sort -n | tail -1)
busy_cpus=$(awk '$2 >= 15' /tmp/powersave.shares | wc -l)
[ "$busy_cpus" -le "$most" ] || fail "powersave: $busy_cpus CPUs did >= 15% of the work, but at most $most were active"
echo "ok: powersave: the work ran on $busy_cpus CPU(s), at most $most active"

run_low performance --performance
[ "$mode" = "power_mode: performance" ] || fail "performance: mode line is '$mode'"
for v in $series; do [ "$v" -eq "$NCPU" ] || fail "performance: nr_active $v, want $NCPU"; done
echo "ok: performance keeps all $NCPU CPUs active"

run_low nocompact --balanced --no-core-compaction
for v in $series; do [ "$v" -eq "$NCPU" ] || fail "--no-core-compaction: nr_active $v, want $NCPU"; done
echo "ok: --no-core-compaction keeps all $NCPU CPUs active"

run_low autopilot
echo "$mode" | grep -q '(autopilot)$' || fail "autopilot: mode line '$mode' does not say (autopilot)"
echo "ok: autopilot at low load: $mode"
