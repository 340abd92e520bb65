/* schedulers/lavd/idle.bpf.c: where a waking task runs. ops.select_cpu accounts the wake-up
 * (lavd_became_runnable) and asks lavd_pick_idle for an idle CPU in the active set (core
 * compaction) and, on big.LITTLE machines, of the core type the task's performance criticality
 * asks for, or for the waker's CPU after a synchronous wake-up by a briefly running waker; a task
 * that gets one goes straight to that CPU's local DSQ. Otherwise it stays on prev_cpu's domain and
 * ops.enqueue queues it. */
#include "lavd.bpf.h"

/* The domain of the wanted core type near prev_cpu: prev's own, or its alt domain (same node and
 * LLC, other core type) when the task's performance criticality says otherwise. */
static __always_inline u32 wanted_domain(s32 prev_cpu, u32 perf_cri)
{
	struct lavd_cpu_ctx *c = get_cpu_ctx(prev_cpu);
	struct lavd_cpdom_ctx *d;
	bool want_big;

	if (!c || c->cpdom_id == LAVD_NONE)
		return LAVD_NONE;
	d = get_cpdom_ctx(c->cpdom_id);
	if (!d)
		return LAVD_NONE;
	want_big = perf_cri >= sys_stat.thr_perf_cri;
	if ((bool)d->big != want_big && d->alt_id >= 0)
		return d->alt_id;
	return c->cpdom_id;
}

/* Synchronous wakees put on their waker's CPU in a row (no ops.dispatch there in between) before
 * the queue is asked whether a task waits. */
#define LAVD_SYNC_STREAK_MAX 16

/* A synchronous wake-up by a task that usually runs briefly (LAVD_SYNC_BRIEF_WAKER: non-RT, under
 * --slice-min-us per wake-up, not exiting): the waker's CPU, as the waker is about to leave it, when
 * nothing waits in that CPU's local DSQ. A pipe's or a socket's ping-pong then stays on one CPU
 * instead of waking an idle CPU per message. The CPU is not idle: the task waits there for its
 * waker, and no other CPU can take it from there. A pair that keeps handing the CPU to each other
 * this way never calls ops.dispatch there, so tasks waiting in the queue that CPU serves would never
 * get it: after LAVD_SYNC_STREAK_MAX wakees in a row, the next one takes the usual path when a task
 * waits in that queue (the domain's; with --per-cpu-dsq the CPU's own, as the other CPUs serve
 * theirs), and the CPU serves it by deadline once the waker leaves. (Asking the queue at every
 * wake-up is exact too, but its DSQ lookup cost ~125 ns per ops.select_cpu call on 7.3. With
 * --per-cpu-dsq every 17th wakee used to take the usual path, queue or not: a pipe pair then went
 * through an idle CPU and ops.dispatch 0.12 times per round trip.) A waker that runs long (a sender
 * that keeps writing) or an interrupt does not leave soon; its wakee takes the usual path. -1 when
 * it does not apply. */
static __always_inline s32 sync_wake_cpu(struct task_struct *p, const struct cpumask *active,
					 u32 wake_sync)
{
	s32 self = bpf_get_smp_processor_id();
	struct lavd_cpu_ctx *c;

	if (!(wake_sync & LAVD_SYNC_BRIEF_WAKER))
		return -1;
	c = get_cpu_ctx(self);
	if (!c || c->cpdom_id == LAVD_NONE || !bpf_cpumask_test_cpu(self, p->cpus_ptr) ||
	    !bpf_cpumask_test_cpu(self, active))
		return -1;
	if (scx_bpf_dsq_nr_queued(SCX_DSQ_LOCAL_ON | self))
		return -1;
	if (++c->sync_streak > LAVD_SYNC_STREAK_MAX) {
		c->sync_streak = 0;
		if (scx_bpf_dsq_nr_queued(per_cpu_dsq ? (u64)self : cpdom_dsq(c->cpdom_id)))
			return -1;
	}
	return self;
}

/* An idle CPU for p (claimed: its idle bit is cleared), the waker's CPU (sync_wake_cpu), or a
 * negative number. */
