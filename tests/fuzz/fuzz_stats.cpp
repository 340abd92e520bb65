// fuzz_stats.cpp: libFuzzer target for stats_from_json (the client side of the control socket's
// stats and stats_meta). Input: values JSON, a NUL byte, meta JSON. A Stats that parses must format
// as text and JSON, and its own JSON forms must parse back.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "scxx/stats.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view in(reinterpret_cast<const char*>(data), size);
    auto cut = in.find('\0');
    std::string_view values = in.substr(0, cut);
    std::string_view meta = cut == std::string_view::npos ? std::string_view("[]") : in.substr(cut + 1);
    auto stats = scxx::stats_from_json(values, meta);
    if (!stats) {
        if (stats.error().message().empty()) std::abort();
        return 0;
    }
    (void)stats->format(scxx::StatsFormat::text, 1.5, &*stats);
    (void)stats->format(scxx::StatsFormat::json, 1.5);
    (void)scxx::check_stats_meta(*stats);
    std::string v = scxx::stats_values_json(*stats), m = scxx::stats_meta_json(*stats);
    auto again = scxx::stats_from_json(v, m);
    if (!again || again->entries().size() != stats->entries().size()) std::abort();
    return 0;
}
