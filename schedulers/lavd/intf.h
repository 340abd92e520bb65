/* schedulers/lavd/intf.h: types and constants shared by lavd's BPF files and lavd.cpp. Plain C with
 * uapi integer types (__u64 ...): vmlinux.h defines them for BPF, <linux/types.h> for C++.
 * Every table here is sized at load time (map max_entries from nr_cpu_ids / the domain count):
 * nothing is capped by a compile-time CPU or domain limit. */
#ifndef SCXX_LAVD_INTF_H
#define SCXX_LAVD_INTF_H

#define LAVD_SCALE 1024            /* fixed-point 1.0 for utilisation, criticality, capacity */
#define LAVD_NR_LEVELS 4           /* neighbour distance levels (= lavd::kDistanceLevels) */
#define LAVD_NONE 0xffffffffu      /* "no domain" / "no CPU" marker */

/* DSQ ids: a domain's shared DSQ is LAVD_DSQ_CPDOM_BASE + domain id; with --per-cpu-dsq each CPU
 * also has DSQ id = its CPU number. Custom DSQ ids must stay below 2^63. */
#define LAVD_DSQ_CPDOM_BASE (1ULL << 32)

enum lavd_power_mode {
	LAVD_PM_PERFORMANCE = 0,
	LAVD_PM_BALANCED = 1,
	LAVD_PM_POWERSAVE = 2,
	LAVD_PM_NR = 3,
};
/* The requested mode (BPF global power_request): one of the modes, or this one, a request rather
 * than a mode: autopilot picks the mode from utilisation every round. */
#define LAVD_PM_AUTOPILOT LAVD_PM_NR

/* Monotonic per-CPU counters (PERCPU_ARRAY "stats"), summed by user space. SCHED, X_MIGRATION,
 * LAT_CRI, PERF_CRI and ON_BIG are counted per CPU by ops.running and added here by the 10 ms
 * round (sys_stat.bpf.c), into the slot of the CPU that runs it: they lag by up to a round (more
 * where the round runs from ops.tick/dispatch and the system idles), and the last round's part is
 * not added at detach. */
enum lavd_stat {
	LAVD_STAT_SCHED,        /* tasks started running (ops.running) */
	LAVD_STAT_PREEMPT,      /* preemptions: tasks put on a victim CPU's local DSQ */
	LAVD_STAT_X_MIGRATION,  /* a task started in another compute domain than last time */
	LAVD_STAT_LAT_CRI,      /* ... with latency criticality at or above the threshold */
	LAVD_STAT_PERF_CRI,     /* ... performance critical (prefers big cores) */
	LAVD_STAT_ON_BIG,       /* ... on a big core */
	LAVD_STAT_STEAL,        /* tasks taken from a neighbour domain's queue at dispatch */
	LAVD_STAT_DIRECT,       /* woke straight to a local DSQ: an idle CPU's, or a sync waker's */
	LAVD_STAT_SLICE_BOOST,  /* running slices boosted to the task's average runtime */
	LAVD_STAT_FUTEX_BOOST,  /* runs of tasks holding a futex (lock-holder boost) */
	LAVD_STAT_YIELD,        /* running tasks cut short at tick: an earlier deadline was waiting */
	LAVD_STAT_PREEMPT_PINNED, /* part of PREEMPT: by a pinned task, of its own CPU */
	LAVD_STAT_PREEMPT_HELD, /* part of PREEMPT: of a task a higher sched class had interrupted */
	LAVD_NR_STATS,
};

/* One per compute domain (map "cpdom_ctxs", nr_cpdoms entries). User space writes the topology
 * part after load and before attach; BPF owns the rest. */
struct lavd_cpdom_ctx {
	/* topology, from user space */
	__u32 id;
	__s32 alt_id;                    /* same node and LLC, other core type; -1 when none */
	__u32 node;
	__u32 big;                       /* 1: big cores */
	__u32 cpu_off;                   /* this domain's CPUs are cpdom_cpus[cpu_off, cpu_off + nr_cpus) */
	__u32 nr_cpus;
	__u32 nbr_off;                   /* neighbours: cpdom_nbrs[nbr_off, nbr_off + nr_nbrs), nearest first */
	__u32 nr_nbrs;
	__u32 nr_nbr_level[LAVD_NR_LEVELS]; /* how many of them are at level 0, 1, 2, 3 */
	__u64 capacity;                  /* sum of its CPUs' capacities (1024 = one big CPU) */
	/* BPF, refreshed every 10 ms by sys_stat */
	__u64 nr_queued;                 /* tasks waiting in its DSQs (shared, per-CPU, local) */
	__u64 util_sum;                  /* sum of its CPUs' scaled utilisation (LAVD_SCALE = one big CPU
	                                  * busy at full speed) */
	__u64 nr_active;                 /* its CPUs allowed by core compaction */
	__u32 is_stealer;                /* under-loaded: its idle CPUs pull from stealees */
	__u32 is_stealee;                /* over-loaded: others may pull from it */
};

