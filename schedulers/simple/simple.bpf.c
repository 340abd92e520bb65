/* schedulers/simple/simple.bpf.c: the template scheduler; copy this folder to start your own.
 *
 * Design. One shared dispatch queue (DSQ) ordered by virtual time. A task's vtime advances by the
 * time it ran divided by its weight (nice 0 = 100), so heavier tasks accumulate vtime slower and get
 * more CPU. When a task wakes up and the kernel's default idle-CPU picker finds an idle CPU, the task
 * goes straight to that CPU's local queue (no shared-queue round trip). Otherwise it is inserted into
 * the shared DSQ by vtime; whenever a CPU runs out of work, ops.dispatch moves the head of the shared
 * DSQ to it. A sleeper's vtime is clamped to at most one slice behind the current global vtime, so a
 * long sleep does not buy an unbounded burst of CPU.
 *
 * With `fifo` set the shared DSQ is plain FIFO instead (the shortest possible policy).
 *
 * What the user-space half (simple.cpp) sets: slice_ns (the kernel's SCX_SLICE_DFL unless
 * --slice-us is given; a writable global, so `scx-ctl set slice-us N` changes it while attached),
 * and before load (rodata) fifo and three test-only knobs that prove the error paths end to end:
 * fail_after_ns (eject with scx_bpf_error after that long), stall_after_ns (stop dispatching the
 * shared DSQ, so the kernel's watchdog ejects the scheduler) and reject_init (ops.init fails: the
 * kernel refuses the attach, as a switch that must roll back needs).
 */
#include <scxx/common.bpf.h>

#include "intf.h"

char _license[] SEC("license") = "GPL";

/* Globals user space sees through the skeleton use __u64/__u32 (not u64): the generated C++ header
 * knows the uapi names only. */
/* Set by user space before load and whenever --slice-us changes live. */
__u64 slice_ns;                      /* time slice given to every task */
/* Set by user space before load. */
const volatile bool fifo;            /* FIFO instead of vtime ordering */
const volatile __u64 fail_after_ns;  /* test knob: scx_bpf_error() this long after init; 0 = never */
const volatile __u64 stall_after_ns; /* test knob: stop dispatching the shared DSQ after this long */
const volatile bool reject_init;     /* test knob: ops.init fails, so the kernel refuses the attach */

/* Read by user space after detach (scxx::ExitInfo). */
SCXX_EXIT_INFO_DEFINE(uei);

static u64 vtime_now;   /* the largest vtime a running task has started with */
static u64 started_at;  /* scxx_now() at init, for fail_after_ns */

/* Per-CPU counters: no atomics needed, user space sums the CPUs. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(key_size, sizeof(u32));
	__uint(value_size, sizeof(u64));
	__uint(max_entries, SIMPLE_NR_STATS);
} stats SEC(".maps");

static void stat_inc(u32 idx)
{
	u64 *cnt = bpf_map_lookup_elem(&stats, &idx);

	if (cnt)
		(*cnt)++;
}

/* Wakeup: pick a CPU. If it is idle, queue the task there directly and skip ops.enqueue. */
s32 BPF_STRUCT_OPS(simple_select_cpu, struct task_struct *p, s32 prev_cpu, u64 wake_flags)
{
	bool is_idle = false;
	s32 cpu = scx_bpf_select_cpu_dfl(p, prev_cpu, wake_flags, &is_idle);

	if (is_idle) {
		stat_inc(SIMPLE_STAT_LOCAL);
		scxx_dsq_insert(p, SCX_DSQ_LOCAL, slice_ns, 0);
	}
	return cpu;
}

/* A runnable task that was not dispatched directly: queue it on the shared DSQ. */
void BPF_STRUCT_OPS(simple_enqueue, struct task_struct *p, u64 enq_flags)
{
	u64 vtime = p->scx.dsq_vtime;

	stat_inc(SIMPLE_STAT_GLOBAL);
	if (fifo) {
		scxx_dsq_insert(p, SIMPLE_SHARED_DSQ, slice_ns, enq_flags);
		return;
	}
	/* A sleeper may lag at most one slice behind: no banked credit. */
	if (scxx_time_before(vtime, vtime_now - slice_ns))
		vtime = vtime_now - slice_ns;
	scxx_dsq_insert_vtime(p, SIMPLE_SHARED_DSQ, slice_ns, vtime, enq_flags);
}

/* The test knobs: true when dispatching must stop (after scx_bpf_error, or to starve the queue). */
static bool test_knob_fired(void)
{
	/* Signed: another CPU's clock may be slightly behind the one init read. */
	s64 age = (s64)(scxx_now() - started_at);

	if (fail_after_ns && age >= (s64)fail_after_ns) {
		scxx_error("simple: test knob fail-after-ms reached (%llu ms)", fail_after_ns / 1000000);
		return true;
	}
	return stall_after_ns && age >= (s64)stall_after_ns; /* queued tasks starve: the watchdog must notice */
}

/* A CPU has nothing to run: pull the next task from the shared DSQ. */
void BPF_STRUCT_OPS(simple_dispatch, s32 cpu, struct task_struct *prev)
{
	/* rodata: with both knobs 0 the verifier removes this branch, clock read included. */
	if ((fail_after_ns || stall_after_ns) && test_knob_fired())
		return;
	if (scxx_dsq_move_to_local(SIMPLE_SHARED_DSQ))
		stat_inc(SIMPLE_STAT_DISPATCH);
}

/* A task starts running: move the global vtime forward. */
void BPF_STRUCT_OPS(simple_running, struct task_struct *p)
{
	if (fifo)
		return;
	if (scxx_time_before(vtime_now, p->scx.dsq_vtime))
		vtime_now = p->scx.dsq_vtime;
}

/* A task stops running: charge the slice it used, scaled by its weight. */
void BPF_STRUCT_OPS(simple_stopping, struct task_struct *p, bool runnable)
{
	u64 used;

	if (fifo)
		return;
	used = slice_ns - p->scx.slice;
	if (used > slice_ns) /* the slice was extended: charge what was given */
		used = slice_ns;
	scxx_task_set_dsq_vtime(p, p->scx.dsq_vtime + used * 100 / p->scx.weight);
}

/* A task joins this scheduler: start it at the current vtime. */
void BPF_STRUCT_OPS(simple_enable, struct task_struct *p)
{
	scxx_task_set_dsq_vtime(p, vtime_now);
}

s32 BPF_STRUCT_OPS_SLEEPABLE(simple_init)
{
	started_at = scxx_now();
	if (reject_init)
		return -SCXX_EINVAL;
	return scx_bpf_create_dsq(SIMPLE_SHARED_DSQ, -1);
}

void BPF_STRUCT_OPS(simple_exit, struct scx_exit_info *ei)
{
	SCXX_EXIT_INFO_RECORD(uei, ei);
}

SCXX_OPS_DEFINE(simple_ops,
	.select_cpu = (void *)simple_select_cpu,
	.enqueue = (void *)simple_enqueue,
	.dispatch = (void *)simple_dispatch,
	.running = (void *)simple_running,
	.stopping = (void *)simple_stopping,
	.enable = (void *)simple_enable,
	.init = (void *)simple_init,
	.exit = (void *)simple_exit,
	.name = "simple");
