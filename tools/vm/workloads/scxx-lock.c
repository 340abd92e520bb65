/* scxx-lock: a contended lock for VM scenarios (lavd's lock-holder boost). THREADS threads take one
 * pthread mutex in turn for SECS seconds, each holding it while it busy-runs HOLD_US and then
 * pausing briefly outside it, so waiters block in the kernel (futex_wait) and unlocks wake them
 * (futex_wake). Then it prints "scxx-lock: threads=T acquisitions=N min=M" (M = the fewest
 * acquisitions of any thread) and exits 0, or 1 when some thread never got the lock.
 *   scxx-lock THREADS HOLD_US SECS */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define MAX_THREADS 64

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static long long hold_ns, end_ns;

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void *contend(void *arg)
{
	long long *count = arg;
	struct timespec pause = {0, 50000};

	while (now_ns() < end_ns) {
		pthread_mutex_lock(&lock);
		long long until = now_ns() + hold_ns;
		while (now_ns() < until)
			;
		pthread_mutex_unlock(&lock);
		++*count;
		nanosleep(&pause, NULL);
	}
	return NULL;
}

int main(int argc, char **argv)
{
	pthread_t tid[MAX_THREADS];
	long long counts[MAX_THREADS] = {0};

	if (argc != 4) {
		fprintf(stderr, "usage: scxx-lock THREADS HOLD_US SECS\n");
		return 2;
	}
	int n = atoi(argv[1]);
	hold_ns = atoll(argv[2]) * 1000LL;
	long long secs = atoll(argv[3]);
	if (n < 2 || n > MAX_THREADS || hold_ns <= 0 || secs <= 0) {
		fprintf(stderr, "scxx-lock: 2 <= THREADS <= %d, HOLD_US > 0, SECS > 0\n", MAX_THREADS);
		return 2;
	}
	end_ns = now_ns() + secs * 1000000000LL;
	for (int i = 0; i < n; i++)
		if (pthread_create(&tid[i], NULL, contend, &counts[i]) != 0) {
			fprintf(stderr, "scxx-lock: pthread_create failed\n");
			return 1;
		}
	long long total = 0, min = -1;
	for (int i = 0; i < n; i++) {
		pthread_join(tid[i], NULL);
		total += counts[i];
		if (min < 0 || counts[i] < min)
			min = counts[i];
	}
	printf("scxx-lock: threads=%d acquisitions=%lld min=%lld\n", n, total, min);
	return min > 0 ? 0 : 1;
}
