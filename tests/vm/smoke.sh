#!/bin/sh
# vm: cpus=2 timeout=60
# smoke: the VM rig itself works: the kernel has sched_ext (idle, no scheduler attached), cgroup2 and
# bpffs are mounted, and a short mixed shell workload makes progress on the default scheduler.
. /lib/scxx.sh

echo "kernel: $(uname -r)"
echo "cpus: $(nproc)"
check "sched_ext sysfs present" test -e /sys/kernel/sched_ext/state
state=$(scx_state)
[ "$state" = disabled ] || fail "sched_ext state is '$state', want 'disabled'"
echo "ok: sched_ext state disabled"
check "cgroup2 mounted on /sys/fs/cgroup" grep -q '^cgroup2 /sys/fs/cgroup cgroup2 ' /proc/mounts
check "cgroup2 root has cgroup.controllers" test -r /sys/fs/cgroup/cgroup.controllers
echo "cgroup2 controllers: $(cat /sys/fs/cgroup/cgroup.controllers)"
check "bpffs mounted on /sys/fs/bpf" grep -q ' /sys/fs/bpf bpf ' /proc/mounts
if [ -x /bin/scx-run ]; then echo "scx-run: present"; else echo "scx-run: absent (busybox-only image)"; fi
check "SCHED_EXT policy settable (no scheduler: falls back to fair)" scxx-sched -s ext true
check "mixed workload makes progress" scxx-work mix 2
echo "smoke: pass"
