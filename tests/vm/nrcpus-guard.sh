#!/bin/sh
# vm: cpus=2 timeout=240
# nrcpus-guard: every scheduler object built against a vmlinux.h whose struct cpumask is shrunk to
# NR_CPUS=64, 512 and 1024 (/bpf/nr<N>/) still loads on this NR_CPUS=8192 kernel; for each size the
# deliberately by-value counter-example (/bpf/nrcpus/byvalue.nr<N>.bpf.o) is rejected by the verifier
# (so the test can fail), while the same counter-example built against the full header loads.
. /lib/scxx.sh

sizes="64 512 1024"  # bpf-common/meson.build nrcpus_sizes
names=$(cd /bpf && ls -- *.bpf.o)
[ -n "$names" ] || fail "no scheduler objects in /bpf"
for d in /bpf/nr[0-9]*/; do
    [ -d "$d" ] || continue
    n=${d#/bpf/nr}; n=${n%/}
    case " $sizes " in *" $n "*) ;; *) fail "/bpf/nr$n is in the image but not checked here (add $n to sizes)" ;; esac
done
check "by-value counter-example loads when built against the full header" scx-objcheck /bpf/nrcpus/byvalue.bpf.o

# Every size is checked, the failures are listed at the end.
failed=""
for n in $sizes; do
    echo "== NR_CPUS=$n"
    objs=""
    for o in $names; do
        if [ -f "/bpf/nr$n/$o" ]; then objs="$objs /bpf/nr$n/$o"; else failed="$failed; nr$n: no /bpf/nr$n/$o"; fi
    done
    # shellcheck disable=SC2086  # one argument per object
    scx-objcheck $objs > /tmp/nr.log 2>&1; rc=$?
    sed "s/^/nr$n: /" /tmp/nr.log
    if [ "$rc" = 0 ]; then
        echo "ok: NR_CPUS=$n: every scheduler object loads"
    else
        failed="$failed; nr$n: rejected$(sed -n 's/^rejected \([^:]*\):.*/ \1/p' /tmp/nr.log | tr -d '\n')"
    fi
    # The counter-example must fail on the size mismatch itself ("invalid access to map value,
    # value_size=<shrunk .data> off=... size=<the kernel's struct cpumask>"), not on anything else.
    bv=byvalue.nr$n.bpf.o
    scx-objcheck "/bpf/nrcpus/$bv" > /tmp/bv.log 2>&1; rc=$?
    sed "s/^/nr$n: /" /tmp/bv.log
    if [ "$rc" = 0 ]; then
        failed="$failed; nr$n: $bv loaded (the guard proves nothing at this size)"
    elif grep -q "^rejected $bv: .*verifier rejected .*invalid access to map value" /tmp/bv.log; then
        echo "ok: NR_CPUS=$n: by-value counter-example rejected by the verifier"
    else
        failed="$failed; nr$n: $bv rejected for another reason than the by-value size mismatch"
    fi
done
[ -z "$failed" ] || fail "${failed#; }"
echo "ok: every size: all scheduler objects load, the by-value counter-example is rejected"
