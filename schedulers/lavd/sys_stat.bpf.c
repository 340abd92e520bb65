/* schedulers/lavd/sys_stat.bpf.c: the 10 ms system-statistics timer (or, where the kernel refuses
 * bpf_timer, the same round driven from ops.tick/ops.dispatch: lavd_sys_stat_due), and
 * ops.update_idle, which times each CPU's idle periods for it. Each round collects the per-domain
 * queue lengths and the per-CPU idle, task and interrupt/steal times and counters, derives
 * utilisation (everything but idle, plus interrupts and steal inside idle periods; util_math.h),
 * its capacity- and frequency-invariant ("scaled") form, the latency- and performance-criticality
 * averages and thresholds, the average service time and the time slice, adds what ops.running
 * counted per CPU to the monotonic counters of the stats map (lavd_count_cpu), then lets
 * power.bpf.c (autopilot, core compaction, frequency) and balance.bpf.c (migration plan) act on
 * them. The timer is started from ops.init and never cancelled (a sched_ext callback cannot cancel
 * a timer on these kernels); after ops.exit its next firing ends it, and the maps' end frees it. */
#include "lavd.bpf.h"

struct lavd_sys_stat sys_stat;

struct sys_timer {
	struct bpf_timer timer;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, u32);
	__type(value, struct sys_timer);
} sys_timer SEC(".maps");

/* The kernel's per-CPU time accounting (what /proc/stat shows). Interrupt and softirq time are
 * exact with CONFIG_IRQ_TIME_ACCOUNTING and sampled at ticks without it (Debian's kernels); steal
 * time is sampled at ticks from the hypervisor's steal clock (CONFIG_PARAVIRT). */
extern struct kernel_cpustat kernel_cpustat __ksym __weak;

/* interrupt + softirq + steal time accounted to cpu so far (ns) */
static __always_inline u64 irq_steal_total(s32 cpu)
{
	struct kernel_cpustat *k;

	if (!bpf_ksym_exists(&kernel_cpustat))
		return 0;
	k = bpf_per_cpu_ptr(&kernel_cpustat, cpu);
	if (!k)
		return 0;
	return k->cpustat[CPUTIME_IRQ] + k->cpustat[CPUTIME_SOFTIRQ] + k->cpustat[CPUTIME_STEAL];
}

/* ops.update_idle: the CPU switches to (idle) or away from its idle task; runs on that CPU with its
 * run queue locked, at every such switch: one map lookup, no loop. SCX_OPS_KEEP_BUILTIN_IDLE
 * (main.bpf.c) keeps the kernel's idle masks, which select_cpu/enqueue rely on. */
void BPF_STRUCT_OPS(lavd_update_idle, s32 cpu, bool idle)
{
	struct lavd_cpu_ctx *c = get_cpu_ctx(cpu);
	u64 now = scxx_now(), irq = irq_steal_total(cpu);

	if (!c)
		return;
	/* the run mark (ops.stopping): none while idle, from now on when the CPU leaves idle */
	if (idle) {
		__sync_lock_test_and_set(&c->run_mark, 0);
		/* no task of ours runs or is held here (one held that left without resuming) */
		c->running_deadline = 0;
		c->running_held = 0;
		c->running_lock_holder = 0;
		lavd_idle_enter(&c->idle, now, irq);
	} else {
		__sync_lock_test_and_set(&c->run_mark, now);
		lavd_idle_exit(&c->idle, now, irq);
	}
}

/* one round's sums */
struct round {
	u64 nr_queued;
	u64 nr_pinned;
	u64 util_sum;
	u64 util_cap_sum;
	u64 irq_steal_sum;
	u64 nr_sched;
	u64 sum_lat_cri;
	u64 max_lat_cri;
	u64 sum_perf_cri;
	u64 sum_svc_time;
};

/* One CPU's utilisation for the round (util_math.h): moves a running task's mark and cuts an open
 * idle period at now, then sets c->util, avg_util, util_scaled and irq_steal_util. A global
 * function, verified once on its own: inlined, its branches multiplied the states of the round's
 * CPU loop (~30x the round's verifier cost). */
