#!/bin/sh
# vm: cpus=4 numa=1 timeout=300 icount=1
# lavd-latcri: latency criticality works and pays off. Four periodic interactive tasks (scxx-latency
# "lat-probe": wake every 5 ms, run 1 ms) and a fifth one (every 7 ms, run 2 ms) share 4 CPUs
# with 6 CPU hogs ("lat-hog"), first under the default kernel scheduler (no sched_ext), then
# under `lavd --monitor 1`, in the same boot. Probe d is pinned to CPU 3, as cyclictest pins its
# threads: before lavd let a pinned task preempt its CPU's task, that probe waited behind a hog
# (p50 / p99 2518 / 6443 us on 7.3) and the pooled p99 failed (5462 against 4709 us); after it,
# 331 / 1900 us, pooled p99 1550 against 5887 us (7.3) and 2200 against 5813 us (7.2). On
# PREEMPT_RT the timer thread (an RT task) wakes the probe after taking the CPU from its hog; until
# lavd let a pinned task go ahead of a hog so interrupted (and stopped renewing the slice of a hog
# at each such interruption) the pinned probe waited 10-30 ms there: p50 / p99 1941 / 11373 us on
# 7.3-rt, after it 383 / 1868 us, pooled p99 1574 against 4179 us (lavd's README, Production
# readiness).
#  - Latency: the probes' wake-up latency, all samples of the four pooled, is judged against the
#    default scheduler's. The VM runs with QEMU --icount (guest time follows executed instructions),
#    so the figures repeat; plain TCG timing would be noise. Asserted, as issue 11 asks: lavd's p99
#    and p50 below the default's, on every kernel, and the p99 at most half of it (since
#    2026-12-07, see below). PREEMPT_RT had a looser bound (p99 below 1.5x
#    the default's) until lavd let a task preempt one a higher sched class interrupted: there the
#    probes are woken by the timer threads (RT). With no probe pinned, lavd failed at 1.07-1.26x in
#    3 of 8 boots (2.1x once in CI) until it stopped rating hogs by the sleeps of their start-up
#    (recent_wait_freq in lat_cri.bpf.c), and measured 0.43-0.65x after that. Measured under QEMU
#    10 (fair vCPU turns; see docs/benchmarks.md), in boots given a dummy kernel argument
#    (scxx.pad=N: a boot repeats exactly, one whose command line or binaries differ diverges, so
#    one run is one sample): p99 0.21-0.36x / 0.20-0.39x and p50 0.12-0.16x / 0.20-0.30x on 7.3 /
#    7.2 (2 boots each, before probe d was pinned), p99 0.38-0.44x and p50 0.21-0.28x on 7.3-rt (3
#    boots, probe d pinned). Since lavd's threshold is the average (--preempt-shift 0) and the
#    default's run waits for a quiet machine (wait_quiet: the boot's crypto self-tests ran beside
#    it), one boot each: p99 1832 against 4057 us, p50 430 against 1098 us on 7.2; p99 1535
#    against 4244 us, p50 322 against 1105 us on 7.3-rt.
#    Under QEMU 7.2, whose vCPU turns starved the vCPUs the timer interrupts were for, this test
#    measured that instead (1.1-1.3x and 1.6-1.8x). Under QEMU 10's own rounds of vCPU turns a
#    probe's timer interrupt could wait a millisecond or more for its vCPU, which set lavd's p99;
#    since 2026-12-07 tools/vm/boot --icount ends every round within 100 us (docs/benchmarks.md,
#    "Rounds of vCPU turns"). With those rounds the test first failed on 7.3-rt (lavd rated hogs
#    by wake-ups of their start-up: p99 6294 against 3876 us; lavd's README, "So is a task that no
#    longer wakes others"; 7.3 passed: p99 395 against 4086 us); after that fix, 7.3-rt boots
#    gave p99 138-209 against 3730-4032 us, 7.3 363 against 3869 us, 7.2 660 against 4164 us.
#    Since then lavd's p99 must also be at most half the default's (issue 11's bound for the
#    interactive workload).
#  - Preemption counters (lavd's stats): nr_preempt_pinned > 0 on every kernel, and on PREEMPT_RT
#    nr_preempt_held > 0 (a probe woken by the timer thread takes the hog that thread interrupted).
#  - Criticality: the monitor's per-task samples must rate the probes more latency-critical than the
#    hogs (mean lat_cri of the probe samples > mean of the hog samples; both must be sampled). A
#    sample is the task a CPU last started, so a probe is caught only while it runs. The four
#    5 ms probes keep one phase against the monitor's 1 s reads, and one boot in about 30 read
#    only hogs every time (in others all 10 reads of a 10 s run caught them); the 7 ms probe's
#    phase moves by about 1 ms per read, so about 2 of every 7 reads meet its 2 ms run (3-21 probe
#    samples in 6 boots of 10 s). The runs are 7 s since 2026-12-06 (CI time): 7 reads, one sweep
#    of the 7 ms probe's phase.
. /lib/scxx.sh

