#!/bin/sh
# vm: cpus=4 timeout=300
# pair-invariant: the `pair` scheduler's core-scheduling invariant, checked by an independent
# observer (scx-corun, tools/observer: a sched_switch tracepoint that reads the partner CPU's rq->curr;
# no sched_ext involved). Invariant: the two CPUs of a pair never run tasks of two different non-root
# cgroups at the same instant. Workload: cgroups corun-a and corun-b, 2 CPU hogs in each, plus a pipe
# (dd producer -> cat consumer) crossing from a to b.
#   phase 0  default scheduler, only corun-a busy       -> observer must report 0 (invents nothing)
#   phase 1  default scheduler, both cgroups busy        -> observer must report > 0 (it can see them)
#   phase 2  scx-run --sched pair, both cgroups busy     -> 0 violations; SIGTERM -> exit 0, disabled
# Phase 2 FAILS (never skips) while scx-run has no `pair` scheduler.
. /lib/scxx.sh

CG=/sys/fs/cgroup
A=$CG/corun-a
B=$CG/corun-b
FIFO=/tmp/corun.fifo
SCX_PID=""

stop_workload() {
    kill_bg TERM
    rm -f "$FIFO"
}

cleanup() {
    stop_workload
    if [ -n "$SCX_PID" ]; then
        kill -TERM "$SCX_PID" 2>/dev/null
        wait "$SCX_PID" 2>/dev/null
        SCX_PID=""
    fi
    for d in "$A" "$B"; do
        [ -d "$d" ] || continue
        n=0
        while ! rmdir "$d" 2>/dev/null && [ "$n" -lt 20 ]; do usleep 100000; n=$((n + 1)); done
        [ -d "$d" ] && echo "warning: could not remove $d"
    done
}
trap cleanup EXIT


# start_workload HOG_CG1 HOG_CG2 PRODUCER_CG CONSUMER_CG: 2 hogs in each of the first two cgroups,
# a dd | cat pipe from the producer's cgroup to the consumer's.
start_workload() {
    for cg in "$1" "$1" "$2" "$2"; do in_cgroup "$cg" sh -c 'while :; do :; done'; done
    rm -f "$FIFO"
    mkfifo "$FIFO" || fail "mkfifo $FIFO"
    in_cgroup "$4" sh -c "exec cat $FIFO > /dev/null"
    in_cgroup "$3" sh -c "exec dd if=/dev/zero of=$FIFO bs=64 count=2000000000 2>/dev/null"
    usleep 300000
    for p in $SCXX_BG; do kill -0 "$p" 2>/dev/null || fail "workload process $p died at start"; done
}

# nr_procs DIR: number of processes in cgroup DIR.
nr_procs() { wc -l < "$1/cgroup.procs"; }

# observe NAME SECS PAIR-ARGS...: run scx-corun, print its output, set VIOLATIONS and CHECKS.
observe() {
    _name=$1; _secs=$2; shift 2
    scx-corun "$@" --duration "$_secs" > "/tmp/corun.$_name.log" 2>&1
    _rc=$?
    sed "s/^/  [$_name] /" "/tmp/corun.$_name.log"
    [ "$_rc" -eq 0 ] || fail "$_name: scx-corun exited $_rc"
    _line=$(grep '^corun: checks=' "/tmp/corun.$_name.log")
    [ -n "$_line" ] || fail "$_name: no summary line from scx-corun"
    CHECKS=$(echo "$_line" | sed -n 's/^corun: checks=\([0-9]*\) .*/\1/p')
    VIOLATIONS=$(echo "$_line" | sed -n 's/^corun: checks=[0-9]* violations=\([0-9]*\) .*/\1/p')
    if [ -z "$CHECKS" ] || [ -z "$VIOLATIONS" ]; then fail "$_name: cannot parse '$_line'"; fi
}

NCPU=$(nproc)
[ "$NCPU" -ge 2 ] || fail "need at least 2 CPUs, have $NCPU"
STRIDE="--stride $((NCPU / 2))"
[ "$(scx_state)" = disabled ] || fail "sched_ext state is '$(scx_state)' at start, want disabled"

