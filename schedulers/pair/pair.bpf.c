/* schedulers/pair/pair.bpf.c: CPU pairs that only ever run tasks of one cgroup at a time.
 *
 * Design
 * ======
 * Every possible CPU has at most one partner, fixed at load time (user space computes the layout
 * from --stride, see pair_layout.hpp; with an odd CPU count the highest CPU runs alone). The two
 * CPUs of a pair share a `struct pair_ctx`: the cgroup the pair runs (`cur`), when it started
 * (`started_at`), whether it is `draining`, and two 2-bit masks indexed by each CPU's in-pair index:
 * `active` (this CPU committed to running `cur` and may do so without asking again) and
 * `preempted` (a higher sched class owns this CPU). The rule the scheduler keeps: both CPUs of a
 * pair never run tasks of two different cgroups at the same time. A pair moves to the next cgroup
 * after --batch-us, when its cgroup runs out of tasks while another waits, or when a higher class
 * takes one of its CPUs; it first drains (neither CPU starts anything new) and switches once
 * neither CPU is active.
 *
 * Queues. Each tracked cgroup owns a slot; slot i is kernel DSQ i. The DSQs are created once, in
 * ops.init (--max-cgroups + 1 of them; the last is the shared overflow slot) and live until the
 * scheduler unloads. Why kernel DSQs instead of the seed's BPF queue maps of pids: the kernel takes
 * a dequeued or exiting task off its DSQ itself, so no stale pid is ever popped, looked up and
 * retried, and scx_bpf_dsq_move_to_local() moves only a task that is still queued and allowed on
 * this CPU. Why a fixed pool instead of creating a DSQ in cgroup_init and destroying it in
 * cgroup_exit: scx_bpf_create_dsq() needs a sleepable context, and destroying a DSQ that still
 * holds a task (an exiting task of a removed cgroup can be queued after the cgroup went offline)
 * or inserting into one just destroyed is a scheduler error that ejects us. With a pool nothing is
 * ever destroyed while we run: a removed cgroup's slot is marked dying, keeps being scheduled like
 * any cgroup until its leftovers ran, and is reused only when nothing is waiting in it (a tag with
 * a generation number in the slot and in the cgid -> slot hash entry catches an enqueue racing
 * with the reuse; such a task goes to the overflow slot).
 *
 * Which cgroups have work. `nr_waiting` per slot counts tasks that went through ops.enqueue into
 * the slot and have not yet started running (or left: ops.quiescent, re-enqueue, ops.disable);
 * unlike the DSQ length it is updated before the kernel inserts the task, so nothing is ever
 * queued without the counter saying so. A slot with waiting tasks is on `top_q` (a BPF queue of
 * slot ids) exactly once, guarded by an `on_top` flag: the enqueuer increments the count, then sets
 * the flag and pushes when it was clear; a CPU picking the next cgroup pops a slot, clears the
 * flag, then re-reads the count and pushes the slot back when it is still non-zero. Both sides use
 * atomic read-modify-writes, so one of them always sees the other: a slot with waiting tasks can
 * never fall off the queue, and re-pushing turns the queue into a round robin over busy cgroups.
 * Entries popped for a cgroup whose DSQ is empty count as `missing`.
 *
 * Dispatch (per CPU, bounded retries). Take the pair lock, clear our active bit. If the batch is
 * over (and some other cgroup is waiting: otherwise the batch is simply renewed), or the pair is
 * draining, mark it draining; if the pair CPU is still active or preempted, wait (kicking it when
 * the batch is over). Otherwise pick the next cgroup from top_q outside the lock, re-take the lock
 * and switch the pair unless the pair CPU got there first (a `collision`: we join its choice). Set
 * our active bit. Then the pair gate: the partner CPU's current task (rq->curr, read with
 * scx_bpf_cpu_curr) must be idle or of the pair's cgroup, because a CPU that has just decided to
 * leave a cgroup still runs that cgroup's task until its context switch completes. If it is not,
 * we drop our active bit, raise our `waiting` flag and go idle; the partner's sched_switch
 * tracepoint clears the flag and kicks us when it switches (flag and rq->curr are checked in
 * opposite orders with atomics on both sides, so the wake-up cannot be lost). Past the gate, move
 * one task of the cgroup to our local DSQ; if there is none but `prev` belongs to the cgroup, let
 * prev keep running. If the cgroup has nothing this CPU may run (its queue is empty, or what it
 * holds is pinned elsewhere), drain and retry only when another cgroup waits (skipping a cgroup of
 * pinned tasks for the rest of this dispatch); otherwise just idle, uncommitted: the pair keeps its
 * cgroup, the next wake-up of it takes the short path, and no kicks ping-pong between two CPUs that
 * both have nothing to run. (The seed drained whenever the queue was empty; with a pipe between two
 * tasks of one cgroup that made every round trip drain the pair and pick the cgroup again.)
 *
 * Wake-ups on a committed CPU. A task enqueued on the CPU that is running (committed to) its cgroup,
 * typically woken by the task it will follow there, goes straight to that CPU's local DSQ while the
 * pair is not draining, its batch is not over and no task of the cgroup waits in its queue
 * (pair_run_here): it runs under the commitment of the task that woke it, without a dispatch round.
 * A dispatch makes at most
 * 8 rounds of at most 32 top_q pops; when every round found a cgroup with nothing for this CPU it
 * re-kicks its own CPU rather than sleep on work only it may run.
 *
 * Verifier cost. A round is made of global (non-static) subprograms: pair_try_dispatch (the lock
 * protocol up to the chosen cgroup), pair_run_slot (gate and move), pair_pick_next and the top_q pop
 * it loops over (pair_pop_slot), pair_partner_allows, and the counters and kicks. The verifier
 * checks a global function once, on its own, with its arguments unknown, instead of once per call
 * site and caller state. As one static function inlining the rest, a round was re-verified for
 * every state the 8-round loop carried into it (the slots already excluded, the flags of the round
 * before): ~65,000 instructions for ops.dispatch, against ~1,400 now. The rounds share what they
 * must through `struct dsp_excl` on ops.dispatch's stack (plain memory to them); map values (the
 * pair lock) are looked up again in each.
 *
 * Tasks only reach a CPU through that path or pair_run_here: select_cpu never inserts directly (the
 * kernel's default would put a woken task on an idle CPU behind our back), SCX_OPS_ENQ_LAST stops the
 * kernel from silently keeping `prev`, and ENQ_EXITING / ENQ_MIGRATION_DISABLED route exiting and
 * migration-disabled tasks through ops.enqueue instead of straight to a local DSQ. ops.running
 * checks the task's slot against the pair's cgroup anyway; a mismatch (a task that changed cgroup
 * while running: ops.cgroup_move forgets its slot and preempts it) is counted as `foreign` and the
 * CPU kicked so the task goes back through ops.enqueue. ops.running also sets the task's slice to
 * what is left of the batch (at least 50 us, at most the kernel's SCX_SLICE_DFL), so a pair
 * reaches its next dispatch when the batch ends.
 *
 * Higher sched classes. A CPU taken by an RT/DL/stop task is `preempted`: the pair does not switch
 * cgroups and the partner does not start anything (the gate also sees a non-sched_ext rq->curr).
 * Kernel threads are the exception on the ops path (is_kthread): they belong to no user cgroup, so
 * a CPU lent to one stays committed to its cgroup and the partner carries on (PREEMPT_RT runs its
 * interrupt work in such threads all the time). The switch path, which cannot re-enqueue what a
 * preempted CPU had queued, keeps treating them as preemptions.
 *   - ops path (cpu_release/cpu_acquire in struct sched_ext_ops; both VM kernels have them):
 *     cpu_release pulls the preempted task(s) off the local DSQ (scx_bpf_reenqueue_local), marks
 *     the CPU preempted and inactive, drains the pair and preempts the partner; cpu_acquire clears
 *     the bit and kicks the partner.
 *   - switch path (kernels without those members, or --preempt-path switch): the sched_switch
 *     tracepoint notices a switch to a task that is neither idle nor on sched_ext and back; it
 *     marks/clears the preempted bit and kicks the partner the same way. It cannot re-enqueue the
 *     preempted task, which resumes from the local DSQ head later: the CPU therefore stays active
 *     in its cgroup (the pair cannot switch under it) and the pair drains when the task ends.
 * The seed waited for the partner (SCX_KICK_WAIT) in cpu_release; we do not: the higher-class task
 * is already on the CPU when cpu_release runs, and the gate keeps the partner from starting more.
 * The tracepoint is loaded on both paths (it also drives the gate's wake-ups).
 *
 * Cgroups. ops.cgroup_init runs for every cgroup (with the cpu controller) that exists when we
 * attach and for each one created later; it takes a free slot. When --max-cgroups slots are in
 * use the cgroup is counted as untracked (user space reports it once) and its tasks run in the
 * overflow slot, which is scheduled as one more cgroup: pairs never mix a tracked cgroup with
 * anything else, but tasks of different untracked cgroups may share a pair. ops.cgroup_exit frees
 * the hash entry and marks the slot dying. Tasks of a cgroup without the cpu controller belong, as
 * far as the kernel's scheduler is concerned, to the nearest ancestor that has it.
 *
 * Hotplug: no cpu_online/cpu_offline callbacks, so the kernel unloads us with an exit code asking
 * for a restart and scx-run restarts with the new topology. The layout covers all possible CPUs.
 * A CPU sched_ext does not run (offline, or coming online before the kernel tells us and we exit:
 * rq->scx.flags lacks SCX_RQ_ONLINE) runs its tasks straight from its local DSQ; its partner then
 * behaves as if alone (no gate, its masks ignored) and our dispatch/running hooks leave that CPU
 * alone. Waiting for such a CPU deadlocked the bring-up of a CPU in testing (its cpuhp thread
 * waited for a kworker pinned to the partner, which waited at the gate).
 *
 * User space sets before load: rodata (nr_pairs, max_cgroups, max_queued, batch_ns,
 * slice_dfl_ns from the kernel's BTF, switch_preempt) and the max_entries of cpu_ctx, pair_ctxs,
 * slots, top_q and cgrp_slots; after load and before attach it writes the layout into cpu_ctx.
 */
