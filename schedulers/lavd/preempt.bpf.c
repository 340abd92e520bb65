/* schedulers/lavd/preempt.bpf.c: preemption. A latency-critical task queued with no idle CPU to
 * go to picks a victim CPU by the power of two choices (two random active CPUs of its domain that
 * it may run on, i.e. CPUs that serve the queue it waits in; the one running the later deadline)
 * and kicks it when the victim's task is both later and less critical and holds no lock. ops.tick
 * trims slices: a task yields when an earlier deadline waits in its CPU's queue (after
 * --slice-min-us), boosted slices end once others wait, and tasks sharing a CPU with waiting pinned
 * tasks stop after --pinned-slice-us. */
#include "lavd.bpf.h"

int lavd_try_preempt(struct task_struct *p __arg_trusted, u64 vdeadline, u32 lat_cri, u32 dom_id)
{
	const struct cpumask *active = active_cpumask(), *dom = cpdom_cpumask(dom_id);
	struct bpf_cpumask *tmp = scratch_cpumask();
	struct lavd_cpu_ctx *c1, *c2, *victim, *self;
	u32 cpu1, cpu2;
	s32 vcpu;

	if (lat_cri < sys_stat.thr_lat_cri || !active || !dom || !tmp)
		return 0;
	bpf_cpumask_and(tmp, p->cpus_ptr, active);
	bpf_cpumask_and(tmp, (const struct cpumask *)tmp, dom);
	cpu1 = bpf_cpumask_any_distribute((const struct cpumask *)tmp);
	cpu2 = bpf_cpumask_any_distribute((const struct cpumask *)tmp);
	if (cpu1 >= nr_cpu_ids_lavd)
		return 0;
	if (cpu2 >= nr_cpu_ids_lavd)
		cpu2 = cpu1;
	c1 = get_cpu_ctx(cpu1);
	c2 = get_cpu_ctx(cpu2);
	if (!c1 || !c2)
		return 0;
	/* an idle candidate (deadline 0) needs no preemption: it will pick the task up */
	if (!c1->running_deadline || !c2->running_deadline)
		return 0;
	/* a lock holder's CPU is never the victim: take the other candidate */
	if (c1->running_lock_holder) {
		c1 = c2;
		cpu1 = cpu2;
	} else if (c2->running_lock_holder) {
		c2 = c1;
		cpu2 = cpu1;
	}
	if (c1->running_deadline >= c2->running_deadline) {
		victim = c1;
		vcpu = cpu1;
	} else {
		victim = c2;
		vcpu = cpu2;
	}
	if ((s64)(victim->running_deadline - vdeadline) <= 0 || victim->running_lat_cri >= lat_cri ||
	    victim->running_lock_holder)
		return 0;
	/* one kick per victim: the next preemptor sees it as taken */
	victim->running_deadline = 0;
	scxx_kick_cpu(vcpu, SCX_KICK_PREEMPT);
	self = get_cpu_ctx(bpf_get_smp_processor_id());
	if (self)
		self->nr_preempt++;
	stat_inc(LAVD_STAT_PREEMPT);
	return 1;
}

void BPF_STRUCT_OPS(lavd_tick, struct task_struct *p)
{
	s32 cpu = scx_bpf_task_cpu(p);
	struct lavd_cpu_ctx *c = get_cpu_ctx(cpu);
	struct task_ctx *t = get_task_ctx(p);
	u64 ran, slice;

	if (!scxx_bpf_timers) {
		lavd_sys_stat_due();
		lavd_apply_own_perf(cpu);
	}
	if (!c || !t)
		return;
	ran = time_delta(scxx_now(), t->last_running);
	if (pinned_slice_ns && c->nr_pinned && p->nr_cpus_allowed != 1) {
		if (ran >= pinned_slice_ns)
			scxx_task_set_slice(p, 0);
		return;
	}
	/* yield: a task with an earlier deadline waits in this CPU's queue (a waker below the
	 * preemption threshold gets the CPU at the next tick instead of the end of the slice) */
	if (!no_preemption && ran >= slice_min_ns && c->cpdom_id != LAVD_NONE &&
	    bpf_ksym_exists(scx_bpf_dsq_peek)) {
		struct task_struct *head = scx_bpf_dsq_peek(per_cpu_dsq ? (u64)cpu : cpdom_dsq(c->cpdom_id));

		if (head && (s64)(head->scx.dsq_vtime - t->vdeadline) < 0) {
			t->slice_boosted = 0;
			c->running_boosted = 0;
			scxx_task_set_slice(p, 0);
			stat_inc(LAVD_STAT_YIELD);
			return;
		}
	}
	if (!t->slice_boosted)
		return;
	slice = sys_stat.slice_ns ? sys_stat.slice_ns : slice_max_ns;
	if (ran < slice)
		return;
	if (!can_boost_slice() || scx_bpf_dsq_nr_queued(SCX_DSQ_LOCAL_ON | cpu) ||
	    (c->cpdom_id != LAVD_NONE &&
	     scx_bpf_dsq_nr_queued(per_cpu_dsq ? (u64)cpu : cpdom_dsq(c->cpdom_id)))) {
		t->slice_boosted = 0;
		c->running_boosted = 0;
		scxx_task_set_slice(p, 0);
	}
}
