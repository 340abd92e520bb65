/* schedulers/pair/intf.h: types shared by pair.bpf.c and pair.cpp. Plain C, no kernel types. */
#ifndef SCXX_PAIR_INTF_H
#define SCXX_PAIR_INTF_H

/* "No slot" / "no cgroup" marker (a slot index is < max_cgroups + 1). */
#define PAIR_NONE 0xffffffffu

/* One entry per possible CPU (the cpu_ctx map, max_entries = nr_cpu_ids). User space writes the
 * layout (partner, pair_id, idx) after load and before attach; BPF owns the other fields. */
struct pair_cpu_ctx {
	__s32 partner;  /* the pair CPU; -1: this CPU runs alone (the leftover of an odd count) */
	__u32 pair_id;  /* index into the pair_ctxs map, shared by both CPUs of the pair */
	__u32 idx;      /* 0 or 1: this CPU's bit in the pair's active/preempted masks */
	__u32 waiting;  /* BPF: 1 while this CPU waits for its partner to leave another cgroup */
	__u32 released; /* BPF, switch path only: 1 while a higher sched class owns this CPU */
	__u32 woken;    /* BPF: ops.select_cpu claimed this idle CPU for a wake-up (a hint) */
};

/* Per-CPU counters (PERCPU_ARRAY), summed by user space. The first eleven are the seed's. */
enum pair_stat {
	PAIR_STAT_TOTAL,        /* ops.enqueue calls */
	PAIR_STAT_DISPATCHED,   /* tasks moved from a cgroup queue to a CPU (or kept running there) */
	PAIR_STAT_MISSING,      /* top-queue entries whose cgroup had nothing queued any more */
	PAIR_STAT_KICKS,        /* scx_bpf_kick_cpu calls */
	PAIR_STAT_PREEMPTIONS,  /* a higher sched class took a CPU */
	PAIR_STAT_EXPS,         /* a pair started draining its cgroup (batch over, cgroup empty, preempted) */
	PAIR_STAT_EXP_WAITS,    /* dispatch waited for the pair CPU to finish draining */
	PAIR_STAT_EXP_EMPTY,    /* drained, but no cgroup had work */
	PAIR_STAT_CGRP_NEXT,    /* the pair moved to the next cgroup */
	PAIR_STAT_CGRP_COLL,    /* the pair CPU moved the pair first (we join its choice) */
	PAIR_STAT_CGRP_EMPTY,   /* the pair's cgroup had no task for this CPU */
	PAIR_STAT_OVERFLOW,     /* enqueues into the shared overflow group (untracked cgroups) */
	PAIR_STAT_CONGESTED,    /* enqueues into a cgroup already holding --max-queued waiting tasks */
	PAIR_STAT_PAIR_WAITS,   /* dispatch waited because the pair CPU still ran another cgroup */
	PAIR_STAT_FOREIGN,      /* a task started outside the pair's cgroup and was sent back */
	PAIR_STAT_RENEWED,      /* a batch ended with no other cgroup waiting: the pair stayed */
	PAIR_STAT_REENQUEUED,   /* tasks pulled off a CPU's local queue when a higher class took it */
	PAIR_STAT_RETRY_KICKS,  /* dispatch gave up after its bounded retries and re-kicked its CPU */
	PAIR_NR_STATS,
};

#endif /* SCXX_PAIR_INTF_H */
