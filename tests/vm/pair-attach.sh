#!/bin/sh
# vm: cpus=4 timeout=400
# pair-attach: `pair` attaches for real on 4 CPUs (state enabled, root/ops names it, banner shows the
# default stride-2 pairs and the preemption path), a workload finishes under it, a second scx-run is
# refused with one line, SIGTERM detaches it cleanly (exit status 0, state disabled, "unregistered
# from user space", stats printed). Then the same with each preemption path forced: the ops path
# (cpu_acquire/cpu_release) and the sched_switch tracepoint path. Finally CPU hotplug: offlining a
# CPU restarts the scheduler (scx-run does it) and a workload still completes.
. /lib/scxx.sh

# start_pair LOG ARGS...: run scx-run --sched pair in the background; PID in $pid.
start_pair() {
    _log=$1; shift
    scx-run --sched pair "$@" > "$_log" 2>&1 &
    pid=$!
    wait_scx_state enabled 90 || { cat "$_log"; dump_scx; fail "pair $* never reached state enabled"; }
    n=0
    while ! grep -q '^pair: preemption' "$_log" && [ "$n" -lt 30 ]; do usleep 100000; n=$((n + 1)); done
}

# stop_pair LOG: SIGTERM, expect exit 0, state disabled and a clean exit report.
stop_pair() {
    kill -TERM "$pid"
    wait "$pid"; rc=$?
    cat "$1"
    [ "$rc" -eq 0 ] || fail "scx-run exited $rc after SIGTERM, want 0"
    wait_scx_state disabled 10 || fail "state not disabled after SIGTERM"
    grep -q "unregistered from user space" "$1" || fail "exit report does not say unregistered from user space"
}

start_pair /tmp/run.log --stats 1
echo "ok: state enabled"
ops=$(scx_ops)
[ "$ops" = pair ] || fail "root/ops is '$ops', want 'pair'"
echo "ok: root/ops = $ops"
grep -q '^Pairs: \[0,2\] \[1,3\]$' /tmp/run.log || { cat /tmp/run.log; fail "banner lacks 'Pairs: [0,2] [1,3]'"; }
grep -q '^pair: preemption by higher sched classes: ' /tmp/run.log || fail "banner does not name the preemption path"
echo "ok: banner: $(grep '^Pairs:' /tmp/run.log) / $(grep '^pair: preemption' /tmp/run.log)"

# Preemptions counted while the kernel was still switching tasks over (a fair-class user task,
# e.g. the shell, taking a CPU from a task already on sched_ext) are real ones: the check below
# counts from the first stats line, which comes after the switch (seen once on a loaded host).
n=0
until pre0=$(stat_last /tmp/run.log preemptions 2>/dev/null); do
    [ "$n" -lt 50 ] || { cat /tmp/run.log; fail "no stats line within 5 s of the attach"; }
    usleep 100000; n=$((n + 1))
done
check "workload completes under pair" scxx-work mix 3
# No user task was started in a higher class: kernel threads (PREEMPT_RT's interrupt, softirq and
# timer threads) must not have counted as preemptions (each one used to drain the pair and starve
# its cgroups).
# Those run many times a second on every CPU, far above 3 in this window (at least 4 s) if counted.
# On PREEMPT_RT a user task started in the fair class can still run in a higher class now and then:
# one that holds a sleeping lock an interrupt thread waits for runs boosted to SCHED_FIFO (priority
# inheritance). That is a guess, not reproduced, for the single one counted there once on a loaded
# host: up to 3 are allowed there (and shown), none elsewhere.
usleep 1200000
pre=$(stat_last /tmp/run.log preemptions) || { cat /tmp/run.log; fail "the last stats line has no preemptions"; }
allowed=0; preempt_rt && allowed=3
[ $((pre - pre0)) -le "$allowed" ] || { tail -4 /tmp/run.log; fail "preemptions $pre0 -> $pre with no user task started in a higher class (at most $allowed allowed)"; }
[ "$pre0" = 0 ] || echo "note: $pre0 preemption(s) counted while attaching"
[ "$pre" = "$pre0" ] || echo "note: $((pre - pre0)) preemption(s) tolerated (PREEMPT_RT)"
echo "ok: no preemption counted for kernel threads"
[ "$(scx_state)" = enabled ] || { cat /tmp/run.log; fail "scheduler left during the workload"; }

expect_second_refused pair

usleep 1200000 # one more stats line
stop_pair /tmp/run.log
for s in total dispatched missing kicks preemptions exps exp_waits exp_empty cgrp_next cgrp_coll cgrp_empty cgroups; do
    stat_last /tmp/run.log $s > /dev/null || fail "the last stats line lacks '$s'"
done
echo "ok: clean detach, stats printed"

# Both preemption paths, forced. Both VM kernels have cpu_acquire/cpu_release, so `ops` must work
# and `auto` picks it (checked above through the banner text); `switch` must work everywhere.
for path in ops switch; do
    start_pair /tmp/path.log --preempt-path "$path"
    case $path in
        ops) want='ops.cpu_acquire/cpu_release' ;;
        switch) want='sched_switch tracepoint' ;;
    esac
    grep -q "^pair: preemption by higher sched classes: $want" /tmp/path.log ||
        { cat /tmp/path.log; fail "--preempt-path $path: banner does not say '$want'"; }
    # an RT task preempting sched_ext tasks while a workload runs
    scxx-sched -s fifo -r 10 sh -c 'i=0; while [ $i -lt 20 ]; do usleep 20000; j=0; while [ $j -lt 300 ]; do j=$((j + 1)); done; i=$((i + 1)); done' &
    rt=$!
    # 3 s: the RT task's 20 bursts take up to a second, and while one runs its CPU's partner idles
    # too; on PREEMPT_RT a pipe worker then made only 1-3 round trips in a 2 s window (once 0)
    check "workload completes under pair --preempt-path $path" scxx-work mix 3
    wait "$rt" || fail "the RT task failed"
    [ "$(scx_state)" = enabled ] || { cat /tmp/path.log; fail "--preempt-path $path: scheduler left"; }
    stop_pair /tmp/path.log
    echo "ok: --preempt-path $path"
done

# CPU hotplug: pair has no cpu_online/cpu_offline callbacks, so the kernel unloads it asking for a
# restart and scx-run restarts it (the layout covers all possible CPUs: an offline partner is idle).
cpu=/sys/devices/system/cpu/cpu1/online
[ -w "$cpu" ] || fail "cpu1 cannot be taken offline here"
seq_before=$(enable_seq)
start_pair /tmp/hp.log --max-restarts 4
wait_enabled_since "$seq_before" 30 || { cat /tmp/hp.log; fail "pair's first enable was never counted"; }
seq0=$ENABLED_SEQ
echo 0 > "$cpu" || fail "offlining cpu1 failed"
wait_enabled_since "$seq0" 90 || { cat /tmp/hp.log; fail "pair was not restarted after offlining cpu1"; }
check "workload completes with cpu1 (cpu3's partner) offline" scxx-work mix 2
seq1=$(enable_seq)
echo 1 > "$cpu" || fail "onlining cpu1 failed"
wait_enabled_since "$seq1" 90 || { cat /tmp/hp.log; fail "pair was not restarted after onlining cpu1"; }
stop_pair /tmp/hp.log
[ "$(grep -c restarting /tmp/hp.log)" -ge 1 ] || fail "no restart reported"
echo "ok: restarted on hotplug"
