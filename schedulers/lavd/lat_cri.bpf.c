/* schedulers/lavd/lat_cri.bpf.c: per-task accounting and the numbers the policy orders tasks by.
 * lavd_became_runnable (wake-up: run frequency, boosts, waker -> wakee inheritance, the waker's
 * wake frequency; called from ops.select_cpu and ops.enqueue: lavd has no ops.runnable),
 * lavd_new_task (ops.enable), ops.running (the logical clock, the time slice, per-CPU statistics,
 * --monitor samples; a wake-up no callback saw; no clock read) and ops.stopping (runtime from the
 * kernel's se.sum_exec_runtime, service time, the CPU's busy time; for a task that is no longer
 * runnable also what ops.quiescent would do: wait frequency, runtime per wake-up, saving a BPF
 * call per sleep). Latency/performance criticality and the virtual deadline
 * are computed whenever the task is about to be queued: when it joins, at a wake-up a callback
 * sees, and when it stops while still runnable. See main.bpf.c. */
#include "lavd.bpf.h"

/* The clock of the wake-up timestamps (last_runnable, last_wake), which are only ever compared with
 * each other: bpf_ktime_get_ns. A wake-up holds no run-queue lock, so scx_bpf_now() would not find
 * a valid run-queue clock and would fall back to sched_clock_cpu, at about 100 guest instructions
 * per call on 7.3 under QEMU against about 60. */
static __always_inline u64 wake_clock(void)
{
	return bpf_ktime_get_ns();
}

/* the logical clock deadlines are measured against */
__u64 cur_logical_clk;

/* x86's per-CPU preempt count (int on 7.2, unsigned long on 7.3: libbpf matches any integer type,
 * and the count sits in the low 32 bits on little-endian; 7.3 keeps NEED_RESCHED in bit 63). */
extern const int __preempt_count __ksym __weak;

/* Interrupt context: any bit of the interrupt/NMI fields, which start at bit 16 (7.2: hardirq
 * 16-19, NMI 20-23; 7.3 was seen with a hardirq unit of bit 24), bit 31 excluded (7.2's inverted
 * NEED_RESCHED), plus the "serving softirq" bit 8. Measured in the VM: a CPU hog interrupted by the
 * timer that wakes another task reads 0x10006-like values on 7.2 and 0x1000006 on 7.3. */
#define PREEMPT_IRQ_BITS (0x7fff0000 | 0x00000100)

/* Are we in interrupt context? Then `current` did not wake anybody: it was merely interrupted. */
static __always_inline bool in_irq_context(void)
{
	const int *pc;

	if (!bpf_ksym_exists(&__preempt_count))
		return false;
	pc = bpf_this_cpu_ptr(&__preempt_count);
	return pc && (*pc & PREEMPT_IRQ_BITS);
}

#define LAVD_LC_RAW_MAX (3 * 136)  /* three lavd_log2x8 terms of up to ~17 bits each */
#define LAVD_PC_RAW_MAX (136 + 216)

static __always_inline u64 eff_runtime(const struct task_ctx *t)
{
	u64 rt = t->avg_runtime > t->acc_runtime ? t->avg_runtime : t->acc_runtime;

	if (rt < LAVD_RUNTIME_MIN_NS)
		rt = LAVD_RUNTIME_MIN_NS;
	if (rt > LAVD_RUNTIME_MAX_NS)
		rt = LAVD_RUNTIME_MAX_NS;
	return rt;
}

/* Boosts that depend on the task itself (the wake-up ones are set by lavd_became_runnable). */
static __always_inline u32 task_boosts(struct task_struct *p, const struct task_ctx *t)
{
	u32 b = 0;

	if (p->flags & PF_KTHREAD_) {
		b |= LAVD_BOOST_KTHREAD;
		/* "kworker/..." and "ksoftirqd/..." */
		if ((p->comm[0] == 'k' && p->comm[1] == 'w' && p->comm[2] == 'o') ||
		    (p->comm[0] == 'k' && p->comm[1] == 's' && p->comm[2] == 'o'))
			b |= LAVD_BOOST_KWORKER;
	}
	if ((u32)p->nr_cpus_allowed < nr_cpus_onln)
		b |= LAVD_BOOST_AFFINITY;
	if (t->futex_held)
		b |= LAVD_BOOST_LOCK;
	return b;
}

