/* schedulers/lavd/lavd.bpf.h: what lavd's BPF files share: the tunables (defined in main.bpf.c,
 * extern here), the maps (defined __weak here, so every file that includes this header names the
 * same map and the linker keeps one), the per-task context, small inline accessors, and the
 * global functions one file offers the others (scalar or trusted-task arguments only, so each is
 * verified once on its own).
 *
 * NR_CPUS portability (the seed PR's rule, for the whole module): no struct cpumask or struct
 * bpf_cpumask is ever held by value in global data. Per-domain, active-set and scratch cpumasks
 * are kptrs created in ops.init and kept in array maps; every CPU- or domain-indexed table is an
 * array map whose max_entries user space sets from nr_cpu_ids / the domain count before load. */
#ifndef SCXX_LAVD_BPF_H
#define SCXX_LAVD_BPF_H

#include <scxx/common.bpf.h>

#include "intf.h"
#include "util_math.h"

/* --- constants ------------------------------------------------------------------------------- */
#define LAVD_NSEC_PER_SEC 1000000000ULL
#define LAVD_SYS_STAT_INTERVAL_NS (10ULL * 1000 * 1000)   /* sys_stat timer period */
#define LAVD_TARGETED_LATENCY_NS (15ULL * 1000 * 1000)    /* every queued task runs once within this */
#define LAVD_SYS_STAT_DECAY_ROUNDS 6000                   /* halve the stat counters each minute */
#define LAVD_MAX_FREQ 100000ULL                           /* frequencies are capped at 100 kHz */
#define LAVD_RUNTIME_MAX_NS (100ULL * 1000 * 1000)        /* runtimes above count as 100 ms */
#define LAVD_RUNTIME_MIN_NS 1000ULL                       /* ... below as 1 us */
#define LAVD_LC_BOOST (LAVD_SCALE / 16)                   /* one boost step of latency criticality */
#define LAVD_LC_INH_MAX (LAVD_SCALE / 8)                  /* most a wakee inherits from its waker */
#define LAVD_SLICE_BOOST_MAX_FT 4                         /* boosted slice <= 4 x slice_max */
#define LAVD_MAX_RETRY 3
#define LAVD_PREEMPT_DEADLINE 1                           /* upstream's rule: threshold, later deadline */
#define LAVD_PREEMPT_NOW 2                                /* ours: far more critical, just woken */
#define LAVD_VICTIM_SCAN 8                                /* CPUs of its domain a task looks at for a victim */
#define LAVD_WEIGHT_DFL 100                               /* p->scx.weight of nice 0 */

/* task_ctx.wake_sync: a synchronous wake-up by a task (the waker says it will sleep soon; an
 * interrupt says nothing of the task it caught). The wakee preempts nobody (ops.enqueue); when the
 * waker also runs briefly it may join the waker's CPU (ops.select_cpu, idle.bpf.c). */
#define LAVD_SYNC_WAKE (1u << 0)
#define LAVD_SYNC_BRIEF_WAKER (1u << 1)  /* non-RT, not exiting, under slice_min per wake-up on average */
/* lavd_became_runnable's result: perf_cri (0..LAVD_SCALE) and wake_sync, so that ops.select_cpu
 * need not look the task's context up again */
#define LAVD_WOKE(perf_cri, sync) ((int)((perf_cri) | ((sync) << 16)))
#define LAVD_WOKE_PERF_CRI(r) ((u32)(r) & 0xffff)
#define LAVD_WOKE_SYNC(r) ((u32)(r) >> 16)

/* boost reasons of the current wake-up (task_ctx.boost) */
#define LAVD_BOOST_IRQ (1u << 0)      /* woken from interrupt context (idle task / ksoftirqd waker) */
#define LAVD_BOOST_RT (1u << 1)       /* woken by an RT or deadline task */
#define LAVD_BOOST_KTHREAD (1u << 2)  /* a kernel thread */
#define LAVD_BOOST_KWORKER (1u << 3)  /* a kworker or ksoftirqd */
#define LAVD_BOOST_AFFINITY (1u << 4) /* pinned or affinitized */
#define LAVD_BOOST_LOCK (1u << 5)     /* holds a futex */

