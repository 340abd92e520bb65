/* schedulers/lavd/futex.bpf.c: the lock-holder boost. A task that returns from futex_wait or
 * futex_lock_pi with 0 most likely owns the lock it waited for; it counts as a lock holder (a
 * latency-criticality boost, see lat_cri.bpf.c) until it calls futex_wake or futex_unlock_pi,
 * i.e. until it releases a contended lock. Locks taken without entering the kernel are invisible.
 * These are optional tracing programs: user space attaches them when the running kernel's BTF has
 * the functions and switches them off before load otherwise (or with --no-futex-boost). The return
 * value is read with bpf_get_func_ret, so the programs do not depend on the functions' argument
 * lists, which change between kernel versions. */
#include "lavd.bpf.h"

static __always_inline struct task_ctx *current_ctx(void)
{
	return bpf_task_storage_get(&task_ctxs, bpf_get_current_task_btf(), 0, 0);
}

static __always_inline void acquired(u64 *ctx)
{
	struct task_ctx *t;
	u64 ret = 1;

	bpf_get_func_ret(ctx, &ret);
	if ((int)ret != 0)
		return;
	t = current_ctx();
	if (t)
		t->futex_held = 1;
}

static __always_inline void released(void)
{
	struct task_ctx *t = current_ctx();

	if (t)
		t->futex_held = 0;
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