SECS=7
PIDS=""
cleanup() {
    for p in $PIDS ${CRI:-}; do kill -KILL "$p" 2>/dev/null; done
    for e in ${PROBES:-}; do kill -KILL "${e%%:*}" 2>/dev/null; done
    [ -n "${pid:-}" ] && kill -TERM "$pid" 2>/dev/null
    return 0
}
trap cleanup EXIT

# run_mix LABEL: the hogs and the probes for SECS seconds; every process must finish with status 0.
# The probes' result lines go to /tmp/lat.LABEL.
run_mix() {
    PIDS=""
    i=0
    while [ $i -lt 6 ]; do scxx-latency hog $SECS lat-hog > /dev/null & PIDS="$PIDS $!"; i=$((i + 1)); done
    PROBES=""
    for x in a b c d; do
        # probe d pinned to CPU 3, as cyclictest pins its threads: a pinned task's wake-up must
        # preempt like any other (lavd once queued it behind its CPU's hog for the hog's slice)
        pin=""; [ $x = d ] && pin="taskset -c 3"
        SCXX_LATENCY_SAMPLES=/tmp/samples.$1.$x $pin scxx-latency 5000 1000 $SECS lat-probe > /tmp/lat.$1.$x &
        PROBES="$PROBES $!:$x"
    done
    # a fifth, for the criticality check only (its latency is not pooled): 2 ms every 7 ms, so the
    # monitor's 1 s reads fall 1 ms earlier in its period each time and meet its run in 2 of every
    # 7 (1 s = 200 periods of the others: a boot whose reads kept landing between their runs
    # sampled no probe at all)
    scxx-latency 7000 2000 $SECS lat-probe > /tmp/cri.$1 &
    CRI=$!
    for p in $PIDS; do wait "$p" || fail "$1: a hog failed"; done
    wait "$CRI" || { cat /tmp/cri.$1; fail "$1: the 7 ms probe failed"; }
    for e in $PROBES; do wait "${e%%:*}" || { cat /tmp/lat.$1.${e#*:}; fail "$1: probe ${e#*:} failed"; }; done
    PIDS=""; PROBES=""; CRI=""
    cat /tmp/lat.$1.*
}

# field NAME FILE...: the NAME=value fields of the scxx-latency lines, space separated.
field() { _f=$1; shift; sed -n "s/.* $_f=\([0-9]*\).*/\1/p" "$@" | tr '\n' ' '; }
# pooled Q LABEL: the Q-th percentile (nearest rank) of every probe sample of run LABEL, in us.
pooled() { cat /tmp/samples.$2.* | sort -n | awk -v q="$1" '{ v[++n] = $1 }
           END { if (!n) { print "none"; exit } r = int(q / 100 * n + 0.999999); if (r < 1) r = 1; print v[r] }'; }

[ "$(scx_state)" = disabled ] || fail "a sched_ext scheduler is already attached"
# the boot's crypto self-tests must not run beside the default's run
wait_quiet || fail "the machine never went quiet before the default's run"
run_mix default
echo "latency under the default scheduler: p50_us=[ $(field p50_us /tmp/lat.default.*)] p99_us=[ $(field p99_us /tmp/lat.default.*)] pooled p50_us=$(pooled 50 default) p99_us=$(pooled 99 default)"

scx-run --sched lavd --monitor 1 --stats 2 > /tmp/run.log 2>&1 &
pid=$!
wait_scx_state enabled 30 || { cat /tmp/run.log; dump_scx; fail "lavd never enabled"; }
run_mix lavd
echo "latency under lavd:              p50_us=[ $(field p50_us /tmp/lat.lavd.*)] p99_us=[ $(field p99_us /tmp/lat.lavd.*)] pooled p50_us=$(pooled 50 lavd) p99_us=$(pooled 99 lavd)"
[ "$(scx_state)" = enabled ] && kill -0 "$pid" || { cat /tmp/run.log; fail "lavd left during the run"; }
kill -TERM "$pid"; wait "$pid"; rc=$?
pid=""
[ "$rc" -eq 0 ] || { cat /tmp/run.log; fail "scx-run exited $rc"; }

grep '^lavd-task ' /tmp/run.log | grep -E 'comm=lat-(probe|hog) ' | head -20
grep -v '^lavd-task ' /tmp/run.log | tail -6
echo "monitor samples: $(grep -c '^lavd-task ' /tmp/run.log) total, $(grep -c '^lavd-task .* comm=lat-probe ' /tmp/run.log) probe, $(grep -c '^lavd-task .* comm=lat-hog ' /tmp/run.log) hog"
for k in pid comm lat_cri wait_freq wake_freq run_freq avg_runtime_us deadline_us slice_us cpu; do
    grep '^lavd-task ' /tmp/run.log | head -1 | grep -q " $k=" || { grep '^lavd-task ' /tmp/run.log | head -3; fail "monitor line lacks '$k='"; }
done
# mean lat_cri of the samples of each kind
mean() { grep "^lavd-task .* comm=$1 " /tmp/run.log | sed -n 's/.* lat_cri=\([0-9]*\).*/\1/p' |
         awk '{ s += $1; n++ } END { if (n) printf "%d %d\n", s / n, n; else print "none 0" }'; }
set -- $(mean lat-probe); probe=$1; nprobe=$2
set -- $(mean lat-hog); hog=$1; nhog=$2
echo "lat_cri: probe mean $probe over $nprobe samples, hog mean $hog over $nhog samples"
[ "$nprobe" -gt 0 ] || { tail -40 /tmp/run.log; fail "the monitor never sampled the interactive probe"; }
[ "$nhog" -gt 0 ] || { tail -40 /tmp/run.log; fail "the monitor never sampled a hog"; }
[ "$probe" -gt "$hog" ] || fail "the interactive probe (lat_cri $probe) is not rated more latency-critical than the hogs ($hog)"
echo "ok: probe lat_cri $probe > hog lat_cri $hog"

dfl50=$(pooled 50 default); lavd50=$(pooled 50 lavd); dfl99=$(pooled 99 default); lavd99=$(pooled 99 lavd)
case "$dfl50$lavd50$dfl99$lavd99" in *none*) fail "no latency samples (default: $dfl50/$dfl99, lavd: $lavd50/$lavd99)" ;; esac
# below LAVD DEFAULT: is LAVD < DEFAULT?
below() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a + 0 < b + 0) }'; }
below "$lavd99" "$dfl99" || fail "the probes' wake-up p99 under lavd ($lavd99 us) is not below the default scheduler's ($dfl99 us)"
awk -v a="$lavd99" -v d="$dfl99" 'BEGIN { exit !(a + 0 <= d / 2) }' ||
    fail "the probes' wake-up p99 under lavd ($lavd99 us) is more than half the default scheduler's ($dfl99 us)"
