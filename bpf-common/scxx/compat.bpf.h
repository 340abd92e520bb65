/* bpf-common/scxx/compat.bpf.h: shims over sched_ext API drift (6.12 -> 7.3). Each helper picks the
 * kernel's current kfunc when present (bpf_ksym_exists on a weak ksym: the dead branch is removed by
 * the verifier), else the older one. Never decide from kernel version numbers.
 *   6.13: scx_bpf_dispatch* -> scx_bpf_dsq_insert*, scx_bpf_consume -> scx_bpf_dsq_move_to_local
 *   7.1:  scx_bpf_dsq_move_to_local___v2 (enq_flags) is added; the 1-argument form stays on 7.2/7.3
 *         and is what we call (libbpf resolves "name___flavor" by its essential name, so a ___v2
 *         declaration would bind to the 1-argument kfunc and fail the prototype check)
 *   task slice / dsq_vtime: direct writes are deprecated where the setter kfuncs exist */
#ifndef SCXX_COMPAT_BPF_H
#define SCXX_COMPAT_BPF_H

/* pre-6.13 names: the ___compat flavor resolves to the kfunc without the suffix */
void scx_bpf_dispatch___compat(struct task_struct *p, u64 dsq_id, u64 slice, u64 enq_flags) __weak __ksym;
void scx_bpf_dispatch_vtime___compat(struct task_struct *p, u64 dsq_id, u64 slice, u64 vtime, u64 enq_flags) __weak __ksym;
bool scx_bpf_consume___compat(u64 dsq_id) __weak __ksym;

static __always_inline void scxx_dsq_insert(struct task_struct *p, u64 dsq_id, u64 slice, u64 enq_flags)
{
	if (bpf_ksym_exists(scx_bpf_dsq_insert))
		scx_bpf_dsq_insert(p, dsq_id, slice, enq_flags);
	else
		scx_bpf_dispatch___compat(p, dsq_id, slice, enq_flags);
}

static __always_inline void scxx_dsq_insert_vtime(struct task_struct *p, u64 dsq_id, u64 slice, u64 vtime,
						  u64 enq_flags)
{
	if (bpf_ksym_exists(scx_bpf_dsq_insert_vtime))
		scx_bpf_dsq_insert_vtime(p, dsq_id, slice, vtime, enq_flags);
	else
		scx_bpf_dispatch_vtime___compat(p, dsq_id, slice, vtime, enq_flags);
}

static __always_inline bool scxx_dsq_move_to_local(u64 dsq_id)
{
	if (bpf_ksym_exists(scx_bpf_dsq_move_to_local))
		return scx_bpf_dsq_move_to_local(dsq_id);
	return scx_bpf_consume___compat(dsq_id);
}

static __always_inline void scxx_task_set_slice(struct task_struct *p, u64 slice)
{
	if (bpf_ksym_exists(scx_bpf_task_set_slice))
		scx_bpf_task_set_slice(p, slice);
	else
		p->scx.slice = slice;
}

static __always_inline void scxx_task_set_dsq_vtime(struct task_struct *p, u64 vtime)
{
	if (bpf_ksym_exists(scx_bpf_task_set_dsq_vtime))
		scx_bpf_task_set_dsq_vtime(p, vtime);
	else
		p->scx.dsq_vtime = vtime;
}

/* Monotonic ns clock: scx_bpf_now() (6.14+, cheap, rq-clock based) else bpf_ktime_get_ns(). */
static __always_inline u64 scxx_now(void)
{
	if (bpf_ksym_exists(scx_bpf_now))
		return scx_bpf_now();
	return bpf_ktime_get_ns();
}

static __always_inline bool scxx_time_before(u64 a, u64 b) { return (s64)(a - b) < 0; }

#endif /* SCXX_COMPAT_BPF_H */