int lavd_cpu_util(u32 cpu, u64 now, u64 dur)
{
	struct lavd_cpu_ctx *c = get_cpu_ctx(cpu);
	u64 busy, util, mark, irq, perf;

	if (!c)
		return 0;
	/* a task still running: count its time up to now and move its mark. A CPU running its idle
	 * task whose mark is still set went idle unreported (no ops.update_idle while the kernel
	 * bypasses the scheduler, as during attach): its mark is dropped, not counted. Not the idle
	 * mask: at attach the kernel marks every CPU idle, and a CPU busy with one task keeps the bit */
	mark = c->run_mark;
	if (mark && scxx_cpu_runs_idle_task((s32)cpu))
		__sync_val_compare_and_swap(&c->run_mark, mark, 0);
	else if (mark && (s64)(now - mark) > 0 && __sync_val_compare_and_swap(&c->run_mark, mark, now) == mark)
		__sync_fetch_and_add(&c->busy_ns, now - mark);
	/* ... and an idle period still open counts up to now */
	irq = irq_steal_total(cpu);
	lavd_idle_cut(&c->idle, now, irq);
	busy = lavd_busy_ns(dur, lavd_take(&c->busy_ns), lavd_take(&c->idle.idle_ns),
			    lavd_take(&c->idle.idle_irq_ns), c->idle.tracked);
	util = lavd_util(busy, dur);
	c->util = util;
	c->avg_util = calc_avg(c->avg_util, util);
	perf = bpf_ksym_exists(scx_bpf_cpuperf_cur) ? scx_bpf_cpuperf_cur(cpu) : LAVD_SCALE;
	c->util_scaled = lavd_util_scaled(util, c->capacity, perf);
	c->irq_steal_util = c->irq_steal_prev ? lavd_util(lavd_since(irq, c->irq_steal_prev), dur) : 0;
	c->irq_steal_prev = irq;
	return 0;
}

/* Adds what ops.running counted on a CPU since the last round to the monotonic counters (the stats
 * map), so that ops.running updates no map. A global function: verified once, its branches do not
 * multiply the states of the round's CPU loop. */
int lavd_count_cpu(u32 cpu, u64 nr_sched)
{
	struct lavd_cpu_ctx *c = get_cpu_ctx(cpu);

	if (!c)
		return 0;
	stat_add(LAVD_STAT_SCHED, nr_sched);
	if (c->big)
		stat_add(LAVD_STAT_ON_BIG, nr_sched);
	stat_add(LAVD_STAT_LAT_CRI, lavd_take(&c->nr_lat_cri));
	stat_add(LAVD_STAT_PERF_CRI, lavd_take(&c->nr_perf_cri));
	stat_add(LAVD_STAT_X_MIGRATION, lavd_take(&c->nr_x_migration));
	return 0;
}

static __always_inline void collect_domains(struct round *r)
{
	u32 i;

	bpf_for(i, 0, nr_cpdoms) {
		struct lavd_cpdom_ctx *d = get_cpdom_ctx(i);

		if (!d)
			break;
		d->nr_queued = scx_bpf_dsq_nr_queued(cpdom_dsq(i));
		r->nr_queued += d->nr_queued;
		d->util_sum = 0;
		d->nr_active = 0;
	}
}

static __always_inline void collect_cpus(struct round *r, u64 now, u64 dur)
{
	u32 cpu;

	bpf_for(cpu, 0, nr_cpu_ids_lavd) {
		struct lavd_cpu_ctx *c = get_cpu_ctx(cpu);
		struct lavd_cpdom_ctx *d;
		u64 util, scaled, q, nr_sched;

		if (!c)
			break;
		if (!c->online)
			continue;
		lavd_cpu_util(cpu, now, dur);
		util = c->util;
		scaled = c->util_scaled;
		r->util_sum += util;
		r->util_cap_sum += scaled;
		r->irq_steal_sum += c->irq_steal_util;
		r->nr_pinned += c->nr_pinned;

		q = scx_bpf_dsq_nr_queued(SCX_DSQ_LOCAL_ON | cpu);
		if (per_cpu_dsq)
			q += scx_bpf_dsq_nr_queued(cpu);
		d = get_cpdom_ctx(c->cpdom_id);
		if (d) {
			d->nr_queued += q;
			r->nr_queued += q;
			d->util_sum += scaled;
			d->nr_active += c->active;
		}

		nr_sched = lavd_take(&c->nr_sched);
		r->nr_sched += nr_sched;
		r->sum_lat_cri += lavd_take(&c->sum_lat_cri);
		r->sum_perf_cri += lavd_take(&c->sum_perf_cri);
		r->sum_svc_time += lavd_take(&c->sum_svc_time);
		if (c->max_lat_cri > r->max_lat_cri)
			r->max_lat_cri = c->max_lat_cri;
		c->max_lat_cri = 0;
		lavd_count_cpu(cpu, nr_sched);
		c->nr_preempt = 0;
	}
}

/* slice = targeted latency x active CPUs / waiting tasks, clamped and smoothed */
static __always_inline void calc_slice(void)
{
	u64 nq = sys_stat.nr_queued_task, s;

	if (nq) {
		s = LAVD_TARGETED_LATENCY_NS * sys_stat.nr_active / nq;
		if (s < slice_min_ns)
			s = slice_min_ns;
		if (s > slice_max_ns)
			s = slice_max_ns;
	} else {
		s = slice_max_ns;
	}
	sys_stat.slice_ns = calc_avg(sys_stat.slice_ns, s);
}

