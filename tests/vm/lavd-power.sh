#!/bin/sh
# vm: cpus=4 numa=1 timeout=240
# lavd-power: core compaction follows the power mode. At low load (one periodic task using ~10% of
# a CPU) `--power-mode powersave` keeps fewer CPUs active than the guest has (nr_active < 4 in the last
# stats lines) and the busy time measured in /proc/stat stays on that many CPUs, `--power-mode performance`
# keeps all of them (nr_active = 4 in every line), and so does `--power-mode balanced --no-core-compaction`. Each run prints its nr_active series and power mode; the
# autopilot's choice at this load is printed, not asserted.
. /lib/scxx.sh

NCPU=$(grep -c '^processor' /proc/cpuinfo)
[ "$NCPU" -eq 4 ] || fail "expected 4 CPUs, have $NCPU"

# run_low LABEL ARGS...: lavd with ARGS under the low load for 8 s; the nr_active values of the
# stats lines after the first two (warm-up: compaction starts from every CPU active) go to $series,
# and the per-CPU shares of busy time over the same window (from the second line on) to
# /tmp/LABEL.shares.
run_low() {
    _label=$1; shift
    scx-run --sched lavd --stats 1 "$@" > /tmp/$_label.log 2>&1 &
    _pid=$!
    wait_scx_state enabled 30 || { cat /tmp/$_label.log; fail "$_label: lavd never enabled"; }
    scxx-latency 10000 1000 8 low-load > /tmp/$_label.lat &
    _lp=$!
    stat_wait /tmp/$_label.log 2 10 || { cat /tmp/$_label.log; fail "$_label: fewer than 2 stats lines"; }
    busy_snapshot /tmp/$_label.before
    wait $_lp || { cat /tmp/$_label.lat; fail "$_label: the low-load task failed"; }
    busy_snapshot /tmp/$_label.after
    shares /tmp/$_label.before /tmp/$_label.after > /tmp/$_label.shares
    [ "$(scx_state)" = enabled ] || { cat /tmp/$_label.log; fail "$_label: lavd left"; }
    kill -TERM $_pid; wait $_pid || { cat /tmp/$_label.log; fail "$_label: scx-run failed"; }
    # every stats line's nr_active and the last one's power mode (lib/scxx.sh's parser)
    stat_all /tmp/$_label.log nr_active > /tmp/$_label.active || { cat /tmp/$_label.log; fail "$_label: no nr_active series"; }
    warmup=$(head -2 /tmp/$_label.active | tr '\n' ' ')
    series=$(tail -n +3 /tmp/$_label.active | tr '\n' ' ')
    mode=$(stat_last /tmp/$_label.log power_mode) || { cat /tmp/$_label.log; fail "$_label: no power_mode"; }
    echo "$_label ($*): nr_active [ $warmup| $series] power_mode: $mode; $(cat /tmp/$_label.lat)"
    echo "$_label: per-CPU share of busy time (/proc/stat): $(tr '\n' ' ' < /tmp/$_label.shares)"
    [ "$(echo $series | wc -w)" -ge 3 ] || { cat /tmp/$_label.log; fail "$_label: fewer than 3 stats lines after warm-up"; }
}

run_low powersave --power-mode powersave
[ "$mode" = powersave ] || fail "powersave: power_mode is '$mode'"
for v in $(echo $series | tr ' ' '\n' | tail -3); do
    [ "$v" -lt "$NCPU" ] || fail "powersave: nr_active $v in the last 3 lines is not below $NCPU at low load"
done
echo "ok: powersave compacts (last nr_active $(echo $series | tr ' ' '\n' | tail -1) < $NCPU)"
# ... and the work really runs on the active CPUs: measured by the kernel over the same window, the
# CPUs that did a real part (>= 25%) of the busy time are no more than the most CPUs powersave kept
# active. (Per-CPU kernel threads still run on inactive CPUs: small shares are not judged.)
most=$(echo $series | tr ' ' '\n' | sort -n | tail -1)
busy_cpus=$(awk '$2 >= 25' /tmp/powersave.shares | wc -l)
[ "$busy_cpus" -le "$most" ] ||
    { cat /tmp/powersave.log; fail "powersave: $busy_cpus CPUs did >= 25% of the work, but at most $most were active"; }
echo "ok: powersave: $busy_cpus CPU(s) did >= 25% of the work, at most $most active"

run_low performance --power-mode performance
[ "$mode" = performance ] || fail "performance: power_mode is '$mode'"
for v in $series; do [ "$v" -eq "$NCPU" ] || fail "performance: nr_active $v, want $NCPU"; done
echo "ok: performance keeps all $NCPU CPUs active"

run_low nocompact --power-mode balanced --no-core-compaction
for v in $series; do [ "$v" -eq "$NCPU" ] || fail "--no-core-compaction: nr_active $v, want $NCPU"; done
echo "ok: --no-core-compaction keeps all $NCPU CPUs active"

run_low autopilot
case $mode in *" (autopilot)") ;; *) fail "autopilot: power_mode '$mode' does not say (autopilot)" ;; esac
echo "ok: autopilot at low load: $mode"
