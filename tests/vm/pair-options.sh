#!/bin/sh
# vm: cpus=4 timeout=90
# pair-options: every bad `pair` option gives a one-line error and a non-zero exit before anything
# is loaded: the kernel stays as it was (state disabled, enable_seq unchanged, nothing in bpffs).
# Range errors come from the option layer (exit 2); layout errors need nr_cpu_ids (4 here) and come
# from the scheduler before its BPF object is opened (exit 1). Odd CPU counts: see pair-odd.sh.
. /lib/scxx.sh

expect_error "stride 0" "--stride 0 would pair every CPU with itself" scx-run --sched pair --stride 0
expect_error "stride = nr_cpu_ids" "--stride 4 is not below nr_cpu_ids 4" scx-run --sched pair --stride 4
expect_error "stride > nr_cpu_ids" "--stride 9 is not below nr_cpu_ids 4" scx-run --sched pair --stride 9
expect_error "stride puts three CPUs in a pair" "--stride 3 puts CPUs 1, 0 and 3 in one pair" scx-run --sched pair --stride 3
expect_error "stride below -1" "option --stride: -2 is out of range" scx-run --sched pair --stride -2
expect_error "stride not a number" "option --stride: expected an integer" scx-run --sched pair --stride two
expect_error "batch too short" "option --batch-us: 99 is out of range \(allowed 100us..1s\)" scx-run --sched pair --batch-us 99
expect_error "batch too long" "option --batch-us: 1000001 is out of range" scx-run --sched pair --batch-us 1000001
expect_error "no cgroup slots" "option --max-cgroups: 0 is out of range \(allowed 1..65536\)" scx-run --sched pair --max-cgroups 0
expect_error "too many cgroup slots" "option --max-cgroups: 65537 is out of range" scx-run --sched pair --max-cgroups 65537
expect_error "max-queued 0" "option --max-queued: 0 is out of range \(allowed 1..1048576\)" scx-run --sched pair --max-queued 0
expect_error "unknown preemption path" "is not one of: auto, ops, switch" scx-run --sched pair --preempt-path maybe
echo '{"stride": 0}' > /tmp/stride0.json
expect_error "stride 0 from a config file" "--stride 0 would pair" scx-run --sched pair --config /tmp/stride0.json

# --help documents every option with its range
scx-run --sched pair --help > /tmp/help.log 2>&1 || fail "--help failed"
for o in stride batch-us max-cgroups max-queued preempt-path; do
    grep -q -- "--$o" /tmp/help.log || { cat /tmp/help.log; fail "--help lacks --$o"; }
done
echo "ok: --help lists every option"

# and the good values still work: stride 1 pairs neighbours
scx-run --sched pair --stride 1 --duration 2 > /tmp/ok.log 2>&1 || { cat /tmp/ok.log; fail "--stride 1 failed"; }
grep -q '^Pairs: \[0,1\] \[2,3\]$' /tmp/ok.log || { cat /tmp/ok.log; fail "--stride 1: wrong pairs"; }
wait_scx_state disabled 10 || fail "not disabled after --duration"
echo "ok: --stride 1 -> $(grep '^Pairs:' /tmp/ok.log)"
[ -z "$(ls /sys/fs/bpf)" ] || fail "bpffs has leftovers: $(ls /sys/fs/bpf)"
