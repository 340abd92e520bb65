// scxx/syscall_prog.hpp: runs a scheduler's SEC("syscall") BPF program from user space (between load
// and attach), e.g. to allocate kptr cpumasks outside the scheduler's own callbacks.
#pragma once

#include <string>

#include "scxx/result.hpp"

struct bpf_program;

namespace scxx {

// Runs `prog` (a loaded SEC("syscall") program) until it returns 0, pausing 1 ms after each run that
// returns > 0 (work left that may succeed later: on PREEMPT_RT the BPF allocator refills its
// per-CPU free lists from a thread, so one run gets only a few objects). A negative return, a
// failed run, or still > 0 after `max_runs` runs is an error naming `what`. Give `max_runs` room
// for one object per run (the PREEMPT_RT worst case), e.g. 4 x the number of objects + 100.
Result<void> run_syscall_until_done(bpf_program* prog, const std::string& what, unsigned max_runs);

}  // namespace scxx
