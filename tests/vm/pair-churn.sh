#!/bin/sh
# vm: cpus=4 timeout=300
# pair-churn: cgroup bookkeeping of `pair`.
#   1. Cgroups that exist (with running tasks) before attach are tracked: the "cgroups" gauge equals
#      the number of cgroups with the cpu controller, and their tasks get CPU time under pair.
#   2. Churn: 300 cgroups are created, each gets a short task, and removed, 25 at a time, while pair
#      runs. No ejection; afterwards the tracked count is back at its baseline, and back at
#      baseline - 5 when the pre-existing cgroups go too.
#   3. Overflow: with --max-cgroups one above what exists, 6 new cgroups leave 5 untracked. That is
#      reported once (one "warning:" line naming the first untracked cgroup), the scheduler keeps
#      running, the untracked cgroups' tasks all make progress (they share the overflow group), and
#      removing them brings "untracked" back to 0.
. /lib/scxx.sh

CG=/sys/fs/cgroup
P=$CG/churn

cleanup() {
    kill_bg KILL
    [ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
    remove_cgroups "$P"
}
trap cleanup EXIT

cpu_cgroup_parent "$P"


# cpu_cgroups: cgroups the kernel's scheduler sees (the cpu controller is enabled in them).
cpu_cgroups() {
    n=0
    for f in $(find $CG -name cgroup.controllers); do grep -qw cpu "$f" && n=$((n + 1)); done
    echo "$n"
}

# gauge NAME: the value of gauge NAME in the next stats line of /tmp/run.log (lib/scxx.sh's parser),
# or in the last one when none comes within 4 s.
gauge() { stat_next /tmp/run.log "$1" 4 || stat_last /tmp/run.log "$1"; }

# wait_gauge NAME VALUE SECS: the kernel tears a removed cgroup down asynchronously (ops.cgroup_exit
# runs after rmdir returns), so a count settles rather than changing at once. Prints the last value.
wait_gauge() {
    _end=$(( $3 * 10 ))
    _v=$(gauge "$1")
    while [ "$_v" != "$2" ] && [ "$_end" -gt 0 ]; do _v=$(gauge "$1"); _end=$((_end - 10)); done
    echo "$_v"
}

alive() { [ "$(scx_state)" = enabled ] && kill -0 "$pid" 2>/dev/null; }

# --- 1. pre-existing cgroups ---------------------------------------------------------------------
# The spinners run until cgroup.kill ends them. With every vCPU busy, TCG runs each one at a fraction
# of the host's speed, so loading pair can take a minute of guest time: a spinner with a fixed
# duration could be gone before pair is in (that made this check flaky).
PRE=""
for i in 1 2 3 4 5; do
    mkdir $P/pre$i || fail "mkdir pre$i"
    in_cgroup $P/pre$i scxx-work spin 1 3600
    PRE="$PRE $!"
done
usleep 300000
want=$(cpu_cgroups)
scx-run --sched pair --stats 1 > /tmp/run.log 2>&1 &
pid=$!
wait_scx_state enabled 120 || { cat /tmp/run.log; fail "pair never enabled"; }
base=$(gauge cgroups)
echo "cgroups with the cpu controller: $want, tracked by pair: $base"
[ "$base" = "$want" ] || { cat /tmp/run.log; fail "pair tracks $base cgroups, $want exist (pre-existing ones missed?)"; }
# Their tasks run under pair: every pre-existing cgroup gets CPU time (cpu.stat usage_usec) in a 3 s
# window once pair is attached.
usage() { sed -n 's/^usage_usec //p' "$P/pre$1/cpu.stat"; }
u0=""; for i in 1 2 3 4 5; do u0="$u0 $(usage $i)"; done
sleep 3
i=0
for before in $u0; do
    i=$((i + 1))
    ran=$(( $(usage $i) - before ))
    echo "pre$i: ${ran} us of CPU in 3 s under pair"
    [ "$ran" -gt 0 ] || { cat /tmp/run.log; fail "the task of pre-existing cgroup pre$i did not run under pair"; }
done
for i in 1 2 3 4 5; do echo 1 > "$P/pre$i/cgroup.kill"; done
kill_bg
echo "ok: pre-existing cgroups tracked ($base) and their tasks ran under pair"

# --- 2. churn -------------------------------------------------------------------------------------
i=0
while [ $i -lt 300 ]; do
    batch=""
    j=0
    while [ $j -lt 25 ]; do
        d=$P/c$i.$j
        mkdir $d || fail "mkdir $d"
        in_cgroup $d sh -c 'k=0; while [ $k -lt 300 ]; do k=$((k + 1)); done'
        batch="$batch $!"
        j=$((j + 1))
    done
    for p in $batch; do wait "$p" || fail "a churn task failed"; done
    SCXX_BG=""  # all reaped
    j=0
    while [ $j -lt 25 ]; do
        n=0
        while ! rmdir $P/c$i.$j 2>/dev/null; do
            n=$((n + 1)); [ $n -lt 50 ] || fail "cannot remove $P/c$i.$j"; usleep 20000
        done
        j=$((j + 1))
    done
    alive || { cat /tmp/run.log; dump_scx; fail "pair left during the churn (round $i)"; }
    i=$((i + 25))
done
after=$(wait_gauge cgroups "$base" 30)
echo "after 300 cgroups came and went: tracked $after (baseline $base)"
[ "$after" = "$base" ] || { cat /tmp/run.log; fail "tracked count $after did not return to $base"; }
for i in 1 2 3 4 5; do rmdir $P/pre$i || fail "rmdir pre$i"; done
gone=$(wait_gauge cgroups $((base - 5)) 30)
[ "$gone" = $((base - 5)) ] || { cat /tmp/run.log; fail "tracked $gone after removing 5 cgroups, want $((base - 5))"; }
grep -q '^exit:' /tmp/run.log && { cat /tmp/run.log; fail "the scheduler exited during the churn"; }
echo "ok: churn: no ejection, tracked count back to $after, then $gone"
kill -TERM "$pid"; wait "$pid" || { cat /tmp/run.log; fail "scx-run exited non-zero"; }
pid=""
tail -3 /tmp/run.log

# --- 3. --max-cgroups exhausted -------------------------------------------------------------------
now=$(cpu_cgroups)
max=$((now + 1))
scx-run --sched pair --stats 1 --max-cgroups $max > /tmp/run.log 2>&1 &
pid=$!
wait_scx_state enabled 90 || { cat /tmp/run.log; fail "pair --max-cgroups $max never enabled"; }
OVF=""
for i in 1 2 3 4 5 6; do
    mkdir $P/ovf$i || fail "mkdir ovf$i"
    in_cgroup $P/ovf$i scxx-work spin 1 4
    OVF="$OVF $!"
done
n=0
while ! grep -q 'warning: pair: --max-cgroups' /tmp/run.log && [ $n -lt 50 ]; do usleep 100000; n=$((n + 1)); done
untracked=$(wait_gauge untracked 5 30)
echo "max-cgroups $max with $now existing + 6 new: untracked $untracked"
[ "$untracked" = 5 ] || { cat /tmp/run.log; fail "untracked is $untracked, want 5"; }
for p in $OVF; do wait "$p" || { cat /tmp/run.log; fail "a task of an untracked cgroup made no progress"; }; done
SCXX_BG=""  # all reaped
alive || { cat /tmp/run.log; fail "pair left after --max-cgroups ran out"; }
for i in 1 2 3 4 5 6; do rmdir $P/ovf$i || fail "rmdir ovf$i"; done
untracked=$(wait_gauge untracked 0 30)
tracked=$(wait_gauge cgroups "$now" 30)
[ "$untracked" = 0 ] || { cat /tmp/run.log; fail "untracked is $untracked after removing the cgroups"; }
[ "$tracked" = "$now" ] || { cat /tmp/run.log; fail "tracked is $tracked, want $now"; }
kill -TERM "$pid"; wait "$pid"; rc=$?
pid=""
grep -v '^t=' /tmp/run.log
[ "$rc" -eq 0 ] || fail "scx-run exited $rc"
[ "$(grep -c 'warning: pair: --max-cgroups' /tmp/run.log)" -eq 1 ] || fail "the overflow was not reported exactly once"
grep 'warning: pair: --max-cgroups' /tmp/run.log | grep -q "/churn/ovf" || fail "the report does not name the cgroup"
echo "ok: overflow reported once, tasks ran, counts back to tracked $tracked / untracked 0"
