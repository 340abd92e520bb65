// schedulers/lavd/cpdom.cpp: the compute-domain planner (rules in cpdom.hpp): domains from the
// topology, alt links, neighbour levels, the two CPU preference orders, --cpu-pref-order parsing
// and the banner text. Pure functions of their arguments; nothing here is capped in size.
#include "cpdom.hpp"

#include <algorithm>
#include <cerrno>
#include <map>
#include <tuple>

#include "scxx/text.hpp"

namespace lavd {

namespace {

using scxx::text::take_number;
using scxx::text::trim;

std::string cpu_range_text(unsigned nr) {
    return nr == 1 ? "CPU 0" : "CPUs 0-" + std::to_string(nr - 1);
}

// Checks one CPU of a preference order and marks it seen; the error text has no prefix.
scxx::Result<void> take_cpu(uint64_t cpu, const scxx::Topology& topo, std::vector<char>& seen) {
    const unsigned nr = topo.nr_cpu_ids();
    if (cpu >= nr) return scxx::fail(EINVAL, "CPU " + std::to_string(cpu) + " does not exist (" + cpu_range_text(nr) + ")");
    if (!topo.online().test(static_cast<unsigned>(cpu)))
        return scxx::fail(EINVAL, "CPU " + std::to_string(cpu) + " is offline (online: " + topo.online().to_list() + ")");
    if (seen[cpu]) return scxx::fail(EINVAL, "CPU " + std::to_string(cpu) + " is named twice");
    seen[cpu] = 1;
    return {};
}

// Kernel node distance between two node ids, from Topology::nodes(); 10 to itself and 20 to any
// other node when the table does not cover them.
unsigned node_distance(const scxx::Topology& topo, unsigned a, unsigned b) {
    const int ia = topo.node_index(static_cast<int>(a));
    const int ib = topo.node_index(static_cast<int>(b));
    if (ia >= 0 && ib >= 0) {
        const auto& dist = topo.nodes()[static_cast<size_t>(ia)].distance;
        if (static_cast<size_t>(ib) < dist.size()) return dist[static_cast<size_t>(ib)];
    }
    return a == b ? 10 : 20;
}

// Keeps the first `head` and last `tail` comma-separated runs of a format_ordered() text when it
// has more than head + tail + 4 of them; `what` names the elided count ("8192 CPUs").
std::string elide(const std::string& text, size_t head, size_t tail, const std::string& what) {
    std::vector<std::string_view> runs;
    std::string_view rest(text);
    while (!rest.empty()) {
        size_t comma = rest.find(',');
        runs.push_back(rest.substr(0, comma));
        rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    }
    if (runs.size() <= head + tail + 4) return text;
    std::string out;
    for (size_t i = 0; i < head; ++i) out.append(runs[i]).append(",");
    out += "...";
    for (size_t i = runs.size() - tail; i < runs.size(); ++i) out.append(",").append(runs[i]);
    return out + " (" + what + ")";
}

std::string list_or_dash(const std::vector<unsigned>& ids) {
    return ids.empty() ? "-" : elide(format_ordered(ids), 16, 4, std::to_string(ids.size()) + " domains");
}

// The online CPUs of each domain grouped by core: cores in order of their first CPU, CPUs of a
// core ascending. A core split over two domains (siblings of different capacity) gives one group
// in each.
std::vector<std::vector<std::vector<unsigned>>> cores_by_domain(const scxx::Topology& topo, const DomainPlan& plan) {
    std::vector<std::vector<std::vector<unsigned>>> out(plan.domains.size());
    std::vector<long> last_core(plan.domains.size(), -1);
    std::vector<char> covered(plan.nr_cpu_ids, 0);
    for (const auto& core : topo.cores()) {
        for (unsigned cpu : core.cpus) {
            if (cpu >= plan.nr_cpu_ids || plan.cpu_domain[cpu] < 0) continue;
            const auto d = static_cast<size_t>(plan.cpu_domain[cpu]);
            if (last_core[d] != static_cast<long>(core.id)) {
                out[d].emplace_back();
                last_core[d] = static_cast<long>(core.id);
            }
            out[d].back().push_back(cpu);
            covered[cpu] = 1;
        }
    }
    bool strays = false;  // online CPUs no core lists: each is a core of its own
    for (unsigned cpu = 0; cpu < plan.nr_cpu_ids; ++cpu) {
        if (plan.cpu_domain[cpu] < 0 || covered[cpu]) continue;
        out[static_cast<size_t>(plan.cpu_domain[cpu])].push_back({cpu});
        strays = true;
    }
    for (auto& cores : out) {
        for (auto& c : cores) std::sort(c.begin(), c.end());
        if (strays) std::sort(cores.begin(), cores.end());
    }
    return out;
}

std::vector<unsigned> performance_order(const DomainPlan& plan, const std::vector<std::vector<std::vector<unsigned>>>& cores) {
    size_t max_threads = 0;
    for (const auto& dom : cores)
        for (const auto& c : dom) max_threads = std::max(max_threads, c.size());
    std::vector<unsigned> order;
    order.reserve(plan.nr_cpu_ids);
    for (size_t pass = 0; pass < max_threads; ++pass) {
        for (bool big : {true, false}) {
            std::vector<size_t> turn;  // domains of this type that still have cores, in id order
            for (const auto& d : plan.domains)
                if (d.big == big) turn.push_back(d.id);
            for (size_t round = 0; !turn.empty(); ++round) {
                std::vector<size_t> next;
                for (size_t d : turn) {
                    if (round >= cores[d].size()) continue;
                    if (cores[d][round].size() > pass) order.push_back(cores[d][round][pass]);
                    next.push_back(d);
                }
                turn.swap(next);
            }
        }
    }
    return order;
}

std::vector<unsigned> powersave_order(const DomainPlan& plan, const std::vector<std::vector<std::vector<unsigned>>>& cores) {
    std::vector<unsigned> order;
    order.reserve(plan.nr_cpu_ids);
    for (bool big : {false, true})
        for (const auto& d : plan.domains) {
            if (d.big != big) continue;
            for (const auto& c : cores[d.id]) order.insert(order.end(), c.begin(), c.end());
        }
    return order;
}

void plan_neighbours(const scxx::Topology& topo, DomainPlan& plan) {
    const size_t n = plan.domains.size();
    // Distances between the (few) nodes that have domains, looked up once per node pair.
    std::map<std::pair<unsigned, unsigned>, unsigned> dist_cache;
    auto dist = [&](unsigned a, unsigned b) {
        auto [it, fresh] = dist_cache.try_emplace({a, b}, 0);
        if (fresh) it->second = node_distance(topo, a, b);
        return it->second;
    };
    for (auto& a : plan.domains) {
        unsigned nearest_remote = ~0u;
        for (const auto& b : plan.domains)
            if (b.node != a.node) nearest_remote = std::min(nearest_remote, dist(a.node, b.node));
        using Key = std::tuple<unsigned, bool, unsigned>;  // distance, other LLC, id
        std::array<std::vector<Key>, kDistanceLevels> levels;
        for (size_t j = 0; j < n; ++j) {
            const auto& b = plan.domains[j];
            if (b.id == a.id) continue;
            unsigned level;
            if (b.node == a.node)
                level = b.big == a.big ? 0 : 1;
            else
                level = dist(a.node, b.node) <= nearest_remote ? 2 : 3;
            levels[level].emplace_back(dist(a.node, b.node), b.llc != a.llc, b.id);
        }
        for (unsigned l = 0; l < kDistanceLevels; ++l) {
            std::sort(levels[l].begin(), levels[l].end());
            a.neighbours[l].clear();
            for (const auto& k : levels[l]) a.neighbours[l].push_back(std::get<2>(k));
        }
    }
}

}  // namespace

scxx::Result<std::vector<unsigned>> parse_pref_order(std::string_view text, const scxx::Topology& topo) {
    const std::string prefix = "--cpu-pref-order \"" + std::string(trim(text)) + "\": ";
    const unsigned nr = topo.nr_cpu_ids();
    std::string_view rest = trim(text);
    if (rest.empty()) return scxx::fail(EINVAL, prefix + "empty list (expected CPUs such as 0-3,7-4)");
    std::vector<char> seen(nr, 0);
    std::vector<unsigned> out;
    while (true) {
        const size_t comma = rest.find(',');
        const std::string_view token = trim(rest.substr(0, comma));
        std::string_view s = token;
        uint64_t first = 0, last = 0, stride = 1;
        bool ok = take_number(s, first);
        last = first;
        if (ok && !s.empty() && s.front() == '-') {
            s.remove_prefix(1);
            ok = take_number(s, last);
            if (ok && !s.empty() && s.front() == ':') {
                s.remove_prefix(1);
                ok = take_number(s, stride) && stride > 0;
            }
        }
        if (!ok || !s.empty())
            return scxx::fail(EINVAL, prefix + "bad token \"" + std::string(token) + "\" (expected N, N-M, M-N or N-M:STRIDE with " +
                                          cpu_range_text(nr) + ")");
        const uint64_t top = std::max(first, last);
        if (top >= nr)  // checked before walking the range, so "0-99999999" fails at once
            return scxx::fail(EINVAL, prefix + "CPU " + std::to_string(top) + " does not exist (" + cpu_range_text(nr) + ")");
        const bool down = last < first;
        for (uint64_t cpu = first;; cpu = down ? cpu - stride : cpu + stride) {
            if (auto r = take_cpu(cpu, topo, seen); !r) return scxx::fail(EINVAL, prefix + r.error().message());
            out.push_back(static_cast<unsigned>(cpu));
            if (down ? cpu < last + stride : cpu + stride > last) break;
        }
        if (comma == std::string_view::npos) break;
        rest.remove_prefix(comma + 1);
    }
    return out;
}

scxx::Result<DomainPlan> plan_domains(const scxx::Topology& topo, const std::vector<unsigned>& pref_order) {
    DomainPlan plan;
    plan.nr_cpu_ids = topo.nr_cpu_ids();
    plan.cpu_domain.assign(plan.nr_cpu_ids, -1);
    plan.capacity.assign(plan.nr_cpu_ids, 0);
    if (topo.online().empty()) return scxx::fail(EINVAL, "compute domains: the topology has no online CPU");
    const unsigned fallback_node = topo.nodes().empty() ? 0 : topo.nodes().front().id;

    // (node, llc, little) -> the CPUs of that domain; std::map gives the documented numbering.
    std::map<std::tuple<unsigned, unsigned, bool>, std::vector<unsigned>> groups;
    for (unsigned cpu : topo.online()) {
        if (cpu >= topo.cpus().size()) return scxx::fail(EINVAL, "compute domains: CPU " + std::to_string(cpu) + " has no topology entry");
        const auto& info = topo.cpus()[cpu];
        if (info.llc < 0) return scxx::fail(EINVAL, "compute domains: online CPU " + std::to_string(cpu) + " has no LLC");
        const unsigned node = info.node >= 0 ? static_cast<unsigned>(info.node) : fallback_node;
        groups[{node, static_cast<unsigned>(info.llc), info.type == scxx::CoreType::little}].push_back(cpu);
        plan.capacity[cpu] = info.capacity;
    }
    for (const auto& [key, cpus] : groups) {
        ComputeDomain d;
        d.id = static_cast<unsigned>(plan.domains.size());
        d.node = std::get<0>(key);
        d.llc = std::get<1>(key);
        d.big = !std::get<2>(key);
        d.cpus = scxx::Cpumask(plan.nr_cpu_ids);
        for (unsigned cpu : cpus) {
            (void)d.cpus.set(cpu);  // cpu < nr_cpu_ids: it came from topo.online()
            plan.cpu_domain[cpu] = static_cast<int>(d.id);
        }
        plan.domains.push_back(std::move(d));
    }
    for (auto& d : plan.domains) {  // the other type sits right before or after in the numbering
        for (int j : {static_cast<int>(d.id) - 1, static_cast<int>(d.id) + 1}) {
            if (j < 0 || static_cast<size_t>(j) >= plan.domains.size()) continue;
            const auto& o = plan.domains[static_cast<size_t>(j)];
            if (o.node == d.node && o.llc == d.llc && o.big != d.big) d.alt_id = j;
        }
    }
    plan_neighbours(topo, plan);

    const auto cores = cores_by_domain(topo, plan);
    plan.order_performance = performance_order(plan, cores);
    plan.order_powersave = powersave_order(plan, cores);
    if (!pref_order.empty()) {
        std::vector<char> seen(plan.nr_cpu_ids, 0);
        for (unsigned cpu : pref_order)
            if (auto r = take_cpu(cpu, topo, seen); !r) return scxx::fail(EINVAL, "--cpu-pref-order: " + r.error().message());
        std::vector<unsigned> order = pref_order;
        for (unsigned cpu : plan.order_performance)
            if (!seen[cpu]) order.push_back(cpu);
        plan.order_performance = order;
        plan.order_powersave = std::move(order);
        plan.user_order = true;
    }
    return plan;
}

std::string format_ordered(const std::vector<unsigned>& ids) {
    std::string out;
    size_t i = 0;
    while (i < ids.size()) {
        if (!out.empty()) out += ',';
        // The longest run from i with a constant non-zero step.
        size_t j = i;
        long step = 0;
        if (i + 1 < ids.size()) {
            step = static_cast<long>(ids[i + 1]) - static_cast<long>(ids[i]);
            if (step != 0) {
                j = i + 1;
                while (j + 1 < ids.size() && static_cast<long>(ids[j + 1]) - static_cast<long>(ids[j]) == step) ++j;
            }
        }
        const size_t len = j - i + 1;
        const bool run = step == 1 ? len >= 2 : (step != 0 && len >= 3);
        if (!run) {
            out += std::to_string(ids[i]);
            ++i;
            continue;
        }
        out += std::to_string(ids[i]) + "-" + std::to_string(ids[j]);
        if (step != 1 && step != -1) out += ":" + std::to_string(step < 0 ? -step : step);
        i = j + 1;
    }
    return out;
}

std::vector<std::string> describe(const DomainPlan& plan) {
    std::vector<std::string> lines;
    lines.reserve(plan.domains.size() + 2);
    for (const auto& d : plan.domains) {
        std::string line = "cpdom " + std::to_string(d.id) + ": node " + std::to_string(d.node) + " llc " + std::to_string(d.llc) +
                           (d.big ? " big" : " little") + " cpus " + d.cpus.to_list() + " (" + std::to_string(d.cpus.weight()) +
                           ") alt " + (d.alt_id < 0 ? std::string("-") : std::to_string(d.alt_id));
        for (unsigned l = 0; l < kDistanceLevels; ++l) line += " nbr" + std::to_string(l) + " " + list_or_dash(d.neighbours[l]);
        lines.push_back(std::move(line));
    }
    const std::string origin = plan.user_order ? " (--cpu-pref-order)" : "";
    auto order_line = [&](const char* name, const std::vector<unsigned>& order) {
        return std::string("order ") + name + origin + ": " + elide(format_ordered(order), 16, 4, std::to_string(order.size()) + " CPUs");
    };
    lines.push_back(order_line("performance", plan.order_performance));
    lines.push_back(order_line("powersave", plan.order_powersave));
    return lines;
}

}  // namespace lavd
