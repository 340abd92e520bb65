// runner.cpp: the run loop. An EventLoop (signalfd + 100 ms timerfd + epoll) produces events; the
// monitor turns them into an outcome for one scheduler instance; run_scheduler chains instances
// (restarts) and the print_* functions do all the output.
#include <cmath>
#include "scxx/runner.hpp"

#include <pthread.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>

#include <fmt/format.h>

#include "scxx/log.hpp"
#include "scxx/probes.hpp"

namespace scxx {
namespace {

using Clock = std::chrono::steady_clock;
constexpr long kTickNs = 100'000'000;  // 100 ms

// ---------------------------------------------------------------------------------------------
// Event loop: owns the signal mask change and three file descriptors.

enum class Event { tick, stop };

class EventLoop {
public:
    static Result<std::unique_ptr<EventLoop>> create();
    ~EventLoop();
    EventLoop(const EventLoop&) = delete;
    EventLoop& operator=(const EventLoop&) = delete;

    // Blocks until the next tick or a SIGINT/SIGTERM (a signal wins over a tick).
    Result<Event> wait();
    int last_signal() const { return last_signal_; }

private:
    EventLoop() = default;
    void drain_signals();

    sigset_t old_mask_{};
    bool mask_changed_ = false;
    int sfd_ = -1, tfd_ = -1, epfd_ = -1;
    int last_signal_ = 0;
};

Result<std::unique_ptr<EventLoop>> EventLoop::create() {
    std::unique_ptr<EventLoop> loop(new EventLoop());
    sigset_t mask;
    sigemptyset(&mask);
    sigaddset(&mask, SIGINT);
    sigaddset(&mask, SIGTERM);
    sigaddset(&mask, SIGHUP);  // a closed terminal detaches cleanly too
    if (int err = pthread_sigmask(SIG_BLOCK, &mask, &loop->old_mask_); err != 0) return fail(err, "block SIGINT/SIGTERM/SIGHUP");
    loop->mask_changed_ = true;

    loop->sfd_ = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
    if (loop->sfd_ < 0) return fail(errno, "signalfd");
    loop->tfd_ = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
    if (loop->tfd_ < 0) return fail(errno, "timerfd_create");
    itimerspec its{};
    its.it_interval.tv_nsec = kTickNs;
    its.it_value.tv_nsec = kTickNs;
    if (timerfd_settime(loop->tfd_, 0, &its, nullptr) != 0) return fail(errno, "timerfd_settime");
    loop->epfd_ = epoll_create1(EPOLL_CLOEXEC);
    if (loop->epfd_ < 0) return fail(errno, "epoll_create1");
    for (int fd : {loop->sfd_, loop->tfd_}) {
        epoll_event ev{};
        ev.events = EPOLLIN;
        ev.data.fd = fd;
        if (epoll_ctl(loop->epfd_, EPOLL_CTL_ADD, fd, &ev) != 0) return fail(errno, "epoll_ctl");
    }
    return loop;
}

EventLoop::~EventLoop() {
    // Signals that arrived after the stop (a second Ctrl-C during detach) must not kill the
    // caller once the old mask is back: consume them here.
    if (sfd_ >= 0) drain_signals();
    for (int fd : {epfd_, tfd_, sfd_})
        if (fd >= 0) close(fd);
    if (mask_changed_) pthread_sigmask(SIG_SETMASK, &old_mask_, nullptr);
}

void EventLoop::drain_signals() {
    signalfd_siginfo si;
    while (read(sfd_, &si, sizeof si) == static_cast<ssize_t>(sizeof si)) {
    }
}

Result<Event> EventLoop::wait() {
    for (;;) {
        epoll_event evs[2];
        int n = epoll_wait(epfd_, evs, 2, -1);
        if (n < 0) {
            if (errno == EINTR) continue;
            return fail(errno, "epoll_wait");
        }
        bool tick = false;
        for (int i = 0; i < n; ++i) {
            if (evs[i].data.fd == sfd_) {
                signalfd_siginfo si;
                if (read(sfd_, &si, sizeof si) == static_cast<ssize_t>(sizeof si)) {
                    last_signal_ = static_cast<int>(si.ssi_signo);
                    return Event::stop;
                }
            } else if (evs[i].data.fd == tfd_) {
                uint64_t expirations;
                if (read(tfd_, &expirations, sizeof expirations) == static_cast<ssize_t>(sizeof expirations)) tick = true;
            }
        }
        if (tick) return Event::tick;
    }
}

// ---------------------------------------------------------------------------------------------
// Output.

void print_line(std::ostream& out, const std::string& text) {
    out << text << '\n';
    out.flush();
}

void print_attached(std::ostream& out, const std::string& name, const std::string& state,
                    const std::vector<std::string>& banner) {
    print_line(out, fmt::format("{}: attached (state {})", name, state));
    for (const auto& line : banner) print_line(out, line);
}

void print_stats(std::ostream& out, const Stats& stats, StatsFormat format, double elapsed_s, const Stats* previous) {
    print_line(out, stats.format(format, elapsed_s, previous));
}

void print_exit(std::ostream& out, const ExitInfo& info) { print_line(out, info.report()); }

void print_restart(std::ostream& out, const std::string& name, unsigned restart, unsigned max) {
    print_line(out, fmt::format("{}: restarting (exit code asks for it, restart {}/{})", name, restart, max));
}

void print_no_restart(std::ostream& out, const std::string& name, unsigned max) {
    print_line(out, fmt::format("{}: not restarting (exit code asks for it, but the restart budget of {} is used up)",
                                name, max));
}

std::string signal_name(int sig) {
    switch (sig) {
    case SIGINT: return "SIGINT";
    case SIGTERM: return "SIGTERM";
    case SIGHUP: return "SIGHUP";
    default: return fmt::format("signal {}", sig);
    }
}

// ---------------------------------------------------------------------------------------------
// Monitoring one instance.

enum class Outcome { signal, duration, ejected };

// State that spans restarts: the clock and the previous stats snapshot.
struct RunState {
    std::optional<Clock::time_point> start;
    std::optional<Stats> previous;
    double next_stats_s = 0;

