// scxx-setsched: run a command under SCHED_EXT (7) or SCHED_OTHER, for the scenarios of partial-switch
// schedulers (scx-run --partial, SCX_OPS_SWITCH_PARTIAL: only SCHED_EXT tasks run on the BPF scheduler).
// Built static by tools/vm/build-initramfs.
//
//   scxx-setsched ext|normal CMD [ARGS...]
//
// Sets its own policy with sched_setattr(2) (a raw syscall: older glibc has no wrapper), keeping its
// nice value, checks the result with sched_getscheduler(2), then execs CMD, which keeps the policy.
// Exit status: 2 on bad usage, 1 when the kernel refuses the policy, 127 when CMD cannot be run.
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef SCHED_EXT
#define SCHED_EXT 7
#endif

// The kernel's struct sched_attr, first version (48 bytes, SCHED_ATTR_SIZE_VER0).
struct setsched_attr {
	uint32_t size;
	uint32_t sched_policy;
	uint64_t sched_flags;
	int32_t sched_nice;
	uint32_t sched_priority;
	uint64_t sched_runtime;
	uint64_t sched_deadline;
	uint64_t sched_period;
};

static int usage(const char *why)
{
	fprintf(stderr, "scxx-setsched: %s\nusage: scxx-setsched ext|normal CMD [ARGS...]\n", why);
	return 2;
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return usage("no policy given");
	int policy;
	if (strcmp(argv[1], "ext") == 0)
		policy = SCHED_EXT;
	else if (strcmp(argv[1], "normal") == 0)
		policy = SCHED_OTHER;
	else {
		char why[128];
		snprintf(why, sizeof(why), "unknown policy '%.60s' (want ext or normal)", argv[1]);
		return usage(why);
	}
	if (argc < 3)
		return usage("no command given");

	errno = 0;
	int nice_val = getpriority(PRIO_PROCESS, 0);
	if (nice_val == -1 && errno) {
		fprintf(stderr, "scxx-setsched: getpriority: %s\n", strerror(errno));
		return 1;
	}
	struct setsched_attr attr = {
		.size = sizeof(attr),
		.sched_policy = (uint32_t)policy,
		.sched_nice = nice_val,
	};
	if (syscall(SYS_sched_setattr, 0, &attr, 0) != 0) {
		int err = errno;
		fprintf(stderr, "scxx-setsched: sched_setattr(policy %s = %d): %s%s\n", argv[1], policy, strerror(err),
			policy == SCHED_EXT && err == EINVAL ? " (does this kernel have CONFIG_SCHED_CLASS_EXT?)" : "");
		return 1;
	}
	int now = sched_getscheduler(0);
	if (now != policy) {
		fprintf(stderr, "scxx-setsched: policy is %d after sched_setattr, want %d\n", now, policy);
		return 1;
	}
	execvp(argv[2], &argv[2]);
	fprintf(stderr, "scxx-setsched: exec %s: %s\n", argv[2], strerror(errno));
	return 127;
}
