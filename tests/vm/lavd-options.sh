#!/bin/sh
# vm: cpus=4 numa=1 timeout=150
# lavd-options: every unknown-word or out-of-range `lavd` option is refused before anything is
# loaded, with a one-line error naming the option and a non-zero exit: the kernel stays as it was
# (state disabled, enable_seq unchanged, nothing in bpffs). --help lists every option. Good values
# still attach: each power mode, and --cpu-pref-order (its order shows in the banner).
. /lib/scxx.sh

l() { _desc=$1; _pat=$2; shift 2; expect_error "$_desc" "$_pat" scx-run --sched lavd "$@"; }

# one power mode, by name
l "power-mode not a mode" "power-mode.*autopilot, performance, balanced, powersave" --power-mode turbo
l "power-mode empty" "power-mode" --power-mode ""
# slices
l "slice-min above slice-max" "slice-m(in|ax)-us" --slice-min-us 6000 --slice-max-us 5000
l "slice-max 0" "slice-max-us" --slice-max-us 0
l "slice-min 0" "slice-min-us" --slice-min-us 0
l "slice-max not a number" "slice-max-us" --slice-max-us fast
l "pinned-slice negative" "pinned-slice-us" --pinned-slice-us -1
# preemption shift 0..10
l "preempt-shift 11" "preempt-shift" --preempt-shift 11
l "preempt-shift -1" "preempt-shift" --preempt-shift -1
# percentages
l "lat-load-target-pct 101" "lat-load-target-pct" --lat-load-target-pct 101
l "lb-low-util-pct 101" "lb-low-util-pct" --lb-low-util-pct 101
l "lb-local-dsq-util-pct 101" "lb-local-dsq-util-pct" --lb-local-dsq-util-pct 101
l "lb-low-util-pct negative" "lb-low-util-pct" --lb-low-util-pct -5
# monitor interval
l "monitor negative" "monitor" --monitor -1
l "monitor not a number" "monitor" --monitor often
# CPU preference order (4 CPUs here)
l "pref order: CPU out of range" "cpu-pref-order.*CPU 9" --cpu-pref-order 0-9
l "pref order: duplicate" "cpu-pref-order.*CPU 1 is named twice" --cpu-pref-order 1,0-3
l "pref order: bad token" "cpu-pref-order.*not a CPU list" --cpu-pref-order 0,x
l "pref order: empty" "cpu-pref-order" --cpu-pref-order ""
# unknown option
l "unknown option" "no-such-option" --no-such-option

# --help documents every option
scx-run --sched lavd --help > /tmp/help.log 2>&1 || { cat /tmp/help.log; fail "--help failed"; }
for o in power-mode no-core-compaction slice-max-us slice-min-us pinned-slice-us \
         preempt-shift lat-load-target-pct lb-low-util-pct lb-local-dsq-util-pct no-preemption no-wake-sync \
         no-slice-boost no-freq-scaling no-futex-boost per-cpu-dsq cpu-pref-order monitor; do
    grep -q -- "--$o" /tmp/help.log || { cat /tmp/help.log; fail "--help lacks --$o"; }
done
echo "ok: --help lists every option"

# good values attach and detach on their own
for mode in performance balanced powersave autopilot; do
    scx-run --sched lavd --power-mode $mode --stats 1 --duration 3 > /tmp/ok.log 2>&1 || { cat /tmp/ok.log; fail "--power-mode $mode failed"; }
    wait_scx_state disabled 10 || fail "--$mode: not disabled after --duration"
    m=$(stat_last /tmp/ok.log power_mode) || { cat /tmp/ok.log; fail "--$mode: the last stats line has no power_mode"; }
    case $mode in
        autopilot) case $m in *" (autopilot)") ;; *) cat /tmp/ok.log; fail "--autopilot: power_mode '$m'" ;; esac ;;
        *) [ "$m" = "$mode" ] || { cat /tmp/ok.log; fail "--$mode: power_mode '$m'"; } ;;
    esac
    echo "ok: --$mode -> power_mode: $m"
done
scx-run --sched lavd --cpu-pref-order 3-0 --duration 2 > /tmp/ok.log 2>&1 || { cat /tmp/ok.log; fail "--cpu-pref-order 3-0 failed"; }
grep -q 'order performance (--cpu-pref-order): 3-0' /tmp/ok.log || { cat /tmp/ok.log; fail "banner does not show the given order"; }
wait_scx_state disabled 10 || fail "not disabled after --cpu-pref-order run"
echo "ok: --cpu-pref-order 3-0 -> $(grep 'order performance' /tmp/ok.log)"
[ -z "$(ls /sys/fs/bpf)" ] || fail "bpffs has leftovers: $(ls /sys/fs/bpf)"
