// scxx-bpfstat: per-program statistics of the loaded BPF programs, straight from the bpf() syscall
// (no libbpf, no bpftool in the image). tools/bench reads it before and after each workload for the
// scheduler's BPF cost, and after attach for the verifier's cost; tests/vm/runner-kill.sh counts
// the kernel's BPF objects before and after killed runners (--count). Built static by build-initramfs.
//
//   scxx-bpfstat [--all]
//       one line per program of type struct_ops (every sched_ext callback; --all: every type):
//       "prog id=ID type=TYPE name=NAME verified_insns=N run_cnt=N run_time_ns=N"
//       NAME is the kernel's copy (at most 15 characters). run_cnt and run_time_ns count only while
//       /proc/sys/kernel/bpf_stats_enabled is 1.
//   scxx-bpfstat --count
//       one line, the number of BPF objects loaded in the kernel, by ID iteration:
//       "progs=N struct_ops=N maps=N links=N btfs=N" (struct_ops: the programs of that type;
//       btfs counts the kernel's own vmlinux BTF too)
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

// Reads program `id`'s info; 0, or -1 when it cannot be read (it may have just gone).
static int prog_info(uint32_t id, struct bpf_prog_info *info)
{
	union bpf_attr attr;
	memset(&attr, 0, sizeof(attr));
	attr.prog_id = id;
	int fd = (int)sys_bpf(BPF_PROG_GET_FD_BY_ID, &attr);
	if (fd < 0)
		return -1;
	memset(info, 0, sizeof(*info));
	memset(&attr, 0, sizeof(attr));
	attr.info.bpf_fd = (uint32_t)fd;
	attr.info.info_len = sizeof(*info);
	attr.info.info = (uint64_t)(uintptr_t)info;
	long rc = sys_bpf(BPF_OBJ_GET_INFO_BY_FD, &attr);
	close(fd);
	return rc == 0 ? 0 : -1;
}

// Prints the program's line (struct_ops only unless `all`).
static void print_prog(uint32_t id, int all)
{
	struct bpf_prog_info info;
	if (prog_info(id, &info) != 0)
		return;
	if (!all && info.type != BPF_PROG_TYPE_STRUCT_OPS)
		return;
	printf("prog id=%u type=%u name=%s verified_insns=%u run_cnt=%llu run_time_ns=%llu\n", info.id, info.type,
	       info.name[0] ? info.name : "-", info.verified_insns, (unsigned long long)info.run_cnt,
	       (unsigned long long)info.run_time_ns);
}

// Is program `id` of type struct_ops? 0 when it is not or is gone.
static int is_struct_ops(uint32_t id)
{
	struct bpf_prog_info info;
	return prog_info(id, &info) == 0 && info.type == BPF_PROG_TYPE_STRUCT_OPS;
}

// The number of IDs `cmd` (a BPF_*_GET_NEXT_ID) walks through; -1 (message printed) on failure.
static long count_ids(int cmd, const char *what, long *struct_ops)
{
	long n = 0;
	uint32_t id = 0;
	for (;;) {
		union bpf_attr attr;
		memset(&attr, 0, sizeof(attr));
		attr.start_id = id;
		if (sys_bpf(cmd, &attr) != 0) {
			if (errno == ENOENT)
				return n;
			fprintf(stderr, "scxx-bpfstat: %s: %s (run as root)\n", what, strerror(errno));
			return -1;
		}
		id = attr.next_id;
		n++;
		if (struct_ops)
			*struct_ops += is_struct_ops(id);
	}
}

static int print_counts(void)
{
	long st_ops = 0;
	long progs = count_ids(BPF_PROG_GET_NEXT_ID, "BPF_PROG_GET_NEXT_ID", &st_ops);
	long maps = count_ids(BPF_MAP_GET_NEXT_ID, "BPF_MAP_GET_NEXT_ID", NULL);
	long links = count_ids(BPF_LINK_GET_NEXT_ID, "BPF_LINK_GET_NEXT_ID", NULL);
	long btfs = count_ids(BPF_BTF_GET_NEXT_ID, "BPF_BTF_GET_NEXT_ID", NULL);
	if (progs < 0 || maps < 0 || links < 0 || btfs < 0)
		return 1;
	printf("progs=%ld struct_ops=%ld maps=%ld links=%ld btfs=%ld\n", progs, st_ops, maps, links, btfs);
	return 0;
}

int main(int argc, char **argv)
{
	int all = argc == 2 && strcmp(argv[1], "--all") == 0;
	int count = argc == 2 && strcmp(argv[1], "--count") == 0;
	if (argc > 2 || (argc == 2 && !all && !count)) {
		fprintf(stderr, "usage: scxx-bpfstat [--all | --count]\n");
		return 2;
	}
	if (count)
		return print_counts();
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