#include <scxx/common.bpf.h>

#include "intf.h"

char _license[] SEC("license") = "GPL";

/* --- set by user space before load ------------------------------------------------------------ */
const volatile __u32 nr_pairs = 1;        /* pair contexts (pairs + CPUs running alone) */
const volatile __u32 max_cgroups = 4096;  /* tracked slots; slot max_cgroups is the overflow slot */
const volatile __u64 max_queued = 4096;   /* waiting tasks per cgroup before it counts as congested */
const volatile __u64 batch_ns = 20000000; /* how long a pair stays on a cgroup */
const volatile __u64 slice_dfl_ns = 20000000; /* the kernel's SCX_SLICE_DFL */
const volatile bool switch_preempt;       /* the sched_switch tracepoint tracks higher classes */

/* --- read by user space ------------------------------------------------------------------------ */
SCXX_EXIT_INFO_DEFINE(uei);
__s64 nr_tracked;            /* cgroups holding a slot */
__s64 nr_untracked;          /* cgroups that found no free slot (their tasks use the overflow slot) */
__u64 first_untracked_cgid;  /* the first of those, for the report */
__u64 deepest_queue;         /* most tasks seen waiting in one cgroup */

#define MIN_SLICE_NS 50000ULL
#define DISPATCH_TRIES 8     /* try_dispatch rounds per ops.dispatch */
#define PICK_SCAN 32         /* top_q entries one pick may pop */

/* slot states, in the low byte of slot.tag; the rest of the tag is a generation number */
enum { SLOT_FREE = 0, SLOT_LIVE = 1, SLOT_DYING = 2, SLOT_CLAIMING = 3 };
#define SLOT_STATE(tag) ((tag) & 0xffULL)
#define SLOT_TAG(gen, state) (((gen) << 8) | (state))

struct pair_ctx {
	struct bpf_spin_lock lock;
	u32 cur;            /* slot the pair runs; PAIR_NONE before its first pick */
	u32 draining;       /* no CPU starts new tasks of cur; switch when neither is active */
	u64 started_at;     /* when the pair started on cur */
	u32 active_mask;    /* CPUs (by in-pair index) committed to cur */
	u32 preempted_mask; /* CPUs a higher sched class owns */
};

struct pair_slot {
	u64 cgid;        /* the cgroup holding the slot (informational once dying) */
	u64 tag;         /* SLOT_TAG(generation, state) */
	s64 nr_waiting;  /* tasks enqueued into the slot that have not started running or left */
	u32 on_top;      /* 1 while the slot id is in top_q (or being re-examined by a picker) */
	u32 _pad;
};

