/* tools/build/bpf-link.c: scx-bpf-link OUT.o IN.o [IN.o ...]: links BPF object files into one with
 * the libbpf static linker of the libbpf we build against (>= 1.7). bpftool 7.5's bundled libbpf
 * 1.5 linker rejects a kfunc declared in more than one input ("failed to resolve size of
 * underlying type"), which every multi-file scheduler has; tools/build/bpf-build uses this instead
 * of `bpftool gen object`. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <bpf/libbpf.h>

int main(int argc, char **argv)
{
	struct bpf_linker *linker;
	int i, err;

	if (argc < 3) {
		fprintf(stderr, "usage: scx-bpf-link OUT.o IN.o [IN.o ...]\n");
		return 2;
	}
	linker = bpf_linker__new(argv[1], NULL);
	if (!linker) {
		fprintf(stderr, "scx-bpf-link: cannot create %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	for (i = 2; i < argc; i++) {
		err = bpf_linker__add_file(linker, argv[i], NULL);
		if (err) {
			fprintf(stderr, "scx-bpf-link: cannot link %s: %s\n", argv[i], strerror(-err));
			bpf_linker__free(linker);
			return 1;
		}
	}
	err = bpf_linker__finalize(linker);
	bpf_linker__free(linker);
	if (err) {
		fprintf(stderr, "scx-bpf-link: cannot write %s: %s\n", argv[1], strerror(-err));
		return 1;
	}
	return 0;
}