/* lavd_log2x8 (util_math.h) as a global function: verified once. Inlined, its table lookup's
 * branches multiplied the verifier's paths through the four or five logarithms of a deadline:
 * 19,869 verified instructions in lavd_select_cpu, 20,484 in lavd_stopping (1,038 and 992 with
 * the call; measured on 7.3). */
__noinline int lavd_log2x8_fn(u32 v)
{
	return lavd_log2x8(v);
}

/* The waker's se.sum_exec_runtime, read at a wake-up (no run-queue lock held), was last brought up
 * to date at its CPU's tick or its last switch: up to a tick old, 10 ms at HZ=100. */
#define LAVD_WAKE_EXEC_SLACK_NS (10ULL * 1000 * 1000)

/* wake_freq, like wait_freq, only moves when the task does what it counts (wakes a task of its
 * family), so a task that did so in a burst and then stops keeps the burst's rate for good. Seen on
 * 7.3-rt with 100 us rounds of vCPU turns: CPU hogs started together woke each other up to 2,300
 * times a second while they started (presumably handing a sleeping lock on to a sibling), and from
 * then on woke almost nobody, yet were rated 72-276 against the periodic tasks' 317-406, so a
 * periodic task pinned among them was no longer far more critical than the hog on its CPU, could
 * not take it, and missed 442 of its periods (wake-up p99 6,294 us against the default scheduler's
 * 3,876). A task that has run R ns of CPU time since it last woke one wakes at most once per R, so
 * its criticality takes min(wake_freq, 1 s / (R - 10 ms)); wake_freq itself stays as measured. R is
 * CPU time, not wall time, as in recent_wait_freq: time spent asleep or waiting in a queue does not
 * count against it. The 10 ms are the staleness of the CPU time kept at the last wake-up
 * (LAVD_WAKE_EXEC_SLACK_NS), so a task that runs on and on and wakes others at its usual pace keeps
 * its rate; a hog that has run 100 ms since its last one is bounded to 11 per second, 1 s to 1. */
/* freq, or at most once per `ran` ns when that is rarer (ran 0: freq, no division). The bound of
 * recent_wake_freq and recent_wait_freq. */
static __always_inline u64 at_most_once_per(u64 freq, u64 ran)
{
	u64 bound;

	if (!ran || !freq)
		return freq;
	bound = LAVD_NSEC_PER_SEC / ran;
	return bound < freq ? bound : freq;
}

static __always_inline u64 recent_wake_freq(struct task_struct *p, const struct task_ctx *t)
{
	u64 ran;

	if (!t->wake_freq)
		return 0;
	ran = p->se.sum_exec_runtime - t->exec_at_wake;
	if ((s64)ran <= (s64)LAVD_WAKE_EXEC_SLACK_NS)
		return t->wake_freq;
	return at_most_once_per(t->wake_freq, ran - LAVD_WAKE_EXEC_SLACK_NS);
}

/* Latency criticality, performance criticality and the virtual deadline, from the task's current
 * statistics, its sleeps counted at wait_freq (recent_wait_freq) and its wake-ups of others at
 * recent_wake_freq. Called right before the task is queued. */
