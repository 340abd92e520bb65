/* schedulers/lavd/preempt.bpf.c: preemption. A task enqueued with no idle CPU to go to (and not
 * after a synchronous wake-up: queue.bpf.c) looks for a victim among the active CPUs of its domain
 * that it may run on (the CPUs that would serve it from its queue, so a preemption stays where the
 * task would run anyway): the waking CPU and its own CPU when they are such CPUs, and up to eight
 * CPUs of the domain from a random one on; a waking task may also try two random active CPUs of
 * any domain (may_preempt says how each may be preempted); none of these where pinned tasks wait.
 * A pinned task looks only at its own CPU. A CPU's task that a higher sched class interrupted is
 * still its running task here (ops.stopping keeps it: the kernel resumes it first), a victim for
 * a pinned task and, at the waking CPU only, for others.
 * ops.enqueue then puts the task straight on the victim's CPU (SCX_ENQ_PREEMPT). ops.tick trims
 * slices: a task yields when the task its CPU would dispatch next has an earlier deadline (after
 * --slice-min-us) unless it is far more critical than that task, boosted slices end once others
 * wait, and tasks sharing a CPU with waiting pinned tasks stop after --pinned-slice-us. */
#include "lavd.bpf.h"

/* How may a task of latency criticality lat_cri and deadline vdeadline take CPU c's running task's
 * place? Never a lock holder's, nor that of a task at least as critical.
 *  - Upstream's rule: the task is at or above the threshold and the victim runs a later deadline:
 *    LAVD_PREEMPT_DEADLINE. Upstream queues the task and kicks the victim's CPU to pick it up; we
 *    put it on the victim's CPU, as the queue's head can be another task (see ops.enqueue).
 *  - Ours in addition (see the README), for a task far more critical than the victim (at least twice
 *    its criticality plus one boost step): right after a wake-up, LAVD_PREEMPT_NOW, the task goes
 *    to the victim's CPU whatever their deadlines; queued again after its slice,
 *    LAVD_PREEMPT_DEADLINE when the victim's deadline is later. A periodic task among CPU hogs sat
 *    below upstream's threshold (shift 6), set by the few most critical tasks of the round; once it
 *    is late (or its slice ran out) its runtime and deadline grow like a hog's, and hogs that
 *    waited longer sort ahead of it. A task takes a CPU at once at most once per wake-up, and
 *    otherwise at most once per slice, so hogs keep the rest. */
static __always_inline u32 may_preempt(const struct lavd_cpu_ctx *c, u64 vdeadline, u32 lat_cri, bool wakeup)
{
	u64 vdl = c->running_deadline;
	u32 vlc = c->running_lat_cri;

	if (!vdl || c->running_lock_holder || vlc >= lat_cri)
		return 0;
	if (lat_cri >= 2 * vlc + LAVD_LC_BOOST) {
		if (wakeup)
			return LAVD_PREEMPT_NOW;
		if ((s64)(vdl - vdeadline) > 0)
			return LAVD_PREEMPT_DEADLINE;
	}
	if (lat_cri >= sys_stat.thr_lat_cri && (s64)(vdl - vdeadline) > 0)
		return LAVD_PREEMPT_DEADLINE;
	return 0;
}

struct victim {
	s32 cpu;
	u32 how;
	u64 deadline;
	s32 self;  /* the waking CPU */
};

/* Candidate victim cpu (any value; out-of-range and disallowed ones are skipped): it becomes the best
 * when it allows a stronger preemption, or the same with a later running deadline. */
