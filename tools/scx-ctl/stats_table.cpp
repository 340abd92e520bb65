// stats_table.cpp: the stats table (see stats_table.hpp).
#include "stats_table.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

namespace scxctl {
namespace {

using Kind = scxx::Stats::Entry::Kind;
constexpr size_t kGap = 4;        // spaces between column groups
constexpr size_t kMaxGroups = 3;
constexpr size_t kIndent = 2;

struct Cell {
    std::string name, value, rate;
};

std::string rate_of(const scxx::Stats::Entry& e, const Sample& now, const Sample* previous) {
    if (!previous || e.kind != Kind::counter) return "";
    for (const auto& p : previous->stats.entries()) {
        if (p.kind != Kind::counter || p.name != e.name) continue;
        const uint64_t v = std::get<uint64_t>(e.value), pv = std::get<uint64_t>(p.value);
        const double dt = now.t - previous->t;
        if (v < pv) return "reset";
        if (dt <= 0) return "";
        return scxx::format_gauge(double(v - pv) / dt) + "/s";
    }
    return "";
}

// Wraps `text` (breaking after commas or spaces where it can) into lines of at most `width`.
std::vector<std::string> wrap(const std::string& text, size_t width) {
    std::vector<std::string> lines;
    std::string rest = text;
    while (rest.size() > width) {
        size_t cut = rest.find_last_of(", ", width - 1);
        cut = (cut == std::string::npos || cut == 0) ? width : cut + 1;
        lines.push_back(rest.substr(0, cut));
        rest.erase(0, cut);
    }
    lines.push_back(rest);
    return lines;
}

void add_wrapped(std::string& out, const std::string& head, const std::string& text, size_t width) {
    const size_t room = width > head.size() + 10 ? width - head.size() : 10;
    std::string lead = head;
    for (const auto& part : wrap(text, room)) {
        out += lead + part + "\n";
        lead.assign(head.size(), ' ');
    }
}

void add_cells(std::string& out, const std::vector<Cell>& cells, size_t width) {
    if (cells.empty()) return;
    size_t name_w = 0, value_w = 0, rate_w = 0;
    for (const auto& c : cells) {
        name_w = std::max(name_w, c.name.size());
        value_w = std::max(value_w, c.value.size());
        rate_w = std::max(rate_w, c.rate.size());
    }
    const size_t cell_w = name_w + 2 + value_w + (rate_w ? 2 + rate_w : 0);
    size_t groups = 1;
    while (groups < kMaxGroups && kIndent + (groups + 1) * cell_w + groups * kGap <= width) ++groups;
    const size_t rows = (cells.size() + groups - 1) / groups;
    for (size_t r = 0; r < rows; ++r) {
        std::string line(kIndent, ' ');
        for (size_t g = 0; g < groups; ++g) {
            const size_t i = g * rows + r;  // column-major: names read down each group
            if (i >= cells.size()) break;
            const Cell& c = cells[i];
            if (g) line += std::string(kGap, ' ');
            line += fmt::format("{:<{}}  {:>{}}", c.name, name_w, c.value, value_w);
            if (rate_w) line += fmt::format("  {:>{}}", c.rate, rate_w);
        }
        while (!line.empty() && line.back() == ' ') line.pop_back();
        out += line + "\n";
    }
}

}  // namespace

std::string format_stats_table(const Sample& now, const Sample* previous, size_t width) {
    std::string out;
    std::vector<Cell> cells;
    std::string lines;  // the section's text and CPU-set lines, after its cells
    auto flush = [&] {
        add_cells(out, cells, width);
        out += lines;
        cells.clear();
        lines.clear();
    };
    for (const auto& e : now.stats.entries()) {
        switch (e.kind) {
        case Kind::section:
            flush();
            out += e.name + ":\n";
            break;
        case Kind::counter:
            cells.push_back({e.name, std::to_string(std::get<uint64_t>(e.value)) + e.unit, rate_of(e, now, previous)});
            break;
        case Kind::gauge: cells.push_back({e.name, scxx::format_gauge(std::get<double>(e.value)) + e.unit, ""}); break;
        case Kind::text: {
            std::string value = std::get<std::string>(e.value);
            std::replace(value.begin(), value.end(), '\n', ' ');
            add_wrapped(lines, std::string(kIndent, ' ') + e.name + ": ", value, width);
            break;
        }
        case Kind::cpus: {
            const scxx::Cpumask& m = std::get<scxx::Cpumask>(e.value);
            const std::string head = fmt::format("{}{}: {} CPU{} ", std::string(kIndent, ' '), e.name, m.weight(),
                                                 m.weight() == 1 ? "" : "s");
            add_wrapped(lines, head, m.empty() ? "none" : m.to_list(), width);
            break;
        }
        }
    }
    flush();
    return out;
}

}  // namespace scxctl
