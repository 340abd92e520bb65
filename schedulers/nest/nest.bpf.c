/* schedulers/nest/nest.bpf.c: Nest, "keep tasks close together on warm cores" (Papillon et al.,
 * EuroSys 2022), as a sched_ext scheduler.
 *
 * Design. Ordering is a global weighted vtime queue (as in `simple`): a task's vtime advances by the
 * time it ran divided by its weight, a sleeper lags at most one slice behind. What Nest adds is
 * *where* a waking task goes. CPUs are in one of three sets:
 *   primary nest   cores recently used; wakeups look here first, so on a lightly loaded machine the
 *                  work stays on few cores and those cores keep their high frequency;
 *   reserve nest   up to r_max cores used recently but not lately; the next place to look;
 *   other          everything else.
 * Wakeup order (select_cpu): the task's attached core (the core it ran on twice in a row), its
 * previous CPU, a fully idle primary core (with --find-fully-idle), any idle primary CPU, then the
 * reserve nest (the previous CPU first, then a fully idle / any idle reserve CPU; promoted to
 * primary), then any idle CPU at all (promoted to the reserve nest,
 * or straight to primary when the task is "impatient": it missed the primary nest r_impatient times in
 * a row). Within a nest the lowest-numbered idle CPU is taken (not the kernel's rotating pick), so
 * the nests grow from one end and stay put. A task placed in the primary nest goes straight to that
 * CPU's local queue; otherwise it is queued on the shared vtime queue.
 *
 * Compaction. When a primary CPU finds nothing to run (ops.dispatch) it arms a per-CPU timer; if the
 * core is still idle when the timer fires, `delay` later, it is demoted to the reserve nest (or to
 * "other" when the reserve is full). A core whose last task has just died is demoted at once, unless
 * it is the last primary core. Using the core again before then cancels the compaction.
 *
 * Cancellation is logical, never a timer call. bpf_timer_cancel() fails with -EOPNOTSUPP when called
 * from sched_ext callbacks on current kernels, which is what ejected the upstream scheduler ("Failed to
 * cancel pcpu timer"); bpf_timer_cancel_async() exists but completes later, so it could cancel a timer
 * re-armed in between and leave an idle core in the nest for good. Instead each CPU's compaction
 * state is an atomic word (IDLE or ARMED, plus the deadline): a user of the core flips ARMED -> IDLE
 * with compare-and-swap, and the timer callback acts only if it wins ARMED -> IDLE itself, the
 * deadline has passed (else it re-arms for the remainder) and the CPU is idle at that moment. A stale
 * firing is therefore harmless, and no timer error can eject the scheduler: a failed bpf_timer_start
 * is counted (timer_errors) and the core simply stays in the nest.
 *
 * Sampling. A second timer copies the four CPU sets (primary, reserved, other, idle) into the
 * `sampled` array every sampling period, as u64 words sized from nr_cpu_ids at load: user space
 * prints them for any number of CPUs (the upstream stats held one u64, so 64 CPUs).
 *
 * Without timers. PREEMPT_RT kernels refuse bpf_timer at verification. User space probes for that
 * (scxx::probe_bpf_timers) and clears scxx_bpf_timers; then select_cpu and dispatch sweep instead
 * (nest_sweep, at most once per sweep_ns): due compactions are decided exactly as the callback
 * decides them, and the sets are sampled once per sampling period.
 *
 * NR_CPUS portability: the two nests are kptr cpumasks held in a map value, the scratch masks are
 * kptrs in a per-CPU-indexed map sized from nr_cpu_ids; no cpumask is embedded by value anywhere.
 * They are allocated before attach by nest_alloc_masks (a syscall program user space runs until
 * it has them all), not in ops.init: see there for PREEMPT_RT.
 *
 * Set by user space before load (nest.cpp): nr_cpu_ids, slice_ns, delay_ns and r_max (these two
 * also live), r_impatient, find_fully_idle, sampling_ns, scxx_bpf_timers, sweep_ns; the per-CPU and
 * sampled maps are sized from nr_cpu_ids.
 */
