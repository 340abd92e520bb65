#!/bin/sh
# vm: cpus=4 timeout=180
# opprof: scx-opprof times every call of one callback of the attached scheduler (fentry/fexit on
# its struct_ops program). Under simple with work to dispatch, simple_dispatch is called and timed
# (over 100 calls in 2 s, p50 <= p99 <= p99.9 <= max, the "attached" line on stderr); a name no
# loaded program has, and a missing --prog, are one-line errors (exit 1 and 2) that leave the
# scheduler attached.
. /lib/scxx.sh

pid=""
duty=""
cleanup() { [ -n "$duty" ] && kill -KILL $duty 2>/dev/null; [ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null; }
trap cleanup EXIT

scx-run --sched simple > /tmp/run.log 2>&1 &
pid=$!
wait_scx_state enabled 20 || { cat /tmp/run.log; fail "simple never enabled"; }

# work for the dispatcher: 6 tasks, each busy 60% of every 2 ms, on 4 CPUs: they sleep and wake all
# the time, and often find every CPU taken
duty=""
for i in 1 2 3 4 5 6; do scxx-duty 2000 60 4 & duty="$duty $!"; done
scx-opprof --prog simple_dispatch --duration 2 > /tmp/opprof.out 2> /tmp/opprof.err ||
    { cat /tmp/opprof.out /tmp/opprof.err; fail "scx-opprof failed under simple"; }
wait $duty; duty=""
grep -q '^scx-opprof: attached prog=simple_dispatch id=' /tmp/opprof.err || { cat /tmp/opprof.err; fail "no 'attached' line on stderr"; }
cat /tmp/opprof.out
line=$(grep '^opprof: prog=simple_dispatch ' /tmp/opprof.out) || fail "no report line for simple_dispatch"
calls=$(echo "$line" | sed -n 's/.* calls=\([0-9]*\) .*/\1/p')
p50=$(echo "$line" | sed -n 's/.* p50_ns=\([0-9]*\) .*/\1/p')
p99=$(echo "$line" | sed -n 's/.* p99_ns=\([0-9]*\) .*/\1/p')
p999=$(echo "$line" | sed -n 's/.* p999_ns=\([0-9]*\) .*/\1/p')
max=$(echo "$line" | sed -n 's/.* max_ns=\([0-9]*\) .*/\1/p')
[ -n "$calls" ] && [ -n "$max" ] || fail "unparsable report: $line"
[ "$calls" -gt 100 ] || fail "only $calls calls of simple_dispatch timed in 2 s of load"
[ "$p50" -gt 0 ] && [ "$p50" -le "$p99" ] && [ "$p99" -le "$p999" ] && [ "$p999" -le "$max" ] ||
    fail "percentiles out of order: $line"
echo "ok: simple_dispatch timed: $calls calls, p50 $p50 ns, p99 $p99 ns, max $max ns"

# bad input: an unknown program, no --prog; nothing left behind, simple still attached
scx-opprof --prog no_such_prog --duration 1 > /tmp/bad.out 2> /tmp/bad.err; rc=$?
[ $rc = 1 ] || fail "unknown program: exit $rc, want 1"
[ "$(wc -l < /tmp/bad.err)" = 1 ] && grep -q "no struct_ops program named no_such_prog" /tmp/bad.err ||
    { cat /tmp/bad.err; fail "unknown program: want one line naming it"; }
scx-opprof --duration 1 > /tmp/bad.out 2> /tmp/bad.err; rc=$?
[ $rc = 2 ] && grep -q -- "--prog NAME is required" /tmp/bad.err || { cat /tmp/bad.err; fail "missing --prog: exit $rc"; }
[ "$(scx_state)" = enabled ] || fail "simple left after the bad invocations"
echo "ok: bad input gives one-line errors (exit 1 and 2), simple stays attached"
kill -INT "$pid"; wait "$pid" || fail "scx-run exited non-zero"
pid=""
