/* schedulers/lavd/power.bpf.c: power management, run from the 10 ms timer after sys_stat.
 * - power modes (performance / balanced / powersave), the time spent in each, and autopilot,
 *   which picks the mode from system utilisation;
 * - core compaction: the active set is the first N CPUs of the mode's preference order whose
 *   capacity covers the load (the scaled utilisation, sys_stat.util_cap_sum) at the target
 *   utilisation; wake-ups go to active CPUs only;
 * - CPU frequency targets (scx_bpf_cpuperf_set, when the kernel has it and --no-freq-scaling is
 *   not given): full speed in performance mode, otherwise following each CPU's utilisation.
 * The timer callback belongs to the sleepable ops.init, so kptr cpumasks are touched under an
 * explicit RCU read lock here. */
#include "lavd.bpf.h"

#define LAVD_AP_LOW_UTIL (LAVD_SCALE * 5 / 100)   /* autopilot: below -> powersave */
#define LAVD_AP_HIGH_UTIL (LAVD_SCALE * 70 / 100) /* autopilot: below -> balanced, else performance */

/* The active set's mask, holding every online CPU, unless it exists: 0 once it does (run from
 * lavd_alloc_masks before attach). */
int lavd_power_alloc_mask(void)
{
	struct bpf_cpumask *m, *old;
	struct lavd_mask *slot;
	u32 key = 0, cpu;

	slot = bpf_map_lookup_elem(&global_masks, &key);
	if (!slot)
		return -SCXX_ENOENT;
	if (slot->mask)
		return 0;
	m = bpf_cpumask_create();
	if (!m)
		return -SCXX_ENOMEM;
	bpf_for(cpu, 0, nr_cpu_ids_lavd) {
		struct lavd_cpu_ctx *c = get_cpu_ctx(cpu);

		if (!c)
			break;
		if (c->online)
			bpf_cpumask_set_cpu(cpu, m);
	}
	old = bpf_kptr_xchg(&slot->mask, m);
	if (old)
		bpf_cpumask_release(old);
	return 0;
}

int lavd_power_init(void)
{
	u32 cpu;

	bpf_for(cpu, 0, nr_cpu_ids_lavd) {
		struct lavd_cpu_ctx *c = get_cpu_ctx(cpu);

		if (!c)
			break;
		if (c->online)
			c->active = 1;
	}
	sys_stat.power_mode = power_request < LAVD_PM_NR ? power_request : LAVD_PM_BALANCED;
	sys_stat.nr_active = nr_cpus_onln;
	return 0;
}

/* The requested mode, read every round (it may change live), or autopilot's pick. */
static __always_inline u32 pick_mode(void)
{
	u64 util = sys_stat.avg_util;
	u32 req = power_request;

	if (req < LAVD_PM_NR)
		return req;
	if (util < LAVD_AP_LOW_UTIL)
		return LAVD_PM_POWERSAVE;
	if (util < LAVD_AP_HIGH_UTIL)
		return LAVD_PM_BALANCED;
	return LAVD_PM_PERFORMANCE;
}

/* How many CPUs of the order to keep active. */
static __always_inline u32 nr_active_wanted(u32 mode, u32 base)
{
	u64 target, need, cum = 0;
	u32 i, nr = 0;

	if (no_core_compaction || mode == LAVD_PM_PERFORMANCE)
		return nr_cpus_onln;
	target = lat_load_target ? lat_load_target : LAVD_SCALE / 2;
	if (mode == LAVD_PM_POWERSAVE)
		target = (target + LAVD_SCALE) / 2;
	need = sys_stat.util_cap_sum * LAVD_SCALE / target;
	bpf_for(i, 0, nr_cpus_onln) {
		u32 key = base + i;
		u32 *cpu = bpf_map_lookup_elem(&pref_order, &key);
		struct lavd_cpu_ctx *c;

		if (!cpu)
			break;
		c = get_cpu_ctx(*cpu);
		if (!c)
			break;
		nr = i + 1;  /* from the iterator, not a counter: a counter would be precise and */
		cum += c->capacity;  /* keep the verifier from ever seeing two equal loop states */
		if (cum > need)
			break;
	}
	return nr ? nr : 1;
}

