#!/bin/sh
# vm: cpus=2 timeout=90
# simple-error: a scheduler that calls scx_bpf_error on purpose (simple's test-only --fail-after-ms)
# makes scx-run exit non-zero with that message in its exit report, followed by the kernel's debug
# dump (ops.exit_dump_len: the exiting task and its backtrace), and the kernel falls back to the
# default scheduler (state disabled).
. /lib/scxx.sh

scx-run --sched simple --fail-after-ms 1500 > /tmp/run.log 2>&1 &
pid=$!
scxx-work mix 3 >/dev/null
wait "$pid"; rc=$?
cat /tmp/run.log
[ "$rc" -ne 0 ] || fail "scx-run exited 0 after the scheduler was ejected"
grep -q "test knob fail-after-ms reached (1500 ms)" /tmp/run.log || fail "exit report lacks the scx_bpf_error message"
grep -q "scx_bpf_error" /tmp/run.log || fail "exit report does not name the error kind"
sed -n '/^message: /,$p' /tmp/run.log | grep -q '^dump:$' || fail "no dump: section after the exit message"
sed -n '/^dump:$/,$p' /tmp/run.log | grep -q 'triggered exit kind 1025' || fail "the dump does not name the exit"
wait_scx_state disabled 10 || fail "state not disabled after the error"
echo "ok: error exit rc=$rc"
