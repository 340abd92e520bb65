/* tools/insns/bpf_insns_plugin.c: a QEMU TCG plugin that counts, for every call of a BPF program
 * made through a BPF trampoline (a scheduler's struct_ops callbacks: ops.dispatch, ops.enqueue, ...),
 * the guest instructions the calling vCPU executes from the trampoline's "enter" helper to its
 * "exit" helper: the program plus a fixed share of the helpers.
 *
 * Why instructions of the calling vCPU: under -icount a guest clock read before and after a call
 * also counts the turns other vCPUs took meanwhile (QEMU runs them one after another), so a call
 * that spans the end of a turn looks hundreds of microseconds long (docs/benchmarks.md). An
 * instruction count of the vCPU itself is what the call cost, whatever the others did.
 *
 * Waiting for a contended spinlock is not the call's code: under multi-threaded TCG on an
 * oversubscribed host a vCPU holding a lock may not run for a while (lock-holder preemption), and
 * the vCPUs waiting for it spin meanwhile (measured: `simple`'s one-kfunc ops.dispatch at 40,000
 * instructions at p99 under messaging, 18x its median). Blocks that start inside the spinlock slow
 * paths (spin=START-END ranges) are counted apart: a call's figure is its instructions outside
 * them, and the instructions inside are summed per program (`spin=`).
 *
 * Needs multi-threaded TCG (-accel tcg,thread=multi; no -icount). With one thread for all vCPUs,
 * QEMU 10.0 hands callbacks the index of the vCPU that translated the block, not of the one running
 * it (blocks are shared): measured, 4 in 5 calls were filed under the wrong vCPU. Each hook
 * therefore also reads the guest's GS base (the kernel's per-CPU area, one per CPU) and counts a
 * call whose vCPU index disagrees with it as `cpu_mismatches`; the host refuses such a report.
 * The hot struct_ops callbacks (select_cpu, enqueue, dispatch, running, stopping, tick, ...) run with
 * interrupts off, under the run-queue or pi lock or in the tick, so their count holds nothing but the
 * call. Others may be interrupted (init_task on the fork path, exit_task), and a sleepable program
 * (ops.init, cgroup callbacks) may sleep: their counts then include what ran meanwhile on that vCPU.
 * A call made inside another (a program traced by fentry) is counted in both.
 *
 * How. Every translated block adds its instruction count to a per-vCPU counter (a callback per
 * block: QEMU 10.0's inline per-vCPU add corrupted the guest under -icount, which oopsed early in
 * boot, so the plugin does not use inline ops). The first instruction of each enter and exit
 * helper (exactly the symbol's address: a block starting a few bytes later is a return from a call
 * the helper made, not an entry) gets a callback that reads rdi, the helpers' first argument
 * (struct bpf_prog *), and from guest memory prog->aux and aux->id (the program's id, never reused
 * within a boot) and, on first sight, aux->name. An enter pushes (prog, id, counter) on the vCPU's
 * stack; the exit of the same prog pops it and records the counter's difference for that id.
 *
 * Runs. The guest marks where a measured run begins and ends (tools/vm/workloads/scxx-mark.c):
 * CPUID with eax = SCXX_MARK_MAGIC and ebx = the run's number (0: between runs). Every CPUID
 * instruction gets a callback that looks for that eax; a call is filed under the mark current when
 * it ends. CPUID is what a user program can execute that QEMU sees and the kernel does not (no
 * exit to a hypervisor under TCG, no system call).
 *
 * Arguments (-plugin PATH,ARG=VALUE,...):
 *   enter=ADDR, exit=ADDR   helper addresses (hex; repeatable, at most 8 each): __bpf_prog_enter*,
 *                           __bpf_prog_exit* from the guest's /proc/kallsyms, booted with nokaslr
 *   spin=START-END          a spinlock slow path (hex addresses, end exclusive; repeatable, at most 8)
 *   aux_off=, id_off=, name_off=OFF  byte offsets of bpf_prog.aux, bpf_prog_aux.id, bpf_prog_aux.name
 *                           (from the kernel's BTF)
 *   out=PATH                the report, written when QEMU exits (PATH.part, then renamed; format:
 *                           tools/benchmark/insns.py)
 */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qemu_plugin_abi.h"

#define EXPORT __attribute__((visibility("default")))

