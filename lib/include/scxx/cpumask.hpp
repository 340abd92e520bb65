// scxx/cpumask.hpp: a CPU set sized by nr_cpu_ids (any size, 8192 and beyond). Parses and prints
// cpulists ("0-3,8"), kernel hex masks ("ff,00000001"), "all" and "none"; set algebra; iteration;
// export as u64 words for BPF arrays. Never packs CPU sets into a single u64.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "scxx/result.hpp"

namespace scxx {

class Cpumask {
public:
    Cpumask() = default;
    explicit Cpumask(unsigned nr_cpus);  // empty mask able to hold CPUs [0, nr_cpus)

    // "0-3,8-11:2" style cpulists (stride optional), "all", "none"/"". Whitespace around tokens is
    // ignored. "N-M:S" takes every S-th CPU from N to M; the kernel's "N-M:U/G" (the first U CPUs
    // of every group of G) is accepted too. Errors (EINVAL) name the bad token and the allowed
    // range, e.g. `cpulist "0-3,x": bad token "x" (expected N or N-M with CPUs 0-7)`; a CPU >=
    // nr_cpus and a reversed range ("5-3") are errors naming them.
    static Result<Cpumask> parse_list(std::string_view text, unsigned nr_cpus);
    // Highest CPU named by a cpulist + 1 (0 for "", "none"); same syntax errors as parse_list
    // ("all" is an error: it has no size of its own). Used to size a mask from e.g. cpu/possible.
    static Result<unsigned> list_span(std::string_view text);
    // Kernel hex format: comma-separated 32-bit hex groups, most significant first ("ff,00000001"),
    // an optional "0x" prefix is accepted. Each group has 1-8 hex digits; without commas any number
    // of digits is one plain hex number ("0x1ffffffff"). Bits at or above nr_cpus are an error.
    static Result<Cpumask> parse_hex(std::string_view text, unsigned nr_cpus);
    // Accepts either form ("all", "none", cpulist, or 0x-prefixed hex).
    static Result<Cpumask> parse(std::string_view text, unsigned nr_cpus);
    static Cpumask all(unsigned nr_cpus);

    unsigned nr_cpus() const { return nr_cpus_; }
    bool test(unsigned cpu) const;
    Result<void> set(unsigned cpu);    // error if cpu >= nr_cpus
    Result<void> clear(unsigned cpu);
    unsigned weight() const;
    bool empty() const { return weight() == 0; }
    int first() const;                 // -1 when empty
    int next(unsigned after) const;    // next set CPU > after, -1 when none

    // Masks of different sizes: binary operators, minus(), subset_of(), intersects() and == treat
    // the smaller mask as zero-extended, and results have the larger nr_cpus. So == compares the
    // CPU sets only ("0-3" of 8 == "0-3" of 16); compare nr_cpus() too when that matters.
    Cpumask operator&(const Cpumask& o) const;
    Cpumask operator|(const Cpumask& o) const;
    Cpumask operator^(const Cpumask& o) const;
    Cpumask operator~() const;         // complement within [0, nr_cpus)
    Cpumask minus(const Cpumask& o) const;
    bool subset_of(const Cpumask& o) const;
    bool intersects(const Cpumask& o) const;
    bool operator==(const Cpumask& o) const;

    std::vector<unsigned> cpus() const;           // ascending
    std::string to_list() const;                  // "0-3,8"; "" when empty
    // Kernel format: ceil(nr_cpus/32) groups (at least one) of 8 hex digits, most significant
    // first; the leading group is not zero-padded ("1", "ff,00000001", "0" when empty).
    std::string to_hex() const;
    // Same CPUs in a mask of another size; CPUs >= nr_cpus are dropped.
    Cpumask resized(unsigned nr_cpus) const;
    std::vector<uint64_t> to_u64_words() const;   // ceil(nr_cpus/64) words, bit i of word w = CPU 64w+i

    // Range-for support: for (unsigned cpu : mask)
    class iterator {
    public:
        iterator(const Cpumask* m, int cpu) : m_(m), cpu_(cpu) {}
        unsigned operator*() const { return static_cast<unsigned>(cpu_); }
        iterator& operator++() { cpu_ = m_->next(static_cast<unsigned>(cpu_)); return *this; }
        bool operator!=(const iterator& o) const { return cpu_ != o.cpu_; }
    private:
        const Cpumask* m_;
        int cpu_;
    };
    iterator begin() const { return iterator(this, first()); }
    iterator end() const { return iterator(this, -1); }

private:
    unsigned nr_cpus_ = 0;
    std::vector<uint64_t> words_;
};

}  // namespace scxx