static __always_inline void update_deadline(struct task_struct *p, struct task_ctx *t, u64 wait_freq)
{
	u64 rt = eff_runtime(t), weight = p->scx.weight ? p->scx.weight : 1;
	/* 32-bit logarithms: every input is below 2^32 (runtimes clamped to 100 ms, frequencies
	 * capped at 100 kHz by calc_freq, weights at most 10000); run_freq's is for perf_cri below,
	 * taken up here so that the verifier does not walk its call once per nice branch */
	u32 rlog = lavd_log2x8_fn((u32)rt), flog = lavd_log2x8_fn((u32)(t->run_freq + 1)), wlog, dlog;
	u64 lc, pc, dl, greedy_ft = LAVD_SCALE, avg_svc, window;
	u32 boosts = t->boost | task_boosts(p, t);

	/* latency criticality: sleeps, wakes others, runs briefly */
	lc = lavd_log2x8_fn((u32)(wait_freq + 1)) + lavd_log2x8_fn((u32)(recent_wake_freq(p, t) + 1)) +
	     (lavd_log2x8(LAVD_RUNTIME_MAX_NS) - rlog);
	/* nice shifts it (nice 0, the common case, needs no logarithm) */
	if (weight != LAVD_WEIGHT_DFL) {
		wlog = lavd_log2x8_fn((u32)weight);
		dlog = lavd_log2x8(LAVD_WEIGHT_DFL);
		if (wlog > dlog)
			lc += wlog - dlog;
		else
			lc = lc > dlog - wlog ? lc - (dlog - wlog) : 0;
	}
	lc = lc * LAVD_SCALE / LAVD_LC_RAW_MAX;
	if (boosts)  /* most wake-ups have none: no bit count (about 15 instructions) for them */
		lc += (u64)__builtin_popcount(boosts) * LAVD_LC_BOOST;
	if (boosts & LAVD_BOOST_KWORKER)
		lc += LAVD_LC_BOOST;
	/* capped inheritance from the waker */
	if (t->lat_cri_waker > lc) {
		u64 inh = (t->lat_cri_waker - lc) / 2;

		lc += inh < LAVD_LC_INH_MAX ? inh : LAVD_LC_INH_MAX;
	}
	if (lc > LAVD_SCALE)
		lc = LAVD_SCALE;
	t->lat_cri = lc;

	/* performance criticality: runs often and long (would benefit from a big core) */
	pc = (flog + rlog) * LAVD_SCALE / LAVD_PC_RAW_MAX;
	t->perf_cri = pc > LAVD_SCALE ? LAVD_SCALE : pc;

	/* deadline: weighted runtime x greedy penalty, shrunk by latency criticality */
	avg_svc = sys_stat.avg_svc_time;
	if (t->svc_time > avg_svc) {
		u64 lag = (t->svc_time - avg_svc) * LAVD_SCALE / (slice_max_ns ? slice_max_ns : 1);

		greedy_ft += lag < LAVD_SCALE ? lag : LAVD_SCALE;
	}
	dl = rt * LAVD_WEIGHT_DFL / weight;
	dl = dl * greedy_ft / LAVD_SCALE;
	/* the window caps the runtime part; criticality shrinks what is left, so a critical task is
	 * placed ahead of an equally long-running hog even when both hit the cap */
	window = 2 * slice_max_ns;
	if (dl > window)
		dl = window;
	dl = dl * LAVD_SCALE / (LAVD_SCALE / 4 + 4 * lc) / 4;
	t->dl_delta = dl;
	t->vdeadline = cur_logical_clk + dl;
}

/* The task woke up: its run frequency, the wake-up's boosts, what it inherits from its waker and
 * the waker's wake frequency, then its criticality and deadline. This is ops.runnable's job in
 * upstream lavd; lavd has no ops.runnable: ops.select_cpu calls this for every wake-up it sees (a
 * task allowed on more than one CPU and not migration-disabled), ops.enqueue for the wake-ups of
 * pinned tasks, which skip select_cpu. Both run on the waking CPU (lavd does not ask for queued
 * wake-ups, SCX_OPS_ALLOW_QUEUED_WAKEUP), as ops.runnable did: one BPF call less per wake-up.
 * A migration-disabled task's wake-up reaches neither (the kernel puts it on its CPU's local DSQ
 * directly); ops.running catches up on it (note_unseen_wakeup). */
