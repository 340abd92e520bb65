#!/bin/sh
# vm: cpus=2 timeout=120
# walkthrough: the guest half of tests/walkthrough/run-walkthrough (not a tests/vm scenario: it
# needs the image run-walkthrough builds). It owns the checks on the new scheduler in a real kernel:
# `scx-run --list` lists it, the walk-through's run step (/walkthrough/guest.sh, the doc's
# `sh walkthrough-guest` block, run after /walkthrough/vars.sh, the variables its host steps set)
# attaches it (state enabled, root/ops names it, "NAME: attached (state enabled)"), exits 0, reports
# "unregistered from user space" and leaves sched_ext disabled.
. /lib/scxx.sh

name=$(cat /walkthrough/name) || fail "no /walkthrough/name in the image"
[ -n "$name" ] || fail "/walkthrough/name is empty"

scx-run --list > /tmp/list.log 2>&1 || { cat /tmp/list.log; fail "scx-run --list failed"; }
cat /tmp/list.log
grep -q "^$name " /tmp/list.log || fail "scx-run --list does not list $name"
echo "ok: scx-run --list lists $name"

[ "$(scx_state)" = disabled ] || fail "sched_ext is $(scx_state) before the run"
echo "walkthrough: running /walkthrough/guest.sh:"
sed 's/^/  | /' /walkthrough/guest.sh
sh -ec '. /walkthrough/vars.sh; . /walkthrough/guest.sh' > /tmp/run.log 2>&1 &
pid=$!
wait_scx_state enabled 30 || { cat /tmp/run.log; dump_scx; fail "$name never reached state enabled"; }
ops=$(scx_ops)
echo "ok: state enabled, root/ops = $ops"
[ "$ops" = "$name" ] || { cat /tmp/run.log; fail "root/ops is '$ops', want '$name'"; }

wait "$pid"; rc=$?
cat /tmp/run.log
[ "$rc" -eq 0 ] || fail "the run step exited $rc, want 0"
grep -qx "$name: attached (state enabled)" /tmp/run.log || fail "no line '$name: attached (state enabled)'"
echo "ok: $name: attached (state enabled)"
grep -q "^exit: unregistered from user space" /tmp/run.log || fail "the exit report does not say unregistered from user space"
wait_scx_state disabled 10 || fail "state not disabled after the run"
echo "ok: detached cleanly (exit 0, unregistered from user space, state disabled)"
