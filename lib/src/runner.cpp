// runner.cpp: the run loop. An EventLoop (event_loop.hpp) produces events; a Session owns the
// running scheduler instance and everything that replaces it: restarts the kernel asks for, and the
// control socket's requests (control.hpp, control_server.hpp): live option changes, switches to
// another scheduler (loaded while the old one still runs; rolled back when the new one is
// rejected), modes. The print_* functions do all the output.
#include "scxx/runner.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <fstream>
#include <memory>
#include <optional>
#include <sstream>
#include <thread>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "event_loop.hpp"
#include "scxx/control.hpp"
#include "scxx/control_server.hpp"
#include "scxx/log.hpp"
#include "scxx/map_census.hpp"
#include "scxx/openmetrics.hpp"
#include "scxx/probes.hpp"

#ifndef SCXX_VERSION
#define SCXX_VERSION "0.1.0"
#endif

namespace scxx {
namespace {

using Clock = std::chrono::steady_clock;

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

void print_restart(std::ostream& out, const std::string& name, bool after_hotplug, const RestartPolicy& policy) {
    if (after_hotplug)
        print_line(out, fmt::format("{}: restarting after CPU hotplug (hotplug restart {}; these do not use the "
                                    "restart budget, {}/{} used)",
                                    name, policy.hotplug_restarts(), policy.restarts(), policy.max_restarts()));
    else
        print_line(out, fmt::format("{}: restarting (exit code asks for it, restart {}/{})", name, policy.restarts(),
                                    policy.max_restarts()));
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
// Reading the machine.

using json = nlohmann::json;

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

// A topology read that fails while CPUs come and go (a CPU listed online is gone by the time its
// files are read) is read again when the machine changed meanwhile: hotplug_seq moved, or the online
// CPU list did (an offline bumps hotplug_seq first and removes the CPU's files last, so a read can
// start after the bump and still trip over the files). At most kTopologyRereads times, 100 ms apart
// (the control socket waits meanwhile): a hotplug storm must not end the run.
constexpr int kTopologyRereads = 50;

std::string read_online_cpus(const RunOptions& o) {
    std::ifstream f(o.sysfs_root / "sys/devices/system/cpu/online");
    std::string line;
    std::getline(f, line);
    return line;
}

Result<Snapshot> read_machine(const RunOptions& o) {
    for (int attempt = 0;; ++attempt) {
        Snapshot snap;
        auto seq = read_hotplug_seq(o.sysfs_root);
        if (!seq) return fail(std::move(seq.error()));
        snap.hotplug_seq = *seq;
        const std::string online = read_online_cpus(o);
        auto topo = o.read_topology ? o.read_topology() : Topology::read(o.sysfs_root);
        if (topo) {
            snap.topology = std::move(*topo);
            return snap;
        }
        auto after = read_hotplug_seq(o.sysfs_root);
        const bool changed = (after && *after != snap.hotplug_seq) || read_online_cpus(o) != online;
        if (!changed || attempt >= kTopologyRereads) return fail(std::move(topo.error()).context("read CPU topology"));
        log(LogLevel::info, "CPU hotplug while reading the topology ({}), reading it again", topo.error().what());
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
}

std::string read_text(const std::filesystem::path& p) {
    std::ifstream f(p);
    std::stringstream ss;
    ss << f.rdbuf();
    return ss.str();
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

double ms_since(Clock::time_point t) { return std::chrono::duration<double, std::milli>(Clock::now() - t).count(); }

// ---------------------------------------------------------------------------------------------
// The session: the scheduler instance in charge, how it got there, and the control requests.

enum class Outcome { signal, duration, ejected, lost };

// One scheduler instance with everything its attach context points to.
struct Instance {
    const SchedulerEntry* entry = nullptr;
    Config config;
    std::string mode;
    Snapshot machine;
    std::unique_ptr<Scheduler> sched;
};

class Session final : public ControlTarget {
public:
    Session(const SchedulerEntry& entry, Config config, const RunOptions& o, std::ostream& out)
        : o_(o), out_(out), env_{o.sysfs_root, o.btf, &out} {
        cur_ = std::make_unique<Instance>();
        cur_->entry = &entry;
        cur_->config = std::move(config);
        cur_->mode = o.mode;
    }

    // Loads and enables the current entry and config on a fresh read of the machine: the first
    // attach, a restart the kernel asked for, or bringing a scheduler back after a failed switch.
    enum class Why { first, restart, restore };
    Result<void> attach(Why why) {
        static constexpr const char* kVerb[] = {"run ", "restart ", "restore "};
        auto inst = load(cur_->entry, cur_->config, cur_->mode, kVerb[static_cast<int>(why)]);
        if (!inst) return fail(std::move(inst.error()));
        if (auto r = (*inst)->sched->enable(); !r) return fail(std::move(r.error()).context("attach " + cur_->entry->name));
        if (why == Why::restart)
            log(LogLevel::info, "{}: topology now {}", cur_->entry->name, (*inst)->machine.topology.summary());
        adopt(std::move(*inst));
        return {};
    }

    Result<Outcome> monitor(EventLoop& loop);
    void serve(ControlServer* server) { server_ = server; }

    Scheduler* sched() { return cur_ && cur_->sched ? cur_->sched.get() : nullptr; }
    // Closes the current (detached) instance: programs, maps and their timers; the entry, config
    // and mode stay for the next attach.
    void release() {
        if (cur_) cur_->sched.reset();
    }
    // Whether a CPU came or went since the current scheduler read the machine (an unreadable
    // sequence number counts as a change: the kernel said hotplug).
    bool hotplug_seq_moved() const {
        auto seq = read_hotplug_seq(o_.sysfs_root);
        return !seq || *seq != cur_->machine.hotplug_seq;
    }
    const std::string& name() const { return cur_->entry->name; }
    Stats collect();
    void emit_stats();
    // --metrics-file: the OpenMetrics text, written to PATH.tmp and renamed over PATH.
    void write_metrics(const Stats& stats);
    void remove_metrics();
    unsigned restarts = 0;

    // ControlTarget.
    ControlReply stats() override;
    ControlReply stats_meta() override;
    ControlReply status() override;
    ControlReply events() override;
    ControlReply maps() override;
    ControlReply set(const std::string& key, const std::string& value) override;
    ControlReply switch_to(const std::string& sched, const std::string& mode, const std::string& options_json) override;
    ControlReply mode(const std::string& name) override;

private:
    Result<std::unique_ptr<Instance>> load(const SchedulerEntry* entry, Config config, std::string mode,
                                           const std::string& verb) {
        auto inst = std::make_unique<Instance>();
        inst->entry = entry;
        inst->config = std::move(config);
        inst->mode = std::move(mode);
        auto machine = read_machine(o_);
        if (!machine) return fail(std::move(machine.error()).context(verb + entry->name));
        inst->machine = std::move(*machine);
        if (!entry->create) return fail(fmt::format("run {}: the registry entry has no create function", entry->name));
        inst->sched = entry->create();
        if (!inst->sched) return fail(fmt::format("create {}: the factory returned no scheduler", entry->name));
        const SchedulerContext ctx{entry->name,      inst->machine.topology, inst->config,
                                   env_,             o_.timeout_ms,          o_.partial,
                                   inst->machine.hotplug_seq, o_.verifier_log};
        if (auto r = inst->sched->load(ctx); !r) return fail(std::move(r.error()).context("attach " + entry->name));
        return inst;
    }

    // `inst` is enabled: it becomes the current instance.
    void adopt(std::unique_ptr<Instance> inst) {
        cur_ = std::move(inst);
        attached_at_ = Clock::now();
        if (!start_) {
            start_ = attached_at_;
            next_stats_s_ = interval_s();
        }
        previous_.reset();  // the new instance's counters start from zero
        print_attached(out_, cur_->entry->name, sysfs_state(o_), cur_->sched->banner());
        if (o_.on_state) o_.on_state("attached", cur_->entry->name);
    }

    // Detaches the current instance and prints its exit report.
    void retire() {
        if (!sched()) return;
        print_exit(out_, cur_->sched->detach());
        cur_->sched.reset();
    }

    // Stats lines every --stats SECS; without them a --metrics-file is still rewritten every 5 s.
    double interval_s() const {
        if (o_.stats_interval_s > 0) return o_.stats_interval_s;
        return o_.metrics_file.empty() ? 0.0 : 5.0;
    }
    double elapsed_s() const { return start_ ? std::chrono::duration<double>(Clock::now() - *start_).count() : 0.0; }
    ControlReply reattach(const SchedulerEntry* entry, Config config, std::string mode);

    const RunOptions& o_;
    std::ostream& out_;
    const Environment env_;
    std::unique_ptr<Instance> cur_;
    ControlServer* server_ = nullptr;
    std::optional<Clock::time_point> start_;
    Clock::time_point attached_at_;
    std::optional<Stats> previous_;
    double next_stats_s_ = 0;
    unsigned switches_ = 0;
    bool lost_ = false;  // a failed switch could not bring the previous scheduler back
};

Stats Session::collect() {
    Stats stats;
    if (auto r = cur_->sched->collect(stats); !r)
        stats.text("stats_error", r.error().what(), "why collecting the stats failed (the values before it are valid)");
    return stats;
}

void Session::emit_stats() {
    Stats stats = collect();
    if (o_.stats_interval_s > 0) print_stats(out_, stats, o_.stats_format, elapsed_s(), previous_ ? &*previous_ : nullptr);
    write_metrics(stats);
    previous_ = std::move(stats);
}

void Session::write_metrics(const Stats& stats) {
    if (o_.metrics_file.empty()) return;
    const std::string text = format_openmetrics(stats, name(), {sysfs_state(o_), elapsed_s(), restarts});
    std::filesystem::path tmp = o_.metrics_file;
    tmp += ".tmp";
    // 0644 whatever the umask (the service runs with 0077): node_exporter reads it as another user.
    int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    bool ok = fd >= 0 && fchmod(fd, 0644) == 0;
    for (size_t off = 0; ok && off < text.size();) {
        ssize_t n = ::write(fd, text.data() + off, text.size() - off);
        ok = n > 0;
        off += ok ? static_cast<size_t>(n) : 0;
    }
    if (fd >= 0) ok = ::close(fd) == 0 && ok;
    if (!ok) {
        log(LogLevel::warn, "--metrics-file: cannot write {} (is the directory there and writable?)", tmp.string());
        return;
    }
    std::error_code ec;
    std::filesystem::rename(tmp, o_.metrics_file, ec);
    if (ec) log(LogLevel::warn, "--metrics-file: cannot rename {} to {}: {}", tmp.string(), o_.metrics_file.string(), ec.message());
}

// A stopped runner leaves no metrics behind: node_exporter would report a scheduler that is gone.
void Session::remove_metrics() {
    if (o_.metrics_file.empty()) return;
    std::error_code ec;
    std::filesystem::remove(o_.metrics_file, ec);
    std::filesystem::path tmp = o_.metrics_file;
    tmp += ".tmp";
    std::filesystem::remove(tmp, ec);
}

Result<Outcome> Session::monitor(EventLoop& loop) {
    const auto handler = [this](std::string_view line) {
        // After a failed switch could not bring the old scheduler back, nothing is attached: the
        // requests still queued in this round are answered, never run against a null scheduler.
        if (lost_ || !sched())
            return control_error_line("unavailable", "no scheduler is attached (a failed switch could not restore "
                                                     "the previous one); the runner is exiting");
        return handle_control_line(line, *this);
    };
    for (;;) {
        auto ev = loop.wait();
        if (!ev) return fail(std::move(ev.error()));
        if (*ev == Event::stop) return Outcome::signal;
        if (server_) server_->process(handler);
        if (lost_) return Outcome::lost;
        if (*ev == Event::io) continue;
        cur_->sched->poll();
        if (cur_->sched->exit_info().exited()) return Outcome::ejected;
        double t = elapsed_s();
        if (o_.duration_s > 0 && t >= o_.duration_s) return Outcome::duration;
        if (interval_s() > 0 && t >= next_stats_s_) {
            emit_stats();
            // Next multiple of the interval after t: no loop, so no interval can stall the event loop.
            next_stats_s_ = interval_s() * (std::floor(t / interval_s()) + 1);
        }
    }
}

ControlReply Session::stats() {
    const Stats stats = collect();
    json j{{"scheduler", name()}, {"t", elapsed_s()}, {"values", json::parse(stats_values_json(stats))}};
    return j.dump();
}

ControlReply Session::stats_meta() {
    const Stats stats = collect();
    if (auto r = check_stats_meta(stats); !r) log(LogLevel::warn, "{}: stats_meta: {}", name(), r.error().what());
    json j{{"scheduler", name()}, {"fields", json::parse(stats_meta_json(stats))}};
    return j.dump();
}

ControlReply Session::status() {
    json j;
    j["scheduler"] = name();
    j["mode"] = cur_->mode.empty() ? json(nullptr) : json(cur_->mode);
    json options = json::parse(config_to_json(cur_->entry->options, cur_->config), nullptr, false);
    j["options"] = options.is_discarded() ? json::object() : options;
    j["state"] = sysfs_state(o_);
    j["uptime_s"] = elapsed_s();
    j["attached_s"] = std::chrono::duration<double>(Clock::now() - attached_at_).count();
    j["restarts"] = restarts;
    j["switches"] = switches_;
    utsname u{};
    j["kernel"] = uname(&u) == 0 ? std::string(u.release) : std::string("unknown");
    uint64_t seq = 0;
    std::istringstream(read_text(o_.sysfs_root / "sys/kernel/sched_ext/enable_seq")) >> seq;
    j["enable_seq"] = seq;
    j["version"] = SCXX_VERSION;
    j["pid"] = static_cast<int64_t>(getpid());
    return j.dump();
}

ControlReply Session::events() {
    const auto path = o_.sysfs_root / "sys/kernel/sched_ext/root/events";
    std::ifstream f(path);
    if (!f) return control_error("unavailable", fmt::format("cannot read {}: this kernel has no sched_ext event counters", path.string()));
    json ev = json::object();
    std::string key;
    uint64_t value = 0;
    while (f >> key >> value) ev[key] = value;
    return json{{"scheduler", name()}, {"events", ev}}.dump();
}

ControlReply Session::maps() {
    const Scheduler* s = sched();
    const bpf_object* obj = s ? s->bpf_obj() : nullptr;
    if (!obj) return control_error("unavailable", name() + " has no BPF object to count (not a BPF skeleton scheduler)");
    auto census = take_map_census(obj, {(o_.sysfs_root / "proc").string(), (o_.sysfs_root / "sys/fs/cgroup").string()});
    if (!census) return control_error("unavailable", census.error().what());
    json maps = json::array();
    for (const MapCount& m : census->maps) {
        json e{{"name", m.name}, {"type", m.type}, {"max_entries", m.max_entries}, {"how", m.how}};
        e["entries"] = m.entries ? json(*m.entries) : json(nullptr);
        maps.push_back(std::move(e));
    }
    return json{{"scheduler", name()}, {"threads", census->threads}, {"cgroups", census->cgroups}, {"maps", maps}}.dump();
}

// A make_config error as a protocol code: the modes library starts every unknown-mode error with
// "unknown mode " and a missing modes file with "modes file ... not found" (scxx/modes.hpp); a
// broken modes file is an invalid value.
std::string config_error_code(const Error& e) {
    const std::string& w = e.what();
    const bool missing_file = w.rfind("modes file ", 0) == 0 && w.find(" not found ") != std::string::npos;
    return w.rfind("unknown mode ", 0) == 0 || missing_file ? "unknown_mode" : "invalid_value";
}

const OptionDecl* find_decl(const SchedulerEntry& e, const std::string& key) {
    for (const auto& d : e.options)
        if (d.name == key) return &d;
    return nullptr;
}

ControlReply Session::set(const std::string& key, const std::string& value) {
    const SchedulerEntry& e = *cur_->entry;
    const OptionDecl* d = find_decl(e, key);
    if (!d || d->test_only)
        return control_error("unknown_option", fmt::format("{} has no option --{} (see scx-run --sched {} --help)", e.name,
                                                           key, e.name));
    if (!d->live)
        return control_error("not_live", fmt::format("option --{} cannot change while attached (switch to {} with "
                                                     "--{}={} instead)",
                                                     key, e.name, key, value));
    auto parsed = parse_option_text(*d, value, "option --" + key);
    if (!parsed) return control_error("invalid_value", parsed.error().what());
    auto values = cur_->config.values();
    values[key] = *parsed;
    Config next(std::move(values));
    if (e.check)
        if (auto r = e.check(next); !r) return control_error("invalid_value", r.error().what());
    if (auto r = cur_->sched->set_live({d}, next); !r) return control_error("invalid_value", r.error().what());
    const std::string previous = format_option_value(*d, cur_->config.at(key));
    cur_->config = std::move(next);
    log(LogLevel::info, "{}: --{} changed live to {} (was {})", e.name, key, format_option_value(*d, *parsed), previous);
    return json{{"key", key}, {"value", format_option_value(*d, *parsed)}, {"previous", previous}}.dump();
}

// Loads `entry` with `config` while the current scheduler runs, then swaps: detach the old one,
// enable the new one. A rejected new scheduler brings the old one back (a fresh attach).
ControlReply Session::reattach(const SchedulerEntry* entry, Config config, std::string mode) {
    const auto t_load = Clock::now();
    auto inst = load(entry, std::move(config), std::move(mode), "switch to ");
    if (!inst)
        return control_error("switch_failed", fmt::format("{}; {} keeps running", inst.error().what(), name()));
    const double load_ms = ms_since(t_load);
    const std::string old_name = name();
    const auto t_gap = Clock::now();
    retire();
    const double detach_ms = ms_since(t_gap);
    auto r = (*inst)->sched->enable();
    bool exited_at_start = false;
    // The kernel runs ops.init inside the attach but reports its failure asynchronously: the attach
    // returns success and the scheduler is being disabled. Only "enabled" now means it took over.
    if (r && (sysfs_state(o_) != "enabled" || (*inst)->sched->exit_info().exited())) {
        const ExitInfo info = (*inst)->sched->detach();
        print_exit(out_, info);
        exited_at_start = true;
        r = fail(fmt::format("{} exited as it started ({})", entry->name, info.message.empty() ? info.reason : info.message));
    }
    if (r) {
        const double gap_ms = ms_since(t_gap);
        const double enable_ms = gap_ms - detach_ms;
        adopt(std::move(*inst));
        ++switches_;
        log(LogLevel::info, "{}: switched from {} (gap {:.1f} ms on the default scheduler: detach {:.1f}, enable {:.1f})",
            name(), old_name, gap_ms, detach_ms, enable_ms);
        return json{{"scheduler", name()},      {"gap_ms", gap_ms},       {"detach_ms", detach_ms},
                    {"enable_ms", enable_ms}, {"attach_ms", load_ms}}
            .dump();
    } else {
        std::string why = r.error().context("enable " + entry->name).what();
        if (!exited_at_start) (*inst)->sched->detach();  // enable() failed: nothing ran, no exit record
        inst->reset();
        if (auto back = attach(Why::restore); !back) {
            lost_ = true;
            log(LogLevel::error, "{}; bringing {} back failed too: {}", why, old_name, back.error().what());
            return control_error("restore_failed", fmt::format("{}; bringing {} back failed too ({}): nothing is "
                                                               "attached, the runner exits",
                                                               why, old_name, back.error().what()));
        }
        return control_error("switch_failed", fmt::format("{}; {} is attached again ({:.1f} ms on the default "
                                                          "scheduler)",
                                                          why, old_name, ms_since(t_gap)));
    }
}

ControlReply Session::switch_to(const std::string& sched, const std::string& mode, const std::string& options_json) {
    const SchedulerEntry* entry = Registry::instance().find(sched);
    if (!entry)
        return control_error("unknown_scheduler", fmt::format("unknown scheduler '{}' (available: {})", sched,
                                                              Registry::instance().names()));
    if (!o_.make_config) return control_error("unavailable", "this runner was started without a config builder");
    auto config = o_.make_config(*entry, mode, options_json);
    if (!config)
        return control_error(config_error_code(config.error()), config.error().what());
    return reattach(entry, std::move(*config), mode);
}

ControlReply Session::mode(const std::string& mode_name) {
    const SchedulerEntry& e = *cur_->entry;
    if (!o_.make_config) return control_error("unavailable", "this runner was started without a config builder");
    auto config = o_.make_config(e, mode_name, "");
    if (!config)
        return control_error(config_error_code(config.error()), config.error().what());
    std::vector<const OptionDecl*> changed;
    bool all_live = true;
    for (const auto& d : e.options) {
        if (config->at(d.name) == cur_->config.at(d.name)) continue;
        changed.push_back(&d);
        all_live = all_live && d.live;
    }
    json options = json::parse(config_to_json(e.options, *config), nullptr, false);
    if (!all_live) {
        auto r = reattach(&e, std::move(*config), mode_name);
        if (!r) return r;
        return json{{"mode", mode_name}, {"applied", "reattached"}, {"options", options}}.dump();
    }
    // Every change is live: applied together, checked once on the final config.
    if (auto r = cur_->sched->set_live(changed, *config); !r)
        return control_error("invalid_value", fmt::format("mode {}: {}", mode_name, r.error().what()));
    cur_->config = std::move(*config);
    cur_->mode = mode_name;
    return json{{"mode", mode_name}, {"applied", "live"}, {"options", options}}.dump();
}

}  // namespace

Result<int> run_scheduler(const SchedulerEntry& entry, const Config& config, const RunOptions& options,
                          std::ostream& out) {
    auto loop = EventLoop::create();
    if (!loop) return fail(std::move(loop.error()).context("run " + entry.name + ": event loop"));
    if (!entry.create) return fail(fmt::format("run {}: the registry entry has no create function", entry.name));
    std::unique_ptr<ControlServer> server;
    if (!options.socket_path.empty()) {
        auto s = ControlServer::open(options.socket_path);
        if (!s) return fail(std::move(s.error()).context("run " + entry.name));
        server = std::move(*s);
        if (auto r = (*loop)->watch(server->fd()); !r) return fail(std::move(r.error()).context("run " + entry.name));
    }

    Session session(entry, config, options, out);
    session.serve(server.get());
    struct MetricsCleanup {  // every way out of the run removes the metrics file
        Session& s;
        ~MetricsCleanup() { s.remove_metrics(); }
    } metrics_cleanup{session};
    RestartPolicy policy(options.max_restarts);
    for (bool first = true;; first = false) {
        if (auto r = session.attach(first ? Session::Why::first : Session::Why::restart); !r)
            return fail(std::move(r.error()));
        auto outcome = session.monitor(**loop);
        if (!outcome) {
            if (Scheduler* s = session.sched()) s->detach();
            return fail(std::move(outcome.error()).context("run " + session.name()));
        }
        const std::string name = session.name();
        switch (*outcome) {
        case Outcome::signal:
            log(LogLevel::info, "{}: {} received, detaching", name, signal_name((*loop)->last_signal()));
            break;
        case Outcome::duration: log(LogLevel::info, "{}: ran for {} s, detaching", name, options.duration_s); break;
        case Outcome::ejected: log(LogLevel::info, "{}: the scheduler exited while running", name); break;
        case Outcome::lost: return 1;
        }
        if (options.stats_interval_s > 0) session.emit_stats();
        if (*outcome != Outcome::ejected && options.on_state) options.on_state("stopping", name);
        ExitInfo info = session.sched()->detach();
        print_exit(out, info);

        if (*outcome != Outcome::ejected) return status_after_stop(info);
        // Close the ended instance before its successor loads: its BPF timers live as long as its
        // maps, and on these kernels a kfunc its callback calls acts on the successor once that is
        // attached.
        session.release();
        const bool after_hotplug = info.from_hotplug() && session.hotplug_seq_moved();
        if (!policy.should_restart(info, after_hotplug)) {
            if (info.wants_restart()) print_no_restart(out, name, policy.max_restarts());
            return 1;
        }
        ++session.restarts;
        print_restart(out, name, after_hotplug, policy);
    }
}

}  // namespace scxx
