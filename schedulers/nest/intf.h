/* schedulers/nest/intf.h: types shared by nest.bpf.c and nest.cpp. Plain C, no kernel types. */
#ifndef SCXX_NEST_INTF_H
#define SCXX_NEST_INTF_H

/* The one vtime-ordered queue every CPU pulls from. */
#define NEST_SHARED_DSQ 0

/* Per-CPU counters, summed by user space. Grouped as the upstream scheduler printed them. */
enum nest_stat {
	/* wakeups: where select_cpu found the CPU (each FULLY_IDLE stat is followed by its ANY_IDLE one) */
	NEST_STAT_WAKEUP_ATTACHED,          /* the task's attached core (idle, in the primary nest) */
	NEST_STAT_WAKEUP_PREV_PRIMARY,      /* the previous CPU, idle and in the primary nest */
	NEST_STAT_WAKEUP_FULLY_IDLE_PRIMARY, /* a primary core whose SMT siblings are idle too */
	NEST_STAT_WAKEUP_ANY_IDLE_PRIMARY,  /* any idle primary CPU */
	NEST_STAT_WAKEUP_FULLY_IDLE_RESERVE, /* a fully idle reserve core (then promoted) */
	NEST_STAT_WAKEUP_ANY_IDLE_RESERVE,  /* any idle reserve CPU (then promoted) */
	NEST_STAT_WAKEUP_IDLE_OTHER,        /* an idle CPU in neither nest */
	/* nest changes */
	NEST_STAT_TASK_IMPATIENT,           /* r_impatient misses in a row: the next CPU goes straight to primary */
	NEST_STAT_PROMOTED_TO_PRIMARY,
	NEST_STAT_PROMOTED_TO_RESERVED,
	NEST_STAT_DEMOTED_TO_RESERVED,
	NEST_STAT_RESERVED_AT_CAPACITY,     /* a core could not join the reserve nest: r_max reached */
	NEST_STAT_SCHEDULED_COMPACTION,     /* an idle primary core's compaction timer was armed */
	NEST_STAT_CANCELLED_COMPACTION,     /* the core was used again before its timer fired */
	NEST_STAT_EAGERLY_COMPACTED,        /* demoted at once: the task that ran there died */
	NEST_STAT_CALLBACK_COMPACTED,       /* demoted by its compaction timer */
	NEST_STAT_TIMER_ERRORS,             /* bpf_timer_start failed: compaction skipped, counted, no ejection */
	/* dispatch */
	NEST_STAT_CONSUMED,                 /* a CPU took a task from the shared queue */
	NEST_STAT_NOT_CONSUMED,             /* a CPU found the shared queue empty */
	NEST_NR_STATS,
};

/* The sampled CPU sets, each NEST_MASK_WORDS(nr_cpu_ids) u64 words long in the `sampled` map:
 * word w of set s is entry s * nr_words + w; bit i of a word is CPU 64 * w + i. */
enum nest_mask {
	NEST_MASK_PRIMARY,
	NEST_MASK_RESERVED,
	NEST_MASK_OTHER,
	NEST_MASK_IDLE,
	NEST_NR_MASKS,
};
#define NEST_MASK_WORDS(nr_cpus) (((nr_cpus) + 63) / 64)

#endif /* SCXX_NEST_INTF_H */
