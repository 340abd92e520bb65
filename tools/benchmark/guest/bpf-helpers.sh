#!/bin/sh
# vm: cpus=4 timeout=120
# bpf-helpers: prints the addresses of the kernel's BPF trampoline helpers, one "BPF-HELPER ADDR NAME"
# line each (__bpf_prog_enter*, __bpf_prog_exit*). tools/bench --insns boots this first, with nokaslr,
# and hands the addresses to the QEMU plugin of its measured boots (tools/insns): with KASLR off the
# same kernel puts them at the same place every boot.
. /lib/scxx.sh
grep -qw nokaslr /proc/cmdline || fail "boot with nokaslr: with KASLR the addresses change at every boot"
grep -E ' [tT] __bpf_prog_(enter|exit)[a-z_]*$' /proc/kallsyms > /tmp/helpers || fail "no __bpf_prog_enter/exit in /proc/kallsyms"
awk '$1 ~ /^0+$/ { bad = 1 } { print "BPF-HELPER " $1 " " $3 } END { exit bad }' /tmp/helpers ||
    fail "/proc/kallsyms hides the addresses (kptr_restrict)"