#include <scxx/common.bpf.h>

#include "intf.h"

char _license[] SEC("license") = "GPL";

const volatile __u32 nr_cpu_ids = 1;
/* Option-fed values start at the defaults nest.cpp declares (the skel tier checks they agree). */
const volatile __u64 slice_ns = 20000000;
/* Writable globals: `scx-ctl set delay-us/r-max` change them while attached. A shrunk r_max only
 * stops new reservations; the nest drains to it as reserved cores are promoted or demoted. */
__u64 delay_ns = 2000000;  /* how long a primary core may idle before demotion */
__u32 r_max = 5;           /* reserve nest capacity */
const volatile __u32 r_impatient = 2;     /* misses before a task goes straight to primary; 0 = never */
const volatile bool find_fully_idle;      /* look for fully idle (SMT) cores first */
const volatile __u64 sampling_ns = 2000000000;
const volatile bool scxx_bpf_timers = true;    /* false: the kernel refuses bpf_timer (see nest_sweep) */
__u64 sweep_ns;  /* timer-free mode: how often callbacks do the timers' work (follows delay_ns live) */

SCXX_EXIT_INFO_DEFINE(uei);

__s64 nr_reserved;        /* cores in the reserve nest (read by user space) */
static u64 vtime_now;     /* the largest vtime a running task has started with */

#define NEST_TASK_DEAD 0x80 /* task_struct.__state of an exiting task */
#define NEST_CLOCK_MONOTONIC 1

/* The two nests: kptr cpumasks created at init. */
struct nests {
	struct bpf_cpumask __kptr *primary;
	struct bpf_cpumask __kptr *reserve;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, u32);
	__type(value, struct nests);
} nest_masks SEC(".maps");

/* One scratch mask per CPU (select_cpu's "the task's CPUs & a nest"): select_cpu runs with IRQs
 * off under the task's pi_lock, so a CPU never uses its scratch mask twice at a time. */
struct scratch_mask {
	struct bpf_cpumask __kptr *mask;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1); /* nr_cpu_ids, set by user space */
	__type(key, u32);
	__type(value, struct scratch_mask);
} scratch_masks SEC(".maps");

struct task_ctx {
	s32 attached_core;                  /* -1 until the task runs on the same core twice in a row */
	s32 prev_cpu;                       /* where it was placed last */
	u32 misses;                         /* wakeups in a row that found no idle primary CPU */
};

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct task_ctx);
} task_ctxs SEC(".maps");

enum compaction_state { COMPACT_IDLE, COMPACT_ARMED };

struct cpu_ctx {
	struct bpf_timer timer;
	u64 state;      /* enum compaction_state, changed with compare-and-swap only */
	u64 compact_at; /* bpf_ktime_get_ns() deadline of the armed compaction */
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1); /* nr_cpu_ids, set by user space */
	__type(key, u32);
	__type(value, struct cpu_ctx);
} cpu_ctxs SEC(".maps");

struct sampler {
	struct bpf_timer timer;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, u32);
	__type(value, struct sampler);
} sampler SEC(".maps");

/* NEST_NR_MASKS sets of NEST_MASK_WORDS(nr_cpu_ids) words (see intf.h); sized by user space. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, NEST_NR_MASKS);
	__type(key, u32);
	__type(value, u64);
} sampled SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(key_size, sizeof(u32));
	__uint(value_size, sizeof(u64));
	__uint(max_entries, NEST_NR_STATS);
} stats SEC(".maps");

static void stat_inc(u32 idx)
{
	u64 *cnt = bpf_map_lookup_elem(&stats, &idx);

	if (cnt)
		(*cnt)++;
}

static struct nests *lookup_nests(void)
{
	u32 key = 0;

	return bpf_map_lookup_elem(&nest_masks, &key);
}

static struct scratch_mask *lookup_scratch(u32 cpu)
{
	return bpf_map_lookup_elem(&scratch_masks, &cpu);
}

static struct cpu_ctx *lookup_cpu_ctx(s32 cpu)
{
	u32 key = cpu;

	return bpf_map_lookup_elem(&cpu_ctxs, &key);
}

static const struct cpumask *cast_mask(struct bpf_cpumask *mask)
{
	return (const struct cpumask *)mask;
}

/* Puts `cpu` in the reserve nest unless it is full (then it goes to "other"). The count is exact:
 * the slot is taken with an atomic add and given back when it overshoots r_max. */
