/* schedulers/lavd/queue.bpf.c: the queues. ops.enqueue accounts a pinned task's wake-up (which
 * ops.select_cpu does not see), then claims an idle active CPU for the task (unless ops.select_cpu
 * has just looked for one): on a quiet system, or when that CPU is in another domain, the task goes
 * straight to it; otherwise the task waits in its CPU's domain DSQ (or that CPU's own DSQ with
 * --per-cpu-dsq), ordered by virtual deadline, and the idle CPU of its domain is woken for it; with
 * none, a task that may preempt a victim CPU (preempt.bpf.c; never after a synchronous wake-up,
 * which a pinned task's never is, as ops.select_cpu does not see it) goes straight to that CPU's
 * local DSQ instead (SCX_ENQ_PREEMPT); pinned tasks go to their CPU's local DSQ, ahead of its
 * running task when they may preempt it.
 * ops.dispatch serves the domain's queue (with --per-cpu-dsq the CPU's own or, when another CPU's
 * head of the domain goes first (dispatch_src_cpu, lavd.bpf.h), that CPU's, then any task of the
 * domain), and then steals from neighbour domains (balance.bpf.c). The pinned-task count: a
 * pinned task counts on its CPU from ops.enqueue to ops.running (lat_cri.bpf.c); one that leaves the
 * queue without running is recounted at its next ops.enqueue, or uncounted by ops.disable
 * (main.bpf.c) when it leaves the scheduler. */
#include "lavd.bpf.h"

/* Claims an idle CPU that may run p, nearest first: p's CPU, its domain, any active CPU; with no
 * allowed active CPU (affinity outside the active set) any allowed CPU. -1 when none is idle. CPUs
 * that core compaction switched off are only used for tasks that may run nowhere else. */
static __always_inline s32 claim_idle_cpu(struct task_struct *p, s32 cpu, u32 dom_id)
{
	const struct cpumask *active = active_cpumask(), *dom = cpdom_cpumask(dom_id);
	struct bpf_cpumask *tmp = scratch_cpumask();
	s32 idle = -1;

	if (!active || !tmp)
		return -1;
	bpf_cpumask_and(tmp, p->cpus_ptr, active);
	if (bpf_cpumask_empty((const struct cpumask *)tmp))
		return scx_bpf_pick_idle_cpu(p->cpus_ptr, 0);
	if (bpf_cpumask_test_cpu(cpu, (const struct cpumask *)tmp) && scx_bpf_test_and_clear_cpu_idle(cpu))
		return cpu;
	if (dom && bpf_cpumask_intersects(dom, (const struct cpumask *)tmp)) {
		bpf_cpumask_and(tmp, (const struct cpumask *)tmp, dom);
		idle = scx_bpf_pick_idle_cpu((const struct cpumask *)tmp, 0);
		bpf_cpumask_and(tmp, p->cpus_ptr, active);
	}
	if (idle < 0)
		idle = scx_bpf_pick_idle_cpu((const struct cpumask *)tmp, 0);
	return idle;
}

/* Runs p on the idle CPU it claimed: straight to that CPU's local queue. */
static __always_inline void run_on_idle(struct task_struct *p, s32 idle, u64 slice, u64 enq_flags)
{
	scxx_dsq_insert(p, SCX_DSQ_LOCAL_ON | idle, slice, enq_flags);
	scxx_kick_cpu(idle, SCX_KICK_IDLE);
}

