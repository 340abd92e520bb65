#!/bin/sh
# vm: cpus=4 timeout=150
# nest-stress: 30 s of CPU hogs plus wakeup-heavy pipe pairs, sleepers and fork churn under `nest`
# (default options). No ejection, and every workload process completes (scxx-work checks that each
# of its workers made progress). SCXX_STRESS_SECS (kernel parameter scxx.stress_secs) shortens it on
# the compatibility kernels.
. /lib/scxx.sh
secs=${SCXX_STRESS_SECS:-30}

scx-run --sched nest --stats 5 > /tmp/run.log 2>&1 &
pid=$!
wait_scx_state enabled 20 || { cat /tmp/run.log; fail "nest never enabled"; }
scxx-work spin 4 "$secs" > /tmp/w.spin & a=$!
scxx-work pipe 4 "$secs" > /tmp/w.pipe & b=$!
scxx-work sleep 4 "$secs" > /tmp/w.sleep & c=$!
scxx-work fork 2 "$secs" > /tmp/w.fork & d=$!
for w in $a $b $c $d; do wait $w || { cat /tmp/w.*; cat /tmp/run.log; fail "a workload did not complete"; }; done
cat /tmp/w.spin /tmp/w.pipe /tmp/w.sleep /tmp/w.fork
[ "$(scx_state)" = enabled ] || { cat /tmp/run.log; fail "nest was ejected under stress"; }
detach_cleanly "$pid" /tmp/run.log
tail -12 /tmp/run.log
echo "ok: $secs s of stress, every workload completed, no ejection"