static void make_reserved(s32 cpu, struct bpf_cpumask *reserve, bool promotion)
{
	if (bpf_cpumask_test_cpu(cpu, cast_mask(reserve)))
		return;
	if (__sync_fetch_and_add(&nr_reserved, 1) >= (s64)r_max) {
		__sync_fetch_and_sub(&nr_reserved, 1);
		stat_inc(NEST_STAT_RESERVED_AT_CAPACITY);
		return;
	}
	if (bpf_cpumask_test_and_set_cpu(cpu, reserve)) { /* another CPU added it meanwhile */
		__sync_fetch_and_sub(&nr_reserved, 1);
		return;
	}
	stat_inc(promotion ? NEST_STAT_PROMOTED_TO_RESERVED : NEST_STAT_DEMOTED_TO_RESERVED);
}

/* Removes `cpu` from the primary nest and offers it to the reserve nest; false when it was not primary. */
static bool demote(s32 cpu, struct nests *n)
{
	struct bpf_cpumask *primary = n->primary, *reserve = n->reserve;

	if (!primary || !reserve || !bpf_cpumask_test_and_clear_cpu(cpu, primary))
		return false;
	make_reserved(cpu, reserve, false);
	return true;
}

/* The core is in use again: a pending compaction no longer applies. */
static void cancel_compaction(s32 cpu)
{
	struct cpu_ctx *c = lookup_cpu_ctx(cpu);

	if (c && c->state == COMPACT_ARMED &&
	    __sync_val_compare_and_swap(&c->state, COMPACT_ARMED, COMPACT_IDLE) == COMPACT_ARMED)
		stat_inc(NEST_STAT_CANCELLED_COMPACTION);
}

/* The compaction decision, from the timer callback or a sweep: demote the core when its armed
 * compaction is due, nobody used the core since, and the CPU is idle. A timer finding the CPU busy
 * drops the compaction (the core is in use again); a sweep runs on another CPU and may catch this
 * one in a moment's work that is not ours (on PREEMPT_RT, interrupts and timers run in kernel
 * threads), so it leaves the compaction armed for its next pass. Returns the ns still to go when
 * it is not due yet, else 0. */
static s64 compact_if_due(s32 cpu, struct cpu_ctx *c, bool sweeping)
{
	struct nests *n;
	s64 left;

	if (c->state != COMPACT_ARMED)
		return 0; /* cancelled: the core was used again */
	left = (s64)(c->compact_at - bpf_ktime_get_ns());
	if (left > 0)
		return left;
	if (sweeping && !scxx_cpu_idle_now(cpu))
		return 0;
	if (__sync_val_compare_and_swap(&c->state, COMPACT_ARMED, COMPACT_IDLE) != COMPACT_ARMED)
		return 0;
	if (!sweeping && !scxx_cpu_idle_now(cpu)) {
		stat_inc(NEST_STAT_CANCELLED_COMPACTION);
		return 0;
	}
	bpf_rcu_read_lock();
	n = lookup_nests();
	if (n && demote(cpu, n))
		stat_inc(NEST_STAT_CALLBACK_COMPACTED);
	bpf_rcu_read_unlock();
	return 0;
}

/* Compaction timer: a stale firing from an earlier arm waits for this arm's deadline. */
static int compaction_fired(void *map, int *key, struct cpu_ctx *c)
{
	s64 left;

	if (SCXX_EXITED(uei))
		return 0; /* this instance has ended: leave the CPU to its successor (common.bpf.h) */
	left = compact_if_due(*key, c, false);
	if (left > 0 && bpf_timer_start(&c->timer, left, BPF_F_TIMER_CPU_PIN))
		stat_inc(NEST_STAT_TIMER_ERRORS);
	return 0;
}

