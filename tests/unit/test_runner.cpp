// test_runner.cpp: scxx::run_scheduler (lib/src/runner.cpp), the run loop driven with a fake
// scheduler: attach (context: options, environment, hotplug_seq read before the topology), the poll
// hook, stats (text, JSON, off, a failed read), duration, SIGTERM, ejection, bounded restarts with a
// re-read topology (each ended instance closed before the next loads), attach errors, and the
// caller's signal mask.
#include <catch2/catch_test_macros.hpp>
#include <catch2/matchers/catch_matchers_string.hpp>

#include <pthread.h>
#include <signal.h>

#include <memory>
#include <variant>
#include <sstream>
#include <string>
#include <vector>

#include "fake_root.hpp"
#include "scxx/registry.hpp"
#include "scxx/runner.hpp"
#include "scxx_catch.hpp"

namespace {

using Catch::Matchers::ContainsSubstring;
using Catch::Matchers::StartsWith;
using scxx_test::error_text;
using scxx_test::FakeRoot;

struct FakeState {
    int created = 0;
    int attached = 0;
    int detached = 0;
    int polls = 0;        // exit_info() calls
    int hook_polls = 0;   // poll() calls
    int polls_before_exit_check = 0;  // poll() calls that came before the exit_info() call of their tick
    uint64_t counter = 0;
    int eject_after_polls = -1;  // exit_info() reports `eject` from this poll on (-1 = never)
    int eject_instances = -1;    // only the first N instances created are ejected (-1 = all)
    int sigterm_after_polls = -1;
    scxx::ExitInfo eject;
    scxx::ExitInfo on_detach;    // what detach() returns when not ejected
    bool fail_attach = false;
    bool fail_collect = false;
    std::vector<unsigned> seen_nr_cpus;  // ctx.topology.nr_cpu_ids() at each attach
    std::vector<uint64_t> seen_hotplug_seq;  // ctx.hotplug_seq at each attach
    bool saw_partial = false;
    int alive = 0;                       // FakeScheduler objects not yet destroyed
    std::vector<int> alive_at_load;      // `alive` at each load(), the loading one included
};

class FakeScheduler : public scxx::Scheduler {
public:
    explicit FakeScheduler(std::shared_ptr<FakeState> s) : s_(std::move(s)) { ++s_->alive; }
    ~FakeScheduler() override { --s_->alive; }
    FakeScheduler(const FakeScheduler&) = delete;
    FakeScheduler& operator=(const FakeScheduler&) = delete;
    scxx::Result<void> load(const scxx::SchedulerContext& ctx) override {
        if (s_->fail_attach) return scxx::fail(EPERM, "load fake: verifier rejected fake_enqueue");
        CHECK(ctx.timeout_ms == 1234u);
        CHECK(ctx.name == "fake");
        CHECK(std::get<int64_t>(ctx.config.at("k")) == 1);
        CHECK(ctx.env.out != nullptr);
        s_->seen_nr_cpus.push_back(ctx.topology.nr_cpu_ids());
        s_->seen_hotplug_seq.push_back(ctx.hotplug_seq);
        s_->saw_partial = ctx.partial;
        s_->alive_at_load.push_back(s_->alive);
        ++s_->attached;
        return {};
    }
    std::vector<std::string> banner() const override { return {"Banner: hello"}; }
    void poll() override {
        ++s_->hook_polls;
        if (s_->hook_polls == s_->polls + 1) ++s_->polls_before_exit_check;
    }
    scxx::ExitInfo exit_info() const override {
        ++s_->polls;
        if (s_->sigterm_after_polls >= 0 && s_->polls == s_->sigterm_after_polls) raise(SIGTERM);
        if (ejected()) return s_->eject;
        return {};
    }
    scxx::Result<void> collect(scxx::Stats& stats) override {
        s_->counter += 10;
        stats.counter("dispatched", s_->counter, "tasks dispatched");
        stats.gauge("util", 50.0, "CPU utilisation", "%");
        if (s_->fail_collect) return scxx::fail(ENOENT, "read fake_stats[0]");
        return {};
    }
    scxx::ExitInfo detach() override {
        ++s_->detached;
        if (ejected()) return s_->eject;
        return s_->on_detach;
    }

private:
    bool ejected() const {
        return s_->eject_after_polls >= 0 && s_->polls >= s_->eject_after_polls &&
               (s_->eject_instances < 0 || s_->created <= s_->eject_instances);
    }
    std::shared_ptr<FakeState> s_;
};

scxx::SchedulerEntry fake_entry(const std::shared_ptr<FakeState>& s) {
    scxx::SchedulerEntry e;
    e.name = "fake";
    e.description = "fake";
    e.create = [s]() -> std::unique_ptr<scxx::Scheduler> {
        ++s->created;
        s->polls = 0;
        s->hook_polls = 0;
        s->polls_before_exit_check = 0;
        return std::make_unique<FakeScheduler>(s);
    };
    return e;
}

bool sigterm_blocked() {
    sigset_t cur;
    pthread_sigmask(SIG_SETMASK, nullptr, &cur);
    return sigismember(&cur, SIGTERM) == 1;
}

struct RunnerTest {
    FakeRoot root;
    std::shared_ptr<FakeState> state = std::make_shared<FakeState>();
    scxx::Config config{{{"k", int64_t{1}}}};
    int topology_reads = 0;
    scxx::RunOptions opts;
    std::ostringstream out;