#define PF_KTHREAD_ 0x00200000        /* include/linux/sched.h PF_KTHREAD */
#define PF_EXITING_ 0x00000004        /* include/linux/sched.h PF_EXITING */
#define MAX_RT_PRIO_ 100

/* --- tunables (rodata, defined in main.bpf.c) ------------------------------------------------- */
extern const volatile __u32 nr_cpu_ids_lavd;    /* size of every CPU-indexed map */
extern const volatile __u32 nr_cpdoms;          /* compute domains */
extern const volatile __u32 nr_cpus_onln;
extern const volatile __u64 total_capacity;     /* sum of online CPUs' capacities */
extern __u64 slice_min_ns; /* writable: live options */
extern __u64 slice_max_ns;
extern const volatile __u64 pinned_slice_ns;
extern const volatile __u32 preempt_shift;
extern const volatile __u32 lat_load_target;    /* LAVD_SCALE-scaled */
extern const volatile __u32 lb_low_util;        /* LAVD_SCALE-scaled */
extern const volatile __u32 lb_local_dsq_util;  /* LAVD_SCALE-scaled */
extern const volatile bool no_preemption;
extern const volatile bool no_wake_sync;
extern const volatile bool no_slice_boost;
extern const volatile bool no_freq_scaling;
extern const volatile bool no_core_compaction;
extern const volatile bool per_cpu_dsq;
extern const volatile bool scxx_bpf_timers;
extern struct scxx_exit_info uei;              /* main.bpf.c: ops.exit's record (SCXX_EXITED) */
extern __u32 power_request;
extern const volatile bool have_little_core;
extern const volatile bool monitor_on;

/* --- shared mutable state ---------------------------------------------------------------------- */
extern struct lavd_sys_stat sys_stat;            /* sys_stat.bpf.c */
extern __u64 cur_logical_clk;                    /* lat_cri.bpf.c */

/* --- maps ------------------------------------------------------------------------------------ */
struct task_ctx {
	u64 last_runnable;      /* when it last became runnable (woke up) */
	u64 exec_at_running;    /* its se.sum_exec_runtime when it last started running */
	u64 exec_at_slice;      /* ... when its slice began: a resume (held) keeps the slice it had */
	u64 last_quiescent;     /* when it last went to sleep */
	u64 last_wake;          /* when it last woke another task */
	u64 exec_at_wake;       /* its se.sum_exec_runtime then (recent_wake_freq, lat_cri.bpf.c) */
	u64 wait_freq;          /* sleeps per second (EWMA) */
	u64 wake_freq;          /* wake-ups of same-family tasks per second (EWMA) */
	u64 run_freq;           /* wake-ups per second (EWMA) */
	u64 avg_runtime;        /* ns run per wake-up (EWMA) */
	u64 acc_runtime;        /* ns run since the last wake-up */
	u64 svc_time;           /* runtime weighted by 100 / weight, for the greedy penalty */
	u64 vdeadline;          /* absolute virtual deadline (logical clock ns) */
	u64 dl_delta;           /* vdeadline minus the logical clock when it was computed */
	u64 slice;              /* slice given at the last ops.running */
	u32 lat_cri;            /* 0..LAVD_SCALE */
	u32 lat_cri_waker;      /* the waker's, at the last wake-up */
	u32 perf_cri;           /* 0..LAVD_SCALE */
	u32 boost;              /* LAVD_BOOST_* of the last wake-up */
	u32 cpdom_id;           /* domain it last ran in, LAVD_NONE before its first run */
	u32 pinned_cpu;         /* CPU whose nr_pinned counts this task, LAVD_NONE if none */
	u32 futex_held;         /* futexes taken and not yet released (lock-holder boost) */
	u32 slice_boosted;
	u32 wake_sync;          /* LAVD_SYNC_* of the last wake-up */
	u32 held;               /* CPU + 1 when a higher sched class took that CPU while it ran
	                         * (ops.stopping): the kernel keeps it at the head of the CPU's local
	                         * queue with the slice it had left and resumes it without ops.enqueue;
	                         * 0 otherwise */
	u32 woke;               /* this wake-up is accounted (lavd_became_runnable, or
	                         * note_unseen_wakeup at ops.running); 0 once it stops not runnable
	                         * (sleeps) and when it joins (ops.enable) */
};

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct task_ctx);
} task_ctxs SEC(".maps") __weak;

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, u32);
	__type(value, struct lavd_cpu_ctx);
	__uint(max_entries, 1); /* nr_cpu_ids */
} cpu_ctxs SEC(".maps") __weak;

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, u32);
	__type(value, struct lavd_cpdom_ctx);
	__uint(max_entries, 1); /* nr_cpdoms */
} cpdom_ctxs SEC(".maps") __weak;