struct cgrp_ref {
	u32 slot;
	u32 _pad;
	u64 tag;         /* the slot's tag when it was given to this cgroup */
};

struct task_ctx {
	u32 slot;        /* slot of the task's last enqueue; PAIR_NONE when unknown/stale */
	u32 counted;     /* slot whose nr_waiting includes this task, PAIR_NONE if none */
	u64 tag;         /* the tag of slot `slot` when it was looked up (see task_slot) */
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, u32);
	__type(value, struct pair_cpu_ctx);
	__uint(max_entries, 1); /* nr_cpu_ids */
} cpu_ctx SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, u32);
	__type(value, struct pair_ctx);
	__uint(max_entries, 1); /* nr_pairs */
} pair_ctxs SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, u32);
	__type(value, struct pair_slot);
	__uint(max_entries, 1); /* max_cgroups + 1 */
} slots SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_QUEUE);
	__type(value, u32);
	__uint(max_entries, 1); /* max_cgroups + 1: every slot at most once */
} top_q SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, u64);      /* cgroup id */
	__type(value, struct cgrp_ref);
	__uint(max_entries, 1); /* max_cgroups */
} cgrp_slots SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct task_ctx);
} task_ctxs SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(key_size, sizeof(u32));
	__uint(value_size, sizeof(u64));
	__uint(max_entries, PAIR_NR_STATS);
} stats SEC(".maps");

/* The per-CPU run queues: whether sched_ext runs a CPU at all (SCX_RQ_ONLINE). */
extern const struct rq runqueues __ksym;
/* Address of the kernel's ext_sched_class, learned from the first task ops.enqueue or ops.running
 * sees (both only ever see sched_ext tasks). Tells sched_ext tasks from higher-class ones. Not a
 * typeless __ksym: only per-CPU variables are in the kernel's BTF, so libbpf would resolve it from
 * /proc/kallsyms, and reading that took most of a second of the load (7.3 under QEMU). A task
 * reaches a cgroup queue through ops.enqueue, so the pair gate, which only runs for a queued task
 * or prev, always has the address. */
static u64 ext_class;
static u32 slot_cursor;
static s32 nr_on_top; /* entries in top_q (plus ones being re-examined) */

/* --- small helpers ----------------------------------------------------------------------------- */

/* Counters and kicks are global functions: the verifier walks each once per program instead of
 * once per call site and state, which keeps the dispatch path cheap to load. */
__noinline int pair_stat_add(u32 idx, u64 n)
{
	u64 *cnt = bpf_map_lookup_elem(&stats, &idx);

	if (cnt)
		*cnt += n;
	return 0;
}

static __always_inline void stat_add(u32 idx, u64 n) { pair_stat_add(idx, n); }

static __always_inline void stat_inc(u32 idx) { pair_stat_add(idx, 1); }

static __always_inline struct pair_cpu_ctx *lookup_cpu(s32 cpu)
{
	u32 key = cpu;

	return bpf_map_lookup_elem(&cpu_ctx, &key);
}

static __always_inline struct pair_ctx *lookup_pair(struct pair_cpu_ctx *cc)
{
	u32 key = cc->pair_id;

	return bpf_map_lookup_elem(&pair_ctxs, &key);
}

static __always_inline struct pair_slot *lookup_slot(u32 s)
{
	u32 key = s;

	return bpf_map_lookup_elem(&slots, &key);
}

static __always_inline u32 overflow_slot(void) { return max_cgroups; }

__noinline int pair_kick(s32 cpu, u64 flags)
{
	if (cpu < 0)
		return 0;
	stat_inc(PAIR_STAT_KICKS);
	scxx_kick_cpu(cpu, flags);
	return 0;
}

static __always_inline void kick(s32 cpu, u64 flags) { pair_kick(cpu, flags); }

/* Is @p a task of this scheduler (not idle, not a higher class)? */
static __always_inline bool on_ext(struct task_struct *p, struct task_ctx *tc)
{
	u64 cls = ext_class;

	if (cls)
		return (u64)p->sched_class == cls;
	return tc && tc->slot != PAIR_NONE;
}

/* What is left of the pair's batch, clamped to [MIN_SLICE_NS, slice_dfl_ns]. */
static __always_inline u64 batch_left(struct pair_ctx *pc, u64 now)
{
	u64 end = pc->started_at + batch_ns;
	u64 left = scxx_time_before(now, end) ? end - now : 0;

	if (left < MIN_SLICE_NS)
		left = MIN_SLICE_NS;
	if (left > slice_dfl_ns)
		left = slice_dfl_ns;
	return left;
}

/* Puts slot @s on top_q unless it is there already. True when this call pushed it. */
static __always_inline bool mark_on_top(u32 s, struct pair_slot *sl)
{
	u32 id = s;

	if (__sync_val_compare_and_swap(&sl->on_top, 0, 1) != 0)
		return false;
	if (bpf_map_push_elem(&top_q, &id, 0)) {
		/* cannot happen (one entry per slot); do not leave the flag set */
		__sync_lock_test_and_set(&sl->on_top, 0);
		scxx_error("pair: top_q full pushing slot %u", s);
		return false;
	}
	__sync_fetch_and_add(&nr_on_top, 1);
	return true;
}

static __always_inline void uncount(struct task_ctx *tc)
{
	u32 s = tc->counted;
	struct pair_slot *sl;

	if (s == PAIR_NONE)
		return;
	tc->counted = PAIR_NONE;
	sl = lookup_slot(s);
	if (sl)
		__sync_fetch_and_add(&sl->nr_waiting, -1);
}

/* Slot for @p's cgroup (the overflow slot when it has none); *tag gets the slot's expected tag.
 * The task's last tracked slot is taken again while the slot still holds the tag it had then: the
 * task has not changed cgroup since (ops.cgroup_move forgets the slot before the kernel enqueues a
 * moved task again) and the cgroup still owns the slot (its exit changes the tag). That spares the
 * cgroup reference and the hash lookup on every wake-up. */