below "$lavd50" "$dfl50" || fail "the probes' wake-up p50 under lavd ($lavd50 us) is not below the default scheduler's ($dfl50 us)"
echo "ok: probes' wake-up p50/p99 $lavd50/$lavd99 us under lavd, below the default scheduler's $dfl50 / $dfl99 us (p99 at most half of it)"

# Preemption counters of the last stats line (cumulative): pinned tasks (probe d, and per-CPU kernel
# threads) take their CPU from its task on every kernel; on PREEMPT_RT the timer thread that wakes a
# probe has interrupted a hog, which the probe then preempts (lavd's README: tasks interrupted by a
# higher sched class), so nr_preempt_held must not stay 0 there.
npre=$(stat_last /tmp/run.log nr_preempt) && npin=$(stat_last /tmp/run.log nr_preempt_pinned) &&
    nheld=$(stat_last /tmp/run.log nr_preempt_held) || { tail -20 /tmp/run.log; fail "no nr_preempt, nr_preempt_pinned and nr_preempt_held in lavd's stats"; }
echo "preemptions: $npre, by pinned tasks $npin, of interrupted (held) tasks $nheld"
[ "$npin" -gt 0 ] || fail "no pinned task preempted its CPU's task (nr_preempt_pinned 0), though probe d is pinned among 6 hogs"
rt=no; preempt_rt && rt=yes
echo "PREEMPT_RT kernel: $rt"
if [ $rt = yes ]; then
    [ "$nheld" -gt 0 ] || fail "PREEMPT_RT: no preemption of a task the timer thread interrupted (nr_preempt_held 0)"
fi
echo "ok: pinned tasks preempted $npin times, held tasks were preempted $nheld times"
