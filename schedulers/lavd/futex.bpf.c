/* schedulers/lavd/futex.bpf.c: the lock-holder boost. A task that returns from futex_wait or
 * futex_lock_pi with 0 most likely owns the lock it waited for; it counts as a lock holder (a
 * latency-criticality boost, see lat_cri.bpf.c) until it calls futex_wake or futex_unlock_pi,
 * i.e. until it releases a contended lock. Locks taken without entering the kernel are invisible.
 * The CPU it runs on is marked too, so that wake-up preemption never picks a lock holder's CPU
 * (preempting it would make every waiter of the lock wait longer).
 * These are optional tracing programs: user space attaches them when the running kernel's BTF has
 * the functions and switches them off before load otherwise (or with --no-futex-boost). The return
 * value is read with bpf_get_func_ret, so the programs do not depend on the functions' argument
 * lists, which change between kernel versions. */
#include "lavd.bpf.h"

/* Marks the current task (and so its CPU) as a lock holder, or no longer one. An RT or deadline task
 * (or one boosted to RT by priority inheritance) marks only itself: the CPU's mark is for the task
 * lavd runs there, which such a task may have interrupted (held, see ops.stopping). */
static __always_inline void set_holder(u32 held)
{
	struct task_struct *cur = bpf_get_current_task_btf();
	struct task_ctx *t = bpf_task_storage_get(&task_ctxs, cur, 0, 0);
	struct lavd_cpu_ctx *c;

	if (!t)
		return;
	t->futex_held = held;
	if (cur->prio < MAX_RT_PRIO_)
		return;
	c = get_cpu_ctx(bpf_get_smp_processor_id());
	if (c)
		c->running_lock_holder = held;
}

static __always_inline void acquired(u64 *ctx)
{
	u64 ret = 1;

	bpf_get_func_ret(ctx, &ret);
	if ((int)ret == 0)
		set_holder(1);
}

static __always_inline void released(void)
{
	set_holder(0);
}

SEC("fexit/futex_wait")
int lavd_futex_wait(u64 *ctx)
{
	acquired(ctx);
	return 0;
}

SEC("fexit/futex_lock_pi")
int lavd_futex_lock_pi(u64 *ctx)
{
	acquired(ctx);
	return 0;
}

SEC("fentry/futex_wake")
int lavd_futex_wake(u64 *ctx)
{
	released();
	return 0;
}

SEC("fentry/futex_unlock_pi")
int lavd_futex_unlock_pi(u64 *ctx)
{
	released();
	return 0;
}