/* Makes the first nr CPUs of the order active and the rest inactive. */
static __always_inline void set_active(u32 base, u32 nr)
{
	struct bpf_cpumask *mask;
	u32 i;

	bpf_for(i, 0, nr_cpus_onln) {
		u32 key = base + i;
		u32 *cpu = bpf_map_lookup_elem(&pref_order, &key);
		struct lavd_cpu_ctx *c;
		u32 want = i < nr;

		if (!cpu)
			break;
		c = get_cpu_ctx(*cpu);
		if (!c)
			break;
		if (c->active == want)
			continue;
		c->active = want;
		bpf_rcu_read_lock();
		mask = mask_slot(&global_masks, 0);
		if (mask) {
			if (want)
				bpf_cpumask_set_cpu(*cpu, mask);
			else
				bpf_cpumask_clear_cpu(*cpu, mask);
		}
		bpf_rcu_read_unlock();
	}
}

static __always_inline void set_frequencies(u32 mode)
{
	u32 cpu;

	if (no_freq_scaling || !bpf_ksym_exists(scx_bpf_cpuperf_set))
		return;
	bpf_for(cpu, 0, nr_cpu_ids_lavd) {
		struct lavd_cpu_ctx *c = get_cpu_ctx(cpu);
		u64 perf;

		if (!c)
			break;
		if (!c->online)
			continue;
		if (mode == LAVD_PM_PERFORMANCE)
			perf = LAVD_SCALE;
		else if (mode == LAVD_PM_POWERSAVE)
			perf = c->avg_util + c->avg_util / 8;
		else
			perf = c->avg_util + c->avg_util / 4 + LAVD_SCALE / 16;
		if (perf > LAVD_SCALE)
			perf = LAVD_SCALE;
		if (perf == c->perf_target)
			continue;
		c->perf_target = perf;
		if (scxx_bpf_timers)
			scx_bpf_cpuperf_set(cpu, perf);
		/* else each CPU sets its own (lavd_apply_own_perf) */
	}
}

/* Timer-free mode: the round runs inside some CPU's ops.tick/dispatch, where scx_bpf_cpuperf_set
 * refuses any CPU but the one whose run queue is locked ("Invalid target CPU"); so each CPU sets
 * its own target from its own tick and dispatch. */
int lavd_apply_own_perf(s32 cpu)
{
	struct lavd_cpu_ctx *c = get_cpu_ctx(cpu);

	if (no_freq_scaling || !bpf_ksym_exists(scx_bpf_cpuperf_set) || !c || c->perf_target == c->perf_applied)
		return 0;
	c->perf_applied = c->perf_target;
	scx_bpf_cpuperf_set(cpu, c->perf_target);
	return 0;
}

int lavd_power_update(void)
{
	u32 mode = sys_stat.power_mode, base, nr;

	if (mode < LAVD_PM_NR)
		sys_stat.mode_ns[mode] += sys_stat.interval_ns;
	if (sys_stat.nr_rounds % LAVD_SYS_STAT_DECAY_ROUNDS == 0) {
		sys_stat.mode_ns[0] /= 2;
		sys_stat.mode_ns[1] /= 2;
		sys_stat.mode_ns[2] /= 2;
	}
	mode = pick_mode();
	if (mode >= LAVD_PM_NR)
		mode = LAVD_PM_BALANCED;
	sys_stat.power_mode = mode;

	base = mode == LAVD_PM_POWERSAVE ? nr_cpu_ids_lavd : 0;
	nr = nr_active_wanted(mode, base);
	set_active(base, nr);
	sys_stat.nr_active = nr;
	set_frequencies(mode);
	return 0;
}