static __always_inline u32 task_slot(struct task_struct *p, struct task_ctx *tc, u64 *tag)
{
	struct cgroup *cgrp;
	struct cgrp_ref *ref;
	struct pair_slot *sl;
	u64 cgid;

	/* a live tag only: fresh task storage (slot 0, tag 0) must not match a free slot 0 */
	if (tc && tc->slot != PAIR_NONE && tc->slot != overflow_slot() && SLOT_STATE(tc->tag) == SLOT_LIVE &&
	    (sl = lookup_slot(tc->slot)) && sl->tag == tc->tag) {
		*tag = tc->tag;
		return tc->slot;
	}
	cgrp = scx_bpf_task_cgroup(p);
	if (!cgrp)
		return overflow_slot();
	cgid = cgrp->kn->id;
	bpf_cgroup_release(cgrp);
	ref = bpf_map_lookup_elem(&cgrp_slots, &cgid);
	if (!ref)
		return overflow_slot();
	*tag = ref->tag;
	return ref->slot;
}

/* What one ops.dispatch carries from round to round, on pair_dispatch's stack: the slots it already
 * found holding nothing this CPU may run, and the slice prev goes on with after a DSP_KEEP round.
 * The rounds are global subprograms, so they see it as plain memory of unknown contents. */
struct dsp_excl {
	u32 slot[DISPATCH_TRIES];
	u32 nr;
	u32 _pad;
	u64 keep_slice;
};

static __always_inline bool excluded(struct dsp_excl *x, u32 s)
{
#pragma clang loop unroll(full)
	for (u32 i = 0; i < DISPATCH_TRIES; i++)
		if (i < x->nr && x->slot[i] == s)
			return true;
	return false;
}

static __always_inline void exclude(struct dsp_excl *x, u32 s)
{
	u32 n = x->nr;

	if (n < DISPATCH_TRIES) {
		x->slot[n & (DISPATCH_TRIES - 1)] = s;
		x->nr = n + 1;
	}
}

enum { POP_EMPTY = -1, POP_MISS = -2 };

/* Pops one busy slot off top_q and puts it back at the tail while it still has work (round robin).
 * Returns the slot when it has a queued task and is not excluded, POP_MISS when it has not,
 * POP_EMPTY when top_q is. A global function: the verifier walks it once, not once per pass over
 * pair_pick_next's loop. */
__noinline s64 pair_pop_slot(struct dsp_excl *x __arg_nonnull)
{
	struct pair_slot *sl;
	u32 s;

	if (bpf_map_pop_elem(&top_q, &s))
		return POP_EMPTY;
	__sync_fetch_and_add(&nr_on_top, -1);
	sl = lookup_slot(s);
	if (!sl)
		return POP_MISS;
	__sync_lock_test_and_set(&sl->on_top, 0);
	/* still busy: back to the tail (the enqueuer could not push while the flag was set) */
	if (sl->nr_waiting > 0 || scx_bpf_dsq_nr_queued(s) > 0)
		mark_on_top(s, sl);
	if (excluded(x, s))
		return POP_MISS;
	if (scx_bpf_dsq_nr_queued(s) > 0)
		return s;
	stat_inc(PAIR_STAT_MISSING);
	return POP_MISS;
}

/* Pops busy slots off top_q until one has a queued task and is not excluded. */
__noinline u32 pair_pick_next(struct dsp_excl *x __arg_nonnull)
{
	s64 s;
	int i;

	bpf_for(i, 0, PICK_SCAN) {
		s = pair_pop_slot(x);
		if (s == POP_EMPTY)
			break;
		if (s >= 0)
			return (u32)s;
	}
	return PAIR_NONE;
}

/* Is any cgroup other than @cur waiting for a pair? (racy reads: a heuristic) */
static __always_inline bool others_waiting(u32 cur)
{
	struct pair_slot *sl = cur != PAIR_NONE ? lookup_slot(cur) : NULL;
	s32 busy = nr_on_top;

	if (sl && sl->on_top)
		busy--;
	return busy > 0;
}

/* Does sched_ext schedule @cpu? Not while it is offline or half-way through coming online: the
 * kernel then runs that CPU's tasks without asking us (and we exit for a restart once it is up), so
 * the pair rules cannot apply to it and waiting for it could deadlock the bring-up. */
static __always_inline bool scx_cpu_online(s32 cpu)
{
	struct rq *rq = bpf_per_cpu_ptr(&runqueues, (u32)cpu);

	return !rq || (rq->scx.flags & SCX_RQ_ONLINE);
}

/* Kernel threads belong to no user cgroup (they live in the root cgroup), so the pair rule has
 * nothing to say about them: a higher-class kernel thread may run beside any cgroup, as the
 * observer (scx-corun) counts it. On PREEMPT_RT, interrupt, softirq and timer work runs in such
 * threads (SCHED_FIFO) on every CPU many times a second; treating each of them as a preemption
 * drained both CPUs of the pair every time and starved the pair's cgroups (measured on 7.3-rt:
 * pipe round trips fell from 89 to 12 in pair-attach). PF_KTHREAD is a #define, not in BTF. */
#define PAIR_PF_KTHREAD 0x00200000

static __always_inline bool is_kthread(struct task_struct *p)
{
	return p->flags & PAIR_PF_KTHREAD;
}

/* Whether @partner may keep running while this CPU starts a task of slot @cur: it runs nothing
 * (idle), a task of @cur, or a higher-class kernel thread. Anything else (another cgroup's task it
 * is still switching away from, a higher-class user task, a task we have not classified yet) must
 * finish first. A global function (verified once): both gate checks of a round call it. */
__noinline int pair_partner_allows(s32 partner, u32 cur)
{
	struct task_struct *t;
	struct task_ctx *tc;

	if (!bpf_ksym_exists(scx_bpf_cpu_curr) || !scx_cpu_online(partner))
		return true;
	t = scx_bpf_cpu_curr(partner);
	if (!t || t->pid == 0)
		return true;
	tc = bpf_task_storage_get(&task_ctxs, t, 0, 0);
	if (!on_ext(t, tc))
		return !switch_preempt && is_kthread(t);
	return tc && tc->slot == cur;
}

/* --- callbacks --------------------------------------------------------------------------------- */

/* Pick a CPU for a waking task, but never insert it directly: every task reaches a CPU through
 * ops.dispatch or ops.enqueue (pair_run_here), which know which cgroup the CPU's pair runs. */