    RunnerTest() {
        root.sched_ext("enabled", "fake");
        root.write("sys/kernel/sched_ext/hotplug_seq", "41\n");
        opts.sysfs_root = root.root;
        opts.timeout_ms = 1234;
        // The first attach sees an empty topology, later ones the 8-CPU fixture.
        // Each read also bumps hotplug_seq, as a CPU hotplug right after it would: an attach that saw
        // 41 first read the sequence number before the topology, as it must.
        opts.read_topology = [this]() -> scxx::Result<scxx::Topology> {
            root.write("sys/kernel/sched_ext/hotplug_seq", std::to_string(42 + topology_reads) + "\n");
            if (topology_reads++ == 0) return scxx::Topology{};
            return scxx::Topology::read(std::string(SCXX_FIXTURES) + "/smt-1socket");
        };
        state->on_detach.kind = scxx::ExitKind::unreg;
    }
    scxx::Result<int> run() { return scxx::run_scheduler(fake_entry(state), config, opts, out); }
    // Every instance is ejected on its second tick asking for a restart, as after a CPU hotplug.
    scxx::Result<int> run_ejected_for_hotplug(unsigned max_restarts) {
        return run_ejected(max_restarts, SCXX_ECODE_ACT_RESTART | SCXX_ECODE_RSN_HOTPLUG);
    }
    // ... or for another reason that asks for a restart, which the restart budget bounds.
    scxx::Result<int> run_ejected(unsigned max_restarts, uint64_t exit_code) {
        state->eject_after_polls = 2;
        state->eject.kind = scxx::ExitKind::unreg_kern;
        state->eject.exit_code = static_cast<int64_t>(exit_code);
        opts.max_restarts = max_restarts;
        return run();
    }
};

}  // namespace

TEST_CASE_METHOD(RunnerTest, "Runner: DurationWithStats", "[runner]") {
    // One interval snapshot (due at 0.1 s) must fall before the 1.5 s duration, then the final one:
    // only a host stalled for over a second could miss it.
    opts.duration_s = 1.5;
    opts.stats_interval_s = 0.1;
    auto rc = run();
    UNSCOPED_INFO(error_text(rc));
    REQUIRE(rc);
    CHECK(*rc == 0);
    const std::string o = out.str();
    CHECK_THAT(o, StartsWith("fake: attached (state enabled)\nBanner: hello\n"));
    CHECK_THAT(o, ContainsSubstring("dispatched=20 (+10) util=50%"));
    CHECK_THAT(o, ContainsSubstring("exit: unregistered from user space (kind 64, code 0x0)"));
    CHECK(state->attached == 1);
    CHECK(state->detached == 1);
    CHECK(state->counter >= 20u);  // at least one interval snapshot + the final one
    CHECK_FALSE(sigterm_blocked());
}

TEST_CASE_METHOD(RunnerTest, "Runner: PollHookRunsEveryTickBeforeTheExitCheck", "[runner]") {
    opts.duration_s = 0.3;
    auto rc = run();
    UNSCOPED_INFO(error_text(rc));
    REQUIRE(rc);
    CHECK(state->hook_polls > 1);
    CHECK(state->hook_polls == state->polls);
    CHECK(state->polls_before_exit_check == state->hook_polls);
}

