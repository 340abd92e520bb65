/* tests/consumer/tiny.bpf.c: a FIFO scheduler in a dozen lines, built out of tree against the
 * installed scxx BPF headers. */
#include <scxx/common.bpf.h>

char _license[] SEC("license") = "GPL";

const volatile __u64 slice_ns = 5000000;
SCXX_EXIT_INFO_DEFINE(uei);

void BPF_STRUCT_OPS(tiny_enqueue, struct task_struct *p, u64 enq_flags)
{
	scxx_dsq_insert(p, SCX_DSQ_GLOBAL, slice_ns, enq_flags);
}

void BPF_STRUCT_OPS(tiny_exit, struct scx_exit_info *ei)
{
	SCXX_EXIT_INFO_RECORD(uei, ei);
}

SCXX_OPS_DEFINE(tiny_ops, .enqueue = (void *)tiny_enqueue, .exit = (void *)tiny_exit, .name = "tiny");
