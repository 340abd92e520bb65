// test_probes.cpp: the pre-load probes against fake sysfs roots, and the run loop driven with a
// fake scheduler (attach, stats, duration, SIGTERM, ejection, bounded restarts, attach errors).
#include <gtest/gtest.h>

#include <signal.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include "scxx/probes.hpp"
#include "scxx/registry.hpp"
#include "scxx/runner.hpp"

namespace fs = std::filesystem;

namespace {

// A temporary fake root ("<tmp>/sys/kernel/...") removed with the object.
struct FakeRoot {
    fs::path root;
    FakeRoot() {
        char tmpl[] = "/tmp/scxx-probes-XXXXXX";
        root = mkdtemp(tmpl);
    }
    ~FakeRoot() { fs::remove_all(root); }
    void write(const std::string& rel, const std::string& text) const {
        fs::path p = root / rel;
        fs::create_directories(p.parent_path());
        std::ofstream(p) << text;
    }
    void sched_ext(const std::string& state, const std::string& ops = "") const {
        write("sys/kernel/sched_ext/state", state + "\n");
        if (!ops.empty()) write("sys/kernel/sched_ext/root/ops", ops + "\n");
    }
};

}  // namespace

TEST(Probes, SchedExtMissing) {
    FakeRoot r;
    auto res = scxx::probe_sched_ext(r.root);
    ASSERT_FALSE(res);
    const std::string msg = res.error().what();
    EXPECT_NE(msg.find("has no sched_ext (CONFIG_SCHED_CLASS_EXT)"), std::string::npos) << msg;
    EXPECT_NE(msg.find("this kernel ("), std::string::npos) << msg;
    EXPECT_NE(msg.find("tools/demo"), std::string::npos) << msg;
    r.sched_ext("disabled");
    EXPECT_TRUE(scxx::probe_sched_ext(r.root));
}

TEST(Probes, AnotherSchedulerAttached) {
    FakeRoot r;
    r.sched_ext("enabled", "simple");
    auto res = scxx::probe_no_scheduler_attached(r.root);
    ASSERT_FALSE(res);
    EXPECT_EQ(res.error().what(), "another sched_ext scheduler is already attached: simple (state enabled); stop it first");
    EXPECT_EQ(*scxx::read_sched_ext_state(r.root), "enabled");
    EXPECT_EQ(*scxx::read_root_ops(r.root), "simple");
}

TEST(Probes, StateWithoutOps) {
    FakeRoot r;
    r.sched_ext("enabling");
    auto res = scxx::probe_no_scheduler_attached(r.root);
    ASSERT_FALSE(res);
    EXPECT_NE(res.error().what().find("already attached: unknown (state enabling)"), std::string::npos);
}

TEST(Probes, NoSchedulerAttached) {
    FakeRoot r;
    r.sched_ext("disabled");
    EXPECT_TRUE(scxx::probe_no_scheduler_attached(r.root));
    FakeRoot empty;
    auto res = scxx::probe_no_scheduler_attached(empty.root);
    ASSERT_FALSE(res);  // unreadable state is an error naming the file
    EXPECT_NE(res.error().what().find("sys/kernel/sched_ext/state"), std::string::npos) << res.error().what();
    EXPECT_FALSE(scxx::read_root_ops(empty.root));
}

TEST(Probes, Btf) {
    FakeRoot r;
    auto res = scxx::probe_btf(r.root);
    ASSERT_FALSE(res);
    EXPECT_EQ(res.error().what(), "kernel BTF missing (/sys/kernel/btf/vmlinux); scx-run needs CONFIG_DEBUG_INFO_BTF=y");
    r.write("sys/kernel/btf/vmlinux", "BTF");
    EXPECT_TRUE(scxx::probe_btf(r.root));
}

TEST(Probes, Privileges) {
    EXPECT_TRUE(scxx::check_privileges(0, ""));
    // CAP_SYS_ADMIN (21) and CAP_BPF (39) both set.
    EXPECT_TRUE(scxx::check_privileges(1000, "Name:\tx\nCapEff:\t0000008000200000\nCapBnd:\t0\n"));
    EXPECT_TRUE(scxx::check_privileges(1000, "CapEff:\t000001ffffffffff\n"));
    auto only_admin = scxx::check_privileges(1000, "CapEff:\t0000000000200000\n");
    ASSERT_FALSE(only_admin);
    EXPECT_EQ(only_admin.error().what(),
              "scx-run needs root (CAP_BPF and CAP_SYS_ADMIN) to load a scheduler; re-run with sudo");
    EXPECT_FALSE(scxx::check_privileges(1000, "CapEff:\t0000000000000000\n"));
    EXPECT_FALSE(scxx::check_privileges(1000, "garbage"));
    // The real process: consistent with euid.
    if (geteuid() == 0) {
        EXPECT_TRUE(scxx::probe_privileges());
    }
}

