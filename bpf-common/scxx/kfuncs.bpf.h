/* bpf-common/scxx/kfuncs.bpf.h: our declarations of the kfuncs scxx schedulers call (the build
 * defines BPF_NO_KFUNC_PROTOTYPES so vmlinux.h's own are off). All are weak: a kfunc a kernel lacks
 * resolves to NULL at load and is tested with bpf_ksym_exists() (see compat.bpf.h).
 * tools/check-kfuncs verifies every declaration here against the BTF of every matrix kernel.
 * Kfuncs that some kernel cannot bind (an implicit trailing `struct bpf_prog_aux *` argument without
 * the NAME_impl BTF the verifier looks for: Debian's 7.1) are called through their compat.bpf.h
 * wrapper, which falls back when they did not bind, or by name only under the matching guard
 * (scxx_can_kick(), scxx_has_idle_masks()). */
#ifndef SCXX_KFUNCS_BPF_H
#define SCXX_KFUNCS_BPF_H

/* sched_ext: CPU selection and idle tracking */
s32 scx_bpf_select_cpu_dfl(struct task_struct *p, s32 prev_cpu, u64 wake_flags, bool *is_idle) __weak __ksym;
/* the default idle policy restricted to cpus_allowed (claims the CPU it returns; < 0: none idle) */
s32 scx_bpf_select_cpu_and(struct task_struct *p, s32 prev_cpu, u64 wake_flags, const struct cpumask *cpus_allowed, u64 flags) __weak __ksym;
s32 scx_bpf_pick_idle_cpu(const struct cpumask *cpus_allowed, u64 flags) __weak __ksym;
s32 scx_bpf_pick_any_cpu(const struct cpumask *cpus_allowed, u64 flags) __weak __ksym;
bool scx_bpf_test_and_clear_cpu_idle(s32 cpu) __weak __ksym;
const struct cpumask *scx_bpf_get_idle_cpumask(void) __weak __ksym;
const struct cpumask *scx_bpf_get_idle_smtmask(void) __weak __ksym;
void scx_bpf_put_idle_cpumask(const struct cpumask *idle_mask) __weak __ksym;
void scx_bpf_kick_cpu(s32 cpu, u64 flags) __weak __ksym;
u32 scx_bpf_nr_cpu_ids(void) __weak __ksym;
/* CPU frequency targets (0..1024; a hint for schedutil, nothing without cpufreq) */
void scx_bpf_cpuperf_set(s32 cpu, u32 perf) __weak __ksym;
/* a CPU's current performance level (1024 = its highest frequency; 1024 without frequency invariance) */
u32 scx_bpf_cpuperf_cur(s32 cpu) __weak __ksym;
/* the task a CPU is running right now (rq->curr), RCU protected */
struct task_struct *scx_bpf_cpu_curr(s32 cpu) __weak __ksym;
s32 scx_bpf_task_cpu(const struct task_struct *p) __weak __ksym;
bool scx_bpf_task_running(const struct task_struct *p) __weak __ksym;

/* sched_ext: dispatch queues (6.13+ names; the pre-6.13 ones live in compat.bpf.h) */
s32 scx_bpf_create_dsq(u64 dsq_id, s32 node) __weak __ksym;
void scx_bpf_destroy_dsq(u64 dsq_id) __weak __ksym;
void scx_bpf_dsq_insert(struct task_struct *p, u64 dsq_id, u64 slice, u64 enq_flags) __weak __ksym;
void scx_bpf_dsq_insert_vtime(struct task_struct *p, u64 dsq_id, u64 slice, u64 vtime, u64 enq_flags) __weak __ksym;
bool scx_bpf_dsq_move_to_local(u64 dsq_id) __weak __ksym;
s32 scx_bpf_dsq_nr_queued(u64 dsq_id) __weak __ksym;
/* the first task of a DSQ without taking it (RCU protected; NULL when empty) */
struct task_struct *scx_bpf_dsq_peek(u64 dsq_id) __weak __ksym;
u32 scx_bpf_reenqueue_local(void) __weak __ksym;

/* sched_ext: task fields and time */
bool scx_bpf_task_set_slice(struct task_struct *p, u64 slice) __weak __ksym;
bool scx_bpf_task_set_dsq_vtime(struct task_struct *p, u64 vtime) __weak __ksym;
u64 scx_bpf_now(void) __weak __ksym;

/* sched_ext: exits */
void scx_bpf_error_bstr(char *fmt, unsigned long long *data, u32 data__sz) __weak __ksym;

/* kptr cpumasks */
struct bpf_cpumask *bpf_cpumask_create(void) __weak __ksym;
void bpf_cpumask_release(struct bpf_cpumask *cpumask) __weak __ksym;
struct bpf_cpumask *bpf_cpumask_acquire(struct bpf_cpumask *cpumask) __weak __ksym;
void bpf_cpumask_set_cpu(u32 cpu, struct bpf_cpumask *cpumask) __weak __ksym;
void bpf_cpumask_clear_cpu(u32 cpu, struct bpf_cpumask *cpumask) __weak __ksym;
bool bpf_cpumask_test_cpu(u32 cpu, const struct cpumask *cpumask) __weak __ksym;
bool bpf_cpumask_test_and_set_cpu(u32 cpu, struct bpf_cpumask *cpumask) __weak __ksym;
bool bpf_cpumask_test_and_clear_cpu(u32 cpu, struct bpf_cpumask *cpumask) __weak __ksym;
void bpf_cpumask_clear(struct bpf_cpumask *cpumask) __weak __ksym;
u32 bpf_cpumask_first(const struct cpumask *cpumask) __weak __ksym;
u32 bpf_cpumask_weight(const struct cpumask *cpumask) __weak __ksym;
bool bpf_cpumask_and(struct bpf_cpumask *dst, const struct cpumask *src1, const struct cpumask *src2) __weak __ksym;
void bpf_cpumask_or(struct bpf_cpumask *dst, const struct cpumask *src1, const struct cpumask *src2) __weak __ksym;
void bpf_cpumask_copy(struct bpf_cpumask *dst, const struct cpumask *src) __weak __ksym;
bool bpf_cpumask_intersects(const struct cpumask *src1, const struct cpumask *src2) __weak __ksym;
bool bpf_cpumask_empty(const struct cpumask *cpumask) __weak __ksym;
u32 bpf_cpumask_any_distribute(const struct cpumask *cpumask) __weak __ksym;

/* cgroups: the cgroup a task belongs to from the scheduler's point of view (acquired: release it) */
struct cgroup *scx_bpf_task_cgroup(struct task_struct *p) __weak __ksym;
void bpf_cgroup_release(struct cgroup *cgrp) __weak __ksym;

/* RCU and tasks */
void bpf_rcu_read_lock(void) __weak __ksym;
void bpf_rcu_read_unlock(void) __weak __ksym;
struct task_struct *bpf_task_from_pid(s32 pid) __weak __ksym;
void bpf_task_release(struct task_struct *p) __weak __ksym;

/* open-coded numeric iterator (bpf_for) */
int bpf_iter_num_new(struct bpf_iter_num *it, int start, int end) __weak __ksym;
int *bpf_iter_num_next(struct bpf_iter_num *it) __weak __ksym;
void bpf_iter_num_destroy(struct bpf_iter_num *it) __weak __ksym;

#endif /* SCXX_KFUNCS_BPF_H */
