#!/bin/sh
# vm: cpus=4 timeout=120
# bpf-helpers: prints the addresses of the kernel's BPF trampoline helpers, one "BPF-HELPER ADDR NAME"
# line each (__bpf_prog_enter*, __bpf_prog_exit*), and of the spinlock slow paths, one "BPF-SPIN START
# END NAME" line each (END: the next symbol). tools/bench --insns boots this first, with nokaslr, and
# hands the addresses to the QEMU plugin of its measured boots (tools/insns): with KASLR off the same
# kernel puts them at the same place every boot.
. /lib/scxx.sh
grep -qw nokaslr /proc/cmdline || fail "boot with nokaslr: with KASLR the addresses change at every boot"
grep -E ' [tT] __bpf_prog_(enter|exit)[a-z_]*$' /proc/kallsyms > /tmp/helpers || fail "no __bpf_prog_enter/exit in /proc/kallsyms"
awk '$1 ~ /^0+$/ { bad = 1 } { print "BPF-HELPER " $1 " " $3 } END { exit bad }' /tmp/helpers ||
    fail "/proc/kallsyms hides the addresses (kptr_restrict)"
# the contended paths of the queued spinlock, the rwlock and BPF's resilient spinlock (map buckets):
# where a vCPU waits for a lock another holds
sort /proc/kallsyms | awk 'found { print "BPF-SPIN " start " " $1 " " name; found = 0 }
    $3 ~ /^(native_queued_spin_lock_slowpath|queued_read_lock_slowpath|queued_write_lock_slowpath|resilient_queued_spin_lock_slowpath)$/ {
        found = 1; start = $1; name = $3 }' > /tmp/spin
grep -q ' native_queued_spin_lock_slowpath$' /tmp/spin || fail "no native_queued_spin_lock_slowpath in /proc/kallsyms"
cat /tmp/spin