s32 BPF_STRUCT_OPS(pair_select_cpu, struct task_struct *p, s32 prev_cpu, u64 wake_flags)
{
	struct pair_cpu_ctx *cc;
	bool is_idle = false;
	s32 cpu;

	cpu = scx_bpf_select_cpu_dfl(p, prev_cpu, wake_flags, &is_idle);
	/* per CPU, not per task (no task storage on every wake-up): the claim is exclusive. A stale
	 * hint (left by a wake-up whose cgroup was on top_q already) costs one extra kick, or skips one
	 * for a later wake-up onto that CPU that bypassed select_cpu; the wake-up of a task onto an idle
	 * CPU reschedules that CPU anyway */
	if ((cc = lookup_cpu(cpu)) && cc->woken != is_idle)
		cc->woken = is_idle;
	return cpu;
}

/* May @p, of slot @s, being enqueued on this very CPU, go straight to its local DSQ? Yes while the
 * CPU is committed to @s (its active bit, which only this CPU changes: it is running a task of @s or
 * lent to a kernel thread, not inside ops.dispatch), the pair is not draining and the batch is not
 * over. The pair cannot leave @s before this CPU's next ops.dispatch, which the kernel calls only
 * once the local DSQ is empty, so the task runs under the same commitment as the one that woke it;
 * ops.running still checks its slot. Not while tasks of @s wait in its queue (FIFO within a cgroup:
 * they must not be overtaken, nor wait a batch while a ping-pong keeps the CPU busy, the idle
 * partner hearing no kick since @s is on top_q already). The batch check keeps a ping-pong on one
 * CPU (a pipe) from never reaching ops.dispatch again; a re-enqueue from cpu_release (SCX_ENQ_REENQ)
 * never comes here. Spares the wake-up its dispatch round (gate, queue move) on the pipe path. */
static __always_inline bool pair_run_here(struct task_struct *p, u32 s, struct pair_slot *sl,
					  u64 enq_flags)
{
	s32 cpu = bpf_get_smp_processor_id();
	struct pair_cpu_ctx *cc;
	struct pair_ctx *pc;

	/* tasks of the cgroup already wait in its queue: keep FIFO, go behind them */
	if ((enq_flags & SCX_ENQ_REENQ) || sl->nr_waiting > 0 || scx_bpf_task_cpu(p) != cpu)
		return false;
	if (!(cc = lookup_cpu(cpu)) || !(pc = lookup_pair(cc)))
		return false;
	if (!(pc->active_mask & (1u << (cc->idx & 1))) || pc->cur != s || pc->draining)
		return false;
	return scxx_now() - pc->started_at < batch_ns;
}

void BPF_STRUCT_OPS(pair_enqueue, struct task_struct *p, u64 enq_flags)
{
	struct task_ctx *tc = bpf_task_storage_get(&task_ctxs, p, 0, BPF_LOCAL_STORAGE_GET_F_CREATE);
	u32 s, ovf = overflow_slot();
	struct pair_slot *sl;
	u64 tag = 0;
	s64 depth = 0;

	if (!ext_class)
		ext_class = (u64)p->sched_class;
	stat_inc(PAIR_STAT_TOTAL);
	s = task_slot(p, tc, &tag);
	sl = lookup_slot(s);
	if (!sl) {
		scxx_error("pair: no slot %u for %s[%d]", s, p->comm, p->pid);
		return;
	}
	if (tc && s != ovf && pair_run_here(p, s, sl, enq_flags)) {
		uncount(tc);
		tc->slot = s;
		tc->tag = tag;
		scxx_dsq_insert(p, SCX_DSQ_LOCAL, slice_dfl_ns, enq_flags);
		return;
	}
	if (tc) {
		uncount(tc);
		depth = __sync_fetch_and_add(&sl->nr_waiting, 1) + 1;
		tc->counted = s;
		/* The cgroup was removed and its slot handed on between our lookup and the count:
		 * the task goes to the overflow slot instead. */
		if (s != ovf && sl->tag != tag) {
			uncount(tc);
			s = ovf;
			sl = lookup_slot(s);
			if (!sl) {
				scxx_error("pair: no overflow slot %u", s);
				return;
			}
			depth = __sync_fetch_and_add(&sl->nr_waiting, 1) + 1;
			tc->counted = s;
		}
		tc->slot = s;
		tc->tag = tag;
	}
	if (s == ovf)
		stat_inc(PAIR_STAT_OVERFLOW);
	if ((u64)depth > max_queued)
		stat_inc(PAIR_STAT_CONGESTED);
	if ((u64)depth > deepest_queue)
		deepest_queue = depth;

	/* tasks pulled off a local DSQ (cpu_release) go back to the head of their cgroup's queue */
	if (enq_flags & SCX_ENQ_REENQ)
		enq_flags |= SCX_ENQ_HEAD;
	scxx_dsq_insert(p, s, slice_dfl_ns, enq_flags);

	/* A cgroup just got work. A wake-up that claimed an idle CPU has already woken it; otherwise
	 * wake an idle CPU this task may use so some pair looks at the new cgroup (not where kicks are
	 * impossible, Debian's 7.1: a claimed idle CPU nobody wakes would drop out of every idle pick). */
	if (mark_on_top(s, sl) && scxx_can_kick()) {
		struct pair_cpu_ctx *cc = lookup_cpu(scx_bpf_task_cpu(p));
		s32 cpu;

		if ((enq_flags & SCX_ENQ_WAKEUP) && cc && cc->woken &&
		    __sync_lock_test_and_set(&cc->woken, 0))
			return;
		cpu = scx_bpf_pick_idle_cpu(p->cpus_ptr, 0);

		if (cpu >= 0)
			kick(cpu, SCX_KICK_IDLE);
	}
}

/* A round's verdict: a task was moved to our local DSQ; go idle; try another round; prev goes on
 * (with x->keep_slice). */
enum { DSP_DONE, DSP_IDLE, DSP_AGAIN, DSP_KEEP };

/* The second half of a round: this CPU is committed to slot @cur (@switched: it has just moved the
 * pair there). Pass the gate, then run a task of @cur, let prev go on, or give the cgroup up. A
 * global function too: walked once, not once for each way the first half can end. */
__noinline int pair_run_slot(s32 cpu, u32 cur, int switched, u32 prev_slot,
			     struct dsp_excl *x __arg_nonnull)
{
	struct pair_cpu_ctx *cc = lookup_cpu(cpu);
	struct pair_ctx *pc;
	bool started_drain;
	s32 partner, queued;
	u32 me;

	if (!cc || !(pc = lookup_pair(cc)))
		return DSP_IDLE; /* cannot happen: the first half found them */
	me = 1u << (cc->idx & 1);
	partner = cc->partner;

