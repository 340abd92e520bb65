/* schedulers/lavd/main.bpf.c: lavd's tunables, its ops table, ops.init/exit and the task life
 * cycle (init_task, enable, disable). The policy itself lives in the sibling files, all linked
 * into one object (see schedulers/meson.build):
 *   lat_cri.bpf.c   task accounting (wake-up, running, stopping), latency and performance
 *                   criticality, the virtual deadline and the time slice
 *   idle.bpf.c      ops.select_cpu: wake-up accounting, idle-CPU choice (active set, core type,
 *                   wake sync)
 *   queue.bpf.c     ops.enqueue / ops.dispatch: domain and per-CPU DSQs
 *   preempt.bpf.c   preemption (victim choice; the task goes to the victim's local DSQ) and
 *                   ops.tick slice trimming
 *   balance.bpf.c   the cross-domain migration plan and stealing at dispatch
 *   sys_stat.bpf.c  the 10 ms system-statistics timer (utilisation, thresholds, time slice) and
 *                   ops.update_idle (idle time per CPU)
 *   power.bpf.c     power modes, autopilot, core compaction, CPU frequency targets
 *   futex.bpf.c     lock-holder (futex) boost, optional tracing programs
 *
 * Design
 * ======
 * LAVD (latency-criticality aware virtual deadline) orders runnable tasks by a virtual deadline
 * that is short for latency-critical tasks and long for tasks that hog the CPU, and gives every
 * task a time slice sized so that all waiting tasks run once within a targeted latency.
 *
 * Latency criticality. A task in the middle of a chain of events (input -> compositor -> game
 * thread -> audio) sleeps often, wakes others often, and runs briefly each time. Per task we keep
 * exponentially weighted frequencies: how often it sleeps (wait_freq, ops.stopping of a task that
 * is no longer runnable), how often it wakes a task of its own family (wake_freq: the waker and the
 * wakee share a parent or a thread group, and the wake-up is not from interrupt context), how often
 * it is woken (run_freq), and its average runtime per wake-up. The criticality is the sum of
 * log2(wait_freq), log2(wake_freq) and log2(max_runtime / runtime), shifted by the task's weight
 * (nice), normalised to [0, 1024]; a task that has run R of CPU time since it last slept (when
 * queued again while runnable) or last woke a task of its family counts that frequency as at most
 * 1 / R, so a burst long over no longer rates it (recent_wait_freq, recent_wake_freq). Fixed
 * boosts are added for wake-ups from interrupt context (the waker is the idle task or ksoftirqd), wake-ups by RT/deadline tasks, kernel threads (more for
 * kworkers and ksoftirqd), pinned or affinitized tasks and futex holders (futex.bpf.c). A wakee
 * inherits up to half of its waker's excess criticality, capped at 1/8 of the scale, so a chain is
 * only as urgent as its head. The 10 ms timer keeps the system-wide average and (smoothed) maximum;
 * the threshold for "latency critical" and for wake-up preemption is max - ((max - avg) >>
 * preempt_shift): by default (0) the average, upstream's 6 leaves only the few most critical tasks
 * of a round above it (see the README).
 *
 * Virtual deadline. A logical clock (cur_logical_clk) advances whenever a task starts running
 * with a deadline beyond it, by the gap divided by the number of waiting tasks, so it follows the
 * queue without jumping over tasks still waiting. A task's deadline is the clock plus a delta that
 * grows with its runtime per wake-up (weighted by 100 / weight) and with a greedy penalty (up to 2x
 * when its weighted service time runs ahead of the average of the tasks that ran), capped by a
 * competition window (2 x slice_max): no task is ever placed more than one window behind a task
 * that wakes now, which bounds both how far a critical task can jump ahead and how long a hog can
 * be passed over. Latency criticality then shrinks it (1x at 0, 0.2x at 256, 0.06x at 1024), after
 * the cap, so a critical task that runs long still sorts ahead of a hog.
 *
 * Time slice. Every 10 ms: slice = 15 ms x active CPUs / waiting tasks, clamped to [slice_min,
 * slice_max] and smoothed. A task whose average runtime exceeds the slice gets its runtime plus an
 * eighth (at most 4 x slice_max) when fewer tasks wait than CPUs are active (slice boost), so it
 * can finish in one go; ops.tick takes the boost back as soon as others wait. While pinned tasks
 * wait for a CPU, other tasks there get at most pinned_slice.
 *
 * Preemption. A task that finds no idle CPU looks for a victim among the active CPUs of its domain
 * it may run on (the CPUs that would serve it from its queue): the waking CPU and its own CPU when
 * they are such CPUs, and up to eight CPUs of the domain from a random one on; never a CPU whose
 * task holds a lock (futex boost) or is at least as critical. A task that just woke and is far more
 * critical than the victim's task (at least twice its criticality plus one boost step) may take
 * that CPU whatever their deadlines (two more random active CPUs it may use, of any domain, are
 * tried when none of its own qualifies); a task at or above the threshold (upstream's rule), or a
 * far more critical one queued again after its slice, may take the candidate running the latest
 * deadline later than its own. Either way the task goes straight to the victim's local DSQ with
 * SCX_ENQ_PREEMPT, ahead of any queue; upstream queues it and kicks the victim, which then runs the
 * queue's head, often another task (see the README). The far-more-critical rule departs from
 * upstream too: periodic tasks among CPU hogs sat below upstream's threshold (shift 6), which the
 * few most critical tasks of a round set. A synchronous wake-up (the waker, writing to a pipe or a
 * socket, says it will sleep soon) preempts nobody: the task waits in its queue, and a sender that
 * keeps writing lets its receivers' messages pile up instead of switching per message (ours, see
 * the README). Below all that, a task gets the CPU at the next tick instead:
 * ops.tick ends the running task's slice (after slice_min) when the task its CPU would dispatch
 * next has an earlier deadline, unless the running task is far more critical than that task.
 *
 * Interrupt context. A wake-up from an interrupt names whatever task it interrupted as `current`;
 * counting that as a wake-up by that task would make CPU hogs look like wakers. The wake-up
 * accounting (lavd_became_runnable, from ops.select_cpu or ops.enqueue) reads x86's per-CPU
 * preempt count (__preempt_count, a weak typed ksym: int on 7.2, unsigned long on 7.3) and treats
 * any interrupt/NMI bit (16..30) or the serving-softirq bit as interrupt context.
 *
 * Compute domains. User space (cpdom.cpp) splits the online CPUs into domains, one per NUMA node x
 * LLC x core type, with neighbour lists ordered by distance (4 levels). Each domain has a DSQ
 * ordered by deadline, and a CPU dispatches from it. With --per-cpu-dsq each CPU has one instead: a
 * CPU serves its own queue's head unless another CPU's head in its domain is due more than
 * slice_min before it or is far more critical (or its own queue is empty), so most tasks run where
 * they were queued and a dispatch seldom takes another run queue's lock (see the README). Then it
 * steals: from same-node neighbours whenever they have work, from other nodes when
 * the 10 ms plan marked its domain a stealer and the neighbour a stealee (load per capacity 25%
 * below / above the mean; no plan below --lb-low-util-pct) or the neighbour has more waiting
 * tasks than active CPUs. An enqueued task that finds an idle active CPU goes straight to that CPU's
 * local DSQ when the CPU is in another domain (it would not serve this domain's queue) or when
 * system utilisation is below --lb-local-dsq-util-pct; otherwise it waits in its domain's (or CPU's)
 * queue and the idle CPU is woken for it.
 *
 * Utilisation. ops.update_idle times each CPU's idle periods (the kernel keeps its own idle
 * tracking: SCX_OPS_KEEP_BUILTIN_IDLE). Every 10 ms a CPU's utilisation is the time it did not
 * spend idle (sched_ext tasks, RT/deadline tasks, interrupts, hypervisor steal) plus the interrupt
 * and steal time the kernel accounted inside its idle periods, over the round; its "scaled" form
 * multiplies by the CPU's capacity and current frequency (scx_bpf_cpuperf_cur), i.e. measures work
 * in units of the biggest CPU at full speed. Autopilot, frequency targets and the migration plan's
 * low-load cut-off use the plain utilisation; core compaction and the migration plan's domain
 * loads use the scaled one.
 *
 * Power. Core compaction keeps an active set: the first N CPUs of a preference order (user space
 * computes a performance order that spreads over cores and domains, and a powersave order that
 * packs them; --cpu-pref-order replaces both) whose capacity covers the measured load at
 * --lat-load-target-pct (powersave packs halfway further towards 100%). Wake-ups only go to
 * active CPUs; the others fall idle. Performance mode (and --no-core-compaction) keeps every
 * CPU active. Autopilot picks powersave below 5% utilisation, balanced below 70%, else
 * performance. CPU frequency targets (scx_bpf_cpuperf_set) follow the mode and each CPU's
 * utilisation; without cpufreq they are hints nobody reads. On big.LITTLE machines tasks whose
 * performance criticality (run frequency x runtime) is above the average prefer big domains,
 * the others little ones.
 *
 * NR_CPUS portability (the seed PR's rule): no struct cpumask / struct bpf_cpumask by value in
 * global data. The per-domain masks, the active set and per-CPU scratch masks are kptr cpumasks
 * created here in ops.init and held in array maps; every CPU- and domain-indexed table is an
 * array map sized by user space from nr_cpu_ids and the domain count. There is no CPU cap.
 *
 * CPU hotplug: no cpu_online/cpu_offline callbacks, so the kernel unloads the scheduler with an
 * exit code asking for a restart; scx-run re-reads the topology and starts again.
 *
 * User space sets before load: every `const volatile` below and the max_entries of each map;
 * after load and before attach it writes cpu_ctxs, cpdom_ctxs, cpdom_cpus, cpdom_nbrs and
 * pref_order.
 */
