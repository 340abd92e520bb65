// scxx-latency: a periodic interactive task that measures its own wakeup latency, and a CPU hog
// with a recognisable name, for scheduler scenarios (lavd's latency-criticality test). Built static
// by tools/vm/build-initramfs.
//
//   scxx-latency PERIOD_US RUN_US SECS [NAME]
//       sets its comm to NAME (default "scxx-latency"), then for SECS seconds: sleeps until the next
//       period (clock_nanosleep, absolute CLOCK_MONOTONIC), records how late it woke (actual wake
//       time - intended wake time), busy-runs until it has run RUN_US on a CPU (its own CPU
//       time, CLOCK_THREAD_CPUTIME_ID, read every 50 us of the spin): a run preempted halfway
//       finishes late instead of running less. (Under QEMU -icount a CPU's time also passes while
//       other vCPUs take their turns, so the instructions a run executes still vary with the load,
//       as they did when the run was 1 ms by the clock.) A period it overran entirely is skipped,
//       not caught up. At the end one line:
//       "scxx-latency: n=N p50_us=X p99_us=Y max_us=Z avg_us=A missed=M met=K cpu_ms=C name=NAME"
//       (met: periods whose run finished before the next period began; cpu_ms: the CPU time the task
//       used, user + system: its runs plus the kernel's work on its behalf). With
//       SCXX_LATENCY_SAMPLES=FILE in the environment every wakeup latency is also appended to FILE,
//       in us, one per line
//       (tools/bench pools the samples of several probes). With SCXX_LATENCY_PROGRESS=FILE the number
//       of periods measured so far is kept in FILE (progress-counter.h; tools/soak samples it).
//       SIGTERM or SIGINT ends the measurement early; the line is printed as usual.
//   scxx-latency hog SECS [NAME]
//       busy-runs for SECS seconds as NAME (default "scxx-hog"), then prints
//       "scxx-latency: hog loops=N name=NAME"
// Exit status: 0 on success (n > 0), 1 when no period was measured, 2 on bad usage.
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <time.h>

#include "clock-ns.h"
#include "progress-counter.h"

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static void usage(void)
{
	fprintf(stderr, "usage: scxx-latency PERIOD_US RUN_US SECS [NAME] | scxx-latency hog SECS [NAME]\n");
	exit(2);
}

// The CPU time this process has used so far (user + system), in ms; 0 when it cannot be read.
static uint64_t cpu_used_ms(void)
{
	struct rusage ru;
	if (getrusage(RUSAGE_SELF, &ru) != 0)
		return 0;
	return (uint64_t)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000u +
	       (uint64_t)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1000u;
}

// A positive integer argument within [min, max], else usage.
static uint64_t arg_u64(const char *s, uint64_t min, uint64_t max, const char *what)
{
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (!*s || *end || errno || *s == '-' || v < min || v > max) {
		fprintf(stderr, "scxx-latency: %s \"%s\" is not a number in %llu..%llu\n", what, s,
			(unsigned long long)min, (unsigned long long)max);
		exit(2);
	}
	return v;
}

static void set_name(const char *name)
{
	if (prctl(PR_SET_NAME, name, 0, 0, 0) != 0)
		fprintf(stderr, "scxx-latency: PR_SET_NAME %s: %s\n", name, strerror(errno));
}

// Spins until `until` (CLOCK_MONOTONIC ns); returns the number of clock reads.
static uint64_t spin_until(uint64_t until)
{
	uint64_t loops = 0;
	while (now_ns() < until)
		loops++;
	return loops;
}

// The thread's CPU time reads its run queue's clock under the run-queue lock (a system call), so
// run_cpu spins on the monotonic clock in user space and asks it once per RUN_CHUNK_NS.
#define RUN_CHUNK_NS 50000ull

