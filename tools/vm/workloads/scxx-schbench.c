// scxx-schbench: a schbench-like wake-up latency benchmark (our own, written from scratch: schbench is
// not packaged in Debian). Built static by tools/vm/build-initramfs.
//
//   scxx-schbench [-m MESSAGE_THREADS] [-t WORKERS_PER_MESSAGE_THREAD] [-r REQUEST_US] [-s SECS]
//                 [-w WARMUP_SECS]
//       defaults: -m 2 -t 4 -r 100 -s 5 -w 1; ranges: -m/-t 1..64, -r 0..1000000, -s 1..3600,
//       -w 0..3600. Runs WARMUP_SECS + SECS seconds in all, from when every thread exists.
//       Each message thread ("schb-msg") owns its workers ("schb-worker"). A worker posts itself (post
//       time) to its message thread's queue and sleeps on a futex; the message thread sleeps until some
//       worker is posted, takes them all and wakes each, noting the wake time just before the wake.
//       The woken worker measures wake latency = now - wake time, does a fixed amount of work (as
//       upstream schbench's arithmetic: a loop whose iteration count main calibrates once, before
//       any thread starts, to take REQUEST_US of the thread's own CPU time when it runs alone),
//       measures request latency = now - post time (queueing + wake + work), and posts itself
//       again. A worker preempted during a request thus finishes it late instead of having done
//       less. Requests posted during the warm-up or finished after the end are dropped.
//       Output: one summary line, then two CDF lines (quantiles 0,1,...,99,99.5,99.9,100):
//       "scxx-schbench: requests=N rps=R wake_p50_us=A wake_p99_us=B wake_p999_us=C wake_max_us=D
//        req_p50_us=E req_p99_us=F req_p999_us=G req_max_us=H request_iters=I"   (one line)
//       "scxx-schbench: cdf wake_us 0:V,1:V,...,99.5:V,99.9:V,100:V"
//       "scxx-schbench: cdf req_us 0:V,...,100:V"
//       rps = requests / SECS; latencies in microseconds with one decimal, nearest-rank percentiles.
// Exit status: 0 on success, 1 when no request completed (or on a runtime failure), 2 on bad usage.
#define _GNU_SOURCE
#include <errno.h>
#include <linux/futex.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "clock-ns.h"

#define MAX_SAMPLES (1u << 25)  // requests kept in all (2 x 8 bytes each): refuse to go beyond
#define STACK_SIZE (256 * 1024)

struct msg;

struct worker {
	uint32_t futex;            // 0: posted / asleep, 1: woken (stored by the message thread)
	uint64_t post_ns, wake_ns; // wake_ns is written by the message thread before futex = 1
	struct worker *next;       // queue link, under msg->lock
	struct msg *msg;
	uint64_t *wake, *req;      // samples (ns), n of them, room for cap
	size_t n, cap;
	pthread_t tid;
};

struct msg {
	pthread_mutex_t lock;
	struct worker *head;       // posted workers, under lock
	uint32_t futex;            // 1: something happened (a post or a worker exit) since the last look
	uint32_t live;             // workers not yet exited
	pthread_t tid;
};

static uint64_t request_iters, t_meas, t_end;
static uint32_t go, stop, nomem, total_samples;  // go: start gate, opened once all threads exist

static void usage(const char *problem)
{
	fprintf(stderr, "scxx-schbench: %s (usage: scxx-schbench [-m MESSAGE_THREADS]"
		" [-t WORKERS_PER_MESSAGE_THREAD] [-r REQUEST_US] [-s SECS] [-w WARMUP_SECS])\n", problem);
	exit(2);
}

// An integer option argument within [min, max], else usage.
static uint64_t arg_u64(const char *s, uint64_t min, uint64_t max, char opt)
{
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (!*s || *end || errno || *s == '-' || v < min || v > max) {
		fprintf(stderr, "scxx-schbench: -%c \"%s\" is not a number in %llu..%llu\n", opt, s,
			(unsigned long long)min, (unsigned long long)max);
		exit(2);
	}
	return v;
}