int lavd_pick_idle(struct task_struct *p __arg_trusted, s32 prev_cpu, u64 wake_flags, u32 perf_cri,
		   u32 wake_sync)
{
	const struct cpumask *active, *dom;
	struct bpf_cpumask *tmp;
	u64 flags = wake_flags;  /* the sync hint is sync_wake_cpu's to act on, never the kernel's (below) */
	s32 cpu;
	u32 d;

	if (p->nr_cpus_allowed == 1)
		return scx_bpf_test_and_clear_cpu_idle(prev_cpu) ? prev_cpu : -SCXX_EBUSY;
	active = active_cpumask();
	if (!active)
		return -SCXX_ENOENT;

	if (have_little_core) {
		d = wanted_domain(prev_cpu, perf_cri);
		dom = d == LAVD_NONE ? NULL : cpdom_cpumask(d);
		tmp = scratch_cpumask();
		if (dom && tmp) {
			bpf_cpumask_and(tmp, dom, active);
			bpf_cpumask_and(tmp, (const struct cpumask *)tmp, p->cpus_ptr);
			if (bpf_cpumask_test_cpu(prev_cpu, (const struct cpumask *)tmp) &&
			    scx_bpf_test_and_clear_cpu_idle(prev_cpu))
				return prev_cpu;
			cpu = scx_bpf_pick_idle_cpu((const struct cpumask *)tmp, SCX_PICK_IDLE_CORE);
			if (cpu >= 0)
				return cpu;
			cpu = scx_bpf_pick_idle_cpu((const struct cpumask *)tmp, 0);
			if (cpu >= 0)
				return cpu;
		}
	}

	if (flags & SCX_WAKE_SYNC) {
		cpu = sync_wake_cpu(p, active, wake_sync);
		if (cpu >= 0)
			return cpu;
		/* not the waker's CPU: the kernel's policy would give it whenever its local DSQ is empty
		 * and some CPU idles, to the wakee of a long-running waker too, which no other CPU could
		 * then take it from */
		flags &= ~(u64)SCX_WAKE_SYNC;
	}
	/* the kernel's idle policy (prev CPU, SMT, LLC, node) within the active set */
	if (bpf_ksym_exists(scx_bpf_select_cpu_and)) {
		cpu = scx_bpf_select_cpu_and(p, prev_cpu, flags, active, 0);
		if (cpu >= 0)
			return cpu;
		/* affinitized to CPUs compaction switched off: use those */
		if (!bpf_cpumask_intersects(p->cpus_ptr, active))
			return scx_bpf_select_cpu_and(p, prev_cpu, flags, p->cpus_ptr, 0);
		return -SCXX_EBUSY;
	}
	tmp = scratch_cpumask();
	if (!tmp)
		return -SCXX_ENOENT;
	bpf_cpumask_and(tmp, p->cpus_ptr, active);
	if (bpf_cpumask_test_cpu(prev_cpu, (const struct cpumask *)tmp) && scx_bpf_test_and_clear_cpu_idle(prev_cpu))
		return prev_cpu;
	return scx_bpf_pick_idle_cpu((const struct cpumask *)tmp, 0);
}

s32 BPF_STRUCT_OPS(lavd_select_cpu, struct task_struct *p, s32 prev_cpu, u64 wake_flags)
{
	struct task_ctx *t;
	u32 perf_cri = 0, wake_sync = 0;
	s32 cpu, woke;

	/* a wake-up: account it here, on the waking CPU (lat_cri.bpf.c); a fork is no wake-up */
	if (wake_flags & SCX_WAKE_TTWU) {
		woke = lavd_became_runnable(p, wake_flags);
		if (woke >= 0) {
			perf_cri = LAVD_WOKE_PERF_CRI(woke);
			wake_sync = LAVD_WOKE_SYNC(woke);
		}
	} else if (have_little_core) {  /* performance criticality only picks a core type */
		t = get_task_ctx(p);
		perf_cri = t ? t->perf_cri : 0;
	}
	cpu = lavd_pick_idle(p, prev_cpu, wake_flags, perf_cri, wake_sync);

	if (cpu >= 0) {
		stat_inc(LAVD_STAT_DIRECT);
		scxx_dsq_insert(p, SCX_DSQ_LOCAL, slice_max_ns, 0);
		return cpu;
	}
	return prev_cpu;
}
