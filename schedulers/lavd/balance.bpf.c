/* schedulers/lavd/balance.bpf.c: cross-domain load balancing.
 * - lavd_plan_migration (10 ms timer): each domain's load per capacity ((scaled utilisation +
 *   waiting tasks) / capacity) against the system mean; 25% above makes it a stealee, 25% below
 *   a stealer.
 *   Below --lb-low-util-pct system utilisation there is no plan (stealing within a node and from
 *   overflowing domains still works).
 * - lavd_steal (ops.dispatch, when its domain's queues are empty): neighbours nearest first;
 *   same-node domains (levels 0 and 1) whenever they have waiting tasks, other nodes when this
 *   domain is a stealer and the neighbour a stealee, or when the neighbour has more waiting tasks
 *   than active CPUs. */
#include "lavd.bpf.h"

int lavd_plan_migration(void)
{
	u64 load_sum = 0, cap_sum = 0, avg, hi, lo, nr_stealee = 0;
	u32 i;

	bpf_for(i, 0, nr_cpdoms) {
		struct lavd_cpdom_ctx *d = get_cpdom_ctx(i);

		if (!d)
			break;
		load_sum += d->util_sum + d->nr_queued * LAVD_SCALE;
		cap_sum += d->capacity;
	}
	if (!cap_sum)
		cap_sum = 1;
	avg = load_sum * LAVD_SCALE / cap_sum;
	hi = avg + avg / 4;
	lo = avg - avg / 4;
	bpf_for(i, 0, nr_cpdoms) {
		struct lavd_cpdom_ctx *d = get_cpdom_ctx(i);
		u64 load;

		if (!d)
			break;
		if (sys_stat.avg_util < lb_low_util || !d->capacity) {
			d->is_stealer = 0;
			d->is_stealee = 0;
			continue;
		}
		load = (d->util_sum + d->nr_queued * LAVD_SCALE) * LAVD_SCALE / d->capacity;
		d->is_stealee = load > hi && d->nr_queued > 0;
		d->is_stealer = load < lo;
		nr_stealee += d->is_stealee;
	}
	sys_stat.nr_stealee = nr_stealee;
	return 0;
}

/* With --per-cpu-dsq: a task from the DSQ of any CPU of domain d. */
static __always_inline bool steal_from_cpus(struct lavd_cpdom_ctx *d)
{
	u32 i, n = d->nr_cpus, off = d->cpu_off;

	bpf_for(i, 0, n) {
		u32 key = off + i;
		u32 *cpu = bpf_map_lookup_elem(&cpdom_cpus, &key);

		if (cpu && scxx_dsq_move_to_local(*cpu))
			return true;
	}
	return false;
}

int lavd_steal(s32 cpu, u32 cpdom_id)
{
	struct lavd_cpdom_ctx *self = get_cpdom_ctx(cpdom_id);
	u32 i, n, near;

	if (!self)
		return 0;
	n = self->nr_nbrs;
	near = self->nr_nbr_level[0] + self->nr_nbr_level[1];
	bpf_for(i, 0, n) {
		u32 key = self->nbr_off + i, *id = bpf_map_lookup_elem(&cpdom_nbrs, &key);
		struct lavd_cpdom_ctx *nb;
		s64 waiting;

		if (!id)
			break;
		nb = get_cpdom_ctx(*id);
		if (!nb)
			continue;
		waiting = per_cpu_dsq ? (s64)nb->nr_queued : scx_bpf_dsq_nr_queued(cpdom_dsq(*id));
		if (waiting <= 0)
			continue;
		if (i >= near && !(self->is_stealer && nb->is_stealee) && (u64)waiting <= nb->nr_active)
			continue;
		if (per_cpu_dsq ? steal_from_cpus(nb) : scxx_dsq_move_to_local(cpdom_dsq(*id))) {
			stat_inc(LAVD_STAT_STEAL);
			return 1;
		}
	}
	return 0;
}
