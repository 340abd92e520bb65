#!/bin/sh
# vm: cpus=3 timeout=180
# pair-odd: with an odd CPU count (3) the leftover rule applies: CPUs 0 and 1 are a pair and CPU 2
# runs alone (banner "Pairs: [0,1] [2]"); a workload completes and the scheduler detaches cleanly.
# A stride that can only reach the lone CPU is a one-line error.
. /lib/scxx.sh

[ "$(nproc)" -eq 3 ] || fail "expected 3 CPUs, have $(nproc)"
if scx-run --sched pair --stride 2 > /tmp/err.log 2>&1; then fail "--stride 2 on 3 CPUs succeeded"; fi
cat /tmp/err.log
[ "$(wc -l < /tmp/err.log)" -eq 1 ] || fail "--stride 2: error is not one line"
grep -q -- "--stride 2 leaves no partner: with 3 CPUs, CPUs 0-1 are paired and CPU 2 runs alone" /tmp/err.log ||
    fail "--stride 2: unexpected message"
[ "$(scx_state)" = disabled ] || fail "state is $(scx_state) after the error"
echo "ok: --stride 2 refused"

scx-run --sched pair > /tmp/run.log 2>&1 &
pid=$!
wait_scx_state enabled 90 || { cat /tmp/run.log; fail "pair never enabled on 3 CPUs"; }
n=0
while ! grep -q '^Pairs:' /tmp/run.log && [ "$n" -lt 20 ]; do usleep 100000; n=$((n + 1)); done
grep -q '^Pairs: \[0,1\] \[2\]$' /tmp/run.log || { cat /tmp/run.log; fail "banner lacks 'Pairs: [0,1] [2]'"; }
echo "ok: $(grep '^Pairs:' /tmp/run.log)"
check "workload completes with a lone CPU" scxx-work mix 3
[ "$(scx_state)" = enabled ] || { cat /tmp/run.log; fail "scheduler left during the workload"; }
kill -TERM "$pid"
wait "$pid"; rc=$?
cat /tmp/run.log
[ "$rc" -eq 0 ] || fail "scx-run exited $rc after SIGTERM"
wait_scx_state disabled 10 || fail "state not disabled after SIGTERM"
echo "ok: clean detach"
