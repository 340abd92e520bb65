// progress-counter.h: an iteration counter that another process can read at any time, for tools/soak.
// The counter is one native 64-bit word at the start of a file, mapped shared: each update is one
// aligned store (no system call), and a reader (`od -An -tu8 -N8 FILE` in the guest; one od for
// several such files) always sees a whole value. Included by the workloads of this folder that report progress (each is compiled on
// its own by tools/vm/build-initramfs; this header is not a program).
#ifndef SCXX_PROGRESS_COUNTER_H
#define SCXX_PROGRESS_COUNTER_H

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

// Maps path (created when missing) as an 8-byte counter and sets it to 0; NULL (and a message
// naming who) on failure. An existing 8-byte file keeps its size throughout, so a reader that
// created it beforehand never sees it shorter.
static inline volatile uint64_t *progress_open(const char *who, const char *path)
{
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0 || ftruncate(fd, sizeof(uint64_t)) != 0) {
		fprintf(stderr, "%s: %s: %s\n", who, path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	void *p = mmap(NULL, sizeof(uint64_t), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	if (p == MAP_FAILED) {
		fprintf(stderr, "%s: mmap %s: %s\n", who, path, strerror(errno));
		return NULL;
	}
	__atomic_store_n((volatile uint64_t *)p, 0, __ATOMIC_RELAXED);
	return (volatile uint64_t *)p;
}

// Publishes the count (a no-op without a counter).
static inline void progress_set(volatile uint64_t *counter, uint64_t value)
{
	if (counter)
		__atomic_store_n(counter, value, __ATOMIC_RELAXED);
}

#endif
