#!/bin/sh
# vm: cpus=2 timeout=120
# demo: what `tools/demo` runs in the VM. Kernel command line: scxx.sched=NAME, scxx.secs=N and
# scxx.args=<base64 of the scheduler options>. Attaches the scheduler with live stats, runs a mixed
# workload under it, then detaches and prints the exit report. Exit status = scx-run's.
. /lib/scxx.sh

arg() { tr ' ' '\n' < /proc/cmdline | sed -n "s/^$1=//p" | head -1; }
sched=$(arg scxx.sched); sched=${sched:-simple}
secs=$(arg scxx.secs); secs=${secs:-6}
arg scxx.args | base64 -d > /tmp/demo-args 2>/dev/null   # one option per line

echo "demo: kernel $(uname -r), $(nproc) CPUs, sched_ext state $(scx_state)"
set --   # rebuild the options, one per line, so values with spaces stay whole
while IFS= read -r a; do [ -n "$a" ] && set -- "$@" "$a"; done < /tmp/demo-args
echo "demo: scx-run --sched $sched --stats 1 --duration $secs $*"
scx-run --sched "$sched" --stats 1 --duration "$secs" "$@" &
run=$!
# The workload starts once the scheduler is in (enabling under load can take seconds on 2 vCPUs), so
# the stats show the scheduler working.
work=""
if wait_scx_state enabled 20 >/dev/null; then
    echo "demo: state $(scx_state), root/ops '$(scx_ops)'"
    scxx-work mix $((secs > 2 ? secs - 1 : 1)) > /tmp/work.log 2>&1 &
    work=$!
fi
wait "$run"; rc=$?
[ -n "$work" ] && wait "$work"
echo "demo: workload: $(tr '\n' ' ' < /tmp/work.log)"
echo "demo: scx-run exited $rc; sched_ext state now $(scx_state)"
exit "$rc"
