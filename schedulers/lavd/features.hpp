// schedulers/lavd/features.hpp: which optional kernel features lavd uses (the futex lock-holder
// programs, CPU frequency targets), decided from what the running kernel offers: its BTF and its
// cpufreq sysfs, never its version; and a note for each path the BPF code skips by itself on a
// kernel without its kfunc. Pure: unit-testable with a made-up kernel.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "options.hpp"

namespace lavd {

// The kernel functions the futex programs attach to (fexit: the waits; fentry: the wakes).
inline constexpr const char* kFutexFuncs[] = {"futex_wait", "futex_lock_pi", "futex_wake", "futex_unlock_pi"};

struct KernelOffers {
    std::string btf_error;                              // non-empty: the kernel BTF could not be read
    std::function<bool(std::string_view)> has_func;     // a function (or kfunc) in the kernel BTF
    bool cpufreq = false;                               // a cpufreq policy exists
};

struct Features {
    bool futex = false;              // load and attach the futex programs
    bool freq = false;               // call scx_bpf_cpuperf_set
    std::vector<std::string> notes;  // one line per feature that is off or without effect, and why
};

Features decide_features(const Settings& set, const KernelOffers& kernel);

}  // namespace lavd
