// schedulers/pair/pair_layout.cpp: see pair_layout.hpp.
#include "pair_layout.hpp"

#include <fmt/format.h>

namespace pair_sched {
namespace {

// The strides that pair `paired` CPUs: the divisors of paired/2 ("1, 2, 4"), at most 8 listed.
std::string working_strides(unsigned paired) {
    std::string out;
    unsigned listed = 0, half = paired / 2;
    for (unsigned s = 1; s <= half; ++s) {
        if (half % s) continue;
        if (listed == 8) {
            out += ", ...";
            break;
        }
        out += (listed++ ? ", " : "") + std::to_string(s);
    }
    return out;
}

std::string stride_hint(unsigned paired) {
    return fmt::format("with {} paired CPUs the stride must divide {}: {}", paired, paired / 2,
                       working_strides(paired));
}

std::string one_pair(const PairLayout& l, unsigned cpu) {
    if (l.partner[cpu] < 0) return fmt::format("[{}]", cpu);
    return fmt::format("[{},{}]", cpu, l.partner[cpu]);
}

}  // namespace

scxx::Result<PairLayout> compute_pair_layout(unsigned nr_cpu_ids, int64_t stride) {
    if (nr_cpu_ids == 0) return scxx::fail("no possible CPUs");
    const unsigned paired = nr_cpu_ids & ~1u;  // CPUs 0..paired-1 get partners
    if (stride == 0)
        return scxx::fail("--stride 0 would pair every CPU with itself (use 1.." +
                                      std::to_string(nr_cpu_ids - 1) + ", or -1 for nr_cpu_ids/2)");
    if (stride < kAutoStride) return scxx::fail(fmt::format("--stride {} is negative (-1 means nr_cpu_ids/2)", stride));
    if (stride != kAutoStride && static_cast<uint64_t>(stride) >= nr_cpu_ids)
        return scxx::fail(fmt::format("--stride {} is not below nr_cpu_ids {} ({})", stride, nr_cpu_ids,
                                              paired ? stride_hint(paired) : "one CPU: nothing to pair"));
    if (stride != kAutoStride && static_cast<uint64_t>(stride) >= paired)
        return scxx::fail(fmt::format("--stride {} leaves no partner: with {} CPUs, CPUs 0-{} are paired and "
                                              "CPU {} runs alone ({})",
                                              stride, nr_cpu_ids, paired - 1, nr_cpu_ids - 1, stride_hint(paired)));

    PairLayout l;
    l.nr_cpu_ids = nr_cpu_ids;
    l.stride = stride == kAutoStride ? paired / 2 : static_cast<unsigned>(stride);
    l.partner.assign(nr_cpu_ids, -2);  // -2: not assigned yet
    l.pair_id.assign(nr_cpu_ids, 0);
    l.index.assign(nr_cpu_ids, 0);
    for (unsigned i = 0; i < paired; ++i) {
        if (l.partner[i] != -2) continue;
        unsigned j = (i + l.stride) % paired;
        if (j == i)
            return scxx::fail(fmt::format("--stride {} pairs CPU {} with itself ({})", l.stride, i,
                                                  stride_hint(paired)));
        if (l.partner[j] != -2)
            return scxx::fail(fmt::format("--stride {} puts CPUs {}, {} and {} in one pair ({})", l.stride, i,
                                                  j, l.partner[j], stride_hint(paired)));
        l.partner[i] = static_cast<int>(j);
        l.partner[j] = static_cast<int>(i);
        l.pair_id[i] = l.pair_id[j] = l.nr_pairs++;
        l.index[i] = 0;
        l.index[j] = 1;
    }
    if (paired < nr_cpu_ids) {  // the leftover of an odd count runs alone
        l.partner[paired] = -1;
        l.pair_id[paired] = l.nr_pairs++;
        l.index[paired] = 0;
    }
    return l;
}

std::string format_pairs(const PairLayout& l, size_t max_listed) {
    std::vector<unsigned> firsts;  // the lower CPU of each pair, in pair order
    for (unsigned cpu = 0; cpu < l.nr_cpu_ids; ++cpu)
        if (l.partner[cpu] < 0 || static_cast<unsigned>(l.partner[cpu]) > cpu) firsts.push_back(cpu);
    std::string out = "Pairs:";
    if (firsts.size() <= max_listed || max_listed < 4) {
        for (unsigned cpu : firsts) out += " " + one_pair(l, cpu);
        return out;
    }
    size_t head = max_listed - 2;
    for (size_t k = 0; k < head; ++k) out += " " + one_pair(l, firsts[k]);
    out += " ...";
    for (size_t k = firsts.size() - 2; k < firsts.size(); ++k) out += " " + one_pair(l, firsts[k]);
    out += fmt::format(" ({} pairs, stride {})", firsts.size(), l.stride);
    return out;
}

}  // namespace pair_sched