#include "lavd.bpf.h"

char _license[] SEC("license") = "GPL";

/* --- tunables (set by user space before load) --------------------------------------------------- */
const volatile __u32 nr_cpu_ids_lavd = 1;
const volatile __u32 nr_cpdoms = 1;
const volatile __u32 nr_cpus_onln = 1;
const volatile __u64 total_capacity = LAVD_SCALE;
/* Writable: `scx-ctl set slice-min-us/slice-max-us/power-mode` change these while attached. */
__u64 slice_min_ns = 4000ULL * 1000;  /* upstream: 500 us (see the README's departures) */
__u64 slice_max_ns = 5000ULL * 1000;
__u32 power_request = LAVD_PM_AUTOPILOT; /* a lavd_power_mode, or LAVD_PM_AUTOPILOT */
const volatile __u64 pinned_slice_ns = 5000ULL * 1000;
const volatile __u32 preempt_shift = 0;  /* upstream: 6 (see the README's departures) */
/* Derived from options (lavd.cpp's configure sets them every load): no initialiser, so no second
 * copy of a default lives here. */
const volatile __u32 lat_load_target;
const volatile __u32 lb_low_util;
const volatile __u32 lb_local_dsq_util;
const volatile bool no_preemption;
const volatile bool no_wake_sync;
const volatile bool no_slice_boost;
const volatile bool no_freq_scaling;
const volatile bool no_core_compaction;
const volatile bool per_cpu_dsq;
const volatile bool have_little_core;
const volatile bool monitor_on;
const volatile bool scxx_bpf_timers = true; /* false: the kernel refuses bpf_timer (sys_stat.bpf.c) */

