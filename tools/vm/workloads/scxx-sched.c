// scxx-sched: set a scheduling policy / nice value, then exec a command (or change an existing pid).
// busybox has no chrt and no nice, and partial-switch sched_ext schedulers only see tasks whose
// policy is SCHED_EXT (7), so scenarios need this. Built static by tools/vm/build-initramfs.
//
//   scxx-sched [-s POLICY] [-r RTPRIO] [-n NICE] [-u UID] [-p PID] [CMD [ARGS...]]
//   -u UID: run CMD as that user and group id (busybox has no setpriv; permission checks need it).
//   POLICY: normal|other, fifo, rr, batch, idle, ext, or a number.
//   Without CMD it changes PID (default: itself) and prints "pid N: policy P nice X".
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <grp.h>
#include <unistd.h>

#ifndef SCHED_EXT
#define SCHED_EXT 7
#endif

static int parse_policy(const char *s)
{
	static const struct { const char *name; int policy; } names[] = {
		{ "normal", SCHED_OTHER }, { "other", SCHED_OTHER }, { "fifo", SCHED_FIFO },
		{ "rr", SCHED_RR },        { "batch", SCHED_BATCH }, { "idle", SCHED_IDLE },
		{ "ext", SCHED_EXT },
	};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(s, names[i].name) == 0)
			return names[i].policy;
	char *end;
	long v = strtol(s, &end, 10);
	return (*s && !*end && v >= 0 && v < 64) ? (int)v : -1;
}

static void usage(void)
{
	fprintf(stderr, "usage: scxx-sched [-s normal|fifo|rr|batch|idle|ext|N] [-r RTPRIO] [-n NICE] "
			"[-u UID] [-p PID] [CMD [ARGS...]]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	int policy = -1, rtprio = 0, nice_set = 0, nice_val = 0, uid = -1, opt;
	pid_t pid = 0;

	while ((opt = getopt(argc, argv, "+s:r:n:u:p:h")) != -1) {
		switch (opt) {
		case 's':
			if ((policy = parse_policy(optarg)) < 0)
				usage();
			break;
		case 'r': rtprio = atoi(optarg); break;
		case 'n': nice_set = 1; nice_val = atoi(optarg); break;
		case 'p': pid = (pid_t)atoi(optarg); break;
		case 'u': uid = atoi(optarg); break;
		default: usage();
		}
	}
	if (optind < argc && pid != 0)
		usage();
	if (nice_set && setpriority(PRIO_PROCESS, (id_t)pid, nice_val) != 0) {
		fprintf(stderr, "scxx-sched: setpriority(%d, %d): %s\n", (int)pid, nice_val, strerror(errno));
		return 1;
	}
	if (policy >= 0) {
		struct sched_param sp = { .sched_priority = rtprio };
		if (sched_setscheduler(pid, policy, &sp) != 0) {
			fprintf(stderr, "scxx-sched: sched_setscheduler(%d, %d): %s\n", (int)pid, policy,
				strerror(errno));
			return 1;
		}
	}
	if (uid >= 0 && (setgroups(0, NULL) != 0 || setgid((gid_t)uid) != 0 || setuid((uid_t)uid) != 0)) {
		fprintf(stderr, "scxx-sched: cannot become uid %d: %s\n", uid, strerror(errno));
		return 1;
	}
	if (optind < argc) {
		execvp(argv[optind], &argv[optind]);
		fprintf(stderr, "scxx-sched: exec %s: %s\n", argv[optind], strerror(errno));
		return 127;
	}
	errno = 0;
	int cur_nice = getpriority(PRIO_PROCESS, (id_t)pid);
	int cur = sched_getscheduler(pid);
	if (cur < 0 || errno) {
		fprintf(stderr, "scxx-sched: pid %d: %s\n", (int)pid, strerror(errno));
		return 1;
	}
	printf("pid %d: policy %d nice %d\n", pid ? (int)pid : (int)getpid(), cur, cur_nice);
	return 0;
}