/* The CPU is going idle while in the primary nest: demote it `delay` from now unless used again. */
static void arm_compaction(s32 cpu)
{
	struct cpu_ctx *c = lookup_cpu_ctx(cpu);

	if (!c || c->state == COMPACT_ARMED)
		return;
	c->compact_at = bpf_ktime_get_ns() + delay_ns;
	if (__sync_val_compare_and_swap(&c->state, COMPACT_IDLE, COMPACT_ARMED) != COMPACT_IDLE)
		return;
	if (!scxx_bpf_timers) { /* the next sweep past compact_at does it */
		stat_inc(NEST_STAT_SCHEDULED_COMPACTION);
		return;
	}
	if (bpf_timer_start(&c->timer, delay_ns, BPF_F_TIMER_CPU_PIN)) {
		__sync_val_compare_and_swap(&c->state, COMPACT_ARMED, COMPACT_IDLE);
		stat_inc(NEST_STAT_TIMER_ERRORS);
		return;
	}
	stat_inc(NEST_STAT_SCHEDULED_COMPACTION);
}

/* claim_first_idle on a kernel whose idle masks cannot be read (Debian's 7.1): try to claim each
 * candidate in CPU order (scx_bpf_test_and_clear_cpu_idle tests and claims at once); a fully idle
 * core is left to the kernel's pick, which knows the SMT siblings. */
static s32 claim_first_idle_blind(struct bpf_cpumask *cand, bool whole_core)
{
	u32 i;

	if (whole_core)
		return scx_bpf_pick_idle_cpu(cast_mask(cand), SCX_PICK_IDLE_CORE);
	bpf_for(i, 0, nr_cpu_ids) {
		u32 first = bpf_cpumask_first(cast_mask(cand));

		if (first >= nr_cpu_ids)
			break;
		if (scx_bpf_test_and_clear_cpu_idle(first))
			return first;
		bpf_cpumask_clear_cpu(first, cand);
	}
	return -1;
}

/* Claims the lowest-numbered idle CPU in `cand` (a fully idle core's CPU when `whole_core`); -1 when
 * none. `cand` is scratch: it is narrowed to the idle candidates. Lowest-numbered rather than the
 * kernel's rotating pick (scx_bpf_pick_idle_cpu) so the nests grow from the same end and stay put:
 * a rotating pick spreads a lightly loaded machine over every core in turn. */
static s32 claim_first_idle(struct bpf_cpumask *cand, bool whole_core)
{
	const struct cpumask *idle;
	s32 cpu = -1;
	u32 tries;

	if (!scxx_has_idle_masks())
		return claim_first_idle_blind(cand, whole_core);
	idle = whole_core ? scx_bpf_get_idle_smtmask() : scx_bpf_get_idle_cpumask();
	bpf_cpumask_and(cand, cast_mask(cand), idle);
	scx_bpf_put_idle_cpumask(idle);
	/* Another CPU may claim the same idle CPU first: then try the next one, a few times. */
	bpf_for(tries, 0, 4) {
		u32 first = bpf_cpumask_first(cast_mask(cand));

		if (first >= nr_cpu_ids)
			break;
		if (scx_bpf_test_and_clear_cpu_idle(first)) {
			cpu = first;
			break;
		}
		bpf_cpumask_clear_cpu(first, cand);
	}
	return cpu;
}

/* An idle CPU of `nest` the task may use, a fully idle core first when --find-fully-idle is set; the
 * matching stat is counted. -1 when none. */
static s32 pick_idle_in(struct task_struct *p, struct bpf_cpumask *scratch, const struct cpumask *nest,
			u32 fully_idle_stat)
{
	s32 cpu;

	if (find_fully_idle) {
		bpf_cpumask_and(scratch, p->cpus_ptr, nest);
		cpu = claim_first_idle(scratch, true);
		if (cpu >= 0) {
			stat_inc(fully_idle_stat);
			return cpu;
		}
	}
	bpf_cpumask_and(scratch, p->cpus_ptr, nest);
	cpu = claim_first_idle(scratch, false);
	if (cpu >= 0)
		stat_inc(fully_idle_stat + 1); /* the "any idle" stat follows the "fully idle" one */
	return cpu;
}