/* Read by user space after detach (scxx::ExitInfo). */
SCXX_EXIT_INFO_DEFINE(uei);

/* Puts a fresh kptr cpumask into slot idx of an array map of struct lavd_mask; the CPUs of
 * cpdom_cpus[off, off + n) are set in it. */
static int install_mask(void *map, u32 idx, u32 off, u32 n)
{
	struct bpf_cpumask *m, *old;
	struct lavd_mask *slot;
	u32 i, key = idx;

	slot = bpf_map_lookup_elem(map, &key);
	if (!slot)
		return -SCXX_ENOENT;
	m = bpf_cpumask_create();
	if (!m)
		return -SCXX_ENOMEM;
	bpf_for(i, 0, n) {
		u32 k = off + i;
		u32 *cpu = bpf_map_lookup_elem(&cpdom_cpus, &k);

		if (cpu && *cpu < nr_cpu_ids_lavd)
			bpf_cpumask_set_cpu(*cpu, m);
	}
	old = bpf_kptr_xchg(&slot->mask, m);
	if (old)
		bpf_cpumask_release(old);
	return 0;
}

/* install_mask unless the slot holds a mask already: 0 once the slot is filled. */
static int ensure_mask(void *map, u32 idx, u32 off, u32 n)
{
	struct lavd_mask *slot;
	u32 key = idx;

	slot = bpf_map_lookup_elem(map, &key);
	if (!slot)
		return -SCXX_ENOENT;
	if (slot->mask)
		return 0;
	return install_mask(map, idx, off, n);
}

/* Allocates every cpumask lavd keeps that is not there yet: one per domain, a scratch mask per CPU,
 * the active set. User space runs it after writing the tables and before attach, again and again
 * until it returns 0 (scxx::run_syscall_until_done): the BPF allocator hands out objects from a
 * small per-CPU free list refilled by an irq_work, which on PREEMPT_RT runs in a thread that cannot
 * run while a program does; one program run there gets a single mask (measured on 7.3-rt: a second
 * bpf_cpumask_create() in ops.init failed even after 200,000 retries). Returns how many are still
 * missing. */