EXPORT int qemu_plugin_version = SCXX_QEMU_PLUGIN_API_VERSION;

#define MAX_HOOKS 8
#define MAX_DEPTH 8   /* nested trampoline calls per vCPU (a program traced by another) */
#define NAME_LEN 16   /* BPF_OBJ_NAME_LEN */
#define SCXX_MARK_MAGIC 0x53435858u /* "SCXX"; must match tools/vm/workloads/scxx-mark.c */

enum hook_kind { HOOK_ENTER, HOOK_EXIT };

struct frame {
	uint64_t prog;
	uint64_t aux;
	uint64_t start;
	uint64_t spin_start;
	uint32_t id;
};

struct vcpu {
	uint64_t insns; /* instructions of the blocks this vCPU entered */
	uint64_t spin;  /* of those, in blocks inside the spinlock slow paths */
	struct qemu_plugin_register *rdi, *rax, *rbx, *gs_base;
	uint64_t cpu_gs; /* the guest's GS base the first time a hook ran here (kernel mode) */
	GByteArray *buf;
	struct frame stack[MAX_DEPTH];
	int depth;
};

struct prog {
	uint32_t mark;
	uint32_t id;
	char name[NAME_LEN + 1];
	uint64_t spin;   /* instructions its calls spent in the spinlock slow paths */
	uint32_t *samples; /* each call's instructions outside them */
	size_t n, cap;
};

static uint64_t enter_addr[MAX_HOOKS], exit_addr[MAX_HOOKS], spin_start[MAX_HOOKS], spin_end[MAX_HOOKS];
static int n_enter, n_exit, n_spin;
static uint64_t off_aux, off_id, off_name;
static const char *out_path;
static bool have_aux, have_id, have_name;

static struct vcpu *vcpus;
static int max_vcpus;

static struct prog *progs;
static size_t n_progs, cap_progs;
static uint32_t mark;     /* the run now measured (0: none); one for the machine */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER; /* progs and the counters below */

/* what went wrong, reported in the file's first line: the host side refuses a run with problems */
static uint64_t marks, enters, exits, lost_exits, orphan_exits, overflows, read_failures, no_register,
	oom, cpu_mismatches;

static void count(uint64_t *counter)
{
	__atomic_fetch_add(counter, 1, __ATOMIC_RELAXED);
}

static bool parse_u64(const char *s, uint64_t *v)
{
	char *end;

	errno = 0;
	*v = strtoull(s, &end, 0);
	return errno == 0 && end != s && *end == '\0';
}

static bool read_guest(struct vcpu *v, uint64_t addr, void *dst, size_t len)
{
	g_byte_array_set_size(v->buf, 0);
	if (!qemu_plugin_read_memory_vaddr(addr, v->buf, len) || v->buf->len < len) {
		count(&read_failures);
		return false;
	}
	memcpy(dst, v->buf->data, len);
	return true;
}

static bool read_reg(struct vcpu *v, struct qemu_plugin_register *reg, uint64_t *val)
{
	if (!reg) {
		count(&no_register);
		return false;
	}
	g_byte_array_set_size(v->buf, 0);
	if (qemu_plugin_read_register(reg, v->buf) < 8 || v->buf->len < 8) {
		count(&read_failures);
		return false;
	}
	memcpy(val, v->buf->data, 8);
	return true;
}

static struct prog *find_prog(uint32_t run, uint32_t id)
{
	/* newest first: the current run's programs were added last */
	for (size_t i = n_progs; i-- > 0;)
		if (progs[i].id == id && progs[i].mark == run)
			return &progs[i];
	return NULL;
}

static struct prog *add_prog(struct vcpu *v, uint32_t run, uint32_t id, uint64_t aux)
{
	struct prog *p;
	char name[NAME_LEN];

	if (n_progs == cap_progs) {
		size_t cap = cap_progs ? 2 * cap_progs : 32;
		struct prog *grown = realloc(progs, cap * sizeof(*grown));

		if (!grown) {
			count(&oom);
			return NULL;
		}
		progs = grown;
		cap_progs = cap;
	}
	p = &progs[n_progs++];
	memset(p, 0, sizeof(*p));
	p->mark = run;
	p->id = id;
	if (read_guest(v, aux + off_name, name, sizeof(name))) {
		for (size_t i = 0; i < NAME_LEN && name[i]; i++)
			p->name[i] = (name[i] > ' ' && name[i] < 127) ? name[i] : '?';
	}
	if (!p->name[0])
		strcpy(p->name, "?");
	return p;
}

