#!/bin/sh
# vm: cpus=4 numa=1 timeout=330
# lavd-stress: 40 s of mixed stress under `lavd` (default options): 4 CPU hogs, 3 pipe pairs
# (dd -> cat through FIFOs, all data must arrive), fork churn (scxx-work fork) and pipe workers,
# sleepers, and a periodic interactive task. Every workload process must complete successfully and
# the scheduler must not be ejected (state enabled all along, no exit report before SIGTERM, clean
# unregister at the end). Then 13 s of the same with --per-cpu-dsq --power-mode powersave --no-wake-sync
# --no-slice-boost, which take other paths through the scheduler. SCXX_STRESS_SECS (kernel parameter
# scxx.stress_secs) shortens both phases on the compatibility kernels (the second to a third of it,
# at least 5 s).
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

stress default "${SCXX_STRESS_SECS:-40}"
opt_secs=$(( ${SCXX_STRESS_SECS:-40} / 3 )); [ "$opt_secs" -ge 5 ] || opt_secs=5  # at least 5 s (compat kernels: 8 / 3)
stress options "$opt_secs" --per-cpu-dsq --power-mode powersave --no-wake-sync --no-slice-boost
