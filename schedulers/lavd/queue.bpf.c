/* schedulers/lavd/queue.bpf.c: the queues. ops.enqueue puts a task on its CPU's domain DSQ (or
 * that CPU's own DSQ with --per-cpu-dsq), ordered by virtual deadline, then wakes an idle active
 * CPU for it or tries wake-up preemption; pinned tasks go to their CPU. ops.dispatch serves the
 * CPU's own queues and then steals from neighbour domains (balance.bpf.c). ops.dequeue keeps the
 * pinned-task count straight. */
#include "lavd.bpf.h"

/* Wakes an idle CPU that may run p, nearest first: p's CPU, its domain, any active CPU; with no
 * allowed active CPU (affinity outside the active set) any allowed CPU. */
static __always_inline bool kick_idle_cpu(struct task_struct *p, s32 cpu, u32 dom_id)
{
	const struct cpumask *active = active_cpumask(), *dom = cpdom_cpumask(dom_id);
	struct bpf_cpumask *tmp = scratch_cpumask();
	s32 idle = -1;

	if (!active || !tmp)
		return false;
	bpf_cpumask_and(tmp, p->cpus_ptr, active);
	if (bpf_cpumask_empty((const struct cpumask *)tmp)) {
		idle = scx_bpf_pick_idle_cpu(p->cpus_ptr, 0);
	} else {
		if (bpf_cpumask_test_cpu(cpu, (const struct cpumask *)tmp) && scx_bpf_test_and_clear_cpu_idle(cpu))
			idle = cpu;
		if (idle < 0 && dom && bpf_cpumask_intersects(dom, (const struct cpumask *)tmp)) {
			bpf_cpumask_and(tmp, (const struct cpumask *)tmp, dom);
			idle = scx_bpf_pick_idle_cpu((const struct cpumask *)tmp, 0);
			bpf_cpumask_and(tmp, p->cpus_ptr, active);
		}
		if (idle < 0)
			idle = scx_bpf_pick_idle_cpu((const struct cpumask *)tmp, 0);
	}
	if (idle < 0)
		return false;
	scx_bpf_kick_cpu(idle, SCX_KICK_IDLE);
	return true;
}

void BPF_STRUCT_OPS(lavd_enqueue, struct task_struct *p, u64 enq_flags)
{
	struct task_ctx *t = get_task_ctx(p);
	s32 cpu = scx_bpf_task_cpu(p);
	struct lavd_cpu_ctx *c = get_cpu_ctx(cpu);
	u64 slice = sys_stat.slice_ns ? sys_stat.slice_ns : slice_max_ns;
	u32 dom;

	if (!t || !c || c->cpdom_id == LAVD_NONE) {
		/* not set up yet (or an offline CPU): keep it simple and correct */
		scxx_dsq_insert(p, SCX_DSQ_GLOBAL, slice, enq_flags);
		return;
	}

	if (p->nr_cpus_allowed == 1) {
		if (t->pinned_cpu == LAVD_NONE) {
			t->pinned_cpu = cpu;
			__sync_fetch_and_add(&c->nr_pinned, 1);
		}
		if (per_cpu_dsq)
			scxx_dsq_insert_vtime(p, cpu, slice, t->vdeadline, enq_flags);
		else
			scxx_dsq_insert(p, SCX_DSQ_LOCAL_ON | cpu, slice, enq_flags);
		scx_bpf_kick_cpu(cpu, SCX_KICK_IDLE);
		return;
	}

	/* a quiet system: straight to an idle CPU, no deadline queue round trip */
	if (sys_stat.avg_util < lb_local_dsq_util && lb_local_dsq_util) {
		s32 idle = scx_bpf_test_and_clear_cpu_idle(cpu) ? cpu : -1;

		if (idle < 0) {
			const struct cpumask *active = active_cpumask();
			struct bpf_cpumask *tmp = scratch_cpumask();

			if (active && tmp) {
				bpf_cpumask_and(tmp, p->cpus_ptr, active);
				idle = scx_bpf_pick_idle_cpu((const struct cpumask *)tmp, 0);
			}
		}
		if (idle >= 0) {
			scxx_dsq_insert(p, SCX_DSQ_LOCAL_ON | idle, slice, enq_flags);
			scx_bpf_kick_cpu(idle, SCX_KICK_IDLE);
			return;
		}
	}

	dom = c->cpdom_id;
	if (per_cpu_dsq)
		scxx_dsq_insert_vtime(p, cpu, slice, t->vdeadline, enq_flags);
	else
		scxx_dsq_insert_vtime(p, cpdom_dsq(dom), slice, t->vdeadline, enq_flags);

	if (kick_idle_cpu(p, cpu, dom))
		return;
	if (!no_preemption)
		lavd_try_preempt(p, t->vdeadline, t->lat_cri);
}

void BPF_STRUCT_OPS(lavd_dequeue, struct task_struct *p, u64 deq_flags)
{
	struct task_ctx *t = get_task_ctx(p);

	if (t)
		unpin_task(t);
}

/* With --per-cpu-dsq: the first task found in the DSQ of another CPU of domain d. */
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
	struct lavd_cpdom_ctx *d;

	if (!c || c->cpdom_id == LAVD_NONE)
		return;
	if (per_cpu_dsq && scxx_dsq_move_to_local(cpu))
		return;
	if (scxx_dsq_move_to_local(cpdom_dsq(c->cpdom_id)))
		return;
	d = get_cpdom_ctx(c->cpdom_id);
	if (per_cpu_dsq && d && consume_domain_cpus(cpu, d))
		return;
	/* CPUs compaction switched off serve their own domain only */
	if (nr_cpdoms > 1 && c->active && lavd_steal(cpu, c->cpdom_id))
		return;
	/* nothing else to run: prev keeps the CPU with a fresh slice */
	if (prev && (prev->scx.flags & SCX_TASK_QUEUED))
		scxx_task_set_slice(prev, sys_stat.slice_ns ? sys_stat.slice_ns : slice_max_ns);
}