static void record_locked(struct vcpu *v, uint32_t run, uint32_t id, uint64_t aux, uint64_t insns, uint64_t spin)
{
	struct prog *p = find_prog(run, id);

	if (!p && !(p = add_prog(v, run, id, aux)))
		return;
	if (p->n == p->cap) {
		size_t cap = p->cap ? 2 * p->cap : 1024;
		uint32_t *grown = realloc(p->samples, cap * sizeof(*grown));

		if (!grown) {
			count(&oom);
			return;
		}
		p->samples = grown;
		p->cap = cap;
	}
	p->samples[p->n++] = insns > UINT32_MAX ? UINT32_MAX : (uint32_t)insns;
	p->spin += spin;
}

static void record(struct vcpu *v, uint32_t id, uint64_t aux, uint64_t insns, uint64_t spin)
{
	uint32_t run = __atomic_load_n(&mark, __ATOMIC_RELAXED);

	pthread_mutex_lock(&lock);
	record_locked(v, run, id, aux, insns, spin);
	pthread_mutex_unlock(&lock);
}

/* Is this hook running where the vCPU index says? (the GS base of a CPU never changes in kernel
 * mode, where every hook runs) */
static bool on_own_cpu(struct vcpu *v)
{
	uint64_t gs;

	if (!read_reg(v, v->gs_base, &gs))
		return false;
	if (!v->cpu_gs)
		v->cpu_gs = gs;
	if (gs == v->cpu_gs)
		return true;
	count(&cpu_mismatches);
	return false;
}

static void on_hook(unsigned int vcpu_index, void *udata)
{
	enum hook_kind kind = (enum hook_kind)(uintptr_t)udata;
	struct vcpu *v;
	uint64_t prog, aux, now, spin;
	uint32_t id;

	if ((int)vcpu_index >= max_vcpus)
		return;
	v = &vcpus[vcpu_index];
	now = v->insns;
	if (!on_own_cpu(v) || !read_reg(v, v->rdi, &prog))
		return;
	if (kind == HOOK_ENTER) {
		count(&enters);
		if (v->depth == MAX_DEPTH) {
			count(&overflows);
			return;
		}
		if (!read_guest(v, prog + off_aux, &aux, sizeof(aux)) ||
		    !read_guest(v, aux + off_id, &id, sizeof(id)))
			return;
		v->stack[v->depth++] = (struct frame){ .prog = prog, .aux = aux, .start = now, .spin_start = v->spin,
							.id = id };
		return;
	}
	/* an exit: pop to the frame of this prog (frames above it never saw their exit: count them) */
	for (int d = v->depth - 1; d >= 0; d--) {
		if (v->stack[d].prog != prog)
			continue;
		if (d != v->depth - 1)
			__atomic_fetch_add(&lost_exits, (uint64_t)(v->depth - 1 - d), __ATOMIC_RELAXED);
		v->depth = d;
		count(&exits);
		spin = v->spin - v->stack[d].spin_start;
		record(v, v->stack[d].id, v->stack[d].aux, now - v->stack[d].start - spin, spin);
		return;
	}
	/* no frame: the exit of a call whose enter could not be read; counted for the report */
	count(&orphan_exits);
}

static void on_cpuid(unsigned int vcpu_index, void *udata)
{
	uint64_t rax, rbx;
	struct vcpu *v;

	(void)udata;
	if ((int)vcpu_index >= max_vcpus)
		return;
	v = &vcpus[vcpu_index];
	if (!read_reg(v, v->rax, &rax) || (uint32_t)rax != SCXX_MARK_MAGIC || !read_reg(v, v->rbx, &rbx))
		return;
	__atomic_store_n(&mark, (uint32_t)rbx, __ATOMIC_RELAXED);
	count(&marks);
}

static void on_block(unsigned int vcpu_index, void *udata)
{
	if ((int)vcpu_index < max_vcpus)
		vcpus[vcpu_index].insns += (uintptr_t)udata;
}

