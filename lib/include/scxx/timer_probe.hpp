// scxx/timer_probe.hpp: does the running kernel's verifier let BPF programs use bpf_timer? PREEMPT_RT
// kernels refuse it ("bpf_timer cannot be used for PREEMPT_RT"); a scheduler that needs periodic or
// delayed work then drives it from its own callbacks instead. Decided by loading a tiny program,
// never from the kernel version or its name.
#pragma once

#include "scxx/result.hpp"

namespace scxx {

// true: a program calling bpf_timer_init() on a map value's timer verifies; false: the verifier
// refused timers as such (EOPNOTSUPP). Any other failure (no privileges, no BPF) is an error.
Result<bool> probe_bpf_timers();

}  // namespace scxx