/* CPU ids grouped by domain (see lavd_cpdom_ctx.cpu_off) */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, u32);
	__type(value, u32);
	__uint(max_entries, 1); /* nr_cpu_ids */
} cpdom_cpus SEC(".maps") __weak;

/* neighbour domain ids, per domain nearest first (see lavd_cpdom_ctx.nbr_off) */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, u32);
	__type(value, u32);
	__uint(max_entries, 1); /* max(1, nr_cpdoms * (nr_cpdoms - 1)) */
} cpdom_nbrs SEC(".maps") __weak;

/* CPU preference orders: [0, nr_cpus_onln) performance, [nr_cpu_ids, nr_cpu_ids + nr_cpus_onln)
 * powersave */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, u32);
	__type(value, u32);
	__uint(max_entries, 1); /* 2 * nr_cpu_ids */
} pref_order SEC(".maps") __weak;

struct lavd_mask {
	struct bpf_cpumask __kptr *mask;
};

/* per-domain CPU masks (kptrs created in ops.init) */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, u32);
	__type(value, struct lavd_mask);
	__uint(max_entries, 1); /* nr_cpdoms */
} cpdom_masks SEC(".maps") __weak;

/* per-CPU scratch masks for select_cpu/enqueue (index: the CPU running the callback) */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, u32);
	__type(value, struct lavd_mask);
	__uint(max_entries, 1); /* nr_cpu_ids */
} scratch_masks SEC(".maps") __weak;

/* [0]: the active set (CPUs core compaction allows) */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, u32);
	__type(value, struct lavd_mask);
	__uint(max_entries, 1);
} global_masks SEC(".maps") __weak;

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(key_size, sizeof(u32));
	__uint(value_size, sizeof(u64));
	__uint(max_entries, LAVD_NR_STATS);
} stats SEC(".maps") __weak;

/* --- inline helpers ---------------------------------------------------------------------------- */
static __always_inline u64 time_delta(u64 after, u64 before)
{
	return (s64)(after - before) > 0 ? after - before : 0;
}

/* How long p has run since its ops.running, by the kernel's own account: se.sum_exec_runtime is
 * brought up to date (update_curr_scx) right before ops.tick and ops.stopping, so neither needs a
 * clock read for it (scx_bpf_now() away from a fresh run-queue clock costs about 100 guest
 * instructions on 7.3 under QEMU, as much as the rest of ops.running). It is task time: interrupt
 * time the kernel accounts separately is not in it. */
static __always_inline u64 ran_since_running(struct task_struct *p, const struct task_ctx *t)
{
	return time_delta(p->se.sum_exec_runtime, t->exec_at_running);
}

/* How much of its slice p has used: as ran_since_running, but across the runs a higher sched class
 * cut (held), which resume the slice instead of starting a new one. */
static __always_inline u64 ran_in_slice(struct task_struct *p, const struct task_ctx *t)
{
	return time_delta(p->se.sum_exec_runtime, t->exec_at_slice);
}

/* exponentially weighted moving average, new sample weighted 1/4 */
static __always_inline u64 calc_avg(u64 old_val, u64 new_val)
{
	return old_val - (old_val >> 2) + (new_val >> 2);
}

