/* schedulers/lavd/util_math.h: the utilisation arithmetic of lavd (and its log2 in 1/8 steps), as
 * plain-C inline functions of integers and of struct lavd_idle_acct (intf.h), so that the BPF side
 * (ops.update_idle, the 10 ms round in sys_stat.bpf.c, the criticality in lat_cri.bpf.c) and the
 * host unit test (test_util_math.cpp) run the same code. No helpers or maps here, and one global:
 * the log2's read-only table (lavd_log2x8_small, .rodata on the BPF side). The only side effects
 * are on the struct passed in, through the __sync builtins both clang's BPF target and g++
 * provide.
 *
 * Per CPU and round of dur ns:
 *   busy    = (dur - idle) + the interrupt/softirq/steal time that fell inside idle periods,
 *             never below the task time, at most dur (lavd_busy_ns). dur - idle is all
 *             the time the idle task did not run: sched_ext tasks, RT/deadline/stop tasks, and
 *             interrupts and hypervisor steal that hit a busy CPU. Before ops.update_idle has
 *             reported a CPU at least once, only its task time is known. Task time: what ran
 *             between a CPU's task switches (ops.stopping's run mark, lat_cri.bpf.c), mostly
 *             sched_ext tasks.
 *   util    = busy / dur, LAVD_SCALE = busy the whole round (lavd_util)
 *   scaled  = util x capacity / 1024 x current performance level / 1024: the part of one
 *             biggest CPU at full frequency that the busy time was worth (lavd_util_scaled). */
#ifndef SCXX_LAVD_UTIL_MATH_H
#define SCXX_LAVD_UTIL_MATH_H

#include "intf.h"

#define LAVD_UTIL_INLINE static inline __attribute__((always_inline))

/* after - before on a monotonic clock or counter; 0 when it did not move forward */
LAVD_UTIL_INLINE __u64 lavd_since(__u64 after, __u64 before)
{
	return (__s64)(after - before) > 0 ? after - before : 0;
}

/* The busy time of a CPU over a round of dur ns (see the top of this file). task_ns: the task time
 * (above); idle_ns: time in the idle task; idle_irq_ns: interrupt, softirq and steal time
 * the kernel accounted while it was idle; tracked: ops.update_idle has reported this CPU. */
LAVD_UTIL_INLINE __u64 lavd_busy_ns(__u64 dur, __u64 task_ns, __u64 idle_ns, __u64 idle_irq_ns, int tracked)
{
	__u64 busy = 0;

	if (idle_ns > dur)
		idle_ns = dur;
	if (idle_irq_ns > idle_ns)
		idle_irq_ns = idle_ns;
	if (tracked)
		busy = dur - idle_ns + idle_irq_ns;
	if (busy < task_ns)
		busy = task_ns;
	return busy < dur ? busy : dur;
}

/* busy / dur in LAVD_SCALE units, at most LAVD_SCALE */
LAVD_UTIL_INLINE __u32 lavd_util(__u64 busy_ns, __u64 dur)
{
	if (!dur)
		return 0;
	if (busy_ns >= dur)
		return LAVD_SCALE;
	return (__u32)(busy_ns * LAVD_SCALE / dur);
}

/* Capacity- and frequency-invariant utilisation: util x capacity/1024 x perf/1024. capacity: the
 * CPU's (1024 = the biggest CPU); perf: its current performance level (scx_bpf_cpuperf_cur,
 * 1024 = its highest frequency; 0 = unknown, taken as 1024). */
LAVD_UTIL_INLINE __u32 lavd_util_scaled(__u32 util, __u32 capacity, __u32 perf)
{
	if (util > LAVD_SCALE)
		util = LAVD_SCALE;
	if (capacity > LAVD_SCALE)
		capacity = LAVD_SCALE;
	if (!perf || perf > LAVD_SCALE)
		perf = LAVD_SCALE;
	return (__u32)((__u64)util * capacity * perf / ((__u64)LAVD_SCALE * LAVD_SCALE));
}

/* --- idle periods (struct lavd_idle_acct, one per CPU) ------------------------------------------
 * now: the scheduler clock; irq_total: the CPU's cumulative interrupt + softirq + steal time. The
 * CPU itself opens and closes its idle periods (ops.update_idle); the round, on any CPU, cuts an
 * open period at its own time so each round gets the idle time inside it. Races: the CPU closes
 * with an exchange and the round cuts with compare-and-swap, so a period's time is counted once. */

/* the CPU goes idle (ops.update_idle(cpu, true)) */
LAVD_UTIL_INLINE void lavd_idle_enter(struct lavd_idle_acct *a, __u64 now, __u64 irq_total)
{
	a->irq_mark = irq_total;
	a->since = now ? now : 1;
	a->tracked = 1;
}

