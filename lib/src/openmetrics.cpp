// openmetrics.cpp: OpenMetrics 1.0 text exposition of a Stats snapshot: names, units, escaping,
// unique family names, and the runner's own scheduler/uptime/restart families.
#include "scxx/openmetrics.hpp"

#include <cmath>
#include <set>

#include <fmt/format.h>

namespace scxx {
namespace {

using Kind = Stats::Entry::Kind;

// A unit word mapped to an OpenMetrics base unit and the divisor that converts a value into it
// (dividing by 1e6 prints 30 us as 3e-05; multiplying by 1e-6 would print 2.9999999999999997e-05).
struct BaseUnit {
    const char* name;  // "" when the unit has no base unit here (then no # UNIT and no scaling)
    double divisor;
};

BaseUnit base_unit(std::string_view unit) {
    if (unit == "ns") return {"seconds", 1e9};
    if (unit == "us") return {"seconds", 1e6};
    if (unit == "ms") return {"seconds", 1e3};
    if (unit == "s") return {"seconds", 1.0};
    if (unit == "%") return {"ratio", 100.0};
    return {"", 1.0};
}

std::string sanitise(std::string_view name) {
    std::string out;
    for (char c : name) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == ':';
        out += ok ? c : '_';
    }
    return out;
}

// HELP text and label values: backslash, double quote and newline escaped.
std::string escape(std::string_view text) {
    std::string out;
    for (char c : text) {
        if (c == '\\') out += "\\\\";
        else if (c == '"') out += "\\\"";
        else if (c == '\n') out += "\\n";
        else out += c;
    }
    return out;
}

std::string number(double v) {
    if (std::isnan(v)) return "NaN";
    if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
    return fmt::format("{}", v);
}

// Family names in use, with the sample names each type derives from them: a name that would clash
// gets a numeric suffix.
class Families {
public:
    std::string claim(std::string name, std::string_view type, std::string_view unit = "") {
        std::string tail = unit.empty() ? "" : "_" + std::string(unit);
        std::string base = name;
        if (!tail.empty() && base.size() >= tail.size() && base.compare(base.size() - tail.size(), tail.size(), tail) == 0)
            base.resize(base.size() - tail.size());
        for (int n = 1;; ++n) {
            std::string candidate = base + (n == 1 ? "" : "_" + std::to_string(n)) + tail;
            if (free(candidate, type)) {
                for (const char* s : suffixes(type)) used_.insert(candidate + s);
                return candidate;
            }
        }
    }

private:
    static std::vector<const char*> suffixes(std::string_view type) {
        if (type == "counter") return {"", "_total", "_created"};
        if (type == "info") return {"", "_info"};
        return {""};
    }
    bool free(const std::string& name, std::string_view type) const {
        for (const char* s : suffixes(type))
            if (used_.count(name + s)) return false;
        return true;
    }
    std::set<std::string> used_;
};

void family(std::string& out, const std::string& name, std::string_view type, std::string_view help,
            std::string_view unit = "") {
    out += fmt::format("# TYPE {} {}\n", name, type);
    if (!unit.empty()) out += fmt::format("# UNIT {} {}\n", name, unit);
    if (!help.empty()) out += fmt::format("# HELP {} {}\n", name, escape(help));
}

void info_sample(std::string& out, const std::string& name, std::string_view labels) {
    out += fmt::format("{}_info{{{}}} 1\n", name, labels);
}

void entry(std::string& out, Families& families, const Stats::Entry& e, const std::string& prefix) {
    const std::string stem = prefix + sanitise(e.name);
    switch (e.kind) {
    case Kind::counter:
    case Kind::gauge: {
        const BaseUnit unit = base_unit(e.unit);
        const char* type = e.kind == Kind::counter ? "counter" : "gauge";
        const std::string name = families.claim(stem, type, unit.name);
        family(out, name, type, e.help, unit.name);
        if (e.kind == Kind::gauge) {
            out += fmt::format("{} {}\n", name, number(std::get<double>(e.value) / unit.divisor));
        } else {
            const uint64_t v = std::get<uint64_t>(e.value);
            out += fmt::format("{}_total {}\n", name, unit.divisor == 1.0 ? std::to_string(v) : number(double(v) / unit.divisor));
        }
        break;
    }
    case Kind::text: {
        const std::string name = families.claim(stem, "info");
        family(out, name, "info", e.help);
        info_sample(out, name, fmt::format("value=\"{}\"", escape(std::get<std::string>(e.value))));
        break;
    }
    case Kind::cpus: {
        const Cpumask& mask = std::get<Cpumask>(e.value);
        const std::string count = families.claim(stem, "gauge");
        family(out, count, "gauge", e.help.empty() ? "" : e.help + " (CPU count)");
        out += fmt::format("{} {}\n", count, mask.weight());
        const std::string list = families.claim(stem + "_cpulist", "info");
        family(out, list, "info", e.help.empty() ? "" : e.help + " (cpulist)");
        info_sample(out, list, fmt::format("cpulist=\"{}\"", escape(mask.to_list())));
        break;
    }
    case Kind::section: break;
    }
}

}  // namespace

std::string format_openmetrics(const Stats& stats, std::string_view scheduler, const OpenMetricsInfo& info) {
    std::string out;
    Families families;
    const std::string sched = escape(scheduler);
    const std::string info_name = families.claim("scxx_scheduler", "info");
    family(out, info_name, "info", "the scheduler scx-run runs and the sched_ext state");
    info_sample(out, info_name, fmt::format("scheduler=\"{}\",state=\"{}\"", sched, escape(info.state)));
    const std::string uptime = families.claim("scxx_uptime_seconds", "gauge", "seconds");
    family(out, uptime, "gauge", "time since scx-run started", "seconds");
    out += fmt::format("{} {}\n", uptime, number(info.uptime_s));
    const std::string restarts = families.claim("scxx_restarts", "counter");
    family(out, restarts, "counter", "scheduler restarts after an ejection that asked for one");
    out += fmt::format("{}_total {}\n", restarts, info.restarts);

    const std::string prefix = "scxx_" + sanitise(scheduler) + "_";
    for (const auto& e : stats.entries()) entry(out, families, e, prefix);
    out += "# EOF\n";
    return out;
}

}  // namespace scxx
