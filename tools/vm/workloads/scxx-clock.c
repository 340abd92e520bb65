// scxx-clock: guest-side timing for tools/bench, where busybox has no nanosecond clock.
// Built static by build-initramfs.
//
//   scxx-clock now                       prints CLOCK_MONOTONIC in ns
//   scxx-clock wait FILE TEXT TIMEOUT_MS polls FILE every 100 us until its first line is TEXT; prints
//                                        CLOCK_MONOTONIC ns of the first read that saw it (exit 0),
//                                        or exits 1 after TIMEOUT_MS ("scxx-clock: FILE is 'X', not
//                                        'TEXT', after N ms")
// e.g. exec -> enabled: t0=$(scxx-clock now); scx-run ... & t1=$(scxx-clock wait
//      /sys/kernel/sched_ext/state enabled 120000)
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

// The first line of path without its newline, "" when unreadable.
static void first_line(const char *path, char *buf, size_t len)
{
	buf[0] = 0;
	FILE *f = fopen(path, "r");
	if (!f)
		return;
	if (!fgets(buf, (int)len, f))
		buf[0] = 0;
	fclose(f);
	buf[strcspn(buf, "\n")] = 0;
}

int main(int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "now") == 0) {
		printf("%llu\n", (unsigned long long)now_ns());
		return 0;
	}
	if (argc != 5 || strcmp(argv[1], "wait") != 0) {
		fprintf(stderr, "usage: scxx-clock now | scxx-clock wait FILE TEXT TIMEOUT_MS\n");
		return 2;
	}
	char *end;
	errno = 0;
	unsigned long long timeout_ms = strtoull(argv[4], &end, 10);
	if (!*argv[4] || *end || errno || timeout_ms == 0) {
		fprintf(stderr, "scxx-clock: TIMEOUT_MS \"%s\" is not a positive number\n", argv[4]);
		return 2;
	}
	const uint64_t start = now_ns(), limit = start + timeout_ms * 1000000ull;
	char buf[256];
	for (;;) {
		first_line(argv[2], buf, sizeof(buf));
		uint64_t t = now_ns();
		if (strcmp(buf, argv[3]) == 0) {
			printf("%llu\n", (unsigned long long)t);
			return 0;
		}
		if (t > limit) {
			fprintf(stderr, "scxx-clock: %s is '%s', not '%s', after %llu ms\n", argv[2], buf, argv[3],
				timeout_ms);
			return 1;
		}
		struct timespec ts = { 0, 100000 };
		nanosleep(&ts, NULL);
	}
}