/* events per second from the interval between two events */
static __always_inline u64 calc_freq(u64 old_freq, u64 interval_ns)
{
	u64 f = LAVD_NSEC_PER_SEC / (interval_ns ? interval_ns : 1);

	if (f > LAVD_MAX_FREQ)
		f = LAVD_MAX_FREQ;
	return calc_avg(old_freq, f);
}

static __always_inline void stat_add(u32 idx, u64 n)
{
	u64 *cnt = bpf_map_lookup_elem(&stats, &idx);

	if (cnt)
		*cnt += n;
}

static __always_inline void stat_inc(u32 idx)
{
	stat_add(idx, 1);
}

static __always_inline struct task_ctx *get_task_ctx(struct task_struct *p)
{
	return bpf_task_storage_get(&task_ctxs, p, 0, 0);
}

static __always_inline struct lavd_cpu_ctx *get_cpu_ctx(s32 cpu)
{
	u32 key = cpu;

	return bpf_map_lookup_elem(&cpu_ctxs, &key);
}

/* The task no longer counts as pinned on its CPU: it started running (ops.running), was queued again
 * unpinned or on another CPU (ops.enqueue), or left sched_ext (ops.disable). */
static __always_inline void unpin_task(struct task_ctx *t)
{
	struct lavd_cpu_ctx *c;

	if (t->pinned_cpu == LAVD_NONE)
		return;
	c = get_cpu_ctx(t->pinned_cpu);
	if (c && c->nr_pinned)
		__sync_fetch_and_sub(&c->nr_pinned, 1);
	t->pinned_cpu = LAVD_NONE;
}

static __always_inline struct lavd_cpdom_ctx *get_cpdom_ctx(u32 id)
{
	u32 key = id;

	return bpf_map_lookup_elem(&cpdom_ctxs, &key);
}

static __always_inline u64 cpdom_dsq(u32 id)
{
	return LAVD_DSQ_CPDOM_BASE + id;
}

/* the kptr cpumask held in an array-map slot (RCU-protected: call from non-sleepable context) */
static __always_inline struct bpf_cpumask *mask_slot(void *map, u32 idx)
{
	struct lavd_mask *m = bpf_map_lookup_elem(map, &idx);

	return m ? m->mask : NULL;
}

/* --- per-CPU queues (--per-cpu-dsq): which one a CPU serves next ------------------------------
 * The domain's earliest waiting deadline goes first, except that a CPU keeps to its own queue's
 * head when another CPU's head is due less than slice_min_ns before it and is not far more
 * critical (as may_preempt rates a waking task: at least twice its criticality plus one boost
 * step): most tasks then run where they were queued, and a dispatch seldom takes another run
 * queue's lock (see the README). ops.dispatch takes what dispatch_src_cpu names and ops.tick
 * yields to the same task, so the two agree. Heads are peeked without a lock (the caller checks
 * that scx_bpf_dsq_peek exists); a head pinned to its CPU cannot move and is passed over. */

/* Another CPU's head that could run on self. */
static __always_inline struct task_struct *movable_head(u32 *cpu, s32 self)
{
	struct task_struct *h;

	if (!cpu || *cpu == (u32)self)
		return NULL;
	h = scx_bpf_dsq_peek(*cpu);
	return h && h->nr_cpus_allowed != 1 ? h : NULL;
}

/* The other CPU of domain d whose movable head goes first, the earliest such; -1 when none. With
 * `own` (self's head) NULL any head goes; otherwise one due before it: more than slice_min_ns
 * before it, or within that only when far more critical than it (see above). */