static void on_spin_block(unsigned int vcpu_index, void *udata)
{
	if ((int)vcpu_index < max_vcpus) {
		vcpus[vcpu_index].insns += (uintptr_t)udata;
		vcpus[vcpu_index].spin += (uintptr_t)udata;
	}
}

static bool in_spin_path(uint64_t pc)
{
	for (int i = 0; i < n_spin; i++)
		if (pc >= spin_start[i] && pc < spin_end[i])
			return true;
	return false;
}

static bool is_one_of(uint64_t pc, const uint64_t *addrs, int n)
{
	for (int i = 0; i < n; i++)
		if (pc == addrs[i])
			return true;
	return false;
}

static void on_translate(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
	size_t n = qemu_plugin_tb_n_insns(tb);

	(void)id;
	qemu_plugin_register_vcpu_tb_exec_cb(tb, in_spin_path(qemu_plugin_tb_vaddr(tb)) ? on_spin_block : on_block,
					     QEMU_PLUGIN_CB_NO_REGS, (void *)(uintptr_t)n);
	for (size_t i = 0; i < n; i++) {
		struct qemu_plugin_insn *insn = qemu_plugin_tb_get_insn(tb, i);
		uint64_t pc = qemu_plugin_insn_vaddr(insn);
		uint8_t op[2];

		if (is_one_of(pc, enter_addr, n_enter))
			qemu_plugin_register_vcpu_insn_exec_cb(insn, on_hook, QEMU_PLUGIN_CB_R_REGS,
							       (void *)(uintptr_t)HOOK_ENTER);
		else if (is_one_of(pc, exit_addr, n_exit))
			qemu_plugin_register_vcpu_insn_exec_cb(insn, on_hook, QEMU_PLUGIN_CB_R_REGS,
							       (void *)(uintptr_t)HOOK_EXIT);
		else if (qemu_plugin_insn_data(insn, op, sizeof(op)) == 2 && op[0] == 0x0f && op[1] == 0xa2)
			qemu_plugin_register_vcpu_insn_exec_cb(insn, on_cpuid, QEMU_PLUGIN_CB_R_REGS, NULL);
	}
}

static void on_vcpu_init(qemu_plugin_id_t id, unsigned int vcpu_index)
{
	struct vcpu *v;
	GArray *regs;

	(void)id;
	if ((int)vcpu_index >= max_vcpus)
		return;
	v = &vcpus[vcpu_index];
	v->buf = g_byte_array_new();
	regs = qemu_plugin_get_registers();
	if (!regs)
		return;
	for (unsigned int i = 0; i < regs->len; i++) {
		qemu_plugin_reg_descriptor *r = &((qemu_plugin_reg_descriptor *)regs->data)[i];

		if (!r->name)
			continue;
		if (strcmp(r->name, "rdi") == 0)
			v->rdi = r->handle;
		else if (strcmp(r->name, "rax") == 0)
			v->rax = r->handle;
		else if (strcmp(r->name, "rbx") == 0)
			v->rbx = r->handle;
		else if (strcmp(r->name, "gs_base") == 0)
			v->gs_base = r->handle;
	}
	g_array_free(regs, 1);
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return (x > y) - (x < y);
}

static void write_report(qemu_plugin_id_t id, void *udata)
{
	char tmp[4096];
	FILE *f;
	int n = snprintf(tmp, sizeof(tmp), "%s.part", out_path);

	(void)id;
	(void)udata;
	if (n < 0 || (size_t)n >= sizeof(tmp) || !(f = fopen(tmp, "w"))) {
		fprintf(stderr, "bpf-insns: cannot write %s.part: %s\n", out_path, strerror(errno));
		return;
	}
	pthread_mutex_lock(&lock);
	fprintf(f, "bpf-insns v1 marks=%" PRIu64 " enters=%" PRIu64 " exits=%" PRIu64 " lost_exits=%" PRIu64
		   " orphan_exits=%" PRIu64 " overflows=%" PRIu64 " read_failures=%" PRIu64
		   " no_register=%" PRIu64 " oom=%" PRIu64 " cpu_mismatches=%" PRIu64 "\n",
		marks, enters, exits, lost_exits, orphan_exits, overflows, read_failures, no_register, oom,
		cpu_mismatches);
	/* per program and run, its calls as a histogram: "value:count" pairs in increasing value */
	for (size_t i = 0; i < n_progs; i++) {
		struct prog *p = &progs[i];

		qsort(p->samples, p->n, sizeof(*p->samples), cmp_u32);
		fprintf(f, "prog mark=%u id=%u name=%s calls=%zu spin=%" PRIu64 " hist=", p->mark, p->id, p->name, p->n,
			p->spin);
		for (size_t j = 0; j < p->n;) {
			size_t k = j;

			while (k < p->n && p->samples[k] == p->samples[j])
				k++;
			fprintf(f, "%s%u:%zu", j ? "," : "", p->samples[j], k - j);
			j = k;
		}
		fputc('\n', f);
	}
	/* the host refuses a report without this line: QEMU was killed while writing it */
	fprintf(f, "end progs=%zu\n", n_progs);
	pthread_mutex_unlock(&lock);
	if (fclose(f) || rename(tmp, out_path))
		fprintf(stderr, "bpf-insns: writing %s failed: %s\n", out_path, strerror(errno));
}