TEST_CASE_METHOD(RunnerTest, "Runner: JsonStats", "[runner]") {
    opts.duration_s = 0.25;
    opts.stats_interval_s = 0.1;
    opts.stats_format = scxx::StatsFormat::json;
    auto rc = run();
    UNSCOPED_INFO(error_text(rc));
    REQUIRE(rc);
    CHECK_THAT(out.str(), ContainsSubstring(R"(,"dispatched":10,"util":50.0})"));
}

TEST_CASE_METHOD(RunnerTest, "Runner: NoStatsWhenOff", "[runner]") {
    opts.duration_s = 0.2;
    auto rc = run();
    REQUIRE(rc);
    CHECK(state->counter == 0u);
    CHECK_THAT(out.str(), !ContainsSubstring("dispatched"));
}

TEST_CASE_METHOD(RunnerTest, "Runner: SigtermDetachesCleanly", "[runner]") {
    state->sigterm_after_polls = 2;
    auto rc = run();  // duration 0: only the signal ends it
    UNSCOPED_INFO(error_text(rc));
    REQUIRE(rc);
    CHECK(*rc == 0);
    CHECK(state->detached == 1);
    CHECK_THAT(out.str(), ContainsSubstring("exit: unregistered from user space"));
    CHECK_FALSE(sigterm_blocked());
}

TEST_CASE_METHOD(RunnerTest, "Runner: DetachReportingErrorFails", "[runner]") {
    opts.duration_s = 0.15;
    state->on_detach.kind = scxx::ExitKind::error_stall;
    auto rc = run();
    REQUIRE(rc);
    CHECK(*rc == 1);
}

TEST_CASE_METHOD(RunnerTest, "Runner: EjectedByError", "[runner]") {
    state->eject_after_polls = 3;
    state->eject.kind = scxx::ExitKind::error_bpf;
    state->eject.reason = "scx_bpf_error";
    state->eject.message = "fake: failing on purpose";
    opts.stats_interval_s = 0.1;
    auto rc = run();
    UNSCOPED_INFO(error_text(rc));
    REQUIRE(rc);
    CHECK(*rc == 1);
    const std::string o = out.str();
    CHECK_THAT(o, ContainsSubstring("exit: runtime error (scx_bpf_error) (kind 1025, code 0x0)\nreason: scx_bpf_error\n"
                     "message: fake: failing on purpose"));
    CHECK(state->created == 1);
    CHECK(state->detached == 1);
    CHECK_THAT(o, !ContainsSubstring("restarting"));
    CHECK_FALSE(sigterm_blocked());
}

TEST_CASE_METHOD(RunnerTest, "Runner: RestartsBounded", "[runner]") {
    auto rc = run_ejected(2, SCXX_ECODE_ACT_RESTART);
    UNSCOPED_INFO(error_text(rc));
    REQUIRE(rc);
    CHECK(*rc == 1);
    CHECK(state->created == 3);
    CHECK(state->detached == 3);
    const std::string o = out.str();
    CHECK_THAT(o, ContainsSubstring("fake: restarting (exit code asks for it, restart 1/2)"));
    CHECK_THAT(o, ContainsSubstring("fake: restarting (exit code asks for it, restart 2/2)"));
    CHECK_THAT(o, !ContainsSubstring("restart 3/2"));
    CHECK_THAT(o, ContainsSubstring("not restarting"));
    // Each ended instance was closed before the next one loaded (its BPF timers die with it).
    CHECK(state->alive_at_load == std::vector<int>{1, 1, 1});
}

TEST_CASE_METHOD(RunnerTest, "Runner: hotplug restarts are not bounded by the restart budget", "[runner]") {
    state->eject_instances = 4;  // four hotplug ejections in a row (budget: 1), then the fifth runs on
    opts.duration_s = 2.5;       // for the whole run: each instance is ejected after two ticks
    auto rc = run_ejected_for_hotplug(1);
    UNSCOPED_INFO(error_text(rc));
    REQUIRE(rc);
    CHECK(*rc == 0);
    CHECK(state->created == 5);
    CHECK(state->detached == 5);
    const std::string o = out.str();
    CHECK_THAT(o, ContainsSubstring("fake: restarting after CPU hotplug (hotplug restart 1; these do not use the "
                                    "restart budget, 0/1 used)"));
    CHECK_THAT(o, ContainsSubstring("hotplug restart 4;"));
    CHECK_THAT(o, !ContainsSubstring("not restarting"));
    CHECK(state->alive_at_load == std::vector<int>(5, 1));
}