static __always_inline s32 earlier_head_cpu(s32 self, struct lavd_cpdom_ctx *d, struct task_struct *own)
{
	struct task_ctx *ot = own ? get_task_ctx(own) : NULL, *ht;
	u64 own_vt = own ? own->scx.dsq_vtime : 0, best_vt = own_vt;
	u32 i, n = d->nr_cpus, off = d->cpu_off, own_lc = ot ? ot->lat_cri : 0;
	s32 best = -1;

	bpf_for(i, 0, n) {
		u32 key = off + i, *cpu = bpf_map_lookup_elem(&cpdom_cpus, &key);
		struct task_struct *h = movable_head(cpu, self);
		u64 vt;

		if (!h || !cpu)
			continue;
		vt = h->scx.dsq_vtime;
		if ((own || best >= 0) && (s64)(vt - best_vt) >= 0)
			continue;
		if (own && (s64)(vt - (own_vt - slice_min_ns)) >= 0) {  /* within the margin */
			ht = get_task_ctx(h);
			if (!ht || ht->lat_cri < 2 * own_lc + LAVD_LC_BOOST)
				continue;
		}
		best = (s32)*cpu;
		best_vt = vt;
	}
	return best;
}

/* The CPU of domain d whose queue self serves next: another CPU's or its own; -1 when every queue of
 * the domain is empty (or holds only heads pinned elsewhere). */
static __always_inline s32 dispatch_src_cpu(s32 self, struct lavd_cpdom_ctx *d)
{
	struct task_struct *own = scx_bpf_dsq_peek(self);
	s32 src = earlier_head_cpu(self, d, own);

	return src >= 0 || !own ? src : self;
}

static __always_inline const struct cpumask *cpdom_cpumask(u32 id)
{
	return (const struct cpumask *)mask_slot(&cpdom_masks, id);
}

static __always_inline const struct cpumask *active_cpumask(void)
{
	return (const struct cpumask *)mask_slot(&global_masks, 0);
}

static __always_inline struct bpf_cpumask *scratch_cpumask(void)
{
	return mask_slot(&scratch_masks, bpf_get_smp_processor_id());
}

/* the system can give slices beyond the regular one: fewer tasks waiting than active CPUs */
static __always_inline bool can_boost_slice(void)
{
	return sys_stat.nr_queued_now < sys_stat.nr_active;
}

/* --- global functions (one file each) ---------------------------------------------------------- */
int lavd_sys_stat_init(void);                         /* sys_stat.bpf.c: starts the 10 ms timer */
int lavd_sys_stat_due(void);                          /* sys_stat.bpf.c: timer-free mode, from ops */
int lavd_cpu_util(u32 cpu, u64 now, u64 dur);         /* sys_stat.bpf.c: one CPU's utilisation for the round */
int lavd_count_cpu(u32 cpu, u64 nr_sched);           /* sys_stat.bpf.c: a CPU's counts into the stats map */
int lavd_apply_own_perf(s32 cpu);                     /* power.bpf.c: timer-free mode, from ops */
int lavd_power_init(void);                            /* power.bpf.c: active set, mode */
int lavd_power_alloc_mask(void);                      /* power.bpf.c: the active set's cpumask */
int lavd_power_update(void);                          /* power.bpf.c: autopilot, compaction, cpuperf */
int lavd_plan_migration(void);                        /* balance.bpf.c */
int lavd_steal(s32 cpu, u32 cpdom_id);                /* balance.bpf.c: 1 when a task was moved */
int lavd_find_victim(struct task_struct *p __arg_trusted, u64 vdeadline, u32 lat_cri, u32 dom_id,
		     u32 wakeup);                      /* preempt.bpf.c: the victim CPU (claimed), or -1 */
int lavd_find_pinned_victim(s32 cpu, u64 vdeadline, u32 lat_cri,
			    u32 wakeup);               /* preempt.bpf.c: a pinned task's own CPU (claimed), or -1 */
int lavd_became_runnable(struct task_struct *p __arg_trusted, u64 wake_flags); /* lat_cri.bpf.c: a wake-up; LAVD_WOKE, or -1 */
int lavd_new_task(struct task_struct *p __arg_trusted);        /* lat_cri.bpf.c: ops.enable's first deadline */
int lavd_log2x8_fn(u32 v);                             /* lat_cri.bpf.c: lavd_log2x8 (util_math.h), verified once */
int lavd_pick_idle(struct task_struct *p __arg_trusted, s32 prev_cpu, u64 wake_flags, u32 perf_cri,
		   u32 wake_sync); /* idle.bpf.c */

#endif /* SCXX_LAVD_BPF_H */