/* the CPU leaves idle (ops.update_idle(cpu, false)): the rest of the period is idle time */
LAVD_UTIL_INLINE void lavd_idle_exit(struct lavd_idle_acct *a, __u64 now, __u64 irq_total)
{
	__u64 since = __sync_lock_test_and_set(&a->since, 0), mark;

	a->tracked = 1;
	if (!since)
		return; /* it went idle before we were attached: that period is not ours to count */
	__sync_fetch_and_add(&a->idle_ns, lavd_since(now, since));
	mark = __sync_lock_test_and_set(&a->irq_mark, irq_total);
	__sync_fetch_and_add(&a->idle_irq_ns, lavd_since(irq_total, mark));
}

/* the round: an idle period still open counts up to now; returns 1 when one was open */
LAVD_UTIL_INLINE int lavd_idle_cut(struct lavd_idle_acct *a, __u64 now, __u64 irq_total)
{
	__u64 since = a->since, mark;

	if (!since || (__s64)(now - since) <= 0 || __sync_val_compare_and_swap(&a->since, since, now) != since)
		return 0;
	__sync_fetch_and_add(&a->idle_ns, now - since);
	mark = a->irq_mark;
	if (__sync_val_compare_and_swap(&a->irq_mark, mark, irq_total) == mark)
		__sync_fetch_and_add(&a->idle_irq_ns, lavd_since(irq_total, mark));
	return 1;
}

/* log2(v) in 1/8 steps: floor(log2(v)) * 8 + the three bits after the leading one; 0 for v <= 1.
 * 32 bits wide: everything lavd takes the logarithm of is below 2^32 (frequencies capped at
 * 100 kHz, runtimes clamped to 100 ms, weights up to 10000). The value of 0..255 is read from a
 * table; a larger v is shifted right by a multiple of 5 that leaves its leading one at bit 3..7, so
 * the table's entry for what remains holds the leading one's position and the three bits after it,
 * and 8 x the shift is added: at most four compares, a shift, a load and an add, where the count
 * of leading zeros (which clang expands into about 30 shifts and masks, as BPF has no such
 * instruction) took about 40 instructions. Its branches would multiply the verifier's paths
 * through a chain of calls, so the BPF side calls it through one global function (lavd_log2x8_fn,
 * lat_cri.bpf.c), verified once. test_util_math.cpp checks every table entry against the
 * definition. */
static const __u8 lavd_log2x8_small[256] = {
	 0,  0,  8, 12, 16, 18, 20, 22, 24, 25, 26, 27, 28, 29, 30, 31,
	32, 32, 33, 33, 34, 34, 35, 35, 36, 36, 37, 37, 38, 38, 39, 39,
	40, 40, 40, 40, 41, 41, 41, 41, 42, 42, 42, 42, 43, 43, 43, 43,
	44, 44, 44, 44, 45, 45, 45, 45, 46, 46, 46, 46, 47, 47, 47, 47,
	48, 48, 48, 48, 48, 48, 48, 48, 49, 49, 49, 49, 49, 49, 49, 49,
	50, 50, 50, 50, 50, 50, 50, 50, 51, 51, 51, 51, 51, 51, 51, 51,
	52, 52, 52, 52, 52, 52, 52, 52, 53, 53, 53, 53, 53, 53, 53, 53,
	54, 54, 54, 54, 54, 54, 54, 54, 55, 55, 55, 55, 55, 55, 55, 55,
	56, 56, 56, 56, 56, 56, 56, 56, 56, 56, 56, 56, 56, 56, 56, 56,
	57, 57, 57, 57, 57, 57, 57, 57, 57, 57, 57, 57, 57, 57, 57, 57,
	58, 58, 58, 58, 58, 58, 58, 58, 58, 58, 58, 58, 58, 58, 58, 58,
	59, 59, 59, 59, 59, 59, 59, 59, 59, 59, 59, 59, 59, 59, 59, 59,
	60, 60, 60, 60, 60, 60, 60, 60, 60, 60, 60, 60, 60, 60, 60, 60,
	61, 61, 61, 61, 61, 61, 61, 61, 61, 61, 61, 61, 61, 61, 61, 61,
	62, 62, 62, 62, 62, 62, 62, 62, 62, 62, 62, 62, 62, 62, 62, 62,
	63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63,
};

LAVD_UTIL_INLINE __u32 lavd_log2x8(__u32 v)
{
	if (v < (1U << 8))
		return lavd_log2x8_small[v & 0xff];
	if (v < (1U << 18)) {
		if (v < (1U << 13))
			return 5 * 8 + lavd_log2x8_small[(v >> 5) & 0xff];
		return 10 * 8 + lavd_log2x8_small[(v >> 10) & 0xff];
	}
	if (v < (1U << 23))
		return 15 * 8 + lavd_log2x8_small[(v >> 15) & 0xff];
	if (v < (1U << 28))
		return 20 * 8 + lavd_log2x8_small[(v >> 20) & 0xff];
	return 25 * 8 + lavd_log2x8_small[(v >> 25) & 0xff];
}

/* the round takes what accumulated since the last one */
LAVD_UTIL_INLINE __u64 lavd_take(__u64 *v)
{
	__u64 x = *v;

	if (x)
		__sync_fetch_and_sub(v, x);
	return x;
}

#endif /* SCXX_LAVD_UTIL_MATH_H */
