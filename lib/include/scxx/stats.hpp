// scxx/stats.hpp: the stats model. A scheduler publishes named counters (monotonic totals), gauges
// (current values), text lines, CPU sets and section breaks, each with a one-line help; the runner
// prints a snapshot every --stats seconds as text or as one JSON object per line. The control socket's
// JSON forms (values, meta) and their inverse live in stats_json.cpp.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "scxx/cpumask.hpp"
#include "scxx/result.hpp"

namespace scxx {

enum class StatsFormat { text, json };

class Stats {
public:
    struct Entry {
        enum class Kind { counter, gauge, text, cpus, section } kind;
        std::string name;
        std::variant<uint64_t, double, std::string, Cpumask> value;
        std::string unit;  // optional short unit word: "us", "%", ...
        std::string help;  // one line: what it counts (empty for sections)
    };

    void counter(std::string name, uint64_t value, std::string help, std::string unit = "");
    void gauge(std::string name, double value, std::string help, std::string unit = "");
    void text(std::string name, std::string value, std::string help);
    // A CPU set ("primary"): text shows a bar per CPU (wrapped every 64 CPUs, as a cpulist beyond
    // 256 CPUs) with the count; JSON shows the cpulist.
    void cpus(std::string name, Cpumask value, std::string help);
    // Text: the following counters and gauges go on a new line that starts with "  NAME:". JSON: no-op.
    void section(std::string name);
    void clear() { entries_.clear(); }
    const std::vector<Entry>& entries() const { return entries_; }

    // text: "name=value[unit] ..." on one line (a new line per section), counters also show the
    // delta since `previous` ("dispatched=1200 (+300)"); text and CPU-set entries on lines of their own.
    // json: {"t":<elapsed s>,"name":value,...} on one line.
    std::string format(StatsFormat fmt, double elapsed_s, const Stats* previous = nullptr) const;

private:
    std::vector<Entry> entries_;
};

// A gauge as the text line shows it: up to two decimals, trailing zeros dropped (12.5, 3, 0.33).
std::string format_gauge(double v);

// Refuses an entry without help, a unit that is not one short word (empty, or no spaces), and a
// name published twice (sections excepted). The runner checks every scheduler's first collect.
Result<void> check_stats_meta(const Stats& stats);

// The control socket's forms (stats_json.cpp):
// {"name":value,...}: counters and gauges as numbers, text as strings, CPU sets as cpulists.
std::string stats_values_json(const Stats& stats);
// [{"name","type","unit","help","section"},...]: type counter|gauge|text|cpus, section the name of
// the last section() before the entry ("" before any).
std::string stats_meta_json(const Stats& stats);
// The inverse of the two above: a Stats (sections included) a client can format without knowing the
// scheduler. Every meta field needs a value; errors name the field and what is wrong with it.
Result<Stats> stats_from_json(std::string_view values_json, std::string_view meta_json);

}  // namespace scxx