int lavd_became_runnable(struct task_struct *p __arg_trusted, u64 wake_flags)
{
	struct task_struct *waker;
	struct task_ctx *t, *wt;
	u64 now = wake_clock(), avg_svc;

	t = get_task_ctx(p);
	if (!t)
		return -1;
	t->woke = 1;  /* until it sleeps again (ops.stopping) */
	t->wake_sync = 0;
	if (t->last_runnable)
		t->run_freq = calc_freq(t->run_freq, time_delta(now, t->last_runnable));
	t->last_runnable = now;
	t->acc_runtime = 0;  /* ops.stopping reset it at the sleep already; this keeps it exact */
	t->boost = 0;
	t->lat_cri_waker = 0;

	/* no banked credit: a sleeper restarts at most one slice_max behind the average */
	avg_svc = sys_stat.avg_svc_time;
	if (avg_svc > slice_max_ns && t->svc_time < avg_svc - slice_max_ns)
		t->svc_time = avg_svc - slice_max_ns;

	waker = bpf_get_current_task_btf();
	if (waker->pid == 0 || in_irq_context()) {
		t->boost |= LAVD_BOOST_IRQ;  /* an interrupt woke it (on an idle or a busy CPU) */
		goto out;
	}
	if ((waker->flags & PF_KTHREAD_) && waker->comm[0] == 'k' && waker->comm[1] == 's' &&
	    waker->comm[2] == 'o') {
		t->boost |= LAVD_BOOST_IRQ;  /* ksoftirqd */
		goto out;
	}
	if (waker->prio < MAX_RT_PRIO_)
		t->boost |= LAVD_BOOST_RT;
	if (!no_wake_sync && (wake_flags & SCX_WAKE_SYNC))
		t->wake_sync = LAVD_SYNC_WAKE;
	wt = get_task_ctx(waker);
	if (!wt)
		goto out;
	t->lat_cri_waker = wt->lat_cri;
	/* an RT waker's statistics are stale (sched_ext does not run it); an exiting one leaves for good */
	if (t->wake_sync && wt->avg_runtime < slice_min_ns && waker->prio >= MAX_RT_PRIO_ &&
	    !(waker->flags & PF_EXITING_))
		t->wake_sync |= LAVD_SYNC_BRIEF_WAKER;
	/* the waker's wake frequency counts same-family wake-ups only */
	if (waker->tgid == p->tgid || waker->real_parent == p->real_parent) {
		if (wt->last_wake)
			wt->wake_freq = calc_freq(wt->wake_freq, time_delta(now, wt->last_wake));
		wt->last_wake = now;
		wt->exec_at_wake = waker->se.sum_exec_runtime;
	}
out:
	update_deadline(p, t, t->wait_freq);
	return LAVD_WOKE(t->perf_cri, t->wake_sync);
}

/* A task joined the scheduler (ops.enable): it starts at the current clock plus the deadline its
 * (fresh) statistics give and at the average service time, as a new task's first enqueue is no
 * wake-up. A global function, so ops.enable verifies the deadline code once. */
int lavd_new_task(struct task_struct *p __arg_trusted)
{
	struct task_ctx *t = get_task_ctx(p);

	if (!t)
		return -1;
	t->woke = 0;  /* it may come back from another scheduling class with a stale flag */
	t->acc_runtime = 0;  /* and with the runtime of a stop while runnable (recent_wait_freq) */
	t->svc_time = sys_stat.avg_svc_time;
	update_deadline(p, t, t->wait_freq);
	return 0;
}

/* A wake-up neither ops.select_cpu nor ops.enqueue saw (a migration-disabled task, the kernel's
 * bypass mode), seen at ops.running with `woke` clear: its run frequency and boosts as far as they
 * can be known here (no waker, no service-time clamp). Also taken, harmlessly, at a new task's
 * first run, by a task enabled while runnable, and after an attribute change of a running task
 * (which ops.stopping counted as a sleep). */
static __always_inline void note_unseen_wakeup(struct task_ctx *t, u64 now)
{
	t->woke = 1;
	if (t->last_runnable)
		t->run_freq = calc_freq(t->run_freq, time_delta(now, t->last_runnable));
	t->last_runnable = now;
	t->boost = 0;
	t->lat_cri_waker = 0;
}

/* Moves the logical clock towards a starting task's deadline by the gap divided by the number of
 * waiting tasks, so it follows the queue without jumping past tasks still waiting. */
static __always_inline void advance_clock(u64 vdeadline)
{
	u64 nq = sys_stat.nr_queued_now ? sys_stat.nr_queued_now : 1;
	u32 i;

	/* a constant-bound loop, not bpf_for: no iterator kfunc calls on this hot path */
	for (i = 0; i < LAVD_MAX_RETRY; i++) {
		u64 clk = cur_logical_clk, step;

		if ((s64)(vdeadline - clk) <= 0)
			return;
		step = (vdeadline - clk) / nq;
		if (!step)
			step = 1;
		if (__sync_val_compare_and_swap(&cur_logical_clk, clk, clk + step) == clk)
			return;
	}
}

static __always_inline u64 calc_slice(struct task_ctx *t, struct lavd_cpu_ctx *c)
{
	u64 s = sys_stat.slice_ns ? sys_stat.slice_ns : slice_max_ns;

	t->slice_boosted = 0;
	if (pinned_slice_ns && c->nr_pinned) {
		if (s > pinned_slice_ns)
			s = pinned_slice_ns;
	} else if (!no_slice_boost && t->avg_runtime > s && can_boost_slice()) {
		u64 want = t->avg_runtime + t->avg_runtime / 8, cap = LAVD_SLICE_BOOST_MAX_FT * slice_max_ns;

		s = want < cap ? want : cap;
		t->slice_boosted = 1;
		stat_inc(LAVD_STAT_SLICE_BOOST);
	}
	t->slice = s;
	return s;
}