SEC("syscall")
int lavd_alloc_masks(void *ctx)
{
	u32 i, missing = 0;

	int err;

	bpf_for(i, 0, nr_cpdoms) {
		struct lavd_cpdom_ctx *d = get_cpdom_ctx(i);

		if (!d)
			return -SCXX_ENOENT;
		err = ensure_mask(&cpdom_masks, i, d->cpu_off, d->nr_cpus);
		if (err == -SCXX_ENOMEM)
			missing++;
		else if (err)
			return err; /* a missing map slot: no retry helps */
	}
	bpf_for(i, 0, nr_cpu_ids_lavd) {
		err = ensure_mask(&scratch_masks, i, 0, 0);
		if (err == -SCXX_ENOMEM)
			missing++;
		else if (err)
			return err;
	}
	err = lavd_power_alloc_mask();
	if (err == -SCXX_ENOMEM)
		missing++;
	else if (err)
		return err;
	return missing;
}

s32 BPF_STRUCT_OPS_SLEEPABLE(lavd_init)
{
	u32 i;
	s32 err;

	/* one deadline-ordered DSQ per domain (its cpumask comes from lavd_alloc_masks) */
	bpf_for(i, 0, nr_cpdoms) {
		err = scx_bpf_create_dsq(cpdom_dsq(i), -1);
		if (err) {
			scxx_error("lavd: create DSQ of domain %u: %d", i, err);
			return err;
		}
	}
	/* with --per-cpu-dsq, a DSQ per online CPU */
	bpf_for(i, 0, nr_cpu_ids_lavd) {
		struct lavd_cpu_ctx *c = get_cpu_ctx(i);

		if (per_cpu_dsq && c && c->online) {
			err = scx_bpf_create_dsq(i, -1);
			if (err) {
				scxx_error("lavd: create DSQ of cpu %u: %d", i, err);
				return err;
			}
		}
	}
	err = lavd_power_init();
	if (err)
		return err;
	return lavd_sys_stat_init();
}

void BPF_STRUCT_OPS(lavd_exit, struct scx_exit_info *ei)
{
	SCXX_EXIT_INFO_RECORD(uei, ei);
}

s32 BPF_STRUCT_OPS(lavd_init_task, struct task_struct *p, struct scx_init_task_args *args)
{
	struct task_ctx *t = bpf_task_storage_get(&task_ctxs, p, 0, BPF_LOCAL_STORAGE_GET_F_CREATE);

	if (!t)
		return -SCXX_ENOMEM;
	t->cpdom_id = LAVD_NONE;
	t->pinned_cpu = LAVD_NONE;
	t->avg_runtime = slice_min_ns;
	t->svc_time = sys_stat.avg_svc_time;
	return 0;
}

/* A task joins the scheduler: its first deadline and the average service time (lat_cri.bpf.c). */
void BPF_STRUCT_OPS(lavd_enable, struct task_struct *p)
{
	lavd_new_task(p);
}

/* A task leaves the scheduler (it exits, moves to another sched class, or the scheduler unloads):
 * a pinned task that was queued and never ran no longer counts on its CPU (queue.bpf.c). */
void BPF_STRUCT_OPS(lavd_disable, struct task_struct *p)
{
	struct task_ctx *t = get_task_ctx(p);

	if (t)
		unpin_task(t);
}

/* callbacks defined in the sibling files (BPF_STRUCT_OPS programs take the raw context) */
s32 lavd_select_cpu(unsigned long long *ctx);
void lavd_enqueue(unsigned long long *ctx);
void lavd_dispatch(unsigned long long *ctx);
void lavd_running(unsigned long long *ctx);
void lavd_stopping(unsigned long long *ctx);
void lavd_tick(unsigned long long *ctx);
void lavd_update_idle(unsigned long long *ctx);

SCXX_OPS_DEFINE(lavd_ops,
	.select_cpu = (void *)lavd_select_cpu,
	.enqueue = (void *)lavd_enqueue,
	.dispatch = (void *)lavd_dispatch,
	.running = (void *)lavd_running,
	.stopping = (void *)lavd_stopping,
	.tick = (void *)lavd_tick,
	.update_idle = (void *)lavd_update_idle,
	.init_task = (void *)lavd_init_task,
	.disable = (void *)lavd_disable,
	.enable = (void *)lavd_enable,
	.init = (void *)lavd_init,
	.exit = (void *)lavd_exit,
	/* KEEP_BUILTIN_IDLE: with ops.update_idle defined the kernel would stop tracking idle CPUs */
	.flags = SCX_OPS_ENQ_EXITING | SCX_OPS_KEEP_BUILTIN_IDLE,
	.name = "lavd");
