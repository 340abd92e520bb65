/* tests/nrcpus/byvalue.bpf.c: the NR_CPUS bug on purpose (the counter-example of the NR_CPUS guard).
 * Cpumasks stored BY VALUE in global data take their size from the build-time struct cpumask. Built
 * against a vmlinux.h shrunk to NR_CPUS=64, 512 or 1024, the kernel (NR_CPUS=8192) sees each
 * bpf_cpumask as far larger than the slot in .data, and the verifier must reject the access (e.g.
 * "value_size=288 off=216 size=1024" at 512). If this object ever loads on the VM kernels, the guard
 * test has stopped proving anything. */
#include <scxx/common.bpf.h>

char _license[] SEC("license") = "GPL";

struct bpf_cpumask byvalue_masks[4];  /* the bug: by value, sized at build time */
SCXX_EXIT_INFO_DEFINE(uei);

s32 BPF_STRUCT_OPS_SLEEPABLE(byvalue_init)
{
	/* Any kfunc taking the mask makes the verifier check the full kernel-sized object. */
	return bpf_cpumask_test_cpu(0, (const struct cpumask *)&byvalue_masks[3]) ? 0 : 0;
}

void BPF_STRUCT_OPS(byvalue_exit, struct scx_exit_info *ei)
{
	SCXX_EXIT_INFO_RECORD(uei, ei);
}

SCXX_OPS_DEFINE(byvalue_ops,
	.init = (void *)byvalue_init,
	.exit = (void *)byvalue_exit,
	.name = "byvalue");