static void set_name(const char *name)
{
	if (prctl(PR_SET_NAME, name, 0, 0, 0) != 0)
		fprintf(stderr, "scxx-schbench: PR_SET_NAME %s: %s\n", name, strerror(errno));
}

static void futex_wait(uint32_t *addr, uint32_t val)
{
	syscall(SYS_futex, addr, FUTEX_WAIT_PRIVATE, val, NULL, NULL, 0);  // EAGAIN/EINTR: caller re-checks
}

static void futex_wake(uint32_t *addr, int n)
{
	syscall(SYS_futex, addr, FUTEX_WAKE_PRIVATE, n, NULL, NULL, 0);
}

// Tells the message thread to look again (after a post or an exit).
static void kick(struct msg *m)
{
	__atomic_store_n(&m->futex, 1, __ATOMIC_RELEASE);
	futex_wake(&m->futex, 1);
}

// A request's work: iters steps of a 64-bit LCG, kept from being folded away by the compiler; not
// inlined, so main's calibration and the workers run the same instructions.
static __attribute__((noinline)) uint64_t do_work(uint64_t iters)
{
	uint64_t x = 1;
	for (uint64_t i = 0; i < iters; i++) {
		x = x * 6364136223846793005ull + 1442695040888963407ull;
		__asm__ volatile("" : "+r"(x));
	}
	return x;
}

// The thread's CPU time, in ns, that do_work(iters) took.
static uint64_t work_ns(uint64_t iters)
{
	uint64_t t0 = clock_ns(CLOCK_THREAD_CPUTIME_ID);
	do_work(iters);
	return clock_ns(CLOCK_THREAD_CPUTIME_ID) - t0;
}

// Iterations of do_work that take request_ns of this thread's CPU time: the fastest of ten runs,
// 1 ms apart, of the iteration count that first took 2 ms. Under QEMU -icount every vCPU's clock
// counts the instructions of all of them, so a run beside other busy vCPUs (or hit by an
// interrupt) only comes out slower.
static uint64_t calibrate(uint64_t request_ns)
{
	uint64_t n = 256, best_per_ms = 0;
	const struct timespec gap = { 0, 1000000 };
	// grow n until one run takes 2 ms (or, with a thread clock that never moves, 2^40)
	while (work_ns(n) < 2000000ull && n < (1ull << 40))
		n *= 2;
	for (int run = 0; run < 10; run++) {
		nanosleep(&gap, NULL);
		uint64_t took = work_ns(n), per_ms = took ? n * 1000000ull / took : n;
		if (per_ms > best_per_ms)
			best_per_ms = per_ms;
	}
	return best_per_ms * request_ns / 1000000ull;
}

static int record(struct worker *w, uint64_t wake, uint64_t req)
{
	if (w->n == w->cap) {
		size_t cap = w->cap ? w->cap * 2 : 4096;
		uint32_t more = (uint32_t)(cap - w->cap);
		if (__atomic_add_fetch(&total_samples, more, __ATOMIC_RELAXED) > MAX_SAMPLES)
			return -1;
		uint64_t *a = realloc(w->wake, cap * sizeof(*a));
		if (!a)
			return -1;
		w->wake = a;
		if (!(a = realloc(w->req, cap * sizeof(*a))))
			return -1;
		w->req = a;
		w->cap = cap;
	}
	w->wake[w->n] = wake;
	w->req[w->n++] = req;
	return 0;
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct msg *m = w->msg;
	set_name("schb-worker");
	while (!__atomic_load_n(&go, __ATOMIC_ACQUIRE))
		futex_wait(&go, 0);
	while (!__atomic_load_n(&stop, __ATOMIC_RELAXED)) {
		w->post_ns = now_ns();
		__atomic_store_n(&w->futex, 0, __ATOMIC_RELAXED);
		pthread_mutex_lock(&m->lock);
		w->next = m->head;
		m->head = w;
		pthread_mutex_unlock(&m->lock);
		kick(m);
		while (__atomic_load_n(&w->futex, __ATOMIC_ACQUIRE) == 0)
			futex_wait(&w->futex, 0);
		uint64_t woke = now_ns(), wake_lat = woke - w->wake_ns;
		do_work(request_iters);
		uint64_t done = now_ns();
		int keep = w->post_ns >= t_meas && done <= t_end;
		int full = keep && record(w, wake_lat, done - w->post_ns) != 0;
		if (full)
			__atomic_store_n(&nomem, 1, __ATOMIC_RELAXED);
		if (full || done >= t_end)  // not only main's wake-up: it may be starved on a busy box
			__atomic_store_n(&stop, 1, __ATOMIC_RELAXED);
	}
	__atomic_sub_fetch(&m->live, 1, __ATOMIC_RELEASE);
	kick(m);
	return NULL;
}

