#!/bin/sh
# vm: cpus=4 timeout=3600
# bench: the guest side of tools/bench (run as the VM scenario "bench"). Runs the kernel's default
# scheduler, then each scheduler of the plan, then the default again, through every workload of
# /bench/workloads, and writes the raw results, line by line, to $SCXX_OUT (tools/bench parses them;
# the format is in tools/benchmark/results.py). Progress goes to the console as BENCH-PROGRESS lines.
# Kernel command line (set by tools/bench):
#   scxx.bench_plan=B64      base64 of "NAME<TAB>OPTIONS" lines, one per scheduler to run
#   scxx.bench_workloads=W,W the workloads, in order
#   scxx.bench_reps=N        timed runs per workload (bpf_stats off); a scheduler also gets one more
#                            run with bpf_stats on for its BPF cost. N=0: that run is the only one
#                            (--quick) and its figures are the timed ones too.
# Exit status: 0 when every run of every phase succeeded; 1 otherwise (the results so far are kept).
. /lib/scxx.sh

out=${SCXX_OUT:?"no --out port (SCXX_OUT)"}
reps=${SCXX_BENCH_REPS:-3}
workloads=$(echo "${SCXX_BENCH_WORKLOADS:?}" | tr , ' ')
printf '%s' "${SCXX_BENCH_PLAN:?}" | base64 -d > /tmp/plan || fail "scxx.bench_plan is not base64"
emit() { printf '%s\n' "$*" >> "$out"; }
errors=0
error() { echo "BENCH-ERROR: $*"; emit "@error $*"; errors=$((errors + 1)); }

nphases=$(($(wc -l < /tmp/plan) + 2))
nwork=$(echo $workloads | wc -w)
stats() { echo "$1" > /proc/sys/kernel/bpf_stats_enabled; }
stats 0

# one_run PHASE LABEL WORKLOAD REP STATS: one run of a workload, its lines and BPF deltas to $out.
one_run() {
    echo "BENCH-PROGRESS phase=$1/$nphases sched=$2 workload=$3 run=$4 stats=$5"
    stats "$5"
    [ "$5" = 1 ] && scxx-bpfstat > /tmp/bpf.before
    t0=$(scxx-clock now)
    BENCH_QUICK=$([ "$reps" = 0 ] && echo 1 || echo 0) sh "/bench/workloads/$3.sh" > /tmp/run.out 2> /tmp/run.err
    rc=$?
    t1=$(scxx-clock now)
    [ "$5" = 1 ] && scxx-bpfstat > /tmp/bpf.after
    stats 0
    emit "@run workload=$3 rep=$4 stats=$5"
    grep -E '^(metric|cdf|ops) ' /tmp/run.out >> "$out"
    if [ "$5" = 1 ]; then
        awk '{ for (i = 2; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] } }
             NR == FNR { c[f["id"]] = f["run_cnt"]; t[f["id"]] = f["run_time_ns"]; next }
             (f["id"] in c) { printf "@bpf name=%s calls=%d ns=%d\n", f["name"], f["run_cnt"] - c[f["id"]], f["run_time_ns"] - t[f["id"]] }' \
            /tmp/bpf.before /tmp/bpf.after >> "$out"
    fi
    emit "@runend rc=$rc guest_ns=$((t1 - t0))"
    [ $rc = 0 ] || { cat /tmp/run.out /tmp/run.err | tail -30; error "$3 run $4 under $2 failed (rc=$rc)"; }
}

# phase INDEX ROLE NAME OPTIONS: attach NAME (unless default), every workload, detach.
phase() {
    idx=$1 role=$2 name=$3 opts=$4
    label=$name${opts:+:$opts}
    emit "@phase idx=$idx role=$role sched=$name opts=$(printf '%s' "$opts" | base64 -w0)"
    pid=""
    if [ "$name" != default ]; then
        [ "$(scx_state)" = disabled ] || { error "a sched_ext scheduler is attached before $label"; return; }
        t0=$(scxx-clock now)
        # shellcheck disable=SC2086 # the options are words
        scx-run --sched "$name" $opts > "/tmp/scx-run.$idx.log" 2>&1 &
        pid=$!
        t1=$(scxx-clock wait /sys/kernel/sched_ext/state enabled 120000) ||
            { cat "/tmp/scx-run.$idx.log"; kill -TERM $pid 2>/dev/null; wait $pid; error "$label never enabled"; return; }
        emit "@attach exec_to_enabled_ns=$((t1 - t0))"
        scxx-bpfstat | sed 's/^prog /@prog /' >> "$out"
    fi
    for w in $workloads; do
        r=1
        while [ $r -le "$reps" ]; do one_run "$idx" "$label" "$w" $r 0; r=$((r + 1)); done
        [ "$name" != default ] || [ "$reps" = 0 ] || continue
        one_run "$idx" "$label" "$w" $r 1
        if [ -n "$pid" ] && [ "$(scx_state)" != enabled ]; then
            cat "/tmp/scx-run.$idx.log"; dump_scx; error "$label left during $w"; return
        fi
    done
    [ -n "$pid" ] || return
    rss=$(awk '/^VmHWM:/ {print $2}' "/proc/$pid/status")
    kill -INT $pid; wait $pid; rc=$?
    emit "@detach rc=$rc peak_rss_kb=${rss:-0}"
    wait_scx_state disabled 30 || error "$label did not detach"
    [ $rc = 0 ] || { tail -20 "/tmp/scx-run.$idx.log"; error "scx-run --sched $label exited $rc"; }
}

emit "@boot kernel=$(uname -r) cpus=$(nproc) reps=$reps"
phase 1 start default ""
i=2
while IFS="$(printf '\t')" read -r name opts <&3; do   # fd 3: the workloads keep stdin
    phase $i sched "$name" "$opts"
    i=$((i + 1))
done 3< /tmp/plan
phase $i end default ""
emit "@done errors=$errors"
[ $errors = 0 ] || fail "$errors run(s) failed (see BENCH-ERROR above)"
echo "bench: all $nphases phases done"
