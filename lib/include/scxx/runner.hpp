// scxx/runner.hpp: the run loop. Creates a scheduler from its registry entry, attaches it, prints
// stats every interval, watches the exit record, detaches on SIGINT/SIGTERM or after a duration,
// prints the exit report and restarts (bounded) when the kernel's exit code asks for it.
#pragma once

#include <filesystem>
#include <functional>
#include <ostream>
#include <string>
#include <string_view>

#include "scxx/registry.hpp"
#include "scxx/result.hpp"
#include "scxx/stats.hpp"
#include "scxx/topology.hpp"

namespace scxx {

struct RunOptions {
    double stats_interval_s = 0;           // 0 = no stats; resolution is the 100 ms tick
    StatsFormat stats_format = StatsFormat::text;
    unsigned timeout_ms = 0;               // ops.timeout_ms (0 = kernel default)
    double duration_s = 0;                 // 0 = until SIGINT/SIGTERM
    unsigned max_restarts = 3;             // restarts allowed when the exit code asks for one
    std::filesystem::path verifier_log = "/tmp/scx-run-verifier.log";
    bool partial = false;                  // SCX_OPS_SWITCH_PARTIAL: only SCHED_EXT tasks are scheduled
    std::filesystem::path sysfs_root = "/";  // where /sys (sched_ext, CPU topology) is read from
    const KernelBtf* btf = nullptr;        // the running kernel's BTF (the caller loads it once)
    // Reads the CPU topology before every attach, right after /sys/kernel/sched_ext/hotplug_seq (a
    // restart usually follows CPU hotplug, so the online CPUs changed); empty = Topology::read(sysfs_root).
    std::function<Result<Topology>()> read_topology;

    // The control socket (docs/control-protocol.md); empty = none.
    std::filesystem::path socket_path;
    // Rewritten atomically (write + rename) with the OpenMetrics exposition of the stats every
    // interval (--stats SECS, or every 5 s when stats are off); empty = none.
    std::filesystem::path metrics_file;
    // The mode the config was built with ("" = none); shown by `status`.
    std::string mode;
    // Builds the config of a `switch` or `mode` request: the declared defaults <- the scheduler's
    // mode `mode` (when not empty) <- `options_json` (a JSON object as in a --config file, "" =
    // none); the scheduler's cross-option check included. Without it those requests are refused.
    std::function<Result<Config>(const SchedulerEntry& entry, const std::string& mode, const std::string& options_json)>
        make_config;
    // Told of state changes: "attached" after every attach (first, restart, switch; `sched` names
    // the scheduler) and "stopping" before the final detach (scx-run tells systemd).
    std::function<void(std::string_view state, std::string_view sched)> on_state;
};

// Runs `entry` until SIGINT/SIGTERM, the duration, or an exit it cannot restart from. SIGINT and
// SIGTERM are blocked while it runs (read through a signalfd) and the caller's signal mask is
// restored on return. Returns the process exit status: 0 after a clean detach (exit kind none,
// done or unregistered from user space), 1 when the scheduler was ejected (or detached with an
// error). An Error means an attach failed (the first one, or a re-attach after a restart; nothing
// is left attached either way) or the event loop could not be set up. SIGHUP detaches like SIGTERM.
Result<int> run_scheduler(const SchedulerEntry& entry, const Config& config, const RunOptions& options,
                          std::ostream& out);

}  // namespace scxx