// Runs until all its workers have exited, so a worker that posts itself late is still woken.
static void *msg_main(void *arg)
{
	struct msg *m = arg;
	set_name("schb-msg");
	while (__atomic_load_n(&m->live, __ATOMIC_ACQUIRE) > 0) {
		if (__atomic_exchange_n(&m->futex, 0, __ATOMIC_ACQ_REL) == 0) {
			futex_wait(&m->futex, 0);
			continue;
		}
		pthread_mutex_lock(&m->lock);
		struct worker *w = m->head;
		m->head = NULL;
		pthread_mutex_unlock(&m->lock);
		while (w) {
			struct worker *next = w->next;  // read first: once woken, w may post itself again
			w->wake_ns = now_ns();
			__atomic_store_n(&w->futex, 1, __ATOMIC_RELEASE);
			futex_wake(&w->futex, 1);
			w = next;
		}
	}
	return NULL;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

// Nearest-rank quantile of sorted v[n] at q_tenths / 10 percent, in microseconds.
static double quantile_us(const uint64_t *v, size_t n, unsigned q_tenths)
{
	size_t rank = (n * q_tenths + 999) / 1000;
	return (double)v[rank ? rank - 1 : 0] / 1000.0;
}

static void print_cdf(const char *what, const uint64_t *v, size_t n)
{
	printf("scxx-schbench: cdf %s 0:%.1f", what, quantile_us(v, n, 0));
	for (unsigned q = 1; q <= 100; q++) {
		if (q == 100)
			printf(",99.5:%.1f,99.9:%.1f", quantile_us(v, n, 995), quantile_us(v, n, 999));
		printf(",%u:%.1f", q, quantile_us(v, n, q * 10));
	}
	printf("\n");
}

int main(int argc, char **argv)
{
	uint64_t nmsg = 2, nwork = 4, request_us = 100, secs = 5, warmup = 1;
	int opt;
	char problem[64];

	opterr = 0;
	while ((opt = getopt(argc, argv, ":m:t:r:s:w:")) != -1) {
		switch (opt) {
		case 'm': nmsg = arg_u64(optarg, 1, 64, 'm'); break;
		case 't': nwork = arg_u64(optarg, 1, 64, 't'); break;
		case 'r': request_us = arg_u64(optarg, 0, 1000000, 'r'); break;
		case 's': secs = arg_u64(optarg, 1, 3600, 's'); break;
		case 'w': warmup = arg_u64(optarg, 0, 3600, 'w'); break;
		case ':':
			snprintf(problem, sizeof(problem), "option -%c needs a value", optopt);
			usage(problem);
			break;
		default:
			snprintf(problem, sizeof(problem), "unknown option -%c", optopt);
			usage(problem);
		}
	}
	if (optind < argc) {
		snprintf(problem, sizeof(problem), "unexpected argument \"%.32s\"", argv[optind]);
		usage(problem);
	}

	struct msg *msgs = calloc(nmsg, sizeof(*msgs));
	struct worker *workers = calloc(nmsg * nwork, sizeof(*workers));
	pthread_attr_t attr;
	if (!msgs || !workers || pthread_attr_init(&attr) || pthread_attr_setstacksize(&attr, STACK_SIZE)) {
		fprintf(stderr, "scxx-schbench: out of memory for %llu threads\n",
			(unsigned long long)(nmsg * (nwork + 1)));
		return 1;
	}
	request_iters = request_us ? calibrate(request_us * 1000) : 0;
	for (size_t i = 0; i < nmsg; i++) {
		struct msg *m = &msgs[i];
		pthread_mutex_init(&m->lock, NULL);
		m->live = (uint32_t)nwork;
		for (size_t j = 0; j < nwork; j++)
			workers[i * nwork + j].msg = m;
		// on failure exit() takes the already started threads down with the process
		int err = pthread_create(&m->tid, &attr, msg_main, m);
		for (struct worker *w = &workers[i * nwork]; !err && w < &workers[(i + 1) * nwork]; w++)
			err = pthread_create(&w->tid, &attr, worker_main, w);
		if (err) {
			fprintf(stderr, "scxx-schbench: pthread_create: %s\n", strerror(err));
			exit(1);
		}
	}
	t_meas = now_ns() + warmup * 1000000000ull;
	t_end = t_meas + secs * 1000000000ull;
	__atomic_store_n(&go, 1, __ATOMIC_RELEASE);
	futex_wake(&go, INT32_MAX);
	struct timespec ts = { .tv_sec = (time_t)(t_end / 1000000000ull),
			       .tv_nsec = (long)(t_end % 1000000000ull) };
	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
		;
	__atomic_store_n(&stop, 1, __ATOMIC_RELAXED);
	size_t n = 0;
	for (size_t i = 0; i < nmsg; i++) {
		for (size_t j = 0; j < nwork; j++) {
			pthread_join(workers[i * nwork + j].tid, NULL);
			n += workers[i * nwork + j].n;
		}
		pthread_join(msgs[i].tid, NULL);
	}
	if (nomem) {
		fprintf(stderr, "scxx-schbench: out of room for samples (cap %u requests); use a shorter -s"
			" or a longer -r\n", MAX_SAMPLES);
		return 1;
	}
	if (n == 0) {
		printf("scxx-schbench: requests=0 rps=0.0\n");
		return 1;
	}
	uint64_t *wake = malloc(n * sizeof(*wake)), *req = malloc(n * sizeof(*req));
	if (!wake || !req) {
		fprintf(stderr, "scxx-schbench: out of memory for %zu samples\n", n);
		return 1;
	}
	size_t k = 0;
	for (size_t i = 0; i < nmsg * nwork; i++) {
		if (workers[i].n) {
			memcpy(wake + k, workers[i].wake, workers[i].n * sizeof(*wake));
			memcpy(req + k, workers[i].req, workers[i].n * sizeof(*req));
			k += workers[i].n;
		}
		free(workers[i].wake);
		free(workers[i].req);
	}
	qsort(wake, n, sizeof(*wake), cmp_u64);
	qsort(req, n, sizeof(*req), cmp_u64);
	printf("scxx-schbench: requests=%zu rps=%.1f wake_p50_us=%.1f wake_p99_us=%.1f wake_p999_us=%.1f"
	       " wake_max_us=%.1f req_p50_us=%.1f req_p99_us=%.1f req_p999_us=%.1f req_max_us=%.1f"
	       " request_iters=%llu\n",
	       n, (double)n / (double)secs, quantile_us(wake, n, 500), quantile_us(wake, n, 990),
	       quantile_us(wake, n, 999), quantile_us(wake, n, 1000), quantile_us(req, n, 500),
	       quantile_us(req, n, 990), quantile_us(req, n, 999), quantile_us(req, n, 1000),
	       (unsigned long long)request_iters);
	print_cdf("wake_us", wake, n);
	print_cdf("req_us", req, n);
	free(wake);
	free(req);
	free(workers);
	free(msgs);
	return 0;
}