/* What --monitor shows: the task a CPU last started (ops.running), sampled there. */
struct lavd_sample {
	__u64 seq;                       /* bumped at each sample; 0 = never sampled */
	__s32 pid;
	__u32 cpu;
	char comm[16];
	__u32 lat_cri;
	__u32 perf_cri;
	__u64 wait_freq;                 /* per second */
	__u64 wake_freq;
	__u64 run_freq;
	__u64 avg_runtime_ns;            /* the runtime the policy uses: the larger of the average run per
	                                  * wake-up and the current run (a CPU hog never sleeps) */
	__u64 deadline_ns;               /* virtual deadline relative to the logical clock at enqueue */
	__u64 slice_ns;
};

/* A CPU's idle periods (util_math.h): opened and closed by ops.update_idle on the CPU, cut by the
 * sys_stat round, which takes idle_ns and idle_irq_ns. */
struct lavd_idle_acct {
	__u64 since;                     /* when the open idle period started (scheduler clock); 0: not idle */
	__u64 irq_mark;                  /* the CPU's interrupt + softirq + steal total at that time */
	__u64 idle_ns;                   /* idle time since the last round */
	__u64 idle_irq_ns;               /* interrupt/softirq/steal time inside those idle periods */
	__u32 tracked;                   /* ops.update_idle has reported this CPU */
	__u32 _pad;
};

/* One per possible CPU (map "cpu_ctxs", nr_cpu_ids entries). User space writes the topology part
 * after load and before attach. */
struct lavd_cpu_ctx {
	/* topology, from user space */
	__u32 cpdom_id;                  /* LAVD_NONE for an offline CPU */
	__u32 capacity;                  /* 0..1024 */
	__u32 big;
	__u32 online;
	/* BPF: what runs now (read by preemption) */
	__u64 running_deadline;          /* vdeadline of the running task; 0 when idle */
	__u32 running_lat_cri;
	__u32 running_boosted;           /* the running task has a boosted slice */
	__u32 running_lock_holder;       /* the running task holds a futex: never a preemption victim */
	__u32 running_held;              /* ... and a higher sched class interrupted it (ops.stopping) */
	__u32 sync_streak;               /* sync wakees put here since ops.dispatch ran (idle.bpf.c) */
	__u64 run_mark;                  /* run time before this is not yet in busy_ns; 0 when idle (see ops.stopping) */
	__u64 nr_pinned;                 /* pinned tasks queued for this CPU since ops.enqueue, not yet run (queue.bpf.c) */
	/* BPF: accumulated since the last sys_stat round (reset there) */
	__u64 busy_ns;                   /* time tasks ran here, between switches (ops.stopping) */
	struct lavd_idle_acct idle;      /* time in the idle task (ops.update_idle) */
	__u64 nr_sched;
	__u64 nr_preempt;
	__u64 nr_lat_cri;
	__u64 nr_perf_cri;
	__u64 nr_x_migration;
	__u64 sum_lat_cri;
	__u64 sum_perf_cri;
	__u64 sum_svc_time;
	__u32 max_lat_cri;
	/* BPF: results of sys_stat */
	__u32 util;                      /* last interval's utilisation (idle-time based, util_math.h),
	                                  * LAVD_SCALE = fully busy */
	__u32 avg_util;
	__u32 util_scaled;               /* util x capacity x current frequency (util_math.h), LAVD_SCALE =
	                                  * the biggest CPU busy at full frequency */
	__u32 irq_steal_util;            /* interrupt + softirq + steal time / interval, LAVD_SCALE = all */
	__u64 irq_steal_prev;            /* the CPU's interrupt + softirq + steal total at the last round */
	__u32 active;                    /* allowed by core compaction */
	__u32 perf_target;               /* the frequency target the last round chose */
	__u32 perf_applied;              /* timer-free mode: the target this CPU last set itself */
	struct lavd_sample sample;       /* --monitor */
};

/* System-wide state computed by the 10 ms timer (global "sys_stat", read by user space). */
struct lavd_sys_stat {
	__u64 last_update;               /* scxx_now() of the last round */
	__u64 interval_ns;               /* length of the last round */
	__u64 avg_util;                  /* LAVD_SCALE = every online CPU busy */
	__u64 util_cap_sum;              /* sum of the CPUs' capacity- and frequency-invariant (scaled)
	                                  * utilisation (LAVD_SCALE = one big CPU busy at full speed) */
	__u64 avg_irq_steal;             /* interrupt + softirq + steal share, LAVD_SCALE = every online CPU */
	__u64 nr_queued_task;            /* waiting tasks, smoothed */
	__u64 nr_queued_now;             /* waiting tasks, last round */
	__u64 nr_pinned;                 /* pinned tasks counted as waiting for their CPU, last round */
	__u64 nr_active;                 /* CPUs allowed by core compaction */
	__u64 nr_stealee;                /* domains marked over-loaded by the migration plan */
	__u64 slice_ns;                  /* the current time slice (smoothed) */
	__u64 avg_lat_cri;
	__u64 max_lat_cri;
	__u64 thr_lat_cri;               /* preemption / latency-critical threshold */
	__u64 avg_perf_cri;
	__u64 thr_perf_cri;              /* tasks at or above prefer big cores */
	__u64 avg_svc_time;              /* average weighted service time of tasks that ran */
	__u64 power_mode;                /* enum lavd_power_mode in effect */
	__u64 mode_ns[LAVD_PM_NR];       /* time spent in each power mode */
	__u64 nr_rounds;                 /* timer rounds so far */
	__u64 nr_cpus_onln;
};

#endif /* SCXX_LAVD_INTF_H */