static __always_inline void consider_victim(s32 cpu, const struct cpumask *allowed, u64 vdeadline, u32 lat_cri,
					    bool wakeup, bool now_only, struct victim *best)
{
	struct lavd_cpu_ctx *c;
	u32 how;

	if (cpu < 0 || (u32)cpu >= nr_cpu_ids_lavd || !bpf_cpumask_test_cpu(cpu, allowed))
		return;
	c = get_cpu_ctx(cpu);
	/* a CPU where pinned tasks wait is theirs to preempt: a task put ahead of its queue there
	 * delays tasks that have no other CPU to go to (on PREEMPT_RT, periodic tasks woken by that
	 * CPU's timer thread chose it again and again, and a pinned one waited 10 ms). A CPU whose
	 * task a higher sched class interrupted serves the preemptor only when that class's task
	 * leaves: only the waking CPU's, whose RT task is the waker (the timer thread) about to sleep */
	if (!c || c->nr_pinned || (c->running_held && cpu != best->self))
		return;
	how = may_preempt(c, vdeadline, lat_cri, wakeup);
	if (now_only && how != LAVD_PREEMPT_NOW)
		return;
	if (how > best->how ||
	    (how == LAVD_PREEMPT_DEADLINE && how == best->how && (s64)(c->running_deadline - best->deadline) > 0)) {
		best->cpu = cpu;
		best->how = how;
		best->deadline = c->running_deadline;
	}
}

/* Up to LAVD_VICTIM_SCAN CPUs of domain dom_id as candidates, from a random one on: every CPU of a
 * small domain, so tasks waking together (periodic tasks on a common timer) each find a victim
 * where two random picks would collide and leave some queued behind tasks that waited longer.
 * seen_a and seen_b, already considered, are not looked at again. */
static __always_inline void scan_domain(u32 dom_id, const struct cpumask *allowed, u64 vdeadline, u32 lat_cri,
					bool wakeup, s32 seen_a, s32 seen_b, struct victim *best)
{
	struct lavd_cpdom_ctx *d = get_cpdom_ctx(dom_id);
	u32 i, n, start;

	if (!d || !d->nr_cpus)
		return;
	n = d->nr_cpus < LAVD_VICTIM_SCAN ? d->nr_cpus : LAVD_VICTIM_SCAN;
	start = bpf_get_prandom_u32() % d->nr_cpus;
	bpf_for(i, 0, n) {
		u32 key = d->cpu_off + (start + i) % d->nr_cpus, *cpu = bpf_map_lookup_elem(&cpdom_cpus, &key);

		if (cpu && (s32)*cpu != seen_a && (s32)*cpu != seen_b)
			consider_victim((s32)*cpu, allowed, vdeadline, lat_cri, wakeup, false, best);
	}
}

/* The chosen victim's CPU, claimed, or -1. One preemption per victim: the claim clears its running
 * deadline, so the next preemptor sees it as taken; a task that loses the claim to a concurrent
 * preemptor gives up and waits in its queue. pinned: the preemptor is a pinned task (counted
 * apart, as are victims a higher sched class had interrupted: read before the claim, as ops.running
 * and ops.stopping on the victim's CPU may change it after). */
static __always_inline s32 claim_victim(s32 cpu, u32 how, u64 deadline, bool pinned)
{
	struct lavd_cpu_ctx *victim, *self;
	u32 held;

	if (cpu < 0 || !how)
		return -1;
	victim = get_cpu_ctx(cpu);
	if (!victim)
		return -1;
	held = victim->running_held;
	if (__sync_val_compare_and_swap(&victim->running_deadline, deadline, 0) != deadline)
		return -1;
	self = get_cpu_ctx(bpf_get_smp_processor_id());
	if (self)
		self->nr_preempt++;
	stat_inc(LAVD_STAT_PREEMPT);
	if (pinned)
		stat_inc(LAVD_STAT_PREEMPT_PINNED);
	if (held)
		stat_inc(LAVD_STAT_PREEMPT_HELD);
	return cpu;
}