	/* The gate: our partner may still be running (or switching away from) another cgroup. */
	if (partner >= 0 && !pair_partner_allows(partner, cur)) {
		__sync_lock_test_and_set(&cc->waiting, 1);
		if (!pair_partner_allows(partner, cur)) {
			bpf_spin_lock(&pc->lock);
			pc->active_mask &= ~me;
			bpf_spin_unlock(&pc->lock);
			stat_inc(PAIR_STAT_PAIR_WAITS);
			return DSP_IDLE; /* the partner's next context switch kicks us */
		}
		__sync_lock_test_and_set(&cc->waiting, 0);
	}

	if (scxx_dsq_move_to_local(cur)) {
		stat_inc(PAIR_STAT_DISPATCHED);
		/* we moved the pair to this cgroup: wake the partner if there is more of it */
		if (switched && scx_bpf_dsq_nr_queued(cur) > 0)
			kick(partner, 0);
		return DSP_DONE;
	}
	queued = scx_bpf_dsq_nr_queued(cur);
	if (switched && queued > 0)
		kick(partner, 0);
	if (prev_slot == cur) {
		/* nothing else of the cgroup for us: prev goes on (the kernel keeps a prev with slice) */
		x->keep_slice = batch_left(pc, scxx_now());
		stat_inc(PAIR_STAT_DISPATCHED);
		return DSP_KEEP;
	}

	stat_inc(PAIR_STAT_CGRP_EMPTY);
	/* Nothing of the cgroup may run here: it is empty, or what it queues is pinned elsewhere. With
	 * no other cgroup waiting, draining would only make the pair pick this cgroup again on the next
	 * wake-up (a pipe's two ends did that every round trip): go idle still on it, uncommitted, so
	 * the partner goes on and our next dispatch takes the fast path. An enqueue into another cgroup
	 * puts it on top_q, so that dispatch sees it waiting and drains then. */
	if (!others_waiting(cur)) {
		bpf_spin_lock(&pc->lock);
		pc->active_mask &= ~me;
		bpf_spin_unlock(&pc->lock);
		return DSP_IDLE;
	}
	/* do not pick a cgroup whose tasks are all pinned elsewhere again in this dispatch */
	if (queued > 0)
		exclude(x, cur);
	/* the cgroup has nothing for us and another waits: drain, and let the next round pick it */
	bpf_spin_lock(&pc->lock);
	started_drain = !pc->draining;
	pc->draining = 1;
	pc->active_mask &= ~me;
	bpf_spin_unlock(&pc->lock);
	if (started_drain)
		stat_inc(PAIR_STAT_EXPS);
	return DSP_AGAIN;
}

/* One round of the pair protocol for @cpu (see the design notes at the top). A global function: the
 * verifier walks it once, however many states pair_dispatch's loop carries into the call. */
__noinline int pair_try_dispatch(s32 cpu, u32 prev_slot, struct dsp_excl *x __arg_nonnull)
{
	struct pair_cpu_ctx *cc = lookup_cpu(cpu);
	struct pair_ctx *pc;
	u32 me, other, cur, cand;
	bool expired, renewed = false, started_drain = false, switched = false;
	bool wait_preempted, other_busy, others, partner_on;
	u64 now = scxx_now();
	s32 partner;

	if (!cc || !(pc = lookup_pair(cc))) {
		scxx_error("pair: no pair context for cpu %d", cpu);
		return DSP_IDLE;
	}
	me = 1u << (cc->idx & 1);
	other = me ^ 3u;
	partner = cc->partner;
	/* a partner sched_ext does not run (offline, coming online) cannot hold the pair */
	partner_on = partner >= 0 && scx_cpu_online(partner);
	others = others_waiting(pc->cur);

	bpf_spin_lock(&pc->lock);
	pc->active_mask &= ~me;
	cur = pc->cur;
	expired = cur != PAIR_NONE && now - pc->started_at >= batch_ns;
	if (expired && !pc->draining && !others) {
		/* nobody else wants the pair: stay on this cgroup for another batch */
		pc->started_at = now;
		expired = false;
		renewed = true;
	}
	if (expired || pc->draining || cur == PAIR_NONE) {
		if (!pc->draining) {
			pc->draining = 1;
			started_drain = true;
		}
		other_busy = (pc->active_mask & other) && partner_on;
		wait_preempted = (pc->preempted_mask & other) && partner_on;
		if (other_busy || wait_preempted) {
			bpf_spin_unlock(&pc->lock);
			if (started_drain)
				stat_inc(PAIR_STAT_EXPS);
			stat_inc(PAIR_STAT_EXP_WAITS);
			/* the batch is over: cut the partner's task short (unless a higher class has it) */
			if (expired && !wait_preempted)
				kick(partner, SCX_KICK_PREEMPT);
			return DSP_IDLE;
		}
		bpf_spin_unlock(&pc->lock);
		if (started_drain)
			stat_inc(PAIR_STAT_EXPS);

		cand = pair_pick_next(x);
		if (cand == PAIR_NONE) {
			if (prev_slot == PAIR_NONE || excluded(x, prev_slot)) {
				stat_inc(PAIR_STAT_EXP_EMPTY);
				return DSP_IDLE;
			}
			cand = prev_slot; /* only prev wants to run: let it, under the pair rules */
		}

		bpf_spin_lock(&pc->lock);
		if ((pc->draining || pc->cur == PAIR_NONE) &&
		    (!partner_on || (!(pc->active_mask & other) && !(pc->preempted_mask & other)))) {
			pc->cur = cand;
			pc->started_at = now;
			pc->draining = 0;
			switched = true;
		}
		cur = pc->cur;
		if (cur == PAIR_NONE || pc->draining) {
			/* the partner started draining again or got preempted meanwhile */
			bpf_spin_unlock(&pc->lock);
			stat_inc(PAIR_STAT_CGRP_COLL);
			return DSP_AGAIN;
		}
		pc->active_mask |= me;
		bpf_spin_unlock(&pc->lock);
		stat_inc(switched ? PAIR_STAT_CGRP_NEXT : PAIR_STAT_CGRP_COLL);
	} else {
		pc->active_mask |= me;
		bpf_spin_unlock(&pc->lock);
		if (renewed)
			stat_inc(PAIR_STAT_RENEWED);
	}
	return pair_run_slot(cpu, cur, switched, prev_slot, x);
}