static __always_inline void update_sys_stat(void)
{
	struct round r = {};
	u64 now = scxx_now(), dur = time_delta(now, sys_stat.last_update), cur_util, avg_lat, avg_perf;

	if (!dur)
		dur = 1;
	sys_stat.last_update = now;
	sys_stat.interval_ns = dur;

	collect_domains(&r);
	collect_cpus(&r, now, dur);

	cur_util = r.util_sum / (nr_cpus_onln ? nr_cpus_onln : 1);
	sys_stat.avg_util = calc_avg(sys_stat.avg_util, cur_util);
	sys_stat.util_cap_sum = calc_avg(sys_stat.util_cap_sum, r.util_cap_sum);
	sys_stat.avg_irq_steal = calc_avg(sys_stat.avg_irq_steal, r.irq_steal_sum / (nr_cpus_onln ? nr_cpus_onln : 1));
	sys_stat.nr_queued_now = r.nr_queued;
	sys_stat.nr_pinned = r.nr_pinned;
	sys_stat.nr_queued_task = calc_avg(sys_stat.nr_queued_task, r.nr_queued);

	if (r.nr_sched) {
		avg_lat = r.sum_lat_cri / r.nr_sched;
		avg_perf = r.sum_perf_cri / r.nr_sched;
		sys_stat.avg_lat_cri = calc_avg(sys_stat.avg_lat_cri, avg_lat);
		sys_stat.max_lat_cri = calc_avg(sys_stat.max_lat_cri, r.max_lat_cri);
		sys_stat.avg_perf_cri = calc_avg(sys_stat.avg_perf_cri, avg_perf);
		sys_stat.avg_svc_time = r.sum_svc_time / r.nr_sched;
	}
	if (sys_stat.max_lat_cri > sys_stat.avg_lat_cri)
		sys_stat.thr_lat_cri = sys_stat.max_lat_cri -
				       ((sys_stat.max_lat_cri - sys_stat.avg_lat_cri) >> preempt_shift);
	else
		sys_stat.thr_lat_cri = sys_stat.avg_lat_cri;
	sys_stat.thr_perf_cri = sys_stat.avg_perf_cri;

	calc_slice();
	sys_stat.nr_rounds++;
}

static __always_inline void sys_stat_round(void)
{
	update_sys_stat();
	lavd_power_update();
	if (nr_cpdoms > 1)
		lavd_plan_migration();
}

static int sys_timer_cb(void *map, int *key, struct bpf_timer *timer)
{
	int err;

	if (SCXX_EXITED(uei))
		return 0; /* this instance has ended: no round, no re-arm (common.bpf.h says why) */
	sys_stat_round();
	/* Without the next round the slice, thresholds and active set freeze: leave, saying why. Not
	 * on -EINVAL: with no flags, and no map update of this element, that only means the map's
	 * last user reference is gone and the kernel is freeing its timers (the runner closing this
	 * instance), and an error from here would land on whatever scheduler is attached by then. */
	err = bpf_timer_start(timer, LAVD_SYS_STAT_INTERVAL_NS, 0);
	if (err && err != -SCXX_EINVAL)
		scxx_error("lavd: re-arm the sys_stat timer: %d", err);
	return 0;
}

/* Timer-free mode (!scxx_bpf_timers: the kernel's verifier refuses bpf_timer, i.e. PREEMPT_RT). The
 * round runs from ops.tick and ops.dispatch instead: the first CPU that finds the round due claims
 * it with compare-and-swap on its deadline and runs it. A busy CPU ticks every 1/HZ and an idling
 * one passes through dispatch, so rounds keep their 10 ms pace whenever there is anything to
 * schedule; on a machine with nothing to run they pause, which changes no decision (the next
 * wakeup's dispatch runs a round first, measuring the whole pause as its interval). */
static u64 next_round_at;

int lavd_sys_stat_due(void)
{
	u64 now = scxx_now(), at = next_round_at;

	if ((s64)(now - at) < 0 ||
	    __sync_val_compare_and_swap(&next_round_at, at, now + LAVD_SYS_STAT_INTERVAL_NS) != at)
		return 0;
	sys_stat_round();
	return 1;
}

int lavd_sys_stat_init(void)
{
	struct bpf_timer *timer;
	u32 key = 0;
	int err;

	sys_stat.last_update = scxx_now();
	sys_stat.slice_ns = slice_max_ns;
	sys_stat.nr_cpus_onln = nr_cpus_onln;
	cur_logical_clk = 2 * slice_max_ns;

	if (!scxx_bpf_timers) {
		next_round_at = sys_stat.last_update + LAVD_SYS_STAT_INTERVAL_NS;
		return 0;
	}
	timer = bpf_map_lookup_elem(&sys_timer, &key);
	if (!timer)
		return -SCXX_ENOENT;
	if ((err = bpf_timer_init(timer, &sys_timer, 1 /* CLOCK_MONOTONIC */)) ||
	    (err = bpf_timer_set_callback(timer, sys_timer_cb)) ||
	    (err = bpf_timer_start(timer, LAVD_SYS_STAT_INTERVAL_NS, 0)))
		scxx_error("lavd: set up the sys_stat timer: %d", err);
	return err;
}
