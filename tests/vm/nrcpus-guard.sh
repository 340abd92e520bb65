#!/bin/sh
# vm: cpus=2 timeout=90
# nrcpus-guard: every scheduler object built against a vmlinux.h whose struct cpumask is shrunk to
# NR_CPUS=512 still loads on this NR_CPUS=8192 kernel; the deliberately by-value counter-example is
# rejected (so the test can fail), while the same counter-example built against the full header loads.
. /lib/scxx.sh

objs=$(ls /bpf/nr512/*.bpf.o)
[ -n "$objs" ] || fail "no shrunk-header objects in the image"
check "every shrunk-header scheduler object loads" scx-objcheck $objs
check "by-value counter-example loads when built against the full header" scx-objcheck /bpf/nrcpus/byvalue.bpf.o
if scx-objcheck /bpf/nrcpus/byvalue.nr512.bpf.o > /tmp/bv.log 2>&1; then
    cat /tmp/bv.log; fail "by-value cpumask object built for NR_CPUS=512 loaded: the guard proves nothing"
fi
cat /tmp/bv.log
grep -q "^rejected byvalue.nr512.bpf.o: .*verifier rejected" /tmp/bv.log || fail "counter-example failed for another reason"
echo "ok: by-value counter-example rejected by the verifier"