static int usage(const char *why, const char *arg)
{
	fprintf(stderr, "bpf-insns: %s%s%s (arguments: enter=ADDR exit=ADDR [spin=START-END] aux_off=OFF id_off=OFF name_off=OFF out=PATH)\n",
		why, arg ? ": " : "", arg ? arg : "");
	return -1;
}

EXPORT int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info, int argc, char **argv)
{
	if (info->version.min > SCXX_QEMU_PLUGIN_API_VERSION || info->version.cur < SCXX_QEMU_PLUGIN_API_VERSION)
		return usage("this QEMU does not offer plugin API version 4 (QEMU 10.0 does)", NULL);
	if (!info->system_emulation || strcmp(info->target_name, "x86_64") != 0)
		return usage("needs qemu-system-x86_64", info->target_name);
	for (int i = 0; i < argc; i++) {
		char *eq = strchr(argv[i], '=');
		const char *key = argv[i], *val = eq ? eq + 1 : "";
		size_t klen = eq ? (size_t)(eq - argv[i]) : strlen(argv[i]);
		uint64_t v = 0;

		if (klen == 3 && strncmp(key, "out", 3) == 0) {
			out_path = val;
			continue;
		}
		if (klen == 4 && strncmp(key, "spin", 4) == 0) {
			char start[32];
			const char *dash = strchr(val, '-');
			uint64_t end;

			if (!dash || (size_t)(dash - val) >= sizeof(start) || n_spin == MAX_HOOKS)
				return usage("spin=START-END, at most 8", argv[i]);
			memcpy(start, val, (size_t)(dash - val));
			start[dash - val] = '\0';
			if (!parse_u64(start, &v) || !parse_u64(dash + 1, &end) || end <= v)
				return usage("spin=START-END with START < END", argv[i]);
			spin_start[n_spin] = v;
			spin_end[n_spin++] = end;
			continue;
		}
		if (!parse_u64(val, &v))
			return usage("not a number", argv[i]);
		if (klen == 5 && strncmp(key, "enter", 5) == 0 && n_enter < MAX_HOOKS)
			enter_addr[n_enter++] = v;
		else if (klen == 4 && strncmp(key, "exit", 4) == 0 && n_exit < MAX_HOOKS)
			exit_addr[n_exit++] = v;
		else if (klen == 7 && strncmp(key, "aux_off", 7) == 0)
			off_aux = v, have_aux = true;
		else if (klen == 6 && strncmp(key, "id_off", 6) == 0)
			off_id = v, have_id = true;
		else if (klen == 8 && strncmp(key, "name_off", 8) == 0)
			off_name = v, have_name = true;
		else
			return usage("unknown or repeated too often", argv[i]);
	}
	if (!out_path || !*out_path || !n_enter || !n_exit || !have_aux || !have_id || !have_name)
		return usage("missing argument", NULL);
	max_vcpus = info->system.max_vcpus;
	vcpus = calloc((size_t)max_vcpus, sizeof(*vcpus));
	if (!vcpus)
		return usage("out of memory", NULL);
	qemu_plugin_register_vcpu_init_cb(id, on_vcpu_init);
	qemu_plugin_register_vcpu_tb_trans_cb(id, on_translate);
	qemu_plugin_register_atexit_cb(id, write_report, NULL);
	return 0;
}
