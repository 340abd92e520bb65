// scxx-bpfstat: per-program statistics of the loaded BPF programs, straight from the bpf() syscall
// (no libbpf, no bpftool in the image). tools/bench reads it before and after each workload for the
// scheduler's BPF cost, and after attach for the verifier's cost. Built static by build-initramfs.
//
//   scxx-bpfstat [--all]
//       one line per program of type struct_ops (every sched_ext callback; --all: every type):
//       "prog id=ID type=TYPE name=NAME verified_insns=N run_cnt=N run_time_ns=N"
//       NAME is the kernel's copy (at most 15 characters). run_cnt and run_time_ns count only while
//       /proc/sys/kernel/bpf_stats_enabled is 1.
// Exit status: 0, also with no program loaded; 1 when the syscall fails (e.g. not root).
#define _GNU_SOURCE
#include <errno.h>
#include <linux/bpf.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef BPF_PROG_TYPE_STRUCT_OPS
#define BPF_PROG_TYPE_STRUCT_OPS 27
#endif

static long sys_bpf(int cmd, union bpf_attr *attr)
{
	return syscall(__NR_bpf, cmd, attr, sizeof(*attr));
}

// Prints the program's line; returns 0, or -1 when its info cannot be read (it may have just gone).
static int print_prog(uint32_t id, int all)
{
	union bpf_attr attr;
	memset(&attr, 0, sizeof(attr));
	attr.prog_id = id;
	int fd = (int)sys_bpf(BPF_PROG_GET_FD_BY_ID, &attr);
	if (fd < 0)
		return -1;
	struct bpf_prog_info info;
	memset(&info, 0, sizeof(info));
	memset(&attr, 0, sizeof(attr));
	attr.info.bpf_fd = (uint32_t)fd;
	attr.info.info_len = sizeof(info);
	attr.info.info = (uint64_t)(uintptr_t)&info;
	long rc = sys_bpf(BPF_OBJ_GET_INFO_BY_FD, &attr);
	close(fd);
	if (rc != 0)
		return -1;
	if (!all && info.type != BPF_PROG_TYPE_STRUCT_OPS)
		return 0;
	printf("prog id=%u type=%u name=%s verified_insns=%u run_cnt=%llu run_time_ns=%llu\n", info.id, info.type,
	       info.name[0] ? info.name : "-", info.verified_insns, (unsigned long long)info.run_cnt,
	       (unsigned long long)info.run_time_ns);
	return 0;
}

int main(int argc, char **argv)
{
	int all = argc == 2 && strcmp(argv[1], "--all") == 0;
	if (argc > 2 || (argc == 2 && !all)) {
		fprintf(stderr, "usage: scxx-bpfstat [--all]\n");
		return 2;
	}
	uint32_t id = 0;
	for (;;) {
		union bpf_attr attr;
		memset(&attr, 0, sizeof(attr));
		attr.start_id = id;
		if (sys_bpf(BPF_PROG_GET_NEXT_ID, &attr) != 0) {
			if (errno == ENOENT)
				return 0;
			fprintf(stderr, "scxx-bpfstat: BPF_PROG_GET_NEXT_ID: %s (run as root)\n", strerror(errno));
			return 1;
		}
		id = attr.next_id;
		print_prog(id, all);
	}
}
