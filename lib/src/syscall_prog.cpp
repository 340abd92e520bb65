// syscall_prog.cpp: run_syscall_until_done() (BPF_PROG_TEST_RUN of a SEC("syscall") program).
#include "scxx/syscall_prog.hpp"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include <cerrno>
#include <chrono>
#include <thread>

#include <fmt/format.h>

namespace scxx {

Result<void> run_syscall_until_done(bpf_program* prog, const std::string& what, unsigned max_runs) {
    if (!prog || bpf_program__fd(prog) < 0) return fail(EINVAL, what + ": the syscall program is not loaded");
    int last = 0;
    for (unsigned run = 0; run < max_runs; ++run) {
        LIBBPF_OPTS(bpf_test_run_opts, opts);
        if (bpf_prog_test_run_opts(bpf_program__fd(prog), &opts))
            return fail(errno, fmt::format("{}: running {} failed", what, bpf_program__name(prog)));
        last = static_cast<int>(opts.retval);
        if (last == 0) return {};
        if (last < 0) return fail(-last, fmt::format("{}: {} returned {}", what, bpf_program__name(prog), last));
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    return fail(ENOMEM, fmt::format("{}: {} still had {} left after {} runs (the kernel's BPF allocator is short of "
                                    "memory)",
                                    what, bpf_program__name(prog), last, max_runs));
}

}  // namespace scxx
