/* tools/opprof/opprof.bpf.c: the kernel half of scx-opprof, a per-call timer for one BPF program
 * of the attached scheduler (say lavd_dispatch). An fentry program notes the time a call starts on
 * its CPU, an fexit program adds the call's duration to a per-CPU histogram (buckets in
 * opprof_intf.h) and keeps the longest. User space points both at the target program before load
 * (bpf_program__set_attach_target) and sums the CPUs. The callbacks it is for (dispatch, enqueue,
 * tick, ...) run to their end on one CPU with preemption off, so calls do not nest on a CPU and
 * one start slot per CPU suffices. The trampoline's own cost (two time reads and the jumps) is in
 * every figure: the durations are an upper bound, for tails and ratios, not for ns per call. */
#include <vmlinux.h>
#include <bpf/bpf_helpers.h>

#include "opprof_intf.h"

char LICENSE[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, u32);
	__type(value, u64);
} call_start SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, OPPROF_NR_BUCKETS);
	__type(key, u32);
	__type(value, u64);
} call_hist SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, u32);
	__type(value, u64);
} call_max SEC(".maps");

SEC("fentry")
int opprof_enter(void *ctx)
{
	u32 zero = 0;
	u64 *start = bpf_map_lookup_elem(&call_start, &zero);

	if (start)
		*start = bpf_ktime_get_ns();
	return 0;
}

SEC("fexit")
int opprof_exit(void *ctx)
{
	u64 now = bpf_ktime_get_ns(), d, *start, *count, *longest;
	u32 zero = 0, idx;

	start = bpf_map_lookup_elem(&call_start, &zero);
	if (!start || !*start || now < *start)
		return 0;  /* attached in the middle of a call */
	d = now - *start;
	*start = 0;
	idx = opprof_bucket(d);
	count = bpf_map_lookup_elem(&call_hist, &idx);
	if (count)
		*count += 1;
	longest = bpf_map_lookup_elem(&call_max, &zero);
	if (longest && d > *longest)
		*longest = d;
	return 0;
}
