// stats.cpp: the stats model and its two output formats (one text line, or one JSON object per line).
#include "scxx/stats.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "stats_values.hpp"

namespace scxx {
namespace {

const Stats::Entry* find_counter(const Stats& stats, const std::string& name) {
    for (const auto& e : stats.entries())
        if (e.kind == Stats::Entry::Kind::counter && e.name == name) return &e;
    return nullptr;
}

// CPU sets up to this many CPUs print as bars ('*' = in the set), 64 CPUs a row; larger ones as cpulists.
constexpr unsigned kBarMaxCpus = 256;
constexpr unsigned kBarRow = 64;

// "primary   (  2/4) |**--|"; rows after the first are indented under the bar with their first CPU.
std::string format_cpus(const std::string& name, const Cpumask& mask, size_t name_width) {
    const unsigned n = mask.nr_cpus();
    const size_t count_width = std::to_string(n).size();
    std::string head = fmt::format("{:<{}} ({:>{}}/{})", name, name_width, mask.weight(), count_width, n);
    if (n > kBarMaxCpus) return fmt::format("\n{} {}", head, mask.empty() ? "none" : mask.to_list());
    std::string out;
    const bool wrapped = n > kBarRow;
    const size_t offset_width = std::to_string(n - 1).size();
    for (unsigned row = 0; row < n; row += kBarRow) {
        std::string bar;
        for (unsigned cpu = row; cpu < n && cpu < row + kBarRow; ++cpu) bar += mask.test(cpu) ? '*' : '-';
        std::string lead = row == 0 ? head : std::string(head.size(), ' ');
        if (wrapped) lead += fmt::format(" {:>{}}", row, offset_width);
        out += fmt::format("\n{} |{}|", lead, bar);
    }
    return out;
}

std::string format_text(const Stats& stats, double elapsed_s, const Stats* previous) {
    std::string line = fmt::format("t={:.1f}s", elapsed_s);
    std::string text_lines;
    size_t cpus_name_width = 0;
    for (const auto& e : stats.entries())
        if (e.kind == Stats::Entry::Kind::cpus) cpus_name_width = std::max(cpus_name_width, e.name.size());
    for (const auto& e : stats.entries()) {
        switch (e.kind) {
        case Stats::Entry::Kind::counter: {
            uint64_t v = std::get<uint64_t>(e.value);
            line += fmt::format(" {}={}{}", e.name, v, e.unit);
            if (previous) {
                const Stats::Entry* p = find_counter(*previous, e.name);
                // A counter below its previous value was reset (new scheduler instance): no delta.
                if (p && std::get<uint64_t>(p->value) <= v) line += fmt::format(" (+{})", v - std::get<uint64_t>(p->value));
            }
            break;
        }
        case Stats::Entry::Kind::gauge:
            line += fmt::format(" {}={}{}", e.name, format_gauge(std::get<double>(e.value)), e.unit);
            break;
        case Stats::Entry::Kind::text:
            text_lines += fmt::format("\n{}: {}", e.name, std::get<std::string>(e.value));
            break;
        case Stats::Entry::Kind::cpus:
            text_lines += format_cpus(e.name, std::get<Cpumask>(e.value), cpus_name_width);
            break;
        case Stats::Entry::Kind::section:
            line += fmt::format("\n  {}:", e.name);
            break;
        }
    }
    return line + text_lines;
}

std::string format_json(const Stats& stats, double elapsed_s) {
    nlohmann::ordered_json j;
    j["t"] = std::round(elapsed_s * 1000.0) / 1000.0;
    detail::add_stats_values(j, stats);
    return detail::dump_json(j);
}

}  // namespace

std::string format_gauge(double v) {
    if (!std::isfinite(v)) return fmt::format("{}", v);
    std::string s = fmt::format("{:.2f}", v);
    while (!s.empty() && s.back() == '0') s.pop_back();
    if (!s.empty() && s.back() == '.') s.pop_back();
    if (s == "-0") s = "0";
    return s;
}

void Stats::counter(std::string name, uint64_t value, std::string help, std::string unit) {
    entries_.push_back(Entry{Entry::Kind::counter, std::move(name), value, std::move(unit), std::move(help)});
}

void Stats::gauge(std::string name, double value, std::string help, std::string unit) {
    entries_.push_back(Entry{Entry::Kind::gauge, std::move(name), value, std::move(unit), std::move(help)});
}

void Stats::text(std::string name, std::string value, std::string help) {
    entries_.push_back(Entry{Entry::Kind::text, std::move(name), std::move(value), "", std::move(help)});
}

void Stats::cpus(std::string name, Cpumask value, std::string help) {
    entries_.push_back(Entry{Entry::Kind::cpus, std::move(name), std::move(value), "", std::move(help)});
}

void Stats::section(std::string name) {
    entries_.push_back(Entry{Entry::Kind::section, std::move(name), std::string(), "", ""});
}

Result<void> check_stats_meta(const Stats& stats) {
    std::vector<std::string_view> seen;
    for (const auto& e : stats.entries()) {
        if (e.kind == Stats::Entry::Kind::section) continue;
        if (e.name.empty()) return fail(EINVAL, "stats: an entry has no name (give every stat a name)");
        if (std::find(seen.begin(), seen.end(), e.name) != seen.end())
            return fail(EINVAL, fmt::format("stats: '{}' is published twice (give each stat its own name)", e.name));
        seen.push_back(e.name);
        if (e.help.empty())
            return fail(EINVAL, fmt::format("stats: '{}' has no help (say in one line what it counts)", e.name));
        if (e.help.find('\n') != std::string::npos)
            return fail(EINVAL, fmt::format("stats: the help of '{}' spans lines (keep it to one line)", e.name));
        if (e.unit.find_first_of(" \t\n") != std::string::npos)
            return fail(EINVAL, fmt::format("stats: unit '{}' of '{}' has spaces (use a short unit word such as "
                                            "\"us\" or \"%\"; put the words in the help)", e.unit, e.name));
    }
    return {};
}

std::string Stats::format(StatsFormat fmt, double elapsed_s, const Stats* previous) const {
    return fmt == StatsFormat::json ? format_json(*this, elapsed_s) : format_text(*this, elapsed_s, previous);
}

}  // namespace scxx
