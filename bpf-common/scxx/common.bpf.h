/* bpf-common/scxx/common.bpf.h: the one header a scheduler's BPF includes. It brings vmlinux.h and
 * libbpf's BPF headers, our kfunc declarations (kfuncs.bpf.h), compat shims for kernel API drift
 * (compat.bpf.h), struct_ops and loop macros, errno names and the exit-info recorder. */
#ifndef SCXX_COMMON_BPF_H
#define SCXX_COMMON_BPF_H

#include <vmlinux.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>

#include "scxx/exit_info.h"
#include "scxx/kfuncs.bpf.h"
#include "scxx/compat.bpf.h"

/* --- struct_ops ------------------------------------------------------------------------------ */
/* A sched_ext callback: BPF_STRUCT_OPS(simple_enqueue, struct task_struct *p, u64 enq_flags) */
#define BPF_STRUCT_OPS(name, args...) SEC("struct_ops/" #name) BPF_PROG(name, ##args)
#define BPF_STRUCT_OPS_SLEEPABLE(name, args...) SEC("struct_ops.s/" #name) BPF_PROG(name, ##args)
/* The ops table; attached as a struct_ops link. User space sets timeout_ms etc. before load. */
#define SCXX_OPS_DEFINE(var, ...) SEC(".struct_ops.link") struct sched_ext_ops var = { __VA_ARGS__ }

/* --- errors ---------------------------------------------------------------------------------- */
/* scxx_error("bad cpu %d", cpu): ejects the scheduler with a formatted message (SCX_EXIT_ERROR_BPF).
 * Arguments are packed the way the *_bstr kfuncs expect (u64 array + size). */
#define scxx_error(fmt, args...)                                                    \
	({                                                                          \
		static char ___fmt[] = fmt;                                         \
		unsigned long long ___param[___bpf_narg(args) + 1] = {};            \
		_Pragma("GCC diagnostic push")                                      \
		_Pragma("GCC diagnostic ignored \"-Wint-conversion\"")              \
		___bpf_fill(___param, ##args);                                      \
		_Pragma("GCC diagnostic pop")                                       \
		scx_bpf_error_bstr(___fmt, ___param, sizeof(unsigned long long) * ___bpf_narg(args)); \
	})

/* errno values for return codes (vmlinux.h has no errno macros and BPF has no libc headers): the
 * asm-generic/errno-base.h numbers, the same on every architecture. Return them negated, as the
 * kernel does: return -SCXX_ENOMEM. */
#define SCXX_ENOENT 2   /* a map slot or object that should exist does not */
#define SCXX_ENOMEM 12  /* an allocation failed */
#define SCXX_EBUSY 16   /* no idle CPU (what scx_bpf_pick_idle_cpu returns then) */
#define SCXX_EINVAL 22  /* an argument or setting the scheduler cannot work with */

/* --- exit info ------------------------------------------------------------------------------- */
#define SCXX_EXIT_INFO_DEFINE(var) struct scxx_exit_info var SEC(".data")
/* Call from ops.exit: copies kind/code/reason/message and the kernel's dump (error exits); kind is written last (compiler barrier: BPF
 * has no fence instruction; stores are not reordered on x86) so a reader that sees
 * kind != 0 sees the rest too. */
#define SCXX_EXIT_INFO_RECORD(var, ei)                                                     \
	({                                                                                 \
		bpf_probe_read_kernel_str((var).reason, sizeof((var).reason), (ei)->reason); \
		bpf_probe_read_kernel_str((var).msg, sizeof((var).msg), (ei)->msg);          \
		if ((ei)->dump)                                                            \
			bpf_probe_read_kernel_str((var).dump, sizeof((var).dump), (ei)->dump); \
		(var).exit_code = (ei)->exit_code;                                         \
		asm volatile("" ::: "memory");                                                \
		(var).kind = (ei)->kind;                                                   \
	})

/* Whether ops.exit has run for this instance (SCXX_EXITED(uei)). A timer callback checks it first
 * and then does nothing and stops re-arming. An ended instance's timers live as long as its maps:
 * until its loader closes it (scx-run does so before anything else attaches, but a callback may be
 * in flight as the maps go, and other loaders may keep them longer), and on these kernels (seen on
 * 7.2) a kfunc called from a timer callback acts on whichever scheduler is attached then, so an
 * ended instance's scx_bpf_error would eject its successor. */
#define SCXX_EXITED(var) (*(volatile int *)&(var).kind != 0)

/* --- loops ----------------------------------------------------------------------------------- */
/* bpf_for(i, 0, n) { ... }: open-coded numeric iterator; the verifier checks it once, not n times.
 * libbpf's bpf_helpers.h (>= 1.2) defines it; this fallback is for older libbpf headers only. */
#ifndef bpf_for
#define bpf_for(i, start, end)                                                              \
	for (struct bpf_iter_num ___it __attribute__((aligned(8), cleanup(bpf_iter_num_destroy))), \
	     *___p __attribute__((unused)) = (bpf_iter_num_new(&___it, (start), (end)), (void *)0); \
	     ({                                                                             \
		     int *___t = bpf_iter_num_next(&___it);                                 \
		     ___t ? ((i) = *___t, 1) : 0;                                          \
	     });)
#endif

#endif /* SCXX_COMMON_BPF_H */
