#!/bin/sh
# vm: cpus=4 numa=1 timeout=120
# lavd-insns: verifier cost of lavd on this kernel. Loads and attaches lavd in its default
# configuration and with --per-cpu-dsq (different rodata, so the verifier walks other paths) and
# prints the banner's "lavd: verified_insns PROG=N ..." lines; tools/lavd-verified-insns collects
# them from both kernels. Fails when lavd does not attach or a struct_ops program reports 0 (which
# would mean the number was not read). Also prints the raw, unconfigured load of the NR_CPUS=512
# object (scx-objcheck) for comparison. Figures are printed, never asserted against a budget.
. /lib/scxx.sh

run() { # label, args...
    label=$1; shift
    scx-run --sched lavd --duration 2 "$@" > /tmp/insns.log 2>&1 || { cat /tmp/insns.log; fail "$label: scx-run failed"; }
    wait_scx_state disabled 10 || fail "$label: not disabled after --duration"
    line=$(grep '^lavd: verified_insns ' /tmp/insns.log)
    [ -n "$line" ] || { cat /tmp/insns.log; fail "$label: no verified_insns line"; }
    for p in lavd_select_cpu lavd_enqueue lavd_dispatch lavd_enable lavd_running lavd_stopping lavd_init; do
        echo "$line" | grep -Eq " $p=[1-9][0-9]*( |$)" || fail "$label: $p missing or 0 in: $line"
    done
    echo "insns[$label] kernel=$(uname -r) ${line#lavd: verified_insns }"
}

run default
run per-cpu-dsq --per-cpu-dsq
scx-objcheck /bpf/nr512/lavd.bpf.o | sed "s/^/insns[raw-nr512] kernel=$(uname -r) /"