    double elapsed_s() const {
        return start ? std::chrono::duration<double>(Clock::now() - *start).count() : 0.0;
    }
};

bool stats_enabled(const RunOptions& o) { return o.stats_interval_s > 0; }

void emit_stats(Scheduler& sched, RunState& st, const RunOptions& o, std::ostream& out) {
    Stats stats;
    if (auto r = sched.collect(stats); !r) stats.text("stats_error", r.error().what(), "why collecting the stats failed (the values before it are valid)");
    print_stats(out, stats, o.stats_format, st.elapsed_s(), st.previous ? &*st.previous : nullptr);
    st.previous = std::move(stats);
}

Result<Outcome> monitor(EventLoop& loop, Scheduler& sched, RunState& st, const RunOptions& o, std::ostream& out) {
    for (;;) {
        auto ev = loop.wait();
        if (!ev) return fail(std::move(ev.error()));
        if (*ev == Event::stop) return Outcome::signal;
        sched.poll();
        if (sched.exit_info().exited()) return Outcome::ejected;
        double t = st.elapsed_s();
        if (o.duration_s > 0 && t >= o.duration_s) return Outcome::duration;
        if (stats_enabled(o) && t >= st.next_stats_s) {
            emit_stats(sched, st, o, out);
            // Next multiple of the interval after t: no loop, so no interval can stall the event loop.
            st.next_stats_s = o.stats_interval_s * (std::floor(t / o.stats_interval_s) + 1);
        }
    }
}

// Exit status after a detach we asked for: clean unless the record shows something else.
int status_after_stop(const ExitInfo& info) {
    switch (info.kind) {
    case ExitKind::none:
    case ExitKind::done:
    case ExitKind::unreg: return 0;
    default: return 1;
    }
}

std::string sysfs_state(const RunOptions& o) {
    auto state = read_sched_ext_state(o.sysfs_root);
    return state ? *state : std::string("unknown");
}

// hotplug_seq first, then the topology: a CPU hotplug in between makes the kernel refuse the
// scheduler with a restart request rather than run it on a stale topology.
struct Snapshot {
    uint64_t hotplug_seq = 0;
    Topology topology;
};

Result<Snapshot> read_machine(const RunOptions& o) {
    Snapshot snap;
    auto seq = read_hotplug_seq(o.sysfs_root);
    if (!seq) return fail(std::move(seq.error()));
    snap.hotplug_seq = *seq;
    auto topo = o.read_topology ? o.read_topology() : Topology::read(o.sysfs_root);
    if (!topo) return fail(std::move(topo.error()).context("read CPU topology"));
    snap.topology = std::move(*topo);
    return snap;
}

}  // namespace

Result<int> run_scheduler(const SchedulerEntry& entry, const Config& config, const RunOptions& options,
                          std::ostream& out) {
    auto loop = EventLoop::create();
    if (!loop) return fail(std::move(loop.error()).context("run " + entry.name + ": event loop"));
    if (!entry.create) return fail(fmt::format("run {}: the registry entry has no create function", entry.name));

    const Environment env{options.sysfs_root, options.btf, &out};
    RestartPolicy policy(options.max_restarts);
    RunState st;
    for (bool first = true;; first = false) {
        auto machine = read_machine(options);
        if (!machine)
            return fail(std::move(machine.error()).context((first ? "run " : "restart ") + entry.name));
        if (!first) log(LogLevel::info, "{}: topology now {}", entry.name, machine->topology.summary());
        const SchedulerContext ctx{entry.name,          machine->topology, config,
                                   env,                 options.timeout_ms, options.partial,
                                   machine->hotplug_seq, options.verifier_log};
        std::unique_ptr<Scheduler> sched = entry.create();
        if (!sched) return fail(fmt::format("create {}: the factory returned no scheduler", entry.name));
        if (auto r = sched->attach(ctx); !r) return fail(std::move(r.error()).context("attach " + entry.name));
        if (!st.start) {
            st.start = Clock::now();
            st.next_stats_s = options.stats_interval_s;
        }
        print_attached(out, entry.name, sysfs_state(options), sched->banner());

        auto outcome = monitor(**loop, *sched, st, options, out);
        if (!outcome) {
            sched->detach();
            return fail(std::move(outcome.error()).context("run " + entry.name));
        }
        switch (*outcome) {
        case Outcome::signal:
            log(LogLevel::info, "{}: {} received, detaching", entry.name, signal_name((*loop)->last_signal()));
            break;
        case Outcome::duration:
            log(LogLevel::info, "{}: ran for {} s, detaching", entry.name, options.duration_s);
            break;
        case Outcome::ejected: log(LogLevel::info, "{}: the scheduler exited while running", entry.name); break;
        }
        if (stats_enabled(options)) emit_stats(*sched, st, options, out);
        ExitInfo info = sched->detach();
        sched.reset();
        print_exit(out, info);

        if (*outcome != Outcome::ejected) return status_after_stop(info);
        if (!policy.should_restart(info)) {
            if (info.wants_restart()) print_no_restart(out, entry.name, policy.max_restarts());
            return 1;
        }
        print_restart(out, entry.name, policy.restarts(), policy.max_restarts());
        st.previous.reset();  // the new instance's counters start from zero
    }
}

}  // namespace scxx