static __always_inline void take_sample(struct task_struct *p, struct task_ctx *t, struct lavd_cpu_ctx *c,
					s32 cpu)
{
	struct lavd_sample *s = &c->sample;

	s->pid = p->pid;
	s->cpu = cpu;
	bpf_probe_read_kernel_str(s->comm, sizeof(s->comm), p->comm);
	s->lat_cri = t->lat_cri;
	s->perf_cri = t->perf_cri;
	s->wait_freq = t->wait_freq;
	s->wake_freq = t->wake_freq;
	s->run_freq = t->run_freq;
	s->avg_runtime_ns = eff_runtime(t);
	s->deadline_ns = t->dl_delta;
	s->slice_ns = t->slice;
	s->seq++;
}

void BPF_STRUCT_OPS(lavd_running, struct task_struct *p)
{
	s32 cpu = scx_bpf_task_cpu(p);
	struct lavd_cpu_ctx *c = get_cpu_ctx(cpu);
	struct task_ctx *t = get_task_ctx(p);
	bool resumed, taken;
	u64 dl;

	if (!c || !t)
		return;
	dl = t->vdeadline ? t->vdeadline : 1;  /* its running deadline: 0 means "no task" */
	/* back from a hold at this CPU (a slice larger than the one it had is a kernel refill: it was
	 * re-queued some other way, e.g. in bypass mode, and starts afresh) */
	resumed = t->held == (u32)cpu + 1 && p->scx.slice <= t->slice;
	t->held = 0;
	/* held, and meanwhile a preemptor claimed it (claim_victim cleared the running deadline
	 * ops.stopping kept) and ran here ahead of it: a victim, as if it had been running, so its slice
	 * is over and it goes back to its queue (on PREEMPT_RT it otherwise kept its place at the head
	 * of the local queue, ahead of a pinned task woken meanwhile, for the rest of its slice: up to
	 * --pinned-slice-us plus a tick) */
	taken = resumed && c->running_deadline != dl;
	unpin_task(t);
	if (!t->woke)
		note_unseen_wakeup(t, wake_clock());
	advance_clock(t->vdeadline);
	/* no clock read here (see ran_since_running and the run mark in ops.stopping) */
	t->exec_at_running = p->se.sum_exec_runtime;

	if (t->cpdom_id != LAVD_NONE && t->cpdom_id != c->cpdom_id)
		__sync_fetch_and_add(&c->nr_x_migration, 1);
	t->cpdom_id = c->cpdom_id;

	/* a task back from a higher sched class's interruption goes on with the slice it had: a fresh
	 * one at each resume never ran out on PREEMPT_RT, whose per-CPU kernel threads (RT) take the
	 * CPU at every tick, and a pinned task waited behind a CPU hog for 10-30 ms (ops.tick's
	 * --pinned-slice-us and yield measure from the slice's start too) */
	if (taken) {
		scxx_task_set_slice(p, 0);
		scxx_kick_cpu(cpu, SCX_KICK_PREEMPT);
	} else if (!resumed) {
		t->exec_at_slice = t->exec_at_running;
		scxx_task_set_slice(p, calc_slice(t, c));
	}

	/* a task on its way back to its queue (taken) is nobody's victim again */
	c->running_deadline = taken ? 0 : dl;
	c->running_held = 0;
	c->running_lat_cri = t->lat_cri;
	c->running_boosted = t->slice_boosted;
	c->running_lock_holder = t->futex_held;

	/* per-CPU counts for the round, which also adds them to the monotonic counters (the stats
	 * map: sched, lat_cri, perf_cri, x_migration, on_big), so none costs a map update here;
	 * atomic, as the round takes them from another CPU (lavd_take) */
	__sync_fetch_and_add(&c->nr_sched, 1);
	__sync_fetch_and_add(&c->sum_lat_cri, t->lat_cri);
	__sync_fetch_and_add(&c->sum_perf_cri, t->perf_cri);
	__sync_fetch_and_add(&c->sum_svc_time, t->svc_time);
	if (t->lat_cri > c->max_lat_cri)
		c->max_lat_cri = t->lat_cri;
	if (t->lat_cri >= sys_stat.thr_lat_cri)
		__sync_fetch_and_add(&c->nr_lat_cri, 1);
	if (t->perf_cri >= sys_stat.thr_perf_cri)
		__sync_fetch_and_add(&c->nr_perf_cri, 1);
	if (t->futex_held)
		stat_inc(LAVD_STAT_FUTEX_BOOST);
	if (monitor_on)
		take_sample(p, t, c, cpu);
}