// ---------------------------------------------------------------------------------------------
// Runner with a fake scheduler.

namespace {

struct FakeState {
    int created = 0;
    int attached = 0;
    int detached = 0;
    int polls = 0;        // exit_info() calls
    int hook_polls = 0;   // poll() calls
    int polls_before_exit_check = 0;  // poll() calls that came before the exit_info() call of their tick
    uint64_t counter = 0;
    int eject_after_polls = -1;  // exit_info() reports `eject` from this poll on (-1 = never)
    int sigterm_after_polls = -1;
    scxx::ExitInfo eject;
    scxx::ExitInfo on_detach;    // what detach() returns when not ejected
    bool fail_attach = false;
    std::vector<unsigned> seen_nr_cpus;  // ctx.topology.nr_cpu_ids() at each attach
};

class FakeScheduler : public scxx::Scheduler {
public:
    explicit FakeScheduler(std::shared_ptr<FakeState> s) : s_(std::move(s)) {}
    scxx::Result<void> attach(const scxx::SchedulerContext& ctx) override {
        if (s_->fail_attach) return scxx::fail(EPERM, "load fake: verifier rejected fake_enqueue");
        EXPECT_EQ(ctx.timeout_ms, 1234u);
        EXPECT_EQ(ctx.config["k"], 1);
        s_->seen_nr_cpus.push_back(ctx.topology.nr_cpu_ids());
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
        if (s_->eject_after_polls >= 0 && s_->polls >= s_->eject_after_polls) return s_->eject;
        return {};
    }
    void collect(scxx::Stats& stats) override {
        s_->counter += 10;
        stats.counter("dispatched", s_->counter);
        stats.gauge("util", 50.0, "%");
    }
    scxx::ExitInfo detach() override {
        ++s_->detached;
        if (s_->eject_after_polls >= 0 && s_->polls >= s_->eject_after_polls) return s_->eject;
        return s_->on_detach;
    }

private:
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

struct RunnerTest : ::testing::Test {
    FakeRoot root;
    std::shared_ptr<FakeState> state = std::make_shared<FakeState>();
    nlohmann::json config = {{"k", 1}};
    scxx::Topology topology;
    scxx::RunOptions opts;
    std::ostringstream out;