void BPF_STRUCT_OPS(pair_dispatch, s32 cpu, struct task_struct *prev)
{
	struct dsp_excl x = {};
	u32 prev_slot = PAIR_NONE;
	int i, ret = DSP_AGAIN;

	/* prev is passed only while it is a sched_ext task; it can keep running if still runnable */
	if (prev && (prev->scx.flags & SCX_TASK_QUEUED)) {
		struct task_ctx *tc = bpf_task_storage_get(&task_ctxs, prev, 0, 0);

		if (tc)
			prev_slot = tc->slot;
	}
	/* a CPU on its way up or down: the kernel runs it from its local DSQ without us */
	if (!scx_cpu_online(cpu))
		return;
	bpf_for(i, 0, DISPATCH_TRIES) {
		ret = pair_try_dispatch(cpu, prev_slot, &x);
		if (ret != DSP_AGAIN)
			break;
	}
	if (ret == DSP_KEEP && prev) {
		scxx_task_set_slice(prev, x.keep_slice);
	} else if (ret == DSP_AGAIN) {
		/* every cgroup we tried had nothing for this CPU: look again after this round rather
		 * than sleep on work that only this CPU may run */
		stat_inc(PAIR_STAT_RETRY_KICKS);
		kick(cpu, 0);
	}
}

void BPF_STRUCT_OPS(pair_running, struct task_struct *p)
{
	struct task_ctx *tc = bpf_task_storage_get(&task_ctxs, p, 0, 0);
	struct pair_cpu_ctx *cc;
	struct pair_ctx *pc;
	s32 cpu = scx_bpf_task_cpu(p);

	if (!ext_class)
		ext_class = (u64)p->sched_class;
	if (!tc)
		return;
	uncount(tc);
	cc = lookup_cpu(cpu);
	if (!cc || !(pc = lookup_pair(cc)))
		return;
	if ((tc->slot == PAIR_NONE || tc->slot != pc->cur) && scx_cpu_online(cpu)) {
		/* reached the CPU without passing our dispatch (or changed cgroup): send it back */
		stat_inc(PAIR_STAT_FOREIGN);
		kick(cpu, SCX_KICK_PREEMPT);
		return;
	}
	scxx_task_set_slice(p, batch_left(pc, scxx_now()));
}

void BPF_STRUCT_OPS(pair_quiescent, struct task_struct *p, u64 deq_flags)
{
	struct task_ctx *tc;

	/* a task goes to sleep only from the CPU, and ops.running uncounted it: nothing to do (this
	 * runs on every block, so no task storage lookup) */
	if (deq_flags & SCX_DEQ_SLEEP)
		return;
	tc = bpf_task_storage_get(&task_ctxs, p, 0, 0);
	if (tc)
		uncount(tc);
}

/* A task changed cgroup. A queued task is re-enqueued by the kernel (ops.enqueue finds its new
 * slot); a running one keeps running, so forget its slot and preempt it. */
void BPF_STRUCT_OPS(pair_cgroup_move, struct task_struct *p, struct cgroup *from, struct cgroup *to)
{
	struct task_ctx *tc = bpf_task_storage_get(&task_ctxs, p, 0, 0);

	if (tc)
		tc->slot = PAIR_NONE;
	if (scx_bpf_task_running(p))
		kick(scx_bpf_task_cpu(p), SCX_KICK_PREEMPT);
}

void BPF_STRUCT_OPS(pair_cpu_release, s32 cpu, struct scx_cpu_release_args *args)
{
	struct pair_cpu_ctx *cc = lookup_cpu(cpu);
	struct pair_ctx *pc;
	bool started_drain;
	u32 me;

	if (!cc || !(pc = lookup_pair(cc)))
		return;
	/* a kernel thread is neutral (is_kthread): the CPU stays committed to its cgroup, and what
	 * its local DSQ holds (of that cgroup) runs once the thread is done */
	if (args->task && is_kthread(args->task))
		return;
	me = 1u << (cc->idx & 1);
	/* tasks left on our local DSQ must not resume without the pair's consent */
	stat_add(PAIR_STAT_REENQUEUED, scx_bpf_reenqueue_local());
	bpf_spin_lock(&pc->lock);
	pc->preempted_mask |= me;
	pc->active_mask &= ~me;
	started_drain = !pc->draining;
	pc->draining = 1;
	bpf_spin_unlock(&pc->lock);
	stat_inc(PAIR_STAT_PREEMPTIONS);
	if (started_drain)
		stat_inc(PAIR_STAT_EXPS);
	kick(cc->partner, SCX_KICK_PREEMPT);
}

void BPF_STRUCT_OPS(pair_cpu_acquire, s32 cpu, struct scx_cpu_acquire_args *args)
{
	struct pair_cpu_ctx *cc = lookup_cpu(cpu);
	struct pair_ctx *pc;
	bool partner_free;
	u32 me;

	if (!cc || !(pc = lookup_pair(cc)))
		return;
	me = 1u << (cc->idx & 1);
	if (!(pc->preempted_mask & me))
		return; /* released to a kernel thread: nothing was marked */
	bpf_spin_lock(&pc->lock);
	pc->preempted_mask &= ~me;
	partner_free = !(pc->preempted_mask & (me ^ 3u));
	bpf_spin_unlock(&pc->lock);
	if (partner_free)
		kick(cc->partner, 0);
}

/* Every context switch: wake a partner waiting for this CPU to leave its cgroup; on the switch
 * path also track higher sched classes taking and giving back the CPU. */
SEC("tp_btf/sched_switch")
int BPF_PROG(pair_switch, bool preempt, struct task_struct *prev, struct task_struct *next,
	     unsigned int prev_state)
{
	s32 cpu = bpf_get_smp_processor_id();
	struct pair_cpu_ctx *cc = lookup_cpu(cpu), *pcc;
	struct pair_ctx *pc;
	bool foreign, partner_free, started_drain;
	u32 me;

	if (!cc)
		return 0;
	if (cc->partner >= 0) {
		pcc = lookup_cpu(cc->partner);
		if (pcc && pcc->waiting && __sync_lock_test_and_set(&pcc->waiting, 0))
			kick(cc->partner, 0);
	}
	/* the rest is the switch path's; the ops path stops here (every switch, keep it short) */
	if (!switch_preempt || !(pc = lookup_pair(cc)) || !scx_cpu_online(cpu))
		return 0;
	foreign = next->pid != 0 && !on_ext(next, bpf_task_storage_get(&task_ctxs, next, 0, 0));
	me = 1u << (cc->idx & 1);
	if (foreign && !cc->released) {
		cc->released = 1;
		bpf_spin_lock(&pc->lock);
		pc->preempted_mask |= me;
		started_drain = !pc->draining;
		pc->draining = 1;
		bpf_spin_unlock(&pc->lock);
		stat_inc(PAIR_STAT_PREEMPTIONS);
		if (started_drain)
			stat_inc(PAIR_STAT_EXPS);
		kick(cc->partner, SCX_KICK_PREEMPT);
	} else if (!foreign && cc->released) {
		cc->released = 0;
		bpf_spin_lock(&pc->lock);
		pc->preempted_mask &= ~me;
		partner_free = !(pc->preempted_mask & (me ^ 3u));
		bpf_spin_unlock(&pc->lock);
		if (partner_free)
			kick(cc->partner, 0);
	}
	return 0;
}

