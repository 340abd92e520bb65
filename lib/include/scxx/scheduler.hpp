// scxx/scheduler.hpp: what the runner drives. A Scheduler is attached with a SchedulerContext (the
// topology, the validated options, the environment) and then polled, asked for stats and its exit
// record, and detached. Schedulers built on a BPF skeleton derive from SkeletonScheduler
// (scxx/skeleton_scheduler.hpp), which implements the lifecycle; this interface is for the runner.
#pragma once

#include <cstdint>
#include <filesystem>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "scxx/exit_info.hpp"
#include "scxx/kernel_btf.hpp"
#include "scxx/options.hpp"
#include "scxx/result.hpp"

struct bpf_object;
#include "scxx/stats.hpp"
#include "scxx/topology.hpp"

namespace scxx {

// The machine a scheduler runs on, as the runner sees it. Schedulers read the kernel and sysfs
// only through this (tests point `root` at fixture trees); their output lines go to `out`.
struct Environment {
    std::filesystem::path root = "/";  // sysfs and procfs are read under it
    const KernelBtf* btf = nullptr;    // the running kernel's BTF, loaded once by the runner
    std::ostream* out = nullptr;       // the runner's output stream, for a scheduler's own output lines
                                       // (lavd's --monitor); warnings go through scxx::log

    // root/sys/<rel>, e.g. sys("devices/system/cpu/cpufreq/policy0").
    std::filesystem::path sys(const std::string& rel) const { return root / "sys" / rel; }
    // An enumerator of the kernel's BTF (e.g. SCX_SLICE_DFL, which a raw object load leaves 0).
    Result<int64_t> kernel_enum(std::string_view enumerator) const {
        if (!btf) return fail(ENOENT, "the kernel's BTF is not loaded (needed for " + std::string(enumerator) + ")");
        return btf->enum_value(enumerator);
    }
};

// Everything one attach needs, valid for the attach() call; the Environment's pointees (BTF, output
// stream) must outlive the scheduler.
struct SchedulerContext {
    std::string name;                    // the registered name ("lavd")
    const Topology& topology;
    const Config& config;                // every declared option, validated
    const Environment& env;
    unsigned timeout_ms = 0;             // ops.timeout_ms (0 = kernel default)
    bool partial = false;                // SCX_OPS_SWITCH_PARTIAL: only SCHED_EXT tasks
    uint64_t hotplug_seq = 0;            // /sys/kernel/sched_ext/hotplug_seq read before the topology
    std::filesystem::path verifier_log;  // where to write the verifier log on a rejection
};

class Scheduler {
public:
    virtual ~Scheduler() = default;

    // Everything before the scheduler goes live: open, configure, load (the verifier), extra
    // programs. The runner loads a scheduler it switches to while the previous one still runs, so
    // the gap on the default scheduler is only the detach and enable(). On error nothing stays loaded.
    virtual Result<void> load(const SchedulerContext& ctx) = 0;
    // Goes live (the struct_ops link). On error nothing stays attached or loaded.
    virtual Result<void> enable() { return {}; }
    // load() then enable().
    Result<void> attach(const SchedulerContext& ctx) {
        if (auto r = load(ctx); !r) return r;
        return enable();
    }
    // Changes the live options `changed` together while attached; `config` is the whole new config,
    // each value already checked against its declaration (the cross-option checks run here, on the
    // final config only). On error nothing changed.
    virtual Result<void> set_live(const std::vector<const OptionDecl*>& changed, const Config& config) {
        (void)config;
        return fail(ENOTSUP, "option --" + (changed.empty() ? std::string("?") : changed.front()->name) +
                                 " cannot change while attached");
    }
    // Lines printed once after attach (e.g. "Pairs: [0,2] [1,3]").
    virtual std::vector<std::string> banner() const { return {}; }
    // Called by the runner on every tick while attached, before it checks exit_info(): periodic
    // userspace work (reports, samples). Must return quickly; it shares the runner's event loop.
    virtual void poll() {}
    // Current exit record; exited() is false while the scheduler runs. No side effects.
    virtual ExitInfo exit_info() const = 0;
    // Publishes this scheduler's counters and gauges; an error (a failed map read) is shown in the
    // stats output by the runner.
    virtual Result<void> collect(Stats& stats) {
        (void)stats;
        return {};
    }
    // Destroys the struct_ops link first, then reads the exit record. Idempotent.
    virtual ExitInfo detach() = 0;
    // The BPF object while attached (its maps are what `scx-ctl maps` counts); none for a
    // scheduler without one.
    virtual const bpf_object* bpf_obj() const { return nullptr; }
};

}  // namespace scxx