    void SetUp() override {
        root.sched_ext("enabled", "fake");
        opts.sysfs_root = root.root;
        opts.timeout_ms = 1234;
        state->on_detach.kind = scxx::ExitKind::unreg;
    }
    scxx::Result<int> run() { return scxx::run_scheduler(fake_entry(state), config, topology, opts, out); }
};

}  // namespace

TEST_F(RunnerTest, DurationWithStats) {
    // One interval snapshot (due at 0.1 s) must fall before the 1.5 s duration, then the final one:
    // only a host stalled for over a second could miss it.
    opts.duration_s = 1.5;
    opts.stats_interval_s = 0.1;
    auto rc = run();
    ASSERT_TRUE(rc) << rc.error().what();
    EXPECT_EQ(*rc, 0);
    const std::string o = out.str();
    EXPECT_EQ(o.rfind("fake: attached (state enabled)\nBanner: hello\n", 0), 0u) << o;
    EXPECT_NE(o.find("dispatched=20 (+10) util=50%"), std::string::npos) << o;
    EXPECT_NE(o.find("exit: unregistered from user space (kind 64, code 0x0)"), std::string::npos) << o;
    EXPECT_EQ(state->attached, 1);
    EXPECT_EQ(state->detached, 1);
    EXPECT_GE(state->counter, 20u);  // at least one interval snapshot + the final one
    EXPECT_FALSE(sigterm_blocked());
}

TEST_F(RunnerTest, PollHookRunsEveryTickBeforeTheExitCheck) {
    opts.duration_s = 0.3;
    auto rc = run();
    ASSERT_TRUE(rc) << rc.error().what();
    EXPECT_GT(state->hook_polls, 1);
    EXPECT_EQ(state->hook_polls, state->polls);
    EXPECT_EQ(state->polls_before_exit_check, state->hook_polls);
}

TEST_F(RunnerTest, JsonStats) {
    opts.duration_s = 0.25;
    opts.stats_interval_s = 0.1;
    opts.stats_format = scxx::StatsFormat::json;
    auto rc = run();
    ASSERT_TRUE(rc) << rc.error().what();
    EXPECT_NE(out.str().find(R"(,"dispatched":10,"util":50.0})"), std::string::npos) << out.str();
}

TEST_F(RunnerTest, NoStatsWhenOff) {
    opts.duration_s = 0.2;
    auto rc = run();
    ASSERT_TRUE(rc);
    EXPECT_EQ(state->counter, 0u);
    EXPECT_EQ(out.str().find("dispatched"), std::string::npos);
}

TEST_F(RunnerTest, SigtermDetachesCleanly) {
    state->sigterm_after_polls = 2;
    auto rc = run();  // duration 0: only the signal ends it
    ASSERT_TRUE(rc) << rc.error().what();
    EXPECT_EQ(*rc, 0);
    EXPECT_EQ(state->detached, 1);
    EXPECT_NE(out.str().find("exit: unregistered from user space"), std::string::npos);
    EXPECT_FALSE(sigterm_blocked());
}

TEST_F(RunnerTest, DetachReportingErrorFails) {
    opts.duration_s = 0.15;
    state->on_detach.kind = scxx::ExitKind::error_stall;
    auto rc = run();
    ASSERT_TRUE(rc);
    EXPECT_EQ(*rc, 1);
}

TEST_F(RunnerTest, EjectedByError) {
    state->eject_after_polls = 3;
    state->eject.kind = scxx::ExitKind::error_bpf;
    state->eject.reason = "scx_bpf_error";
    state->eject.message = "fake: failing on purpose";
    opts.stats_interval_s = 0.1;
    auto rc = run();
    ASSERT_TRUE(rc) << rc.error().what();
    EXPECT_EQ(*rc, 1);
    const std::string o = out.str();
    EXPECT_NE(o.find("exit: runtime error (scx_bpf_error) (kind 1025, code 0x0)\nreason: scx_bpf_error\n"
                     "message: fake: failing on purpose"),
              std::string::npos)
        << o;
    EXPECT_EQ(state->created, 1);
    EXPECT_EQ(state->detached, 1);
    EXPECT_EQ(o.find("restarting"), std::string::npos);
    EXPECT_FALSE(sigterm_blocked());
}

TEST_F(RunnerTest, RestartsBounded) {
    state->eject_after_polls = 2;
    state->eject.kind = scxx::ExitKind::unreg_kern;
    state->eject.exit_code = static_cast<int64_t>(SCXX_ECODE_ACT_RESTART | SCXX_ECODE_RSN_HOTPLUG);
    opts.max_restarts = 2;
    auto rc = run();
    ASSERT_TRUE(rc) << rc.error().what();
    EXPECT_EQ(*rc, 1);
    EXPECT_EQ(state->created, 3);
    EXPECT_EQ(state->detached, 3);
    const std::string o = out.str();
    EXPECT_NE(o.find("fake: restarting (exit code asks for it, restart 1/2)"), std::string::npos) << o;
    EXPECT_NE(o.find("fake: restarting (exit code asks for it, restart 2/2)"), std::string::npos) << o;
    EXPECT_EQ(o.find("restart 3/2"), std::string::npos) << o;
    EXPECT_NE(o.find("not restarting"), std::string::npos) << o;
}

TEST_F(RunnerTest, RestartRereadsTopology) {
    state->eject_after_polls = 2;
    state->eject.kind = scxx::ExitKind::unreg_kern;
    state->eject.exit_code = static_cast<int64_t>(SCXX_ECODE_ACT_RESTART | SCXX_ECODE_RSN_HOTPLUG);
    opts.max_restarts = 1;
    int rereads = 0;
    opts.reread_topology = [&]() -> scxx::Result<scxx::Topology> {
        ++rereads;
        return scxx::Topology::read(std::string(SCXX_FIXTURES) + "/smt-1socket");
    };
    auto rc = run();
    ASSERT_TRUE(rc) << rc.error().what();
    EXPECT_EQ(rereads, 1);
    ASSERT_EQ(state->seen_nr_cpus.size(), 2u);
    EXPECT_EQ(state->seen_nr_cpus[0], 0u);  // the (empty) topology given to run_scheduler
    EXPECT_EQ(state->seen_nr_cpus[1], 8u);  // the re-read one after the restart
}

TEST_F(RunnerTest, AttachErrorHasContext) {
    state->fail_attach = true;
    auto rc = run();
    ASSERT_FALSE(rc);
    EXPECT_EQ(rc.error().what(), "attach fake: load fake: verifier rejected fake_enqueue (Operation not permitted)");
    EXPECT_EQ(state->detached, 0);
    EXPECT_FALSE(sigterm_blocked());
}

TEST_F(RunnerTest, CallerMaskKept) {
    sigset_t block, old;
    sigemptyset(&block);
    sigaddset(&block, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &block, &old);
    opts.duration_s = 0.1;
    ASSERT_TRUE(run());
    EXPECT_TRUE(sigterm_blocked());  // the caller had it blocked: still blocked
    pthread_sigmask(SIG_SETMASK, &old, nullptr);
}
