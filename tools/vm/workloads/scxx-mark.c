// scxx-mark: tells tools/insns/bpf_insns_plugin.c (a QEMU plugin, when tools/bench --insns loaded
// one) which measured run the guest is in. Built static by build-initramfs.
//
//   scxx-mark N    N = 1..4294967295: the run numbered N begins; 0: no run (between runs)
//
// It executes CPUID with eax = "SCXX" and ebx = N: an instruction QEMU's plugin sees and that
// changes nothing in the guest (CPUID's results are discarded). Without the plugin it does nothing.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define SCXX_MARK_MAGIC 0x53435858u  // must match tools/insns/bpf_insns_plugin.c

int main(int argc, char **argv)
{
	char *end;
	unsigned long long n;
	uint32_t a = SCXX_MARK_MAGIC, b, c = 0, d = 0;

	if (argc != 2 || !*argv[1] || (n = strtoull(argv[1], &end, 10), *end) || n > UINT32_MAX) {
		fprintf(stderr, "scxx-mark: usage: scxx-mark N (N: a run number 0..4294967295)\n");
		return 2;
	}
	b = (uint32_t)n;
	__asm__ volatile("cpuid" : "+a"(a), "+b"(b), "+c"(c), "+d"(d) : : "memory");
	return 0;
}
