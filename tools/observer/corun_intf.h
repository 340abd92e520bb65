/* tools/observer/corun_intf.h: the data layout shared by corun.bpf.c (writer) and corun.cpp
 * (reader). Plain C with uapi-style integer types only, so the generated C++ skeleton and the BPF
 * side agree on sizes. Changing a field changes both halves: rebuild scx-corun. */
#ifndef SCXX_CORUN_INTF_H
#define SCXX_CORUN_INTF_H

/* The value of the `cpus` array map: indexed by CPU id, nr_cpu_ids entries (max_entries set before
 * load). User space writes every entry's `partner` after load, before attach; only the tracepoint
 * running on that CPU writes its counters (no atomics). */
struct corun_cpu {
	__s32 partner;          /* the other CPU of this CPU's pair, -1 = not paired */
	__u32 _pad;
	__u64 switches;         /* sched_switch events seen on this CPU */
	__u64 idle;             /* ... switching to the idle task (pid 0): nothing to check */
	__u64 root;             /* ... switching to a task of the root cgroup: nothing to check */
	__u64 checks;           /* partner's current task compared (next is paired, non-idle, non-root) */
	__u64 violations;       /* partner ran a non-idle task of another non-root cgroup at that instant */
};

/* The last few violations, for diagnostics (a ring indexed by corun_recent_seq % CORUN_NR_RECENT). */
#define CORUN_NR_RECENT 8

struct corun_violation {
	__u64 ts_ns;            /* bpf_ktime_get_ns() at the switch */
	__u64 cgid;             /* cgroup v2 id of the task switched in on `cpu` */
	__u64 partner_cgid;     /* cgroup v2 id of the partner CPU's current task */
	__s32 cpu;
	__s32 partner;
	__s32 pid;
	__s32 partner_pid;
};

#endif /* SCXX_CORUN_INTF_H */