void BPF_STRUCT_OPS(lavd_enqueue, struct task_struct *p, u64 enq_flags)
{
	struct task_ctx *t = get_task_ctx(p);
	s32 cpu = scx_bpf_task_cpu(p), idle, victim;
	struct lavd_cpu_ctx *c = get_cpu_ctx(cpu), *ic;
	u64 slice = sys_stat.slice_ns ? sys_stat.slice_ns : slice_max_ns;
	bool sync_wake;
	u32 dom;

	/* a wake-up ops.select_cpu did not see (a pinned task's) */
	if (t && (enq_flags & SCX_ENQ_WAKEUP) && !t->woke)
		lavd_became_runnable(p, 0);
	if (t)
		t->held = 0;  /* queued anew: its next run starts a slice */
	if (!t || !c || c->cpdom_id == LAVD_NONE) {
		/* not set up yet (or an offline CPU): keep it simple and correct */
		scxx_dsq_insert(p, SCX_DSQ_GLOBAL, slice, enq_flags);
		return;
	}

	/* still counted as pinned from an earlier queueing that ended without a run (an affinity
	 * change dequeues and queues the task again): count it where it belongs now, if anywhere. Done
	 * here rather than in ops.dequeue, which 7.2 and 7.3 call at every dispatch from a DSQ: one BPF call
	 * per switch less (see the README's costs) */
	if (t->pinned_cpu != LAVD_NONE && (p->nr_cpus_allowed != 1 || t->pinned_cpu != (u32)cpu))
		unpin_task(t);
	if (p->nr_cpus_allowed == 1) {
		if (t->pinned_cpu == LAVD_NONE) {
			t->pinned_cpu = cpu;
			__sync_fetch_and_add(&c->nr_pinned, 1);
		}
		/* its CPU's running task may have to make way, as for any other task (ops.select_cpu
		 * never sees a pinned task's wake-up, so it has no sync hint: see below) */
		if (!no_preemption &&
		    lavd_find_pinned_victim(cpu, t->vdeadline, t->lat_cri, !!(enq_flags & SCX_ENQ_WAKEUP)) >= 0) {
			scxx_dsq_insert(p, SCX_DSQ_LOCAL_ON | cpu, slice, enq_flags | SCX_ENQ_PREEMPT);
			return;
		}
		if (per_cpu_dsq)
			scxx_dsq_insert_vtime(p, cpu, slice, t->vdeadline, enq_flags);
		else
			scxx_dsq_insert(p, SCX_DSQ_LOCAL_ON | cpu, slice, enq_flags);
		scxx_kick_cpu(cpu, SCX_KICK_IDLE);
		return;
	}

	dom = c->cpdom_id;
	/* ops.select_cpu looked for an idle CPU for this wake-up a moment ago and found none */
	idle = scxx_enq_cpu_selected(enq_flags) ? -1 : claim_idle_cpu(p, cpu, dom);
	/* a quiet system: straight to the idle CPU, no deadline queue round trip */
	if (idle >= 0 && lb_local_dsq_util && sys_stat.avg_util < lb_local_dsq_util) {
		run_on_idle(p, idle, slice, enq_flags);
		return;
	}
	/* an idle CPU of another domain does not serve this domain's queue: hand the task to it */
	ic = idle >= 0 ? get_cpu_ctx(idle) : NULL;
	if (idle >= 0 && (!ic || ic->cpdom_id != dom)) {
		run_on_idle(p, idle, slice, enq_flags);
		return;
	}

	/* a kernel that cannot kick (Debian's 7.1): an idle CPU is woken only by giving it the task */
	if (idle >= 0 && !scxx_can_kick()) {
		run_on_idle(p, idle, slice, enq_flags);
		return;
	}

	/* a synchronous wake-up preempts nobody: its waker will leave the CPU soon (pipes, sockets),
	 * and a sender that goes on writing batches its messages instead of switching per message */
	sync_wake = (enq_flags & SCX_ENQ_WAKEUP) && t->wake_sync;
	victim = idle < 0 && !no_preemption && !sync_wake ?
		 lavd_find_victim(p, t->vdeadline, t->lat_cri, dom, !!(enq_flags & SCX_ENQ_WAKEUP)) : -1;
	/* the victim's CPU runs it next, ahead of the queue: a victim kicked to take the queue's head
	 * would often run a task that waited longer (a hog's deadline can be the earlier one), and the
	 * preemption was lost on it */
	if (victim >= 0) {
		scxx_dsq_insert(p, SCX_DSQ_LOCAL_ON | victim, slice, enq_flags | SCX_ENQ_PREEMPT);
		return;
	}

	if (per_cpu_dsq)
		scxx_dsq_insert_vtime(p, cpu, slice, t->vdeadline, enq_flags);
	else
		scxx_dsq_insert_vtime(p, cpdom_dsq(dom), slice, t->vdeadline, enq_flags);

	if (idle >= 0)
		scxx_kick_cpu(idle, SCX_KICK_IDLE);  /* it serves this queue */
}

/* Per-CPU queues: the first task found in the queue of another CPU of domain d, when the queue
 * dispatch_src_cpu named yielded none (another CPU took it first, or its head is pinned there): no
 * CPU idles while a task it may run waits in its domain. On a kernel without scx_bpf_dsq_peek this
 * is the only way to another CPU's queue. */
static __always_inline bool consume_domain_cpus(s32 self, struct lavd_cpdom_ctx *d)
{
	u32 i, n = d->nr_cpus, off = d->cpu_off;

	bpf_for(i, 0, n) {
		u32 key = off + i;
		u32 *cpu = bpf_map_lookup_elem(&cpdom_cpus, &key);

		if (!cpu || *cpu == (u32)self)
			continue;
		if (scxx_dsq_move_to_local(*cpu))
			return true;
	}
	return false;
}

void BPF_STRUCT_OPS(lavd_dispatch, s32 cpu, struct task_struct *prev)
{
	struct lavd_cpu_ctx *c = get_cpu_ctx(cpu);
	struct lavd_cpdom_ctx *d = NULL;

	if (!scxx_bpf_timers) {
		lavd_sys_stat_due();
		lavd_apply_own_perf(cpu);
	}
	if (!c || c->cpdom_id == LAVD_NONE)
		return;
	c->sync_streak = 0;  /* the CPU serves its queues: a synchronous pair's run ends (idle.bpf.c) */
	if (per_cpu_dsq) {
		d = get_cpdom_ctx(c->cpdom_id);
		if (d && bpf_ksym_exists(scx_bpf_dsq_peek)) {
			s32 src = dispatch_src_cpu(cpu, d);

			if (src >= 0 && src != cpu && scxx_dsq_move_to_local(src))
				return;
		}
		if (scxx_dsq_move_to_local(cpu))
			return;
	}
	if (scxx_dsq_move_to_local(cpdom_dsq(c->cpdom_id)))
		return;
	if (per_cpu_dsq && d && consume_domain_cpus(cpu, d))
		return;
	/* CPUs compaction switched off serve their own domain only */
	if (nr_cpdoms > 1 && c->active && lavd_steal(cpu, c->cpdom_id))
		return;
	/* nothing else to run: prev keeps the CPU with a fresh slice */
	if (prev && (prev->scx.flags & SCX_TASK_QUEUED))
		scxx_task_set_slice(prev, sys_stat.slice_ns ? sys_stat.slice_ns : slice_max_ns);
}
