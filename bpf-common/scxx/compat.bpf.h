/* bpf-common/scxx/compat.bpf.h: shims over sched_ext API drift (6.12 -> 7.3). Each helper picks the
 * kernel's current kfunc when present (bpf_ksym_exists on a weak ksym: the dead branch is removed by
 * the verifier), else the older one. Never decide from kernel version numbers.
 *   6.13: scx_bpf_dispatch* -> scx_bpf_dsq_insert*, scx_bpf_consume -> scx_bpf_dsq_move_to_local
 *   SCX_ENQ_CPU_SELECTED (ops.select_cpu ran for this wake-up) was 1 << 10 when it was added and
 *         is 1 << 20 in our vmlinux.h: it is read through CO-RE
 *   7.1:  scx_bpf_dsq_move_to_local___v2 (enq_flags) is added; the 1-argument form stays on 7.2/7.3
 *         and is what we call (libbpf resolves "name___flavor" by its essential name, so a ___v2
 *         declaration would bind to the 1-argument kfunc and fail the prototype check)
 *   7.1 (Debian 7.1.13): scx_bpf_kick_cpu and scx_bpf_get_idle_{cpu,smt}mask carry a trailing
 *         implicit `struct bpf_prog_aux *` in the BTF, but the `NAME_impl` function the verifier
 *         resolves implicit arguments through is missing ("cannot find function
 *         scx_bpf_kick_cpu_impl in BTF"): they cannot be called at all. Our plain declarations do
 *         not bind there (prototype mismatch), so bpf_ksym_exists() is false and the wrappers
 *         below fall back; schedulers test scxx_can_kick()/scxx_has_idle_masks() where the policy
 *         itself must take another path
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

/* Did ops.select_cpu run for the wake-up being enqueued (SCX_ENQ_CPU_SELECTED)? The running
 * kernel's value of the flag, through CO-RE. */
static __always_inline bool scxx_enq_cpu_selected(u64 enq_flags)
{
	if (!bpf_core_enum_value_exists(enum scx_enq_flags, SCX_ENQ_CPU_SELECTED))
		return false;
	return enq_flags & bpf_core_enum_value(enum scx_enq_flags, SCX_ENQ_CPU_SELECTED);
}

/* Can scx_bpf_kick_cpu be called on this kernel? (A rodata-free constant: the verifier prunes.) */
static __always_inline bool scxx_can_kick(void) { return bpf_ksym_exists(scx_bpf_kick_cpu); }

/* Does the kernel let us read its idle cpumasks? */
static __always_inline bool scxx_has_idle_masks(void)
{
	return bpf_ksym_exists(scx_bpf_get_idle_cpumask) && bpf_ksym_exists(scx_bpf_get_idle_smtmask);
}

/* Kick @cpu. Without scx_bpf_kick_cpu, a preemption kick ends the slice of the task running there
 * (it yields at that CPU's next tick) and an idle kick does nothing: callers that must wake an idle
 * CPU insert the task into its local DSQ instead (the kernel wakes it), see scxx_can_kick(). */
static __always_inline void scxx_kick_cpu(s32 cpu, u64 flags)
{
	struct task_struct *curr;

	if (bpf_ksym_exists(scx_bpf_kick_cpu)) {
		scx_bpf_kick_cpu(cpu, flags);
		return;
	}
	if (!(flags & SCX_KICK_PREEMPT) || !bpf_ksym_exists(scx_bpf_cpu_curr))
		return;
	bpf_rcu_read_lock();
	curr = scx_bpf_cpu_curr(cpu);
	if (curr && curr->pid)
		scxx_task_set_slice(curr, 0);
	bpf_rcu_read_unlock();
}

/* Does @cpu run its idle task right now (pid 0)? False when the kernel cannot say
 * (no scx_bpf_cpu_curr). Exact, unlike the idle mask, which the kernel sets for every CPU when a
 * scheduler attaches and which a busy CPU clears only once it idles or is claimed. */
static __always_inline bool scxx_cpu_runs_idle_task(s32 cpu)
{
	struct task_struct *curr;
	bool ret;

	if (!bpf_ksym_exists(scx_bpf_cpu_curr))
		return false;
	bpf_rcu_read_lock();
	curr = scx_bpf_cpu_curr(cpu);
	ret = curr && !curr->pid;
	bpf_rcu_read_unlock();
	return ret;
}

/* Is @cpu idle right now (a hint: it may be taken the next moment)? From the kernel's idle mask,
 * else from what the CPU runs. */
static __always_inline bool scxx_cpu_idle_now(s32 cpu)
{
	const struct cpumask *idle;
	bool ret;

	if (scxx_has_idle_masks()) {
		idle = scx_bpf_get_idle_cpumask();
		ret = bpf_cpumask_test_cpu(cpu, idle);
		scx_bpf_put_idle_cpumask(idle);
		return ret;
	}
	return scxx_cpu_runs_idle_task(cpu);
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
