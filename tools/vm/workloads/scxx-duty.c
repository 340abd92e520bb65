/* scxx-duty: a partially busy task for VM scenarios. Every PERIOD_US it busy-runs BUSY_PCT percent of
 * the period, then sleeps until the next period (absolute deadlines, so it does not drift), for SECS
 * seconds; then prints "scxx-duty: periods=N busy_us=B" and exits 0.
 *   scxx-duty PERIOD_US BUSY_PCT SECS */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int main(int argc, char **argv)
{
	if (argc != 4) {
		fprintf(stderr, "usage: scxx-duty PERIOD_US BUSY_PCT SECS\n");
		return 2;
	}
	long long period = atoll(argv[1]) * 1000LL, pct = atoll(argv[2]), secs = atoll(argv[3]);
	if (period <= 0 || pct < 0 || pct > 100 || secs <= 0) {
		fprintf(stderr, "scxx-duty: PERIOD_US > 0, 0 <= BUSY_PCT <= 100, SECS > 0\n");
		return 2;
	}
	long long busy = period * pct / 100, start = now_ns(), end = start + secs * 1000000000LL;
	long long next = start, periods = 0, busy_total = 0;
	while (next < end) {
		long long t0 = now_ns();
		while (now_ns() - t0 < busy)
			;
		busy_total += now_ns() - t0;
		periods++;
		next += period;
		struct timespec ts = {.tv_sec = next / 1000000000LL, .tv_nsec = next % 1000000000LL};
		clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
	}
	printf("scxx-duty: periods=%lld busy_us=%lld\n", periods, busy_total / 1000);
	return 0;
}