/* wait_freq (an average of the task's sleep rate) only moves when the task sleeps, so a task that
 * slept in a burst and then runs on and on would keep the burst's rate, and the criticality it
 * gives, for as long as it runs: seen on 7.3-rt, where CPU hogs that slept thousands of times a
 * second while they started up then stayed rated almost like the interactive tasks (lat_cri
 * 260-290 against their 340) and kept up with them in the deadline queue (see the README's
 * departures). A task that has run R ns since it woke without sleeping again sleeps at most once
 * per R, so when it is queued again while runnable its criticality takes min(wait_freq, 1 s / R);
 * wait_freq itself stays as measured. R is CPU time (acc_runtime), not wall time: the sleep before
 * and the time spent waiting in a queue do not count, so a task the scheduler kept waiting is not
 * rated less critical for it, and a task preempted within its usual interval between sleeps
 * (R below 1 s / wait_freq) keeps its rate. */
static __always_inline u64 recent_wait_freq(const struct task_ctx *t)
{
	/* a hog that never slept has nothing to bound: no division */
	return at_most_once_per(t->wait_freq, t->acc_runtime);
}

void BPF_STRUCT_OPS(lavd_stopping, struct task_struct *p, bool runnable)
{
	s32 cpu = scx_bpf_task_cpu(p);
	struct lavd_cpu_ctx *c = get_cpu_ctx(cpu);
	struct task_ctx *t = get_task_ctx(p);
	u64 now = scxx_now(), ran, mark, weight = p->scx.weight ? p->scx.weight : 1;

	if (!c || !t)
		return;
	ran = ran_since_running(p, t);
	t->acc_runtime += ran;
	t->svc_time += ran * LAVD_WEIGHT_DFL / weight;
	/* busy time since the mark, which moves on to now: whatever runs next here starts about now
	 * (ops.update_idle clears the mark when it is the idle task and sets it when the CPU leaves
	 * idle), so ops.running needs no clock read; the sys_stat round moves the mark while a task
	 * runs on and on (a task alone on its CPU keeps running without stopping/running) */
	mark = __sync_lock_test_and_set(&c->run_mark, now);
	if (mark)
		__sync_fetch_and_add(&c->busy_ns, time_delta(now, mark));
	/* runnable with slice left: a higher sched class (an RT or deadline task: on PREEMPT_RT the
	 * timer and RCU threads, at every tick) or core scheduling takes the CPU, and the kernel keeps
	 * p at the head of this CPU's local queue to resume it (ops.enqueue is not called; in bypass
	 * mode it is re-queued, which ops.running tells by the refilled slice). p stays this CPU's
	 * task: its deadline and criticality stay, so a task woken meanwhile (by the timer thread
	 * itself) may preempt it and go ahead of it, as it would have preempted it running. Should it
	 * leave the queue without resuming (a migration, a priority boost), ops.update_idle clears
	 * this when the CPU idles, and the next task to run here overwrites it */
	if (runnable && p->scx.slice) {
		t->held = (u32)cpu + 1;
		c->running_held = 1;
		return;
	}
	c->running_deadline = 0;
	c->running_boosted = 0;
	c->running_lock_holder = 0;
	if (runnable) {
		/* slice used up or preempted: queued again */
		update_deadline(p, t, recent_wait_freq(t));
		return;
	}
	/* going to sleep (ops.quiescent's job, done here: one BPF call less per sleep; the rare
	 * non-sleep stops, an attribute change of a running task, count as sleeps, and as a wake-up
	 * at the next ops.running) */
	t->woke = 0;
	if (t->last_quiescent)
		t->wait_freq = calc_freq(t->wait_freq, time_delta(now, t->last_quiescent));
	t->last_quiescent = now;
	t->avg_runtime = calc_avg(t->avg_runtime, t->acc_runtime);
	t->acc_runtime = 0;  /* in case the next wake-up is one no callback sees (note_unseen_wakeup) */
}
