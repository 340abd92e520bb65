// clock-ns.h: a clock's reading in nanoseconds, for the workloads of this folder that time
// themselves by more than one clock (each is compiled on its own by tools/vm/build-initramfs; this
// header is not a program).
#ifndef SCXX_CLOCK_NS_H
#define SCXX_CLOCK_NS_H

#include <stdint.h>
#include <time.h>

// clock's time in ns; 0 when it cannot be read (callers that depend on it check it first).
static inline uint64_t clock_ns(clockid_t clock)
{
	struct timespec ts = { 0, 0 };
	clock_gettime(clock, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static inline uint64_t now_ns(void)
{
	return clock_ns(CLOCK_MONOTONIC);
}

#endif