s32 BPF_STRUCT_OPS(pair_init_task, struct task_struct *p, struct scx_init_task_args *args)
{
	struct task_ctx *tc = bpf_task_storage_get(&task_ctxs, p, 0, BPF_LOCAL_STORAGE_GET_F_CREATE);

	if (!tc)
		return -SCXX_ENOMEM;
	tc->slot = PAIR_NONE;
	tc->counted = PAIR_NONE;
	return 0;
}

/* The task leaves sched_ext (another policy, or the scheduler unloads). */
void BPF_STRUCT_OPS(pair_disable, struct task_struct *p)
{
	struct task_ctx *tc = bpf_task_storage_get(&task_ctxs, p, 0, 0);

	if (!tc)
		return;
	uncount(tc);
	tc->slot = PAIR_NONE;
}

/* A cgroup appeared (or existed when we attached): give it a slot, or count it as untracked. */
s32 BPF_STRUCT_OPS(pair_cgroup_init, struct cgroup *cgrp, struct scx_cgroup_init_args *args)
{
	u64 cgid = cgrp->kn->id;
	u32 start = __sync_fetch_and_add(&slot_cursor, 1);
	int i, n = max_cgroups;

	bpf_for(i, 0, n) {
		struct cgrp_ref ref = {};
		struct pair_slot *sl;
		u64 t, claimed, live;
		u32 s = (start + (u32)i) % (u32)n;

		sl = lookup_slot(s);
		if (!sl)
			continue;
		t = sl->tag;
		if (SLOT_STATE(t) != SLOT_FREE && (SLOT_STATE(t) != SLOT_DYING || sl->nr_waiting != 0))
			continue;
		claimed = SLOT_TAG(t >> 8, SLOT_CLAIMING);
		if (__sync_val_compare_and_swap(&sl->tag, t, claimed) != t)
			continue;
		if (sl->nr_waiting != 0) { /* a late enqueue of the previous owner: leave it dying */
			__sync_lock_test_and_set(&sl->tag, t);
			continue;
		}
		live = SLOT_TAG((t >> 8) + 1, SLOT_LIVE);
		ref.slot = s;
		ref.tag = live;
		sl->cgid = cgid;
		if (bpf_map_update_elem(&cgrp_slots, &cgid, &ref, BPF_ANY)) {
			__sync_lock_test_and_set(&sl->tag, SLOT_TAG((t >> 8) + 1, SLOT_FREE));
			break;
		}
		__sync_lock_test_and_set(&sl->tag, live);
		__sync_fetch_and_add(&nr_tracked, 1);
		return 0;
	}
	/* no free slot: the cgroup's tasks run in the overflow slot; user space reports it */
	__sync_fetch_and_add(&nr_untracked, 1);
	__sync_val_compare_and_swap(&first_untracked_cgid, 0, cgid);
	return 0;
}

void BPF_STRUCT_OPS(pair_cgroup_exit, struct cgroup *cgrp)
{
	u64 cgid = cgrp->kn->id;
	struct cgrp_ref *ref = bpf_map_lookup_elem(&cgrp_slots, &cgid);
	struct pair_slot *sl;
	u64 tag;
	u32 s;

	if (!ref) {
		if (nr_untracked > 0)
			__sync_fetch_and_add(&nr_untracked, -1);
		return;
	}
	s = ref->slot;
	tag = ref->tag;
	bpf_map_delete_elem(&cgrp_slots, &cgid);
	sl = lookup_slot(s);
	if (sl)
		__sync_val_compare_and_swap(&sl->tag, tag, SLOT_TAG(tag >> 8, SLOT_DYING));
	__sync_fetch_and_add(&nr_tracked, -1);
}

s32 BPF_STRUCT_OPS_SLEEPABLE(pair_init)
{
	int n = max_cgroups + 1, np = nr_pairs;
	s32 ret;
	int i;

	/* one DSQ per slot, for the scheduler's lifetime (see the design notes) */
	bpf_for(i, 0, n) {
		ret = scx_bpf_create_dsq(i, -1);
		if (ret) {
			scxx_error("pair: creating DSQ %d of %d failed (%d)", i, n, ret);
			return ret;
		}
	}
	bpf_for(i, 0, np) {
		u32 key = i;
		struct pair_ctx *pc = bpf_map_lookup_elem(&pair_ctxs, &key);

		if (!pc)
			return -SCXX_ENOENT;
		pc->cur = PAIR_NONE;
		pc->draining = 1;
	}
	return 0;
}

void BPF_STRUCT_OPS(pair_exit, struct scx_exit_info *ei)
{
	SCXX_EXIT_INFO_RECORD(uei, ei);
}

SCXX_OPS_DEFINE(pair_ops,
	.select_cpu = (void *)pair_select_cpu,
	.enqueue = (void *)pair_enqueue,
	.dispatch = (void *)pair_dispatch,
	.running = (void *)pair_running,
	.quiescent = (void *)pair_quiescent,
	.init_task = (void *)pair_init_task,
	.disable = (void *)pair_disable,
	.cgroup_init = (void *)pair_cgroup_init,
	.cgroup_exit = (void *)pair_cgroup_exit,
	.cgroup_move = (void *)pair_cgroup_move,
	.cpu_acquire = (void *)pair_cpu_acquire,
	.cpu_release = (void *)pair_cpu_release,
	.init = (void *)pair_init,
	.exit = (void *)pair_exit,
	.flags = SCX_OPS_ENQ_LAST | SCX_OPS_ENQ_EXITING | SCX_OPS_ENQ_MIGRATION_DISABLED,
	.name = "pair");