/* Places `cpu` in the primary nest for a waking task and sends the task there. */
static s32 place_in_primary(struct task_struct *p, struct task_ctx *tctx, struct nests *n, s32 cpu, s32 prev_cpu)
{
	struct bpf_cpumask *primary = n->primary, *reserve = n->reserve;

	if (!primary || !reserve)
		return prev_cpu;
	cancel_compaction(cpu);
	bpf_cpumask_set_cpu(cpu, primary);
	/* Promoted from the reserve, or compacted into it concurrently: it is primary now. */
	if (bpf_cpumask_test_and_clear_cpu(cpu, reserve))
		__sync_fetch_and_sub(&nr_reserved, 1);
	if (cpu == prev_cpu) /* runs here twice in a row: attach */
		tctx->attached_core = cpu;
	tctx->prev_cpu = cpu;
	scxx_dsq_insert(p, SCX_DSQ_LOCAL, slice_ns, 0);
	return cpu;
}

int nest_sweep(void);

s32 BPF_STRUCT_OPS(nest_select_cpu, struct task_struct *p, s32 prev_cpu, u64 wake_flags)
{
	struct bpf_cpumask *scratch, *primary, *reserve;
	struct scratch_mask *sm;
	struct task_ctx *tctx;
	struct nests *n;
	bool impatient = false;
	s32 cpu, attached;

	tctx = bpf_task_storage_get(&task_ctxs, p, 0, 0);
	n = lookup_nests();
	sm = lookup_scratch(bpf_get_smp_processor_id());
	if (!tctx || !n || !sm)
		return prev_cpu;
	scratch = sm->mask;
	primary = n->primary;
	reserve = n->reserve;
	if (!scratch || !primary || !reserve)
		return prev_cpu;
	if (!scxx_bpf_timers)
		nest_sweep();

	/* 1. The attached core, 2. the previous CPU: when idle and in the primary nest. */
	bpf_cpumask_and(scratch, p->cpus_ptr, cast_mask(primary));
	attached = tctx->attached_core;
	if (attached >= 0 && bpf_cpumask_test_cpu(attached, cast_mask(scratch)) &&
	    scx_bpf_test_and_clear_cpu_idle(attached)) {
		stat_inc(NEST_STAT_WAKEUP_ATTACHED);
		cpu = attached;
		goto primary_hit;
	}
	if (prev_cpu != attached && bpf_cpumask_test_cpu(prev_cpu, cast_mask(scratch)) &&
	    scx_bpf_test_and_clear_cpu_idle(prev_cpu)) {
		stat_inc(NEST_STAT_WAKEUP_PREV_PRIMARY);
		cpu = prev_cpu;
		goto primary_hit;
	}
	/* 3. A fully idle primary core, 4. any idle primary CPU. */
	cpu = pick_idle_in(p, scratch, cast_mask(primary), NEST_STAT_WAKEUP_FULLY_IDLE_PRIMARY);
	if (cpu >= 0)
		goto primary_hit;

	/* The primary nest had no room for this task. */
	if (r_impatient > 0 && ++tctx->misses >= r_impatient) {
		tctx->misses = 0;
		impatient = true;
		stat_inc(NEST_STAT_TASK_IMPATIENT);
	}

	/* 5. The reserve nest, the previous CPU first (it may still be warm, and the task's cache
	 * footprint is there): a CPU found there is promoted to primary. */
	bpf_cpumask_and(scratch, p->cpus_ptr, cast_mask(reserve));
	if (bpf_cpumask_test_cpu(prev_cpu, cast_mask(scratch)) && scx_bpf_test_and_clear_cpu_idle(prev_cpu)) {
		stat_inc(NEST_STAT_WAKEUP_ANY_IDLE_RESERVE);
		cpu = prev_cpu;
	} else {
		cpu = pick_idle_in(p, scratch, cast_mask(reserve), NEST_STAT_WAKEUP_FULLY_IDLE_RESERVE);
	}
	if (cpu >= 0) {
		stat_inc(NEST_STAT_PROMOTED_TO_PRIMARY);
		return place_in_primary(p, tctx, n, cpu, prev_cpu);
	}

	/* 6. Any idle CPU the task may use. The nests may have changed since the checks above. */
	bpf_cpumask_copy(scratch, p->cpus_ptr);
	cpu = claim_first_idle(scratch, false);
	if (cpu < 0)
		return prev_cpu; /* nothing idle: queue on the shared DSQ */
	stat_inc(NEST_STAT_WAKEUP_IDLE_OTHER);
	if (bpf_cpumask_test_cpu(cpu, cast_mask(primary)))
		return place_in_primary(p, tctx, n, cpu, prev_cpu);
	if (impatient || bpf_cpumask_test_cpu(cpu, cast_mask(reserve))) {
		stat_inc(NEST_STAT_PROMOTED_TO_PRIMARY);
		return place_in_primary(p, tctx, n, cpu, prev_cpu);
	}
	make_reserved(cpu, reserve, true);
	tctx->prev_cpu = cpu;
	return cpu;

primary_hit:
	tctx->misses = 0;
	return place_in_primary(p, tctx, n, cpu, prev_cpu);
}