int lavd_find_victim(struct task_struct *p __arg_trusted, u64 vdeadline, u32 lat_cri, u32 dom_id, u32 wakeup)
{
	const struct cpumask *active = active_cpumask(), *dom = cpdom_cpumask(dom_id);
	struct bpf_cpumask *tmp = scratch_cpumask();
	const struct cpumask *allowed;
	s32 self_cpu = bpf_get_smp_processor_id(), own_cpu = scx_bpf_task_cpu(p);
	struct victim best = { .cpu = -1, .self = self_cpu };

	if (!lat_cri || !active || !dom || !tmp)
		return -1;
	/* the CPUs that would serve the task from its queue */
	bpf_cpumask_and(tmp, p->cpus_ptr, active);
	bpf_cpumask_and(tmp, (const struct cpumask *)tmp, dom);
	allowed = (const struct cpumask *)tmp;
	/* candidates (each only if in `allowed`): the waking CPU (no IPI: an interrupt that woke the
	 * task reschedules on its way out), the task's own CPU (warm cache), and up to LAVD_VICTIM_SCAN
	 * CPUs of the domain. For a deadline preemption (LAVD_PREEMPT_DEADLINE) the latest running
	 * deadline wins; for an immediate one the first candidate that allows it, so the waking CPU
	 * when it can */
	consider_victim(self_cpu, allowed, vdeadline, lat_cri, wakeup, false, &best);
	consider_victim(own_cpu, allowed, vdeadline, lat_cri, wakeup, false, &best);
	scan_domain(dom_id, allowed, vdeadline, lat_cri, wakeup, self_cpu, own_cpu, &best);
	/* a task put straight on the victim's CPU may go to any active CPU it may use: with every CPU of
	 * its domain taken (say, by other periodic tasks), two more random ones, of any domain, are
	 * tried (there is no and-not kfunc to leave its own domain out) */
	if (wakeup && best.how != LAVD_PREEMPT_NOW && nr_cpdoms > 1) {
		bpf_cpumask_and(tmp, p->cpus_ptr, active);
		consider_victim(bpf_cpumask_any_distribute(allowed), allowed, vdeadline, lat_cri, wakeup, true, &best);
		consider_victim(bpf_cpumask_any_distribute(allowed), allowed, vdeadline, lat_cri, wakeup, true, &best);
	}
	return claim_victim(best.cpu, best.how, best.deadline, false);
}

/* A pinned task's victim: its own CPU's (cpu) running task, by the same rules (may_preempt), or -1. Its
 * CPU is the only one it can run on, so upstream's power-of-two choice has nothing to choose from;
 * without this it waited behind a CPU hog for the hog's slice (up to --pinned-slice-us): cyclictest
 * pins its threads one per CPU. */
int lavd_find_pinned_victim(s32 cpu, u64 vdeadline, u32 lat_cri, u32 wakeup)
{
	struct lavd_cpu_ctx *c = get_cpu_ctx(cpu);
	u64 deadline;

	if (!lat_cri || !c)
		return -1;
	deadline = c->running_deadline;
	return claim_victim(cpu, may_preempt(c, vdeadline, lat_cri, wakeup), deadline, true);
}

/* Is the running task (t) far more critical than the queue's head, as a waking task must be to take a
 * CPU at once (may_preempt)? Then the head's earlier deadline does not make it yield: a periodic
 * task cut short by a hog whose deadline came due would be late for its next period, run its
 * periods back to back and from then on look like a hog itself. */
static __always_inline bool far_more_critical(const struct task_ctx *t, struct task_struct *head)
{
	struct task_ctx *h = get_task_ctx(head);

	return h && t->lat_cri >= 2 * h->lat_cri + LAVD_LC_BOOST;
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
	ran = ran_in_slice(p, t);
	if (pinned_slice_ns && c->nr_pinned && p->nr_cpus_allowed != 1) {
		if (ran >= pinned_slice_ns)
			scxx_task_set_slice(p, 0);
		return;
	}
	/* yield: a task with an earlier deadline waits in this CPU's queue (a task that could not
	 * preempt gets the CPU at the next tick instead of the end of the slice), unless the running
	 * task is far more critical than it. With per-CPU queues that task is the one ops.dispatch
	 * would take next (dispatch_src_cpu): its own head, or another CPU's that goes first */
	if (!no_preemption && ran >= slice_min_ns && c->cpdom_id != LAVD_NONE &&
	    bpf_ksym_exists(scx_bpf_dsq_peek)) {
		struct lavd_cpdom_ctx *d = per_cpu_dsq ? get_cpdom_ctx(c->cpdom_id) : NULL;
		s32 src = d ? dispatch_src_cpu(cpu, d) : cpu;
		struct task_struct *head = src < 0 ? NULL : scx_bpf_dsq_peek(per_cpu_dsq ? (u64)src : cpdom_dsq(c->cpdom_id));

		if (head && (s64)(head->scx.dsq_vtime - t->vdeadline) < 0 && !far_more_critical(t, head)) {
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
