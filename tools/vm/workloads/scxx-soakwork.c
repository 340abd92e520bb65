// scxx-soakwork: the long-running workers of tools/soak. Each runs until SIGTERM or SIGINT, keeps its
// iteration count in COUNTER (progress-counter.h: the soak samples it every interval to find stuck
// workers), and at the end prints one line:
//     "scxx-soakwork: kind=KIND iterations=N failed=F"
// (failed: processes of its own that went wrong: a fork/exec child that did not exit 0, a cgroup move
// refused, a ping-pong partner that did not end cleanly). Built static by tools/vm/build-initramfs.
//
//   scxx-soakwork COUNTER hog                 busy loop; one iteration = a fixed chunk of arithmetic
//   scxx-soakwork COUNTER pingpong            a round trip of one byte over two pipes with a child
//                                             ("soak-pong"); the partner's loss ends the worker (exit 1)
//   scxx-soakwork COUNTER forkexec            fork, exec /bin/true, wait
//   scxx-soakwork COUNTER sleep US            sleep US microseconds
//   scxx-soakwork COUNTER cgmove MS A B PID...  every MS ms, move every PID into cgroup directory A,
//                                             then B on the next round, and so on
// The comm is "soak-KIND". Exit status: 0 after the signal, 1 on an error that stopped the worker
// (message on stderr, the line still printed), 2 on bad usage.
#define _GNU_SOURCE
#include "progress-counter.h"

#include <signal.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>

static volatile sig_atomic_t stop;
static volatile uint64_t *counter;
static uint64_t iterations, failed;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static void usage(void)
{
	fprintf(stderr, "usage: scxx-soakwork COUNTER hog|pingpong|forkexec | COUNTER sleep US |"
			" COUNTER cgmove MS DIR_A DIR_B PID...\n");
	exit(2);
}

static long arg_long(const char *s, long min, long max)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (!*s || *end || errno || v < min || v > max) {
		fprintf(stderr, "scxx-soakwork: \"%s\" is not a number in %ld..%ld\n", s, min, max);
		exit(2);
	}
	return v;
}

static void tick(void)
{
	progress_set(counter, ++iterations);
}

static int hog(void)
{
	volatile uint64_t sink = 0;
	while (!stop) {
		for (uint64_t i = 0; i < (1u << 16); i++)
			sink += i * i;
		tick();
	}
	return 0;
}

// The partner: echoes every byte back until its input ends.
static void pong(int in, int out)
{
	prctl(PR_SET_NAME, "soak-pong", 0, 0, 0);
	prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
	char c;
	ssize_t r;
	while ((r = read(in, &c, 1)) != 0) {
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 || write(out, &c, 1) != 1)
			_exit(1);
	}
	_exit(0);
}

// One byte through fd, retried on EINTR while not stopping: 1 sent/received, 0 stopping, -1 lost.
static int xfer(int fd, char *c, int sending)
{
	for (;;) {
		ssize_t r = sending ? write(fd, c, 1) : read(fd, c, 1);
		if (r == 1)
			return 1;
		if (r < 0 && errno == EINTR) {
			if (stop)
				return 0;
			continue;
		}
		return -1;
	}
}

static int pingpong(void)
{
	int to[2], from[2];
	if (pipe(to) != 0 || pipe(from) != 0) {
		perror("scxx-soakwork: pipe");
		return 1;
	}
	signal(SIGPIPE, SIG_IGN);
	pid_t child = fork();
	if (child < 0) {
		perror("scxx-soakwork: fork");
		return 1;
	}
	if (child == 0) {
		close(to[1]);
		close(from[0]);
		pong(to[0], from[1]);
	}
	close(to[0]);
	close(from[1]);
	int rc = 0;
	char c = 'x';
	while (!stop) {
		int s = xfer(to[1], &c, 1);
		int r = s == 1 ? xfer(from[0], &c, 0) : s;
		if (r < 0) {
			fprintf(stderr, "scxx-soakwork: pingpong: the partner (pid %d) is gone\n", (int)child);
			rc = 1;
			break;
		}
		if (r == 1)
			tick();
	}
	close(to[1]);  // the partner reads EOF and exits 0
	int status = -1;
	while (waitpid(child, &status, 0) < 0 && errno == EINTR)
		;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		failed++;
	return rc;
}

static int forkexec(void)
{
	while (!stop) {
		pid_t pid = fork();
		if (pid < 0) {
			perror("scxx-soakwork: fork");
			return 1;
		}
		if (pid == 0) {
			execl("/bin/true", "true", (char *)NULL);
			_exit(127);
		}
		int status = -1;
		while (waitpid(pid, &status, 0) < 0)  // reap it even when stopping
			if (errno != EINTR) {
				perror("scxx-soakwork: waitpid");
				return 1;
			}
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
			failed++;
		tick();
	}
	return 0;
}

static int sleeper(long us)
{
	while (!stop) {
		struct timespec ts = { .tv_sec = us / 1000000, .tv_nsec = (us % 1000000) * 1000 };
		if (nanosleep(&ts, NULL) == 0)
			tick();
	}
	return 0;
}

// Writes pid into DIR/cgroup.procs; 0 or -1 (message printed).
static int move_to(const char *dir, const char *pid)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n = fd < 0 ? -1 : write(fd, pid, strlen(pid));
	int err = errno;
	if (fd >= 0)
		close(fd);
	if (n == (ssize_t)strlen(pid))
		return 0;
	fprintf(stderr, "scxx-soakwork: cgmove: pid %s -> %s: %s\n", pid, path, strerror(err));
	return -1;
}

static int cgmove(long ms, const char *a, const char *b, char **pids, int npids)
{
	while (!stop) {
		const char *dir = iterations % 2 ? b : a;
		for (int i = 0; i < npids; i++)
			if (move_to(dir, pids[i]) != 0)
				failed++;
		tick();
		struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000 };
		nanosleep(&ts, NULL);
	}
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 3)
		usage();
	const char *kind = argv[2];
	char name[16];
	snprintf(name, sizeof(name), "soak-%s", kind);
	prctl(PR_SET_NAME, name, 0, 0, 0);
	struct sigaction sa = { .sa_handler = on_signal };  // no SA_RESTART: blocked calls return EINTR
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);

	int rc;
	if (strcmp(kind, "hog") == 0 && argc == 3) {
		counter = progress_open("scxx-soakwork", argv[1]);
		rc = counter ? hog() : 1;
	} else if (strcmp(kind, "pingpong") == 0 && argc == 3) {
		counter = progress_open("scxx-soakwork", argv[1]);
		rc = counter ? pingpong() : 1;
	} else if (strcmp(kind, "forkexec") == 0 && argc == 3) {
		counter = progress_open("scxx-soakwork", argv[1]);
		rc = counter ? forkexec() : 1;
	} else if (strcmp(kind, "sleep") == 0 && argc == 4) {
		long us = arg_long(argv[3], 1, 10000000);
		counter = progress_open("scxx-soakwork", argv[1]);
		rc = counter ? sleeper(us) : 1;
	} else if (strcmp(kind, "cgmove") == 0 && argc >= 7) {
		long ms = arg_long(argv[3], 1, 600000);
		counter = progress_open("scxx-soakwork", argv[1]);
		rc = counter ? cgmove(ms, argv[4], argv[5], argv + 6, argc - 6) : 1;
	} else {
		usage();
	}
	printf("scxx-soakwork: kind=%s iterations=%llu failed=%llu\n", kind, (unsigned long long)iterations,
	       (unsigned long long)failed);
	return rc;
}
