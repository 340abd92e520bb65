// schedulers/simple/simple.cpp: the user-space half of `simple`: its options, how they become
// rodata before load, its stats, and its registration. Copy this with the folder.
#include <memory>
#include <optional>

#include "scxx/bpf_maps.hpp"
#include "scxx/kernel_btf.hpp"
#include "scxx/registry.hpp"
#include "scxx/scheduler.hpp"

#include "intf.h"
#include "simple.skel.h"
#include "simple_defaults.hpp"

namespace {

using scxx::Result;

class SimpleScheduler final : public scxx::Scheduler {
public:
    Result<void> attach(const scxx::SchedulerContext& ctx) override {
        auto configure = [&](simple_bpf* skel) -> Result<void> {
            int64_t slice_us = ctx.config.at("slice-us").get<int64_t>();
            uint64_t slice_ns = static_cast<uint64_t>(slice_us) * 1000;
            if (slice_us == 0) {  // the kernel's default slice, read from its BTF (a raw load leaves 0)
                auto btf = scxx::KernelBtf::load();
                if (!btf) return scxx::fail(std::move(btf.error()));
                auto dfl = btf->enum_value("SCX_SLICE_DFL");
                if (!dfl) return scxx::fail(std::move(dfl.error()));
                slice_ns = static_cast<uint64_t>(*dfl);
            }
            skel->rodata->slice_ns = slice_ns;
            skel->rodata->fifo = ctx.config.at("fifo").get<bool>();
            skel->rodata->fail_after_ns = ctx.config.at("fail-after-ms").get<uint64_t>() * 1000000;
            skel->rodata->stall_after_ns = ctx.config.at("stall-after-ms").get<uint64_t>() * 1000000;
            slice_ns_ = slice_ns;
            return {};
        };
        auto attached = scxx::attach_skeleton<simple_bpf>(
            "simple", ctx, configure, [](simple_bpf* s) { return s->struct_ops.simple_ops; },
            [](simple_bpf* s) { return s->maps.simple_ops; });
        if (!attached) return scxx::fail(std::move(attached.error()));
        sched_.emplace(std::move(*attached));
        return {};
    }

    std::vector<std::string> banner() const override {
        return {"simple: slice " + std::to_string(slice_ns_ / 1000) + " us"};
    }

    scxx::ExitInfo exit_info() const override {
        return sched_ ? scxx::decode_exit_info(sched_->skel()->data->uei) : scxx::ExitInfo{};
    }

    void collect(scxx::Stats& stats) override {
        if (!sched_) return;
        auto sums = scxx::sum_percpu_u64(sched_->skel()->maps.stats, SIMPLE_NR_STATS);
        if (!sums) return;
        stats.counter("local", (*sums)[SIMPLE_STAT_LOCAL]);
        stats.counter("global", (*sums)[SIMPLE_STAT_GLOBAL]);
        stats.counter("dispatched", (*sums)[SIMPLE_STAT_DISPATCH]);
    }

    scxx::ExitInfo detach() override {
        if (!sched_) return {};
        sched_->detach();
        return exit_info();
    }

private:
    std::optional<scxx::Attached<simple_bpf>> sched_;
    uint64_t slice_ns_ = 0;
};

const scxx::Registrar registrar{scxx::SchedulerEntry{
    .name = "simple",
    .description = "global vtime scheduler: the minimal template to copy",
    .options =
        {
            scxx::int_option("slice-us", "time slice in microseconds (0 = the kernel's SCX_SLICE_DFL)", 0, 1000000),
            scxx::flag_option("fifo", "FIFO order instead of weighted vtime"),
            scxx::int_option("fail-after-ms", "test only: eject with scx_bpf_error after this many ms (0 = never)", 0,
                             3600000),
            scxx::int_option("stall-after-ms",
                             "test only: stop dispatching after this many ms so the watchdog ejects (0 = never)", 0,
                             3600000),
        },
    .defaults_json = std::string(simple_defaults_json),
    .create = [] { return std::make_unique<SimpleScheduler>(); },
}};

}  // namespace
