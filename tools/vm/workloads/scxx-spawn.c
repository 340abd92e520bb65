/* scxx-spawn: many short-lived tasks and cgroups, for the churn scenario's leak checks.
 *   scxx-spawn TASKS [PARALLEL] [--threads]     TASKS tasks, at most PARALLEL (default 8) alive at once
 *   scxx-spawn --cgroups DIR N [PARALLEL]       N cgroups DIR/s<i>: each is created, gets one short task
 *                                               that joins it, and is removed once the task is gone
 * A task spins a little and exits. Processes are created with clone(CLONE_VM): each has its own pid
 * (the scheduler sees a new task come and go, as with fork) without copying page tables, which under
 * TCG makes them ~10x cheaper than fork. --threads: threads of this process (pthread_create, join).
 * Prints "scxx-spawn: tasks=N kind=K failed=F secs=S" and exits 1 when any task failed. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define STACK_SIZE (64 * 1024)

static void work(void) {
	volatile unsigned x = 0;
	for (unsigned i = 0; i < 2000; i++) x += i;
}

/* A process's body: join the cgroup whose cgroup.procs path is arg (if any), spin, exit. It shares
 * the parent's memory and thread pointer, so also its errno: it uses only open/write/close, never reads
 * errno, and tells failure by its exit status (a parent's error message could name the errno of a
 * child failing at the same moment; the count of failures stays right). */
static int process_body(void *arg) {
	const char *procs = arg;
	if (procs) {
		int fd = open(procs, O_WRONLY);
		if (fd < 0 || write(fd, "0", 1) != 1) return 1;
		close(fd);
	}
	work();
	return 0;
}

static void *thread_body(void *arg) {
	(void)arg;
	work();
	return NULL;
}

static double now_s(void) {
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

struct slot {
	pid_t pid;
	char *stack;
	char path[256]; /* the cgroup directory (--cgroups) */
	char procs[280];
};

static int rmdir_retry(const char *dir) {
	for (int i = 0; i < 2000; i++) { /* a reaped task leaves its cgroup asynchronously */
		if (rmdir(dir) == 0) return 0;
		if (errno != EBUSY) break;
		usleep(1000);
	}
	fprintf(stderr, "scxx-spawn: rmdir %s: %s\n", dir, strerror(errno));
	return -1;
}

/* TASKS processes, PARALLEL at a time; with cgroup_dir, each in a cgroup of its own. */
static long spawn_processes(long tasks, long parallel, const char *cgroup_dir) {
	struct slot *slots = calloc((size_t)parallel, sizeof(*slots));
	long started = 0, alive = 0, failed = 0;
	if (!slots) return tasks;
	for (long i = 0; i < parallel; i++)
		if (!(slots[i].stack = malloc(STACK_SIZE))) return tasks;
	while (started < tasks || alive > 0) {
		for (long i = 0; i < parallel && started < tasks; i++) {
			struct slot *s = &slots[i];
			if (s->pid) continue;
			const char *procs = NULL;
			if (cgroup_dir) {
				snprintf(s->path, sizeof(s->path), "%s/s%ld", cgroup_dir, started);
				snprintf(s->procs, sizeof(s->procs), "%s/cgroup.procs", s->path);
				if (mkdir(s->path, 0755) != 0) {
					fprintf(stderr, "scxx-spawn: mkdir %s: %s\n", s->path, strerror(errno));
					failed++;
					tasks = started;
					break;
				}
				procs = s->procs;
			}
			pid_t pid = clone(process_body, s->stack + STACK_SIZE, CLONE_VM | SIGCHLD, (void *)procs);
			if (pid < 0) {
				fprintf(stderr, "scxx-spawn: clone: %s\n", strerror(errno));
				failed++;
				tasks = started;
				break;
			}
			s->pid = pid;
			started++;
			alive++;
		}
		if (alive == 0) break;
		int st;
		pid_t pid = wait(&st);
		if (pid < 0) {
			fprintf(stderr, "scxx-spawn: wait: %s\n", strerror(errno));
			return failed + alive;
		}
		for (long i = 0; i < parallel; i++) {
			if (slots[i].pid != pid) continue;
			slots[i].pid = 0;
			alive--;
			if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) failed++;
			if (cgroup_dir && rmdir_retry(slots[i].path) != 0) failed++;
		}
	}
	return failed;
}

static long spawn_threads(long tasks, long parallel) {
	pthread_t *t = calloc((size_t)parallel, sizeof(*t));
	pthread_attr_t attr;
	long done = 0, failed = 0;
	if (!t || pthread_attr_init(&attr) || pthread_attr_setstacksize(&attr, STACK_SIZE)) return tasks;
	while (done < tasks) {
		long batch = tasks - done < parallel ? tasks - done : parallel, made = 0;
		for (; made < batch; made++) {
			int err = pthread_create(&t[made], &attr, thread_body, NULL);
			if (err) {
				fprintf(stderr, "scxx-spawn: pthread_create: %s\n", strerror(err));
				failed += batch - made;
				break;
			}
		}
		for (long i = 0; i < made; i++) pthread_join(t[i], NULL);
		done += batch;
		if (made < batch) break;
	}
	pthread_attr_destroy(&attr);
	free(t);
	return failed;
}

static int usage(void) {
	fprintf(stderr, "usage: scxx-spawn TASKS [PARALLEL] [--threads] | scxx-spawn --cgroups DIR N [PARALLEL]\n");
	return 2;
}

int main(int argc, char **argv) {
	const char *cgroup_dir = NULL;
	int threads = argc > 1 && strcmp(argv[argc - 1], "--threads") == 0;
	if (threads) argc--;
	if (argc > 2 && strcmp(argv[1], "--cgroups") == 0) {
		cgroup_dir = argv[2];
		argv += 2;
		argc -= 2;
	}
	if (argc < 2 || argc > 3 || (threads && cgroup_dir)) return usage();
	long tasks = atol(argv[1]), parallel = argc > 2 ? atol(argv[2]) : 8;
	if (tasks <= 0 || parallel <= 0) {
		fprintf(stderr, "scxx-spawn: TASKS and PARALLEL must be positive numbers\n");
		return 2;
	}
	double t0 = now_s();
	long failed = threads ? spawn_threads(tasks, parallel) : spawn_processes(tasks, parallel, cgroup_dir);
	printf("scxx-spawn: tasks=%ld kind=%s failed=%ld secs=%.1f\n", tasks,
	       threads ? "threads" : cgroup_dir ? "cgroups" : "processes", failed, now_s() - t0);
	return failed ? 1 : 0;
}
