// fake_runner.cpp: the real run loop (scxx::run_scheduler) with its control socket and metrics file,
// driving two fake schedulers ("alpha", "beta") on a fake sysfs tree, for test-runner-control.
// Usage: fake_runner DIR [DURATION_S]. It copies the smt-1socket CPU topology fixture (SCXX_FIXTURES)
// into DIR/sys, writes the sched_ext files (state "enabled", hotplug_seq, enable_seq, root/events),
// then runs "alpha" with the socket DIR/control.sock and the metrics file DIR/m.prom until SIGTERM
// or the duration (default 30 s). Exit status: run_scheduler's, or 2 for a setup failure.
#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "scxx/modes.hpp"
#include "scxx/registry.hpp"
#include "scxx/runner.hpp"

namespace {

namespace fs = std::filesystem;

struct Settings {
    int64_t level = 1;     // live: collect() reports it
    bool fifo = false;     // alpha: not live
    bool reject = false;   // beta: not live; enable() fails with it
};

// The stats both fakes publish: a counter that grows per collect, gauges in "%" and "us", the live
// level, a text and a CPU set, each with help. `extra` adds a section of its own (beta).
void publish(scxx::Stats& stats, uint64_t& collects, const Settings& s, bool extra) {
    ++collects;
    stats.counter("collects", collects, "stats snapshots taken since attach");
    stats.gauge("util", 42.5, "fake CPU utilisation", "%");
    stats.gauge("slice", 2500, "fake time slice", "us");
    stats.gauge("level", static_cast<double>(s.level), "the live option --level as the scheduler uses it");
    stats.text("phase", s.fifo ? "fifo" : "steady", "what the fake scheduler is doing");
    auto mask = scxx::Cpumask::parse_list("0-3", 8);
    stats.cpus("primary", mask ? *mask : scxx::Cpumask(8), "CPUs the fake scheduler prefers");
    if (extra) {
        stats.section("beta");
        stats.counter("wait", collects * 10, "fake time tasks waited", "us");
    }
}

template <bool Beta>
class Fake : public scxx::Scheduler {
public:
    static scxx::OptionList<Settings> options() {
        scxx::OptionList<Settings> o;
        o.integer("level", &Settings::level, 0, 100, "how hard the fake scheduler tries").live();
        if constexpr (Beta)
            o.flag("reject", &Settings::reject, "make enable() fail, as a kernel rejecting the scheduler would");
        else
            o.flag("fifo", &Settings::fifo, "FIFO order (fixed at load)");
        return o;
    }
    static scxx::Result<void> validate(const Settings&) { return {}; }

    scxx::Result<void> load(const scxx::SchedulerContext& ctx) override {
        if (ctx.topology.nr_cpu_ids() == 0) return scxx::fail(EINVAL, "fake: the topology has no CPUs");
        s_ = options().settings(ctx.config);
        return {};
    }
    scxx::Result<void> enable() override {
        if (s_.reject) return scxx::fail(EINVAL, "fake: rejected on purpose (--reject)");
        return {};
    }
    scxx::Result<void> set_live(const std::vector<const scxx::OptionDecl*>& changed,
                                const scxx::Config& config) override {
        for (const auto* d : changed)
            if (d->name != "level") return scxx::fail(ENOTSUP, "option --" + d->name + " cannot change while attached");
        s_.level = std::get<int64_t>(config.at("level"));
        return {};
    }
    scxx::ExitInfo exit_info() const override { return {}; }
    scxx::Result<void> collect(scxx::Stats& stats) override {
        publish(stats, collects_, s_, Beta);
        return {};
    }
    scxx::ExitInfo detach() override {
        scxx::ExitInfo info;
        info.kind = scxx::ExitKind::unreg;
        return info;
    }

private:
    Settings s_;
    uint64_t collects_ = 0;
};

const scxx::Registrar alpha_reg{scxx::scheduler_entry<Fake<false>>("alpha", "fake scheduler alpha")};
const scxx::Registrar beta_reg{scxx::scheduler_entry<Fake<true>>("beta", "fake scheduler beta")};

bool write(const fs::path& p, const std::string& text) {
    std::error_code ec;
    fs::create_directories(p.parent_path(), ec);
    std::ofstream f(p);
    f << text;
    return static_cast<bool>(f);
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2 || argc > 3) {
        std::cerr << "usage: fake_runner DIR [DURATION_S]\n";
        return 2;
    }
    const fs::path dir = argv[1];
    const char* env_fixtures = std::getenv("SCXX_FIXTURES");
    const fs::path fixtures = env_fixtures && *env_fixtures ? env_fixtures : SCXX_FIXTURES;
    std::error_code ec;
    fs::copy(fixtures / "smt-1socket" / "sys", dir / "sys", fs::copy_options::recursive, ec);
    if (ec) {
        std::cerr << "fake_runner: cannot copy the topology fixture " << (fixtures / "smt-1socket").string()
                  << " to " << dir.string() << ": " << ec.message() << "\n";
        return 2;
    }
    const fs::path sx = dir / "sys/kernel/sched_ext";
    if (!write(sx / "state", "enabled\n") || !write(sx / "hotplug_seq", "3\n") || !write(sx / "enable_seq", "5\n") ||
        !write(sx / "root/ops", "alpha\n") ||
        !write(sx / "root/events", "SCX_EV_SELECT_CPU_FALLBACK 12\nSCX_EV_BYPASS_DURATION 345\n")) {
        std::cerr << "fake_runner: cannot write the sched_ext files under " << sx.string() << "\n";
        return 2;
    }

    const scxx::SchedulerEntry* entry = scxx::Registry::instance().find("alpha");
    if (!entry) {
        std::cerr << "fake_runner: alpha is not registered (" << scxx::Registry::instance().names() << ")\n";
        return 2;
    }
    auto config = scxx::mode_config(*entry, dir / "modes", "", "");
    if (!config) {
        std::cerr << "fake_runner: " << config.error().what() << "\n";
        return 2;
    }

    scxx::RunOptions o;
    o.sysfs_root = dir;
    o.socket_path = dir / "control.sock";
    o.metrics_file = dir / "m.prom";
    o.stats_interval_s = 0.2;
    o.duration_s = argc == 3 ? std::atof(argv[2]) : 30.0;
    o.verifier_log = dir / "verifier.log";
    // No modes directory: mode "" only; any other mode is answered unknown_mode.
    o.make_config = [modes = dir / "modes"](const scxx::SchedulerEntry& e, const std::string& mode,
                                            const std::string& options_json) {
        return scxx::mode_config(e, modes, mode, options_json);
    };
    o.on_state = [](std::string_view state, std::string_view sched) {
        std::cout << "on_state: " << state << " " << sched << std::endl;
    };
    auto rc = scxx::run_scheduler(*entry, *config, o, std::cout);
    if (!rc) {
        std::cerr << "fake_runner: " << rc.error().what() << "\n";
        return 2;
    }
    return *rc;
}
