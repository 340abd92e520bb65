// fuzz_cpumask.cpp: libFuzzer target for Cpumask's parsers (cpulist, hex, "all"/"none", list_span).
// Input: byte 0 picks nr_cpus, the rest is the text. Whatever parses must print and parse back to
// the same set (to_list, to_hex), and the set's views (weight, cpus, words) must agree.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "scxx/cpumask.hpp"

using scxx::Cpumask;

namespace {

void check(bool ok) {
    if (!ok) std::abort();
}

void check_mask(const Cpumask& m, unsigned nr) {
    check(m.nr_cpus() == nr);
    auto cpus = m.cpus();
    check(cpus.size() == m.weight());
    for (unsigned c : cpus) check(c < nr && m.test(c));
    check(m.to_u64_words().size() == (nr + 63) / 64);
    auto list = Cpumask::parse_list(m.to_list(), nr);
    check(list && *list == m);
    auto hex = Cpumask::parse_hex(m.to_hex(), nr);
    check(hex && *hex == m);
    check((~m).weight() == nr - m.weight());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size == 0) return 0;
    static const unsigned sizes[] = {0, 1, 2, 7, 8, 31, 32, 33, 63, 64, 65, 128, 255, 1024, 4096, 8192};
    unsigned nr = sizes[data[0] & 15];
    if (data[0] & 0x80) nr = data[0] & 0x7f;
    std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);

    if (auto m = Cpumask::parse_list(text, nr)) check_mask(*m, nr);
    if (auto m = Cpumask::parse_hex(text, nr)) check_mask(*m, nr);
    if (auto m = Cpumask::parse(text, nr)) check_mask(*m, nr);
    if (auto span = Cpumask::list_span(text); span && *span <= 65536) {
        auto m = Cpumask::parse_list(text, *span);
        check(m.has_value());
        check(*span == 0 || m->test(*span - 1));
    }
    return 0;
}