// Spins until this thread has run run_ns more on a CPU (user + system): time spent preempted does
// not count. main checked that the thread's CPU clock works.
static void run_cpu(uint64_t run_ns)
{
	uint64_t ran = clock_ns(CLOCK_THREAD_CPUTIME_ID);
	const uint64_t until = ran + run_ns;
	while (ran < until) {
		uint64_t left = until - ran;
		spin_until(now_ns() + (left < RUN_CHUNK_NS ? left : RUN_CHUNK_NS));
		ran = clock_ns(CLOCK_THREAD_CPUTIME_ID);
	}
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

// Nearest-rank percentile q (0..100) of the n sorted samples.
static uint64_t rank(const uint64_t *sorted, size_t n, unsigned q)
{
	size_t i = (n * q + 99) / 100;
	return sorted[i ? i - 1 : 0];
}

// Appends every sample, in microseconds, one per line, to path (for pooling several probes).
static int write_samples(const char *path, const uint64_t *lat, size_t n)
{
	FILE *f = fopen(path, "a");
	if (!f) {
		fprintf(stderr, "scxx-latency: %s: %s\n", path, strerror(errno));
		return -1;
	}
	for (size_t i = 0; i < n; i++)
		fprintf(f, "%.1f\n", (double)lat[i] / 1000.0);
	return fclose(f) == 0 ? 0 : -1;
}

static int hog(int argc, char **argv)
{
	if (argc < 3 || argc > 4)
		usage();
	uint64_t secs = arg_u64(argv[2], 1, 86400, "SECS");
	const char *name = argc == 4 ? argv[3] : "scxx-hog";
	set_name(name);
	uint64_t loops = spin_until(now_ns() + secs * 1000000000ull);
	printf("scxx-latency: hog loops=%llu name=%s\n", (unsigned long long)loops, name);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "hog") == 0)
		return hog(argc, argv);
	if (argc < 4 || argc > 5)
		usage();
	uint64_t period_us = arg_u64(argv[1], 100, 10000000, "PERIOD_US");
	uint64_t run_us = arg_u64(argv[2], 0, period_us, "RUN_US");
	uint64_t secs = arg_u64(argv[3], 1, 86400, "SECS");
	const char *name = argc == 5 ? argv[4] : "scxx-latency";
	struct timespec probe_clock;
	if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &probe_clock) != 0) {
		fprintf(stderr, "scxx-latency: the thread CPU clock is unusable: %s\n", strerror(errno));
		return 1;
	}
	set_name(name);
	const char *progress_file = getenv("SCXX_LATENCY_PROGRESS");
	volatile uint64_t *progress = NULL;
	if (progress_file && *progress_file && !(progress = progress_open("scxx-latency", progress_file)))
		return 1;
	struct sigaction sa = { .sa_handler = on_signal };  // clock_nanosleep then returns EINTR
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);

	size_t cap = (size_t)(secs * 1000000 / period_us) + 2;
	uint64_t *lat = calloc(cap, sizeof(*lat));
	if (!lat) {
		fprintf(stderr, "scxx-latency: out of memory for %zu samples\n", cap);
		return 1;
	}
	const uint64_t period = period_us * 1000, run = run_us * 1000;
	const uint64_t end = now_ns() + secs * 1000000000ull;
	uint64_t next = now_ns() + period, missed = 0, met = 0, sum = 0;
	size_t n = 0;
	while (next < end && n < cap && !stop) {
		struct timespec ts = { .tv_sec = (time_t)(next / 1000000000ull), .tv_nsec = (long)(next % 1000000000ull) };
		int err;
		while ((err = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL)) == EINTR && !stop)
			;
		if (stop)
			break;
		if (err) {
			fprintf(stderr, "scxx-latency: clock_nanosleep: %s\n", strerror(err));
			return 1;
		}
		uint64_t woke = now_ns();
		lat[n] = woke - next;
		sum += lat[n];
		n++;
		progress_set(progress, n);
		run_cpu(run);
		next += period;
		uint64_t t = now_ns();
		if (t <= next)
			met++;
		if (next <= t) {  // overran whole periods: skip them
			uint64_t skip = (t - next) / period + 1;
			missed += skip;
			next += skip * period;
		}
	}
	if (n == 0) {
		printf("scxx-latency: n=0 name=%s\n", name);
		return 1;
	}
	qsort(lat, n, sizeof(*lat), cmp_u64);
	printf("scxx-latency: n=%zu p50_us=%llu p99_us=%llu max_us=%llu avg_us=%llu missed=%llu met=%llu cpu_ms=%llu name=%s\n",
	       n, (unsigned long long)(rank(lat, n, 50) / 1000), (unsigned long long)(rank(lat, n, 99) / 1000),
	       (unsigned long long)(lat[n - 1] / 1000), (unsigned long long)(sum / n / 1000), (unsigned long long)missed,
	       (unsigned long long)met, (unsigned long long)cpu_used_ms(), name);
	const char *samples = getenv("SCXX_LATENCY_SAMPLES");
	if (samples && *samples && write_samples(samples, lat, n) != 0)
		return 1;
	free(lat);
	return 0;
}
