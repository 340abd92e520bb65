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
#   scxx.bench_boot=N        the boot's number under tools/bench --boots; read by nothing, it makes
#                            each boot of a setting differ from the others (one sample each)
#   scxx.bench_insns=1       tools/bench --insns: QEMU counts the instructions of every BPF call
#                            (tools/insns); each run is numbered (@run ... mark=N) and scxx-mark tells
#                            QEMU where it begins and ends; bpf_stats stays off in every run
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
insns=${SCXX_BENCH_INSNS:-0}
runs=0
stats() { echo "$1" > /proc/sys/kernel/bpf_stats_enabled; }
stats 0

# ctxt_total: context switches on all CPUs since boot (/proc/stat's ctxt; switches to and from the
# idle task included), for every run's switches_per_op
ctxt_total() { awk '$1 == "ctxt" { n = $2 } END { printf "%.0f\n", n }' /proc/stat; }

# bpf_snapshot FILE: the struct_ops programs' counters, or an error.
bpf_snapshot() { scxx-bpfstat > "$1" || error "scxx-bpfstat failed: no BPF cost for this run"; }

# one_run PHASE LABEL WORKLOAD REP STATS WANT_STATE: one run of a workload, its lines and BPF deltas
# to $out. WANT_STATE: the sched_ext state the run must end in (enabled under a scheduler, disabled
# under the default); a run that ends otherwise did not run under what it claims and is marked failed.
one_run() {
    echo "BENCH-PROGRESS phase=$1/$nphases workload=$3 run=$4 stats=$5 sched=$2"
    # --insns: bpf_stats would add its clock reads to every call the plugin counts
    if [ "$insns" = 1 ]; then stats 0; else stats "$5"; fi
    [ "$5" = 1 ] && bpf_snapshot /tmp/bpf.before
    runs=$((runs + 1))
    mark=""
    [ "$insns" = 1 ] && mark=" mark=$runs" && scxx-mark "$runs"
    c0=$(ctxt_total)
    t0=$(scxx-clock now)
    BENCH_QUICK=$([ "$reps" = 0 ] && echo 1 || echo 0) sh "/bench/workloads/$3.sh" > /tmp/run.out 2> /tmp/run.err
    rc=$?
    t1=$(scxx-clock now)
    c1=$(ctxt_total)
    [ "$insns" = 1 ] && scxx-mark 0
    [ "$5" = 1 ] && bpf_snapshot /tmp/bpf.after
    stats 0
    state=$(scx_state)
    [ "$state" = "$6" ] || { [ $rc != 0 ] || rc=125; echo "sched_ext state is '$state' after $3, not '$6'" >> /tmp/run.err; }
    emit "@run workload=$3 rep=$4 stats=$5$mark"
    grep -E '^(metric|cdf|ops) ' /tmp/run.out >> "$out"
    # context switches per operation, under every scheduler (the default's too): how often tasks
    # change hands for the same work
    awk -v c="$((c1 - c0))" '$1 == "ops" && $2 > 0 { n = $2 }
        END { if (n) printf "metric switches_per_op %.6g count none\n", c / n }' /tmp/run.out >> "$out"
    if [ "$5" = 1 ]; then
        # %.0f: busybox awk's %d stops at 2^31 (2.1 s of BPF time)
        awk '{ for (i = 2; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] } }
             NR == FNR { c[f["id"]] = f["run_cnt"]; t[f["id"]] = f["run_time_ns"]; next }
             (f["id"] in c) { printf "@bpf name=%s calls=%.0f ns=%.0f\n", f["name"], f["run_cnt"] - c[f["id"]], f["run_time_ns"] - t[f["id"]] }' \
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
    want=disabled
    if [ "$name" != default ]; then
        [ "$(scx_state)" = disabled ] || { error "a sched_ext scheduler is attached before $label"; return; }
        # a previous scheduler's programs may not be freed yet; id 0 (never used) keeps the file non-empty
        { echo 0; scxx-bpfstat | sed -n 's/^prog id=\([0-9]*\) .*/\1/p'; } > /tmp/ids.before
        t0=$(scxx-clock now)
        # shellcheck disable=SC2086 # the options are words
        scx-run --sched "$name" $opts > "/tmp/scx-run.$idx.log" 2>&1 < /dev/null &
        pid=$!
        t1=$(scxx-clock wait /sys/kernel/sched_ext/state enabled 120000) ||
            { cat "/tmp/scx-run.$idx.log"; kill -TERM $pid 2>/dev/null; wait $pid; error "$label never enabled"; return; }
        emit "@attach exec_to_enabled_ns=$((t1 - t0))"
        scxx-bpfstat | awk 'NR == FNR { old["id=" $1]; next } !($2 in old)' /tmp/ids.before - |
            sed 's/^prog /@prog /' >> "$out"
        want=enabled
    fi
    for w in $workloads; do
        r=1
        while [ $r -le "$reps" ]; do one_run "$idx" "$label" "$w" $r 0 $want; r=$((r + 1)); done
        { [ "$name" = default ] && [ "$reps" != 0 ]; } || one_run "$idx" "$label" "$w" $r 1 $want
        if [ -n "$pid" ] && [ "$(scx_state)" != enabled ]; then
            cat "/tmp/scx-run.$idx.log"; dump_scx; error "$label left during $w"
            kill -TERM $pid 2>/dev/null; wait $pid
            wait_scx_state disabled 30 || error "$label is still attached after it failed"
            return
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
# the boot's own work (crypto self-tests) must not run beside the first default runs. Under --insns
# (real time, every BPF instruction counted by a QEMU plugin) a busy host alone keeps the guest's
# ticks busy, and the figures judged there are instructions per BPF call, which the boot's work
# does not change: a note, not an error.
if ! wait_quiet; then
    if [ "$insns" = 1 ]; then
        echo "bench: note: the machine never went quiet before the first run (--insns: instruction counts are kept)"
    else
        error "the machine never went quiet before the first run: the start's default figures ran beside other work"
    fi
fi
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
