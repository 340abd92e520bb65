// scxx-killwhen: SIGKILL a process in the middle of loading its BPF scheduler, and say which phase
// the kill hit. tests/vm/runner-kill.sh kills scx-run with it before the scheduler is enabled.
// A shell loop is too slow for this under TCG (a fork per poll); this polls every 0.5 ms.
//
//   scxx-killwhen PID PROGS TIMEOUT_MS
//       polls /proc/PID/fd (the anon inodes bpf-map, bpf-prog, bpf_link) and
//       /sys/kernel/sched_ext/state; sends SIGKILL as soon as PID holds at least PROGS BPF
//       programs, or the state is "enabling" or "enabled" (the kernel is enabling a scheduler),
//       whichever comes first; then prints
//       "scxx-killwhen: pid=PID phase=PHASE maps=M progs=P links=L state=STATE state_after_kill=S
//        after_ms=T" (the counts and STATE as seen just before the kill)
//       PHASE: "loading" (PROGS programs loaded, state still disabled), "enabling" (the attach
//       had begun), "enabled" (too late: the scheduler was enabled before the kill).
// Exit status: 0 when the kill came before the scheduler was enabled; 1 when it came too late,
// or PID exited or TIMEOUT_MS passed first (nothing killed then); 2 on bad usage.
#define _GNU_SOURCE
#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct fds {
	int maps, progs, links;
};

// Counts PID's BPF file descriptors; -1 when PID is gone.
static int count_fds(const char *fd_dir, struct fds *out)
{
	DIR *d = opendir(fd_dir);
	if (!d)
		return -1;
	memset(out, 0, sizeof(*out));
	struct dirent *e;
	char path[512], target[128];
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", fd_dir, e->d_name);
		ssize_t n = readlink(path, target, sizeof(target) - 1);
		if (n <= 0)
			continue;
		target[n] = '\0';
		if (strcmp(target, "anon_inode:bpf-map") == 0)
			out->maps++;
		else if (strcmp(target, "anon_inode:bpf-prog") == 0)
			out->progs++;
		else if (strcmp(target, "anon_inode:bpf_link") == 0)
			out->links++;
	}
	closedir(d);
	return 0;
}

// The sched_ext state ("disabled", "enabling", "enabled", ...) into buf.
static void read_state(char *buf, size_t size)
{
	snprintf(buf, size, "missing");
	FILE *f = fopen("/sys/kernel/sched_ext/state", "r");
	if (!f)
		return;
	if (fgets(buf, (int)size, f))
		buf[strcspn(buf, "\n")] = '\0';
	fclose(f);
}

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

int main(int argc, char **argv)
{
	if (argc != 4) {
		fprintf(stderr, "usage: scxx-killwhen PID PROGS TIMEOUT_MS\n");
		return 2;
	}
	int pid = atoi(argv[1]), want = atoi(argv[2]), timeout_ms = atoi(argv[3]);
	if (pid <= 0 || want <= 0 || timeout_ms <= 0) {
		fprintf(stderr, "scxx-killwhen: PID, PROGS and TIMEOUT_MS must be positive\n");
		return 2;
	}
	char fd_dir[64], state[64];
	snprintf(fd_dir, sizeof(fd_dir), "/proc/%d/fd", pid);
	const double t0 = now_ms();
	struct fds f;
	for (;;) {
		if (count_fds(fd_dir, &f) != 0) {
			printf("scxx-killwhen: pid=%d exited before the kill (after_ms=%.0f)\n", pid, now_ms() - t0);
			return 1;
		}
		read_state(state, sizeof(state));
		if (f.progs >= want || strcmp(state, "enabling") == 0 || strcmp(state, "enabled") == 0)
			break;
		if (now_ms() - t0 > timeout_ms) {
			printf("scxx-killwhen: pid=%d timeout after %d ms: maps=%d progs=%d state=%s\n", pid, timeout_ms,
			       f.maps, f.progs, state);
			return 1;
		}
		usleep(500);
	}
	kill(pid, SIGKILL);
	char after[64];
	read_state(after, sizeof(after));
	const char *phase = strcmp(state, "disabled") == 0 ? "loading"
			    : strcmp(state, "enabled") == 0 ? "enabled"
							    : "enabling";
	printf("scxx-killwhen: pid=%d phase=%s maps=%d progs=%d links=%d state=%s state_after_kill=%s after_ms=%.0f\n",
	       pid, phase, f.maps, f.progs, f.links, state, after, now_ms() - t0);
	return strcmp(phase, "enabled") == 0 ? 1 : 0;
}