/* A task that was not sent to a CPU directly: the shared queue, by vtime. */
void BPF_STRUCT_OPS(nest_enqueue, struct task_struct *p, u64 enq_flags)
{
	u64 vtime = p->scx.dsq_vtime;

	/* A sleeper may lag at most one slice behind: no banked credit. */
	if (scxx_time_before(vtime, vtime_now - slice_ns))
		vtime = vtime_now - slice_ns;
	scxx_dsq_insert_vtime(p, NEST_SHARED_DSQ, slice_ns, vtime, enq_flags);
}

/* A CPU has nothing to run: take the head of the shared queue, else start compacting this core. */
void BPF_STRUCT_OPS(nest_dispatch, s32 cpu, struct task_struct *prev)
{
	struct bpf_cpumask *primary;
	struct nests *n;

	if (!scxx_bpf_timers)
		nest_sweep();
	if (scxx_dsq_move_to_local(NEST_SHARED_DSQ)) {
		stat_inc(NEST_STAT_CONSUMED);
		cancel_compaction(cpu);
		return;
	}
	/* prev is still runnable and nothing else waits: it keeps the CPU, no idling, for a fresh
	 * --slice-us (left alone, the kernel would refill it with its own default slice) */
	if (prev && (prev->scx.flags & SCX_TASK_QUEUED)) {
		scxx_task_set_slice(prev, slice_ns);
		return;
	}
	stat_inc(NEST_STAT_NOT_CONSUMED);

	n = lookup_nests();
	if (!n)
		return;
	primary = n->primary;
	if (!primary || !bpf_cpumask_test_cpu(cpu, cast_mask(primary)))
		return;
	/* The task that ran here died: demote at once, but never empty the nest. */
	if (prev && prev->__state == NEST_TASK_DEAD && bpf_cpumask_weight(cast_mask(primary)) > 1) {
		cancel_compaction(cpu);
		if (demote(cpu, n))
			stat_inc(NEST_STAT_EAGERLY_COMPACTED);
		return;
	}
	arm_compaction(cpu);
}

/* A task starts running: move the global vtime forward. */
void BPF_STRUCT_OPS(nest_running, struct task_struct *p)
{
	if (scxx_time_before(vtime_now, p->scx.dsq_vtime))
		vtime_now = p->scx.dsq_vtime;
}

/* A task stops running: charge the slice it used, scaled by its weight. */
void BPF_STRUCT_OPS(nest_stopping, struct task_struct *p, bool runnable)
{
	u64 used = slice_ns - p->scx.slice;

	if (used > slice_ns) /* the slice was extended: charge what was given */
		used = slice_ns;
	scxx_task_set_dsq_vtime(p, p->scx.dsq_vtime + used * 100 / p->scx.weight);
}

