/* tools/observer/corun.bpf.c: the kernel half of scx-corun, an independent observer of the
 * core-scheduling invariant "the two CPUs of a pair never run tasks of two different (non-root,
 * non-idle) cgroups at the same instant". It owns the sched_switch tracepoint program and the
 * counters/ring user space reads (layout in corun_intf.h).
 *
 * It does not depend on sched_ext: it is a plain tp_btf program, references no sched_ext kfunc or
 * type, and works under any scheduler (under the kernel's default scheduler it must see violations;
 * that is how the observer itself is tested). It includes vmlinux.h and libbpf's headers only, not
 * scxx/common.bpf.h (which declares the sched_ext kfuncs).
 *
 * On every switch on CPU c to task `next`:
 *   - next is the idle task (pid 0) or in the root cgroup: count it, nothing to check;
 *   - c has no partner: count the switch only;
 *   - else read the partner's CURRENT task straight from the kernel (runqueues[p].curr) and count a
 *     check; when that task is not idle and belongs to another non-root cgroup, count a violation on
 *     c and record it in the `recent` ring.
 * rq->curr rather than a record of our own: a CPU that stopped running a task but is still inside
 * __schedule() still has it as curr, and that is the truth a core-scheduling policy must respect.
 *
 * Set by user space: root_cgid (rodata, before load: the inode number of the cgroup2 root, which is
 * the root cgroup's kernfs id); the `cpus` map's max_entries = nr_cpu_ids (before load) and every
 * entry's partner (after load, before attach).
 *
 * `cpus` is an array map sized with bpf_map__set_max_entries(), like the schedulers' CPU tables, not
 * a global array grown through its datasec: with libbpf 1.5, bpf_map__set_value_size() on a datasec
 * rewrites the object's BTF and leaves the names of its externs (here the `runqueues` ksym)
 * dangling, so the load fails with "extern (var ksym) '<garbage>': not found in kernel BTF".
 */
#include <vmlinux.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>

#include "corun_intf.h"

char _license[] SEC("license") = "GPL";

const volatile __u64 root_cgid = 1;   /* cgroup v2 id of the root cgroup */

/* Per-CPU partner and counters, indexed by CPU; max_entries = nr_cpu_ids, set before load. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, u32);
	__type(value, struct corun_cpu);
	__uint(max_entries, 1);
} cpus SEC(".maps");

/* The last CORUN_NR_RECENT violations; slot = recent_seq++ % CORUN_NR_RECENT. */
struct corun_violation recent[CORUN_NR_RECENT];
__u64 recent_seq;

/* The per-CPU run queues; rq->curr is the task the CPU is running (or still switching away from). */
extern const struct rq runqueues __ksym;

static __always_inline u64 task_cgid(struct task_struct *p)
{
	return BPF_CORE_READ(p, cgroups, dfl_cgrp, kn, id);
}

SEC("tp_btf/sched_switch")
int BPF_PROG(corun_switch, bool preempt, struct task_struct *prev, struct task_struct *next,
	     unsigned int prev_state)
{
	u32 cpu = bpf_get_smp_processor_id();
	struct corun_cpu *me = bpf_map_lookup_elem(&cpus, &cpu);
	struct task_struct *other;
	struct rq *rq;
	s32 partner;
	s32 pid, other_pid;
	u64 cgid, other_cgid, slot;
	struct corun_violation *v;

	if (!me)
		return 0;
	me->switches++;

	pid = BPF_CORE_READ(next, pid);
	if (pid == 0) {
		me->idle++;
		return 0;
	}
	cgid = task_cgid(next);
	if (cgid == root_cgid || cgid == 0) {	/* 0: the read failed (task exiting?) */
		me->root++;
		return 0;
	}
	partner = me->partner;
	if (partner < 0)
		return 0;

	rq = bpf_per_cpu_ptr(&runqueues, (u32)partner);
	if (!rq)
		return 0;
	me->checks++;
	other = BPF_CORE_READ(rq, curr);
	if (!other)
		return 0;
	other_pid = BPF_CORE_READ(other, pid);
	if (other_pid == 0)
		return 0;
	other_cgid = task_cgid(other);
	if (other_cgid == root_cgid || other_cgid == 0 || other_cgid == cgid)
		return 0;

	me->violations++;
	slot = __sync_fetch_and_add(&recent_seq, 1) % CORUN_NR_RECENT;
	v = &recent[slot];
	v->ts_ns = bpf_ktime_get_ns();
	v->cgid = cgid;
	v->partner_cgid = other_cgid;
	v->cpu = (s32)cpu;
	v->partner = partner;
	v->pid = pid;
	v->partner_pid = other_pid;
	return 0;
}
