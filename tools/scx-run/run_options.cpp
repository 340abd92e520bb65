// tools/scx-run/run_options.cpp: scx-run's own option values -> RunOptions (run_options.hpp).
#include "run_options.hpp"

#include <charconv>
#include <cstdint>
#include <string>

#include <fmt/format.h>

#include "scxx/text.hpp"

namespace scx_run {
namespace {

namespace po = boost::program_options;

// The whole of `text` as a finite number ("0.5", "2", "1e3"; not "inf"), or nothing.
bool to_number(const std::string& text, double& out) { return scxx::text::parse_finite(text, out); }

// The whole of `text` as a base-10 integer ("-3", "12"; not "+5", " 5", "0x10"), or nothing.
bool to_integer(const std::string& text, int64_t& out) {
    int64_t v = 0;
    const char* end = text.data() + text.size();
    auto [ptr, ec] = std::from_chars(text.data(), end, v);
    if (text.empty() || ec != std::errc() || ptr != end) return false;
    out = v;
    return true;
}

// --NAME's value as an integer in [min, max]; `unit` names what it counts.
scxx::Result<int64_t> integer_option(const po::variables_map& vm, const char* name, const char* unit, int64_t min,
                                     int64_t max) {
    const auto& text = vm[name].as<std::string>();
    int64_t v = 0;
    if (!to_integer(text, v))
        return scxx::fail(fmt::format("--{}: '{}' is not a whole number of {} (allowed {}..{})", name, text, unit, min,
                                      max));
    if (v < min || v > max) return scxx::fail(fmt::format("--{}: {} is out of range (allowed {}..{})", name, v, min, max));
    return v;
}

}  // namespace

scxx::Result<void> read_run_options(const po::variables_map& vm, scxx::RunOptions& run) {
    const auto& stats = vm["stats"].as<std::string>();
    if (!to_number(stats, run.stats_interval_s))
        return scxx::fail(fmt::format("--stats: '{}' is not a number of seconds (0 = off, or 0.1..86400)", stats));
    if (!(run.stats_interval_s == 0 || (run.stats_interval_s >= 0.1 && run.stats_interval_s <= 86400)))
        return scxx::fail("--stats must be 0 (off) or between 0.1 and 86400 seconds");
    const auto& sf = vm["stats-format"].as<std::string>();
    if (sf == "text")
        run.stats_format = scxx::StatsFormat::text;
    else if (sf == "json")
        run.stats_format = scxx::StatsFormat::json;
    else
        return scxx::fail(fmt::format("--stats-format: \"{}\" is not one of: text, json", sf));
    auto timeout = integer_option(vm, "timeout-ms", "milliseconds", 0, 30000);
    if (!timeout) return scxx::fail(std::move(timeout.error()));
    run.timeout_ms = static_cast<unsigned>(*timeout);
    const auto& duration = vm["duration"].as<std::string>();
    if (!to_number(duration, run.duration_s))
        return scxx::fail(fmt::format("--duration: '{}' is not a number of seconds (0 = until SIGINT/SIGTERM)", duration));
    if (!(run.duration_s >= 0)) return scxx::fail("--duration must be >= 0 (0 = until SIGINT/SIGTERM)");
    auto restarts = integer_option(vm, "max-restarts", "restarts", 0, 1000);
    if (!restarts) return scxx::fail(std::move(restarts.error()));
    run.max_restarts = static_cast<unsigned>(*restarts);
    run.verifier_log = vm["verifier-log"].as<std::string>();
    run.partial = vm.count("partial") > 0;
    const auto& socket = vm["socket"].as<std::string>();
    if (socket.empty()) return scxx::fail("--socket: give a path, or none for no control socket");
    if (socket != "none") run.socket_path = socket;
    if (vm.count("metrics-file")) {
        run.metrics_file = vm["metrics-file"].as<std::string>();
        if (run.metrics_file.empty() || !run.metrics_file.has_filename())
            return scxx::fail("--metrics-file: give a file path (e.g. /var/lib/node_exporter/scxx.prom)");
    }
    return {};
}

}  // namespace scx_run