s32 BPF_STRUCT_OPS(nest_init_task, struct task_struct *p, struct scx_init_task_args *args)
{
	struct task_ctx *tctx;

	tctx = bpf_task_storage_get(&task_ctxs, p, 0, BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (!tctx)
		return -SCXX_ENOMEM;
	tctx->attached_core = -1;
	tctx->prev_cpu = -1;
	tctx->misses = 0;
	return 0;
}

/* A task joins this scheduler: start it at the current vtime. */
void BPF_STRUCT_OPS(nest_enable, struct task_struct *p)
{
	scxx_task_set_dsq_vtime(p, vtime_now);
}

/* Copies the CPU sets into `sampled` for user space. */
static void sample_sets(void)
{
	u32 nr_words = NEST_MASK_WORDS(nr_cpu_ids);
	const struct cpumask *idle;
	struct nests *n;
	u32 w;

	bpf_rcu_read_lock();
	n = lookup_nests();
	if (!n || !n->primary || !n->reserve) {
		bpf_rcu_read_unlock();
		return;
	}
	idle = scxx_has_idle_masks() ? scx_bpf_get_idle_cpumask() : NULL;
	bpf_for(w, 0, nr_words) {
		u64 bits[NEST_NR_MASKS] = {};
		u32 i, m;

		bpf_for(i, 0, 64) {
			u32 cpu = w * 64 + i;

			if (cpu >= nr_cpu_ids)
				break;
			if (n->primary && bpf_cpumask_test_cpu(cpu, cast_mask(n->primary)))
				bits[NEST_MASK_PRIMARY] |= 1ULL << i;
			else if (n->reserve && bpf_cpumask_test_cpu(cpu, cast_mask(n->reserve)))
				bits[NEST_MASK_RESERVED] |= 1ULL << i;
			else
				bits[NEST_MASK_OTHER] |= 1ULL << i;
			if (idle ? bpf_cpumask_test_cpu(cpu, idle) : scxx_cpu_idle_now(cpu))
				bits[NEST_MASK_IDLE] |= 1ULL << i;
		}
		bpf_for(m, 0, NEST_NR_MASKS) {
			u32 k = m * nr_words + w;
			u64 *slot = bpf_map_lookup_elem(&sampled, &k);

			if (slot && m < NEST_NR_MASKS)
				*slot = bits[m];
		}
	}
	if (idle)
		scx_bpf_put_idle_cpumask(idle);
	bpf_rcu_read_unlock();
}

/* Sampling timer: sample, then re-arm. */
static int sample_fired(void *map, int *key, struct sampler *s)
{
	if (SCXX_EXITED(uei))
		return 0; /* ended: stop sampling (scx_bpf_get_idle_cpumask would act on the successor) */
	sample_sets();
	if (bpf_timer_start(&s->timer, sampling_ns, 0))
		stat_inc(NEST_STAT_TIMER_ERRORS);  /* the CPU-set lines stop changing; counted, seen */
	return 0;
}

/* Timer-free mode (!scxx_bpf_timers: a kernel whose verifier refuses bpf_timer, i.e. PREEMPT_RT). The
 * work of both timers runs from select_cpu and dispatch instead, at most once per sweep_ns across
 * all CPUs: every armed compaction that is due is decided as the timer callback would, and the sets
 * are sampled once per sampling period. A machine where no callback runs has nothing to place, so
 * a core demoted at the next wakeup instead of at its deadline changes no placement decision. */
static u64 next_sweep_at, next_sample_at;

__noinline int nest_sweep(void)
{
	u64 now = bpf_ktime_get_ns(), at = next_sweep_at;
	u32 cpu;

	if ((s64)(now - at) < 0 || __sync_val_compare_and_swap(&next_sweep_at, at, now + sweep_ns) != at)
		return 0;
	bpf_for(cpu, 0, nr_cpu_ids) {
		struct cpu_ctx *c = lookup_cpu_ctx(cpu);

		if (c && c->state == COMPACT_ARMED)
			compact_if_due(cpu, c, true);
	}
	at = next_sample_at;
	if ((s64)(now - at) >= 0 && __sync_val_compare_and_swap(&next_sample_at, at, now + sampling_ns) == at)
		sample_sets();
	return 0;
}

/* A fresh empty kptr cpumask in *slot unless it holds one: 0 once it does. */
static s32 ensure_mask(struct bpf_cpumask __kptr **slot)
{
	struct bpf_cpumask *mask;

	if (*slot)
		return 0;
	mask = bpf_cpumask_create();
	if (!mask)
		return -SCXX_ENOMEM;
	mask = bpf_kptr_xchg(slot, mask);
	if (mask)
		bpf_cpumask_release(mask);
	return 0;
}

/* Allocates every cpumask nest keeps that is not there yet (the two nests, a scratch mask per CPU).
 * User space runs it after load and before attach until it returns 0 (scxx::run_syscall_until_done):
 * the BPF allocator refills its small per-CPU free lists from an irq_work, which on PREEMPT_RT is a
 * thread that cannot run while a program does, so one run there gets a single mask. Returns how
 * many are still missing. */
SEC("syscall")
int nest_alloc_masks(void *ctx)
{
	struct nests *n = lookup_nests();
	u32 cpu, missing = 0;

	if (!n)
		return -SCXX_ENOENT;
	if (ensure_mask(&n->primary))
		missing++;
	if (ensure_mask(&n->reserve))
		missing++;
	bpf_for(cpu, 0, nr_cpu_ids) {
		struct scratch_mask *sm = lookup_scratch(cpu);

		if (!sm)
			return -SCXX_ENOENT;
		if (ensure_mask(&sm->mask))
			missing++;
	}
	return missing;
}

s32 BPF_STRUCT_OPS_SLEEPABLE(nest_init)
{
	struct sampler *s;
	struct nests *n;
	u32 key = 0;
	u32 cpu;
	s32 err;

	err = scx_bpf_create_dsq(NEST_SHARED_DSQ, -1);
	if (err) {
		scxx_error("nest: create the shared DSQ: error %d", err);
		return err;
	}
	n = lookup_nests();
	if (!n)
		return -SCXX_ENOENT;
	if (!n->primary || !n->reserve) {
		scxx_error("nest: the nest cpumasks are missing (user space runs nest_alloc_masks before attach)");
		return -SCXX_ENOENT;
	}

	bpf_for(cpu, 0, nr_cpu_ids) {
		struct cpu_ctx *c = lookup_cpu_ctx(cpu);

		if (!c)
			return -SCXX_ENOENT;
		c->state = COMPACT_IDLE;
		if (!scxx_bpf_timers)
			continue;
		if ((err = bpf_timer_init(&c->timer, &cpu_ctxs, NEST_CLOCK_MONOTONIC)) ||
		    (err = bpf_timer_set_callback(&c->timer, compaction_fired))) {
			scxx_error("nest: compaction timer of cpu %d: error %d", cpu, err);
			return err;
		}
	}

	if (!scxx_bpf_timers)
		return 0; /* nest_sweep samples at once and then every sampling period */
	s = bpf_map_lookup_elem(&sampler, &key);
	if (!s)
		return -SCXX_ENOENT;
	if ((err = bpf_timer_init(&s->timer, &sampler, NEST_CLOCK_MONOTONIC)) ||
	    (err = bpf_timer_set_callback(&s->timer, sample_fired)) ||
	    (err = bpf_timer_start(&s->timer, 0, 0))) {
		scxx_error("nest: sampling timer: error %d", err);
		return err;
	}
	return 0;
}

void BPF_STRUCT_OPS(nest_exit, struct scx_exit_info *ei)
{
	SCXX_EXIT_INFO_RECORD(uei, ei);
}

SCXX_OPS_DEFINE(nest_ops,
	.select_cpu = (void *)nest_select_cpu,
	.enqueue = (void *)nest_enqueue,
	.dispatch = (void *)nest_dispatch,
	.running = (void *)nest_running,
	.stopping = (void *)nest_stopping,
	.init_task = (void *)nest_init_task,
	.enable = (void *)nest_enable,
	.init = (void *)nest_init,
	.exit = (void *)nest_exit,
	.name = "nest");
