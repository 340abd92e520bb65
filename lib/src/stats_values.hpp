// stats_values.hpp (private to lib/src): the one place stats values become JSON members, shared by
// the runner's --stats json line (stats.cpp) and the control socket's values (stats_json.cpp).
#pragma once

#include <nlohmann/json.hpp>

#include "scxx/stats.hpp"

namespace scxx::detail {

// Adds "name": value for every entry but sections: counters and gauges as numbers, text as a string,
// CPU sets as a cpulist.
void add_stats_values(nlohmann::ordered_json& j, const Stats& stats);

// Non-UTF-8 bytes in a text entry must not make formatting throw.
inline std::string dump_json(const nlohmann::ordered_json& j) {
    return j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

}  // namespace scxx::detail