mkdir -p "$A" "$B" || fail "cannot create cgroups under $CG"
# The cpu controller is not required for the invariant; enable it when available (best effort).
grep -qw cpu "$CG/cgroup.controllers" 2>/dev/null && echo +cpu > "$CG/cgroup.subtree_control" 2>/dev/null
echo "ok: cgroups $A $B (subtree_control: $(cat "$CG/cgroup.subtree_control" 2>/dev/null))"

# --- phase 0: default scheduler, only corun-a busy: no violation is possible ---------------------
start_workload "$A" "$A" "$A" "$A"
[ "$(nr_procs "$A")" -eq 6 ] || fail "phase 0: corun-a has $(nr_procs "$A") processes, want 6"
[ "$(nr_procs "$B")" -eq 0 ] || fail "phase 0: corun-b is not empty"
# shellcheck disable=SC2086
observe phase0 3 $STRIDE
stop_workload
echo "default scheduler, one cgroup: checks=$CHECKS violations=$VIOLATIONS"
[ "$CHECKS" -gt 0 ] || fail "phase 0: the observer made no checks (the hogs in corun-a never switched in?)"
[ "$VIOLATIONS" -eq 0 ] || fail "phase 0: $VIOLATIONS violations with only one cgroup busy (observer invents them)"
echo "ok: phase 0 (observer reports no violation when none is possible)"

# --- phase 1: default scheduler, both cgroups busy: violations must be seen ----------------------
start_workload "$A" "$B" "$A" "$B"
if [ "$(nr_procs "$A")" -ne 3 ] || [ "$(nr_procs "$B")" -ne 3 ]; then
    fail "phase 1: corun-a/b have $(nr_procs "$A")/$(nr_procs "$B") processes, want 3/3"
fi
# shellcheck disable=SC2086
observe phase1 5 $STRIDE
stop_workload
echo "default scheduler: checks=$CHECKS violations=$VIOLATIONS"
[ "$VIOLATIONS" -gt 0 ] || fail "phase 1: no violation under the default scheduler: the observer sees nothing"
echo "ok: phase 1 (observer detects violations under the default scheduler)"

# --- phase 2: the pair scheduler: no violation allowed -------------------------------------------
scx-run --list > /tmp/list.log 2>&1
grep -q '^pair' /tmp/list.log || { cat /tmp/list.log; fail "phase 2: scx-run has no 'pair' scheduler (scx-run --list above)"; }
scx-run --sched pair > /tmp/pair.log 2>&1 &
SCX_PID=$!
wait_scx_state enabled 90 || { cat /tmp/pair.log; dump_scx; fail "phase 2: pair never reached state enabled"; }
echo "ok: pair enabled"
# The pairs the scheduler chose, from its banner "Pairs: [0,2] [1,3]" (printed right after attach).
n=0
while ! grep -q 'Pairs:' /tmp/pair.log && [ "$n" -lt 20 ]; do usleep 100000; n=$((n + 1)); done
PAIRS=$(grep -m1 'Pairs:' /tmp/pair.log | grep -o '\[[0-9]*,[0-9]*\]' | tr -d '[]' | tr ',' ':' | tr '\n' ',' | sed 's/,$//')
if [ -n "$PAIRS" ]; then PAIR_ARGS="--pairs $PAIRS"; else PAIR_ARGS=$STRIDE; fi
echo "observer pairs: $PAIR_ARGS"
start_workload "$A" "$B" "$A" "$B"
# shellcheck disable=SC2086
observe phase2 10 $PAIR_ARGS
stop_workload
echo "pair scheduler: checks=$CHECKS violations=$VIOLATIONS"
[ "$(scx_state)" = enabled ] || { cat /tmp/pair.log; dump_scx; fail "phase 2: pair left during the workload"; }
[ "$CHECKS" -gt 0 ] || fail "phase 2: the observer made no checks"
[ "$VIOLATIONS" -eq 0 ] || { cat /tmp/pair.log; fail "phase 2: $VIOLATIONS violations of the pair invariant under pair"; }
echo "ok: phase 2 (no violation under pair)"

kill -TERM "$SCX_PID"
wait "$SCX_PID"; rc=$?
SCX_PID=""
cat /tmp/pair.log
[ "$rc" -eq 0 ] || fail "scx-run --sched pair exited $rc after SIGTERM, want 0"
wait_scx_state disabled 10 || fail "state not disabled after SIGTERM"
echo "ok: pair detached cleanly"
