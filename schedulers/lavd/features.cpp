// schedulers/lavd/features.cpp: the optional-feature decision (see features.hpp).
#include "features.hpp"

#include <fmt/format.h>

namespace lavd {

Features decide_features(const Settings& set, const KernelOffers& kernel) {
    Features f;
    f.futex = !set.no_futex_boost;
    f.freq = !set.no_freq_scaling;
    if (set.no_futex_boost) f.notes.push_back("lavd: futex boost off (--no-futex-boost)");
    if (!kernel.btf_error.empty()) {
        if (f.futex || f.freq)
            f.notes.push_back("lavd: feature off: futex boost and frequency targets (cannot read kernel BTF: " +
                              kernel.btf_error + ")");
        f.futex = f.freq = false;
        return f;
    }
    if (f.futex)
        for (const char* fn : kFutexFuncs)
            if (!kernel.has_func(fn)) {
                f.notes.push_back(fmt::format("lavd: feature off: futex boost (kernel BTF has no {})", fn));
                f.futex = false;
                break;
            }
    if (f.freq && !kernel.has_func("scx_bpf_cpuperf_set")) {
        f.notes.push_back("lavd: feature off: CPU frequency targets (kernel has no scx_bpf_cpuperf_set)");
        f.freq = false;
    }
    if (f.freq && !kernel.cpufreq)
        f.notes.push_back("lavd: no cpufreq driver: frequency targets are set but have no effect");
    // Paths the BPF code skips by itself (bpf_ksym_exists) on kernels without the kfunc: said here.
    if (!set.no_preemption && !kernel.has_func("scx_bpf_dsq_peek"))
        f.notes.push_back(set.per_cpu_dsq ? "lavd: feature off: tick-time yield to an earlier deadline, and serving "
                                            "the domain's earliest deadline across the per-CPU queues (kernel has "
                                            "no scx_bpf_dsq_peek; a CPU takes another's tasks only when its own "
                                            "queue is empty)"
                                          : "lavd: feature off: tick-time yield to an earlier deadline (kernel has "
                                            "no scx_bpf_dsq_peek)");
    if (!kernel.has_func("scx_bpf_select_cpu_and"))
        f.notes.push_back("lavd: feature off: the kernel's idle-CPU search (kernel has no scx_bpf_select_cpu_and; "
                          "lavd's own search is used)");
    return f;
}

}  // namespace lavd
