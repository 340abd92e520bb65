/* bpf-common/scxx/exit_info.h: the exit record a scheduler's ops.exit() fills and user space reads
 * after detach. Plain C, included by BPF programs and by C++ (lib/include/scxx/exit_info.hpp).
 * Field sizes are part of the ABI between our BPF objects and libscxx: change both together. */
#ifndef SCXX_EXIT_INFO_H
#define SCXX_EXIT_INFO_H

#define SCXX_EXIT_REASON_LEN 128
#define SCXX_EXIT_MSG_LEN 1024
/* The kernel's debug dump of an error exit (ops.exit_dump_len): CPUs, tasks, and what a scheduler's
 * ops.dump adds (none of ours has one yet). */
#define SCXX_EXIT_DUMP_LEN 16384

/* Exit-code bits defined by the kernel (enum scx_exit_code): the top bits ask the loader to act. */
#define SCXX_ECODE_RSN_HOTPLUG (1ULL << 32)
#define SCXX_ECODE_ACT_RESTART (1ULL << 48)

struct scxx_exit_info {
	int kind;               /* enum scx_exit_kind (scxx::ExitKind); 0 while the scheduler runs */
	int _pad;
	long long exit_code;
	char reason[SCXX_EXIT_REASON_LEN];
	char msg[SCXX_EXIT_MSG_LEN];
	char dump[SCXX_EXIT_DUMP_LEN];
};

#endif /* SCXX_EXIT_INFO_H */
