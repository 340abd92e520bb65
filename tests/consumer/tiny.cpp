// tests/consumer/tiny.cpp: a custom scheduler binary using the installed libscxx: it registers its
// own scheduler and runs it with scxx::run_scheduler. `tiny-sched --self-test` (what the test runs on
// the host) checks the registration, the config path and that the BPF object opens.
#include <cstring>
#include <iostream>
#include <optional>

#include <scxx/registry.hpp>
#include <scxx/runner.hpp>
#include <scxx/scheduler.hpp>

#include "tiny.skel.h"
#include "tiny_defaults.hpp"

namespace {

class Tiny final : public scxx::Scheduler {
public:
    scxx::Result<void> attach(const scxx::SchedulerContext& ctx) override {
        auto configure = [&](tiny_bpf* s) -> scxx::Result<void> {
            s->rodata->slice_ns = ctx.config.at("slice-us").get<uint64_t>() * 1000;
            return {};
        };
        auto a = scxx::attach_skeleton<tiny_bpf>(
            "tiny", ctx, configure, [](tiny_bpf* s) { return s->struct_ops.tiny_ops; },
            [](tiny_bpf* s) { return s->maps.tiny_ops; });
        if (!a) return scxx::fail(std::move(a.error()));
        sched_.emplace(std::move(*a));
        return {};
    }
    scxx::ExitInfo exit_info() const override {
        return sched_ ? scxx::decode_exit_info(sched_->skel()->data->uei) : scxx::ExitInfo{};
    }
    scxx::ExitInfo detach() override {
        if (sched_) sched_->detach();
        return exit_info();
    }

private:
    std::optional<scxx::Attached<tiny_bpf>> sched_;
};

const scxx::Registrar reg{scxx::SchedulerEntry{
    .name = "tiny",
    .description = "out-of-tree FIFO example",
    .options = {scxx::int_option("slice-us", "time slice in microseconds", 100, 100000)},
    .defaults_json = std::string(tiny_defaults_json),
    .create = [] { return std::make_unique<Tiny>(); },
}};

}  // namespace

int main(int argc, char** argv) {
    const scxx::SchedulerEntry* entry = scxx::Registry::instance().find("tiny");
    if (!entry) {
        std::cerr << "tiny-sched: not registered\n";
        return 1;
    }
    boost::program_options::variables_map none;
    auto config = scxx::build_config(entry->options, entry->defaults_json, std::nullopt, none);
    if (!config) {
        std::cerr << "tiny-sched: " << config.error().what() << "\n";
        return 1;
    }
    if (argc > 1 && std::strcmp(argv[1], "--self-test") == 0) {
        auto opened = scxx::Opened<tiny_bpf>::open("tiny");
        if (!opened) {
            std::cerr << "tiny-sched: " << opened.error().what() << "\n";
            return 1;
        }
        std::cout << "tiny-sched: registered '" << entry->name << "', slice-us=" << config->at("slice-us")
                  << ", BPF object opens\n";
        return 0;
    }
    auto topo = scxx::Topology::read("/");
    if (!topo) {
        std::cerr << "tiny-sched: " << topo.error().what() << "\n";
        return 1;
    }
    scxx::RunOptions opts;
    auto rc = scxx::run_scheduler(*entry, *config, *topo, opts, std::cout);
    if (!rc) {
        std::cerr << "tiny-sched: " << rc.error().what() << "\n";
        return 1;
    }
    return *rc;
}
