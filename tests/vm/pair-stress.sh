#!/bin/sh
# vm: cpus=4 timeout=300
# pair-stress: 30 s of stress under `pair` (default options): four cgroups, each with two CPU hogs
# and a pipe worker (scxx-work), plus two pipes whose producer and consumer sit in different
# cgroups (they can never share a pair at the same time, so every transfer needs the pairs to
# switch cgroups). Every workload process must complete (scxx-work: every worker made progress;
# pipes: all data through), and the kernel's watchdog must not eject the scheduler. Then 12 s with
# the sched_switch preemption path and an RT task preempting sched_ext tasks; when the image has
# the independent observer (scx-corun), it must see no two cgroups co-running on a pair.
. /lib/scxx.sh
# SCXX_STRESS_SECS (kernel parameter scxx.stress_secs) shortens the first phase on compatibility kernels.
secs=${SCXX_STRESS_SECS:-30}

P=/sys/fs/cgroup/stress
pid=""

cleanup() {
    kill_bg KILL
    [ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
    remove_cgroups "$P"
    rm -f /tmp/xpipe.*
}
trap cleanup EXIT


# xpipe NAME FROM TO BLOCKS: BLOCKS x 4 KiB from a producer in cgroup FROM to a consumer in TO.
xpipe() {
    rm -f /tmp/xpipe.$1
    mkfifo /tmp/xpipe.$1 || fail "mkfifo"
    in_cgroup "$3" sh -c "exec cat /tmp/xpipe.$1 > /tmp/xpipe.$1.out"
    XP="$XP $!:$1:$4"
    in_cgroup "$2" sh -c "exec dd if=/dev/zero of=/tmp/xpipe.$1 bs=4096 count=$4 2>/dev/null"
    XP="$XP $!:$1:0"
}

# finish LABEL: wait for every background workload; each must exit 0 (and a consumer must have
# received all its data).
finish() {
    for e in $XP; do
        p=${e%%:*}; rest=${e#*:}; name=${rest%%:*}; blocks=${rest#*:}
        wait "$p" || fail "$1: pipe $name process $p failed"
        if [ "$blocks" != 0 ]; then
            got=$(wc -c < /tmp/xpipe.$name.out)
            [ "$got" -eq $((blocks * 4096)) ] || fail "$1: pipe $name delivered $got bytes, want $((blocks * 4096))"
        fi
    done
    for p in $WORK; do wait "$p" || fail "$1: a scxx-work run starved (pid $p)"; done
    XP=""; WORK=""; SCXX_BG=""
}

cpu_cgroup_parent "$P"
for i in 1 2 3 4; do mkdir $P/s$i || fail "mkdir s$i"; done

# --- 30 s, default options ------------------------------------------------------------------------
scx-run --sched pair --stats 5 > /tmp/run.log 2>&1 &
pid=$!
wait_scx_state enabled 90 || { cat /tmp/run.log; fail "pair never enabled"; }
WORK=""; XP=""
for i in 1 2 3 4; do
    in_cgroup $P/s$i scxx-work spin 2 "$secs"; WORK="$WORK $!"
    in_cgroup $P/s$i scxx-work pipe 1 "$secs"; WORK="$WORK $!"
done
xpipe a $P/s1 $P/s2 $((secs * 100))
xpipe b $P/s3 $P/s4 $((secs * 100))
t0=$(date +%s)
finish "default"
echo "ok: every workload completed after $(( $(date +%s) - t0 )) s"
[ "$(scx_state)" = enabled ] && kill -0 "$pid" || { cat /tmp/run.log; dump_scx; fail "pair was ejected"; }
grep -q '^exit:' /tmp/run.log && { cat /tmp/run.log; fail "pair exited during the stress"; }
kill -TERM "$pid"; wait "$pid"; rc=$?
pid=""
cat /tmp/run.log
[ "$rc" -eq 0 ] || fail "scx-run exited $rc"
grep -q "unregistered from user space" /tmp/run.log || fail "unexpected exit report"
echo "ok: no ejection"

# --- 12 s, sched_switch preemption path, an RT task, the observer ---------------------------------
scx-run --sched pair --preempt-path switch --stats 4 > /tmp/run2.log 2>&1 &
pid=$!
wait_scx_state enabled 90 || { cat /tmp/run2.log; fail "pair --preempt-path switch never enabled"; }
for i in 1 2; do
    in_cgroup $P/s$i scxx-work spin 2 12; WORK="$WORK $!"
done
xpipe c $P/s3 $P/s4 1500
scxx-sched -s fifo -r 20 sh -c 'i=0; while [ $i -lt 300 ]; do usleep 30000; j=0; while [ $j -lt 200 ]; do j=$((j + 1)); done; i=$((i + 1)); done' &
rt=$!
command -v scx-corun > /dev/null || fail "scx-corun is not in the image (tests/vm/meson.build puts it there)"
scx-corun --pairs 0:2,1:3 --duration 10 > /tmp/corun.log 2>&1 || { cat /tmp/corun.log; fail "scx-corun failed"; }
cat /tmp/corun.log
grep -q '^corun: checks=[0-9]* violations=0 ' /tmp/corun.log || fail "the observer saw two cgroups co-running on a pair"
echo "ok: observer: no violation"
finish "switch path"
wait "$rt" || fail "the RT task failed"
[ "$(scx_state)" = enabled ] && kill -0 "$pid" || { cat /tmp/run2.log; dump_scx; fail "pair (switch path) was ejected"; }
kill -TERM "$pid"; wait "$pid"; rc=$?
pid=""
cat /tmp/run2.log
[ "$rc" -eq 0 ] || fail "scx-run --preempt-path switch exited $rc"
pre=$(stat_last /tmp/run2.log preemptions) || fail "the last stats line of the switch path run has no preemptions"
[ "$pre" -gt 0 ] || fail "the switch path counted no preemption by the RT task"
echo "ok: switch path: workloads completed, $pre preemptions seen, clean detach"
