#!/bin/sh
# vm: cpus=4 numa=1 timeout=330
# lavd-stress: 40 s of mixed stress under `lavd` (default options): 4 CPU hogs, 3 pipe pairs
# (dd -> cat through FIFOs, all data must arrive), fork churn (scxx-work fork) and pipe workers,
# sleepers, and a periodic interactive task. Every workload process must complete successfully and
# the scheduler must not be ejected (state enabled all along, no exit report before SIGTERM, clean
# unregister at the end). Then 13 s of the same with --per-cpu-dsq --power-mode powersave --no-wake-sync
# --no-slice-boost, which take other paths through the scheduler. SCXX_STRESS_SECS (kernel parameter
# scxx.stress_secs) shortens both phases on the compatibility kernels (the second to a third of it,
# at least 5 s). Between the two, pins (below) checks lavd's count of pinned waiters.
. /lib/scxx.sh

PIDS=""
XP=""
pid=""
cleanup() {
    for p in $PIDS; do kill -KILL "$p" 2>/dev/null; done
    [ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
    rm -f /tmp/xpipe.*
}
trap cleanup EXIT

# xpipe NAME BLOCKS: BLOCKS x 4 KiB through a FIFO from dd to cat.
xpipe() {
    rm -f /tmp/xpipe.$1 /tmp/xpipe.$1.out
    mkfifo /tmp/xpipe.$1 || fail "mkfifo"
    sh -c "exec cat /tmp/xpipe.$1 > /tmp/xpipe.$1.out" & XP="$XP $!:$1:$2"
    sh -c "exec dd if=/dev/zero of=/tmp/xpipe.$1 bs=4096 count=$2 2>/dev/null" & XP="$XP $!:$1:0"
}

# stress LABEL SECS ARGS...: lavd with ARGS under the whole mix for SECS seconds.
stress() {
    label=$1; secs=$2; shift 2
    seq_before=$(enable_seq)
    scx-run --sched lavd --stats 5 "$@" > /tmp/$label.log 2>&1 &
    pid=$!
    wait_enabled_since "$seq_before" 30 || { cat /tmp/$label.log; dump_scx; fail "$label: lavd never enabled"; }
    seq=$ENABLED_SEQ
    PIDS=""; XP=""
    i=0
    while [ $i -lt 4 ]; do scxx-latency hog "$secs" stress-hog > /dev/null & PIDS="$PIDS $!"; i=$((i + 1)); done
    scxx-work fork 2 "$secs" > /tmp/$label.fork & PIDS="$PIDS $!"
    scxx-work pipe 2 "$secs" > /tmp/$label.pipe & PIDS="$PIDS $!"
    scxx-work sleep 2 "$secs" > /tmp/$label.sleep & PIDS="$PIDS $!"
    scxx-latency 4000 500 "$secs" stress-probe > /tmp/$label.lat & PIDS="$PIDS $!"
    # 20 MiB per pipe pair: it must all arrive, however long the mix makes it take
    for x in a b c; do xpipe $label$x 5000; done
    t0=$(date +%s)
    for p in $PIDS; do wait "$p" || { cat /tmp/$label.fork /tmp/$label.pipe /tmp/$label.sleep /tmp/$label.lat 2>/dev/null; fail "$label: workload process $p failed"; }; done
    for e in $XP; do
        p=${e%%:*}; rest=${e#*:}; name=${rest%%:*}; blocks=${rest#*:}
        wait "$p" || fail "$label: pipe $name process $p failed"
        if [ "$blocks" != 0 ]; then
            got=$(wc -c < /tmp/xpipe.$name.out)
            [ "$got" -eq $((blocks * 4096)) ] || fail "$label: pipe $name delivered $got bytes, want $((blocks * 4096))"
        fi
    done
    PIDS=""; XP=""
    cat /tmp/$label.fork /tmp/$label.pipe /tmp/$label.sleep /tmp/$label.lat
    echo "ok: $label: every workload completed ($(( $(date +%s) - t0 )) s after the start)"
    [ "$(scx_state)" = enabled ] && kill -0 "$pid" || { cat /tmp/$label.log; dump_scx; fail "$label: lavd was ejected"; }
    [ "$(enable_seq)" = "$seq" ] || { cat /tmp/$label.log; fail "$label: lavd was re-enabled (ejected and restarted?)"; }
    grep -q '^exit:' /tmp/$label.log && { cat /tmp/$label.log; fail "$label: lavd exited during the stress"; }
    kill -TERM "$pid"; wait "$pid"; rc=$?
    pid=""
    cat /tmp/$label.log
    [ "$rc" -eq 0 ] || fail "$label: scx-run exited $rc"
    grep -q "unregistered from user space" /tmp/$label.log || fail "$label: unexpected exit report"
    wait_scx_state disabled 10 || fail "$label: not disabled after SIGTERM"
    rm -f /tmp/xpipe.*
    echo "ok: $label: no ejection, clean detach"
}

# pins: pinned tasks leave lavd's count of pinned waiters (nr_pinned, which caps the slices on their
# CPU) however they stop waiting: 4 CPU hogs pinned to CPU 3 (3 of them wait at any time), then 2 of
# them widened to every CPU and the other 2 moved to SCHED_FIFO, which takes a waiting one out of
# sched_ext without a run there (ops.disable uncounts it). The FIFO hogs are then stopped (SIGSTOP:
# alive, so no exit path uncounts them, and CPU 3's per-CPU kernel threads no longer wait behind
# them, which on 6.19 they did at every round); with the widened ones still running, nr_pinned must
# read 0 in one of the next 3 stats lines (a per-CPU kernel thread may wait at one round). The
# widened hogs run soon after, and ops.running uncounts them too, so that half checks the gauge,
# not ops.enqueue's recount.
pins() {
    seq_before=$(enable_seq)
    scx-run --sched lavd --stats 1 > /tmp/pins.log 2>&1 &
    pid=$!
    wait_enabled_since "$seq_before" 30 || { cat /tmp/pins.log; dump_scx; fail "pins: lavd never enabled"; }
    PIDS=""
    i=0
    while [ $i -lt 4 ]; do taskset -c 3 scxx-latency hog 30 pin-hog > /dev/null & PIDS="$PIDS $!"; i=$((i + 1)); done
    sleep 1  # the next stats line is then from a round with the hogs on CPU 3
    n=$(stat_next /tmp/pins.log nr_pinned 5) || { cat /tmp/pins.log; fail "pins: no nr_pinned in lavd's stats"; }
    echo "pins: 4 hogs pinned to CPU 3: nr_pinned=$n"
    [ "${n%%.*}" -ge 1 ] || { cat /tmp/pins.log; fail "pins: nr_pinned is $n while 4 hogs share CPU 3"; }
    i=0; fifo=""; wide=""
    for p in $PIDS; do
        if [ $i -lt 2 ]; then taskset -p -c 0-3 "$p" > /dev/null || fail "pins: widening $p failed"; wide="$wide $p"
        else scxx-sched -p "$p" -s fifo -r 1 > /dev/null || fail "pins: moving $p to SCHED_FIFO failed"; fifo="$fifo $p"; fi
        i=$((i + 1))
    done
    sleep 1
    for p in $fifo; do kill -STOP "$p" || fail "pins: stopping $p failed"; done
    zero=0; seen=""
    for k in 1 2 3; do
        n=$(stat_next /tmp/pins.log nr_pinned 5) || { cat /tmp/pins.log; fail "pins: no fresh nr_pinned"; }
        seen="$seen $n"; [ "${n%%.*}" = 0 ] && zero=1
    done
    [ "$(scx_state)" = enabled ] && kill -0 "$pid" && [ "$(enable_seq)" = "$ENABLED_SEQ" ] ||
        { cat /tmp/pins.log; dump_scx; fail "pins: lavd was ejected or restarted"; }
    for p in $PIDS; do kill -KILL "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
    PIDS=""
    [ $zero = 1 ] || { cat /tmp/pins.log; fail "pins: lavd still counts pinned waiters after they were widened or left for SCHED_FIFO (nr_pinned:$seen)"; }
    echo "ok: pins: widened and SCHED_FIFO hogs no longer counted (nr_pinned:$seen)"
    kill -TERM "$pid"; wait "$pid"; rc=$?
    pid=""
    [ "$rc" -eq 0 ] || { cat /tmp/pins.log; fail "pins: scx-run exited $rc"; }
    wait_scx_state disabled 10 || fail "pins: not disabled after SIGTERM"
}

stress default "${SCXX_STRESS_SECS:-40}"
pins
opt_secs=$(( ${SCXX_STRESS_SECS:-40} / 3 )); [ "$opt_secs" -ge 5 ] || opt_secs=5  # at least 5 s (compat kernels: 8 / 3, rt: 16 / 3)
stress options "$opt_secs" --per-cpu-dsq --power-mode powersave --no-wake-sync --no-slice-boost