TEST_CASE_METHOD(RunnerTest, "Runner: RestartRereadsTopology", "[runner]") {
    state->eject_instances = 1;
    opts.duration_s = 0.3;
    auto rc = run_ejected_for_hotplug(1);
    UNSCOPED_INFO(error_text(rc));
    REQUIRE(rc);
    CHECK(topology_reads == 2);
    REQUIRE(state->seen_nr_cpus.size() == 2u);
    CHECK(state->seen_nr_cpus[0] == 0u);  // the first read
    CHECK(state->seen_nr_cpus[1] == 8u);  // the re-read one after the restart
    CHECK(state->seen_hotplug_seq == std::vector<uint64_t>{41, 42});  // re-read on restart, before the topology
}

TEST_CASE_METHOD(RunnerTest, "Runner: hotplug_seq is read before every attach, and must be there", "[runner]") {
    opts.duration_s = 0.1;
    opts.partial = true;
    REQUIRE(run());
    CHECK(state->seen_hotplug_seq == std::vector<uint64_t>{41});
    CHECK(state->saw_partial);
    root.write("sys/kernel/sched_ext/hotplug_seq", "x\n");
    auto bad = run();
    REQUIRE_FALSE(bad);
    CHECK_THAT(bad.error().what(), ContainsSubstring("hotplug_seq"));
    CHECK(state->attached == 1);  // nothing attached with an unreadable sequence number
}

TEST_CASE_METHOD(RunnerTest, "Runner: a failed stats read shows in the stats line", "[runner]") {
    opts.duration_s = 0.25;
    opts.stats_interval_s = 0.1;
    state->fail_collect = true;
    REQUIRE(run());
    CHECK_THAT(out.str(), ContainsSubstring("stats_error: read fake_stats[0]"));
}

TEST_CASE_METHOD(RunnerTest, "Runner: AttachErrorHasContext", "[runner]") {
    state->fail_attach = true;
    auto rc = run();
    REQUIRE_FALSE(rc);
    CHECK(rc.error().what() == "attach fake: load fake: verifier rejected fake_enqueue (Operation not permitted)");
    CHECK(state->detached == 0);
    CHECK_FALSE(sigterm_blocked());
}

TEST_CASE_METHOD(RunnerTest, "Runner: CallerMaskKept", "[runner]") {
    sigset_t block, old;
    sigemptyset(&block);
    sigaddset(&block, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &block, &old);
    opts.duration_s = 0.1;
    REQUIRE(run());
    CHECK(sigterm_blocked());  // the caller had it blocked: still blocked
    pthread_sigmask(SIG_SETMASK, &old, nullptr);
}

TEST_CASE_METHOD(RunnerTest, "Runner: a topology read that races a CPU hotplug is read again", "[runner]") {
    int reads = 0;
    opts.duration_s = 0.1;
    opts.read_topology = [&]() -> scxx::Result<scxx::Topology> {
        if (reads++ == 0) {  // the CPU went away under the read, and hotplug_seq moved
            root.write("sys/kernel/sched_ext/hotplug_seq", "50\n");
            return scxx::fail(ENODEV, "read /sys/devices/system/cpu/cpu1/topology/core_id");
        }
        return scxx::Topology::read(std::string(SCXX_FIXTURES) + "/smt-1socket");
    };
    auto rc = run();
    UNSCOPED_INFO(error_text(rc));
    REQUIRE(rc);
    CHECK(*rc == 0);
    CHECK(reads == 2);
    CHECK(state->seen_hotplug_seq == std::vector<uint64_t>{50});  // the sequence number of the good read
}

TEST_CASE_METHOD(RunnerTest, "Runner: a topology read error without a hotplug is an error", "[runner]") {
    int reads = 0;
    opts.read_topology = [&]() -> scxx::Result<scxx::Topology> {
        ++reads;
        return scxx::fail(ENODEV, "read /sys/devices/system/cpu/cpu1/topology/core_id");
    };
    auto rc = run();
    REQUIRE_FALSE(rc);
    CHECK_THAT(rc.error().what(), ContainsSubstring("read CPU topology: read /sys/devices/system/cpu/cpu1"));
    CHECK(reads == 1);
    CHECK(state->attached == 0);
}
