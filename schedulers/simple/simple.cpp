// schedulers/simple/simple.cpp: the user-space half of `simple`, the template to copy: its settings
// and declared options (.rodata: fed straight into simple.bpf.c), the slice (the kernel's default
// when none is given), its stats, and its registration. The lifecycle is SkeletonScheduler's.
#include <fmt/format.h>

#include "scxx/bpf_maps.hpp"
#include "scxx/registry.hpp"
#include "scxx/skeleton_scheduler.hpp"

#include "intf.h"
#include "simple.skel.h"

namespace {

using namespace std::chrono_literals;

struct Settings {
    scxx::Duration slice{0};  // 0: the kernel's SCX_SLICE_DFL
    bool fifo = false;
    scxx::Duration fail_after{0}, stall_after{0};
    bool reject_init = false;
};

class Simple final : public scxx::SkeletonScheduler<Simple, simple_bpf, Settings> {
public:
    static scxx::OptionList<Settings> options() {
        scxx::OptionList<Settings> o;
        o.duration("slice-us", &Settings::slice, "us", 0us, 1s, "time slice (0 = the kernel's SCX_SLICE_DFL)").live();
        o.flag("fifo", &Settings::fifo, "FIFO order instead of weighted vtime").rodata("fifo");
        o.duration("fail-after-ms", &Settings::fail_after, "ms", 0ms, 1h, "eject with scx_bpf_error after this long")
            .rodata("fail_after_ns").test_only();
        o.duration("stall-after-ms", &Settings::stall_after, "ms", 0ms, 1h, "stop dispatching so the watchdog ejects")
            .rodata("stall_after_ns").test_only();
        o.flag("reject-init", &Settings::reject_init, "ops.init fails, so the kernel refuses the attach")
            .rodata("reject_init").test_only();
        return o;
    }
    std::vector<std::string> banner() const override { return {fmt::format("simple: slice {} us", slice_ns_ / 1000)}; }

protected:
    scxx::Result<void> configure(simple_bpf* skel) override { return set_slice(skel, settings()); }
    scxx::Result<void> apply_live(simple_bpf* skel, const Settings& next) override { return set_slice(skel, next); }
    scxx::Result<void> read_stats(simple_bpf* skel, scxx::Stats& stats) override {
        auto sums = scxx::sum_percpu_u64(skel->maps.stats, SIMPLE_NR_STATS);
        if (!sums) return scxx::fail(std::move(sums.error()));
        stats.counter("local", (*sums)[SIMPLE_STAT_LOCAL], "wake-ups onto an idle CPU, inserted straight into its local queue");
        stats.counter("global", (*sums)[SIMPLE_STAT_GLOBAL], "tasks queued on the shared dispatch queue");
        stats.counter("dispatched", (*sums)[SIMPLE_STAT_DISPATCH], "tasks moved from the shared queue to a CPU");
        return {};
    }

private:
    // The slice BPF uses: --slice-us, or the kernel's default for 0 (before load and live).
    scxx::Result<void> set_slice(simple_bpf* skel, const Settings& s) {
        auto ns = s.slice.count() ? s.slice.count() : env().kernel_enum("SCX_SLICE_DFL");
        if (!ns) return scxx::fail(std::move(ns.error()));
        skel->bss->slice_ns = slice_ns_ = static_cast<uint64_t>(*ns);
        return {};
    }
    uint64_t slice_ns_ = 0;
};

const scxx::Registrar registrar{scxx::scheduler_entry<Simple>("simple", "global vtime scheduler: the template to copy")};

}  // namespace
