// scxx/stats.hpp: the stats model. A scheduler publishes named counters (monotonic totals), gauges
// (current values), text lines, CPU sets and section breaks; the runner prints a snapshot every
// --stats seconds as text or as one JSON object per line.
#pragma once

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "scxx/cpumask.hpp"

namespace scxx {

enum class StatsFormat { text, json };

class Stats {
public:
    struct Entry {
        enum class Kind { counter, gauge, text, cpus, section } kind;
        std::string name;
        std::variant<uint64_t, double, std::string, Cpumask> value;
        std::string unit;  // optional: "us", "%", ...
    };

    void counter(std::string name, uint64_t value, std::string unit = "");
    void gauge(std::string name, double value, std::string unit = "");
    void text(std::string name, std::string value);
    // A CPU set ("primary"): text shows a bar per CPU (wrapped every 64 CPUs, as a cpulist beyond
    // 256 CPUs) with the count; JSON shows the cpulist.
    void cpus(std::string name, Cpumask value);
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

}  // namespace scxx
